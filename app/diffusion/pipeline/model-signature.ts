/**
 * Each pipeline component has a recognisable ONNX signature (diffusers/optimum export names). A
 * session whose inputs do not match — a text encoder where the UNet belongs, say — is refused with
 * both lists, instead of failing later inside ONNX Runtime with a shape error.
 */
import type { ModelSession } from '../../runtime/session.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';

export type ComponentRole = 'text_encoder' | 'text_encoder_2' | 'unet' | 'sdxl_unet' | 'vae_decoder' | 'vae_encoder';

const SIGNATURES: Record<ComponentRole, { inputs: string[]; outputs: string[][] }> = {
  text_encoder: { inputs: ['input_ids'], outputs: [['last_hidden_state']] },
  // SDXL's CLIPTextModelWithProjection: the projected pooled embedding instead of pooler_output.
  text_encoder_2: { inputs: ['input_ids'], outputs: [['text_embeds', 'last_hidden_state']] },
  unet: { inputs: ['sample', 'timestep', 'encoder_hidden_states'], outputs: [['out_sample']] },
  // An SDXL folder's UNet also takes the added conditions (unet-model.ts feeds them when it has them).
  sdxl_unet: { inputs: ['sample', 'timestep', 'encoder_hidden_states', 'text_embeds', 'time_ids'], outputs: [['out_sample']] },
  vae_decoder: { inputs: ['latent_sample'], outputs: [['sample']] },
  // optimum names the encoder's output latent_sample in older exports and latent_parameters in newer ones.
  vae_encoder: { inputs: ['sample'], outputs: [['latent_sample'], ['latent_parameters']] },
};

export function checkSignature(session: ModelSession, role: ComponentRole): void {
  const signature = SIGNATURES[role];
  const missingInputs = signature.inputs.filter((name) => !session.inputNames.includes(name));
  const hasOutputs = signature.outputs.some((names) => names.every((name) => session.outputNames.includes(name)));
  if (missingInputs.length === 0 && hasOutputs) return;
  throw new UserFacingError(
    `${session.source} does not look like a ${role.replaceAll('_', ' ')}: it has inputs (${session.inputNames.join(', ')}) and outputs (${session.outputNames.join(', ')}), ` +
      `but a ${role.replaceAll('_', ' ')} takes ${signature.inputs.join(', ')} and gives ${signature.outputs.map((names) => names.join(' + ')).join(' or ')}`,
  );
}
