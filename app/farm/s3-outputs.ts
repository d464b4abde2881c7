/**
 * A farm's output store in an S3-compatible bucket (`--out s3://bucket/prefix`): each job's files
 * under keys derived from the job's name, never overwritten. A put is conditional (If-None-Match:
 * *, which S3, MinIO and R2 enforce atomically); a key found already there is kept, as the shared
 * folder keeps a file another worker linked first. Endpoint and credentials come from the worker's
 * environment (the AWS variables) or its --s3-endpoint, never from the job.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { UserFacingError } from '../protocol/user-facing-error.js';

export interface S3Location {
  bucket: string;
  /** '' or ending in '/'. */
  prefix: string;
}

export interface S3Settings {
  /** An S3-compatible server other than AWS (MinIO, R2…): addressed path-style, as those expect. */
  endpoint?: string;
}

export function isS3Url(location: string): boolean {
  return location.startsWith('s3://');
}

export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!match) throw new UserFacingError(`"${url}" is not an S3 location`, { field: 'out', hint: 'write s3://BUCKET/PREFIX, with a bucket name of 3 to 63 lower-case letters, digits, "." and "-"' });
  const prefix = match[2] ?? '';
  return { bucket: match[1]!, prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/` };
}

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
