/** `s3://BUCKET/PREFIX` output locations, read without loading the AWS SDK. */
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
