/**
 * Where a farm's outputs go, as the job's `outputDir` says: a shared folder (shared-outputs.ts)
 * or an S3-compatible bucket (s3-outputs.ts). Either way a job's files appear under names derived
 * from the job, whole, and at most once.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { isS3Url, parseS3Url, type S3Location, type S3Settings } from './s3-location.js';
import { outputName, outputNamePattern, publishedOutputs, publishOutputs, stagingFolder } from './shared-outputs.js';

export interface OutputStore {
  /** The names a job published earlier (a retry after they were written, or a second submission). */
  published(jobName: string): Promise<string[]>;
  /** A private folder to render the job into. */
  staging(jobName: string): Promise<string>;
  /** Publishes the rendered files under the job's names (keeping any already there), then removes the staging folder. */
  publish(jobName: string, staging: string, renderedFiles: readonly string[]): Promise<string[]>;
}

export interface OutputStoreOptions {
  /** Where the shared folder is mounted on this machine, when not where the job says. */
  localFolder?: string;
  s3?: S3Settings;
}

const s3Clients = new Map<string, S3Client>();

export async function outputStoreFor(location: string, options: OutputStoreOptions = {}): Promise<OutputStore> {
  if (!isS3Url(location)) return folderStore(path.resolve(options.localFolder ?? location));
  const s3 = await import('./s3-outputs.js');
  const settings = options.s3 ?? {};
  const key = settings.endpoint ?? '';
  const client = s3Clients.get(key) ?? s3.s3ClientFor(settings);
  s3Clients.set(key, client);
  return bucketStore(s3, client, parseS3Url(location));
}

function folderStore(outputDir: string): OutputStore {
  return {
    published: (jobName) => publishedOutputs(outputDir, jobName),
    staging: (jobName) => stagingFolder(outputDir, jobName),
    publish: (_jobName, staging, files) => publishOutputs(outputDir, staging, files),
  };
}

function bucketStore(s3: typeof import('./s3-outputs.js'), client: S3Client, location: S3Location): OutputStore {
  return {
    published: (jobName) => s3.publishedKeys(client, location, outputNamePattern(jobName), jobName),
    staging: async (jobName) => {
      const folder = path.join(tmpdir(), 'scalecrafter-farm-staging', `${jobName}.${randomUUID()}`);
      await mkdir(folder, { recursive: true });
      return folder;
    },
    publish: async (jobName, staging, files) => {
      try {
        const names = files.map((file, k) => outputName(jobName, k, files.length, file));
        for (const [k, file] of files.entries()) await s3.putIfAbsent(client, location, names[k]!, file);
        return names;
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
    },
  };
}
