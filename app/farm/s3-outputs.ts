/**
 * A farm's output store in an S3-compatible bucket (`--out s3://bucket/prefix`): each job's files
 * under keys derived from the job's name, never overwritten. A put is conditional (If-None-Match:
 * *, which S3, MinIO and R2 enforce atomically); a key found already there is kept, as the shared
 * folder keeps a file another worker linked first. Endpoint and credentials come from the worker's
 * environment (the AWS variables) or its --s3-endpoint, never from the job. Loaded only when a
 * job's output is in a bucket: the SDK takes most of a second to load.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { S3Location, S3Settings } from './s3-location.js';

export function s3ClientFor(settings: S3Settings, env: NodeJS.ProcessEnv = process.env): S3Client {
  return new S3Client({
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(settings.endpoint ? { endpoint: settings.endpoint, forcePathStyle: true } : {}),
  });
}

/** The keys (relative to the prefix) a job published earlier. */
export async function publishedKeys(client: S3Client, location: S3Location, pattern: RegExp, jobName: string): Promise<string[]> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: location.bucket, Prefix: `${location.prefix}${jobName}` }));
  return (listed.Contents ?? []).map((object) => (object.Key ?? '').slice(location.prefix.length)).filter((name) => pattern.test(name)).sort();
}

/** Uploads `file` as `name` unless that key exists; true when this call created it. */
export async function putIfAbsent(client: S3Client, location: S3Location, name: string, file: string): Promise<boolean> {
  const Key = `${location.prefix}${name}`;
  // Servers that ignore If-None-Match (some S3 look-alikes) would overwrite: ask first as well.
  if (await exists(client, location.bucket, Key)) return false;
  try {
    await client.send(new PutObjectCommand({ Bucket: location.bucket, Key, Body: await readFile(file), IfNoneMatch: '*', ContentType: contentTypeOf(file) }));
    return true;
  } catch (error) {
    // 412: the key appeared since; 409: a concurrent conditional put to it is under way.
    if (error instanceof S3ServiceException && [409, 412].includes(error.$metadata.httpStatusCode ?? 0)) return false;
    throw error;
  }
}

async function exists(client: S3Client, Bucket: string, Key: string): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket, Key }));
    return true;
  } catch (error) {
    if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return false;
    throw error;
  }
}

function contentTypeOf(file: string): string {
  return path.extname(file).toLowerCase() === '.png' ? 'image/png' : 'application/octet-stream';
}
