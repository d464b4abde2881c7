// Which ONNX Runtime execution provider a session asks for, and whether this build has it.
// Policy (which EP to try first, falling back) is decided by the caller; this module only
// maps a name to ORT's session option and says clearly when the EP is not there.
import * as ort from 'onnxruntime-node';
import { UserFacingError } from '../protocol/user-facing-error.js';

export type ExecutionProviderName = 'cpu' | 'webgpu' | 'cuda' | 'dml' | 'coreml';

export const EXECUTION_PROVIDERS: readonly ExecutionProviderName[] = ['cpu', 'webgpu', 'cuda', 'dml', 'coreml'];

/** The execution provider is missing from this onnxruntime-node build or failed to start. */
export function providerUnavailable(name: string, reason: string, options: { cause?: unknown } = {}): UserFacingError {
  return new UserFacingError(`execution provider '${name}' is not available: ${reason}`, { hint: installHint(name), ...options });
}

const INSTALL_HINT: Partial<Record<ExecutionProviderName, string>> = {
  cuda: 'on Linux with an NVIDIA GPU reinstall onnxruntime-node with --onnxruntime-node-install=cuda12',
  dml: 'DirectML ships with onnxruntime-node on Windows only',
  coreml: 'CoreML ships with onnxruntime-node on macOS only',
  webgpu: 'WebGPU needs a Vulkan/Metal/D3D12 driver (on Linux without a GPU: Mesa lavapipe >= 25)',
};

export function installHint(name: string): string {
  return INSTALL_HINT[name as ExecutionProviderName] ?? 'use cpu';
}

/** Backends compiled into this onnxruntime-node (bundled or installable). */
export function listedBackends(): string[] {
  return ort.listSupportedBackends().map((backend) => backend.name);
}

export interface ExecutionProviderOptions {
  /** WebGPU layout for Conv and friends; ORT 1.30 defaults to NHWC (Conv + 2 Transposes). */
  webgpuLayout?: 'NCHW' | 'NHWC';
}

/** The session option for `name`; throws when this build does not list that backend at all. */
export function executionProviderConfig(name: ExecutionProviderName, options: ExecutionProviderOptions = {}): ort.InferenceSession.ExecutionProviderConfig {
  if (!EXECUTION_PROVIDERS.includes(name)) {
    throw new UserFacingError(`execution provider '${String(name)}' is unknown`, { field: 'device', hint: `use one of ${EXECUTION_PROVIDERS.join(', ')}` });
  }
  const listed = listedBackends();
  if (!listed.includes(name)) {
    throw providerUnavailable(name, `this onnxruntime-node build offers ${listed.join(', ')}`);
  }
  if (name === 'webgpu' && options.webgpuLayout) return { name: 'webgpu', preferredLayout: options.webgpuLayout };
  return name;
}
