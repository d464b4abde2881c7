/**
 * A batch's jobs, ready to submit: the workflow loaded once, each sweep combination applied and
 * validated (so a bad value is reported here, naming its node and field, before any machine works),
 * and the models identified by content.
 */
import path from 'node:path';
import type { EngineClient } from '../engine/engine-client.js';
import type { EngineConfig } from '../engine/engine-config.js';
import { applyOverrides } from '../engine/widget-overrides.js';
import { formatIssue, type Issue, type Workflow } from '../protocol/index.js';
import { UserFacingError } from '../protocol/user-facing-error.js';
import { batchIdFor, jobNameFor, type FarmJobData } from './farm-job.js';
import { identifyModel, modelNamesIn, type ModelIdentity } from './model-identity.js';
import { isS3Url, parseS3Url } from './s3-location.js';
import { expandSweep, type Sweep } from './sweep.js';

export interface BatchInput {
  workflowFile: string;
  workflowJson: unknown;
  sweep: Sweep;
  /** A folder, or s3://BUCKET/PREFIX. */
  outputDir: string;
  /** Overrides the id derived from the workflow and sweep (reusing an id resumes that batch). */
  batchId?: string;
}

export async function prepareBatch(engine: EngineClient, config: Pick<EngineConfig, 'modelsDir' | 'comfyui'>, input: BatchInput): Promise<FarmJobData[]> {
  const loaded = await engine.request('loadWorkflow', { workflow: input.workflowJson });
  if (!loaded.ok) throw invalid(`${input.workflowFile} cannot run`, loaded.issues);
  const workflow = loaded.workflow;
  const batchId = input.batchId ?? batchIdFor(workflow, input.sweep);
  // A sweep may change the model (mixed families in one batch): each job names its own.
  const identities = new Map<string, ModelIdentity>();
  const jobs: FarmJobData[] = [];
  for (const { index, overrides } of expandSweep(input.sweep, workflow)) {
    const name = jobNameFor(batchId, index);
    const applied = applyOverrides(workflow, overrides);
    if (!applied.ok) throw invalid(`the sweep does not fit ${input.workflowFile}`, applied.issues);
    const { issues } = await engine.request('validate', { workflow: applied.workflow, overrides: [] });
    if (issues.length > 0) throw invalid(`combination ${index} (${describe(overrides)}) of ${input.workflowFile} cannot run`, issues);
    const models = await identifyModels(config, applied.workflow, identities);
    jobs.push({ batchId, name, workflow: applied.workflow, overrides, models, outputDir: outputLocation(input.outputDir) });
  }
  return jobs;
}

async function identifyModels(config: Pick<EngineConfig, 'modelsDir' | 'comfyui'>, workflow: Workflow, known: Map<string, ModelIdentity>): Promise<ModelIdentity[]> {
  const identities: ModelIdentity[] = [];
  for (const name of modelNamesIn(workflow)) {
    const identity = known.get(name) ?? (await identifyModel(config, name));
    if (identity === null) {
      throw new UserFacingError(`the model "${name}" is not in ${config.modelsDir} on this machine, so the batch cannot say which version the workers must use`, {
        field: 'model',
        hint: 'submit from a machine that has the model (pass --models), the same files the workers have',
      });
    }
    known.set(name, identity);
    identities.push(identity);
  }
  return identities;
}

/** A folder as an absolute path (workers may mount it elsewhere: their --out); an S3 URL checked and kept. */
function outputLocation(out: string): string {
  if (!isS3Url(out)) return path.resolve(out);
  parseS3Url(out);
  return out;
}

function describe(overrides: readonly { nodeId: string; field: string; value: unknown }[]): string {
  return overrides.map(({ nodeId, field, value }) => `${nodeId}.${field}=${JSON.stringify(value)}`).join(', ') || 'no changes';
}

function invalid(what: string, issues: readonly Issue[]): UserFacingError {
  const first = issues[0];
  return new UserFacingError(`${what}: ${issues.map(formatIssue).join('; ')}`, {
    ...(first?.field ? { field: first.field } : {}),
    ...(first?.hint ? { hint: first.hint } : {}),
    code: 'invalid_workflow',
  });
}
