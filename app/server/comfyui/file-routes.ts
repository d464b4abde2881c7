/**
 * ComfyUI's file endpoints: GET /view?filename=&subfolder=&type= (output, input or temp; an
 * annotated name "x.png [input]" picks the folder) and POST /upload/image (multipart: image,
 * overwrite, subfolder, type → {name, subfolder, type}). Every path stays inside its folder.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { readBody, sendJson } from '../http-json.js';
import { contentTypeOf, resolveOutputFile } from '../output-file-path.js';
import { folderFileName, isFolderType, type ComfyFolders } from './comfy-folders.js';

/** ComfyUI's default --max-upload-size is 100 MB. */
const MAX_UPLOAD_BYTES = 100 * 2 ** 20;

export async function serveFolderFile(response: ServerResponse, folders: ComfyFolders, query: URLSearchParams): Promise<void> {
  const requestedType = query.get('type') ?? 'output';
  if (!isFolderType(requestedType)) return sendJson(response, 400, { error: `unknown folder type "${requestedType}" (output, input or temp)` });
  const { filename, type } = folderFileName(query.get('filename') ?? '', requestedType);
  const file = resolveOutputFile(folders.dirFor(type), filename, query.get('subfolder') ?? '');
  if (!file.ok) return sendJson(response, file.reason === 'empty' ? 404 : 403, { error: file.reason === 'empty' ? 'no filename given' : `outside the ${type} folder` });
  const info = await stat(file.path).catch(() => null);
  if (!info?.isFile()) return sendJson(response, 404, { error: `no such ${type} file: ${file.relative}` });
  response.writeHead(200, {
    'content-type': contentTypeOf(file.path),
    'content-length': info.size,
    'content-disposition': `filename="${path.basename(file.path).replaceAll('"', '')}"`,
  });
  createReadStream(file.path).pipe(response);
}

export async function uploadImage(request: IncomingMessage, response: ServerResponse, folders: ComfyFolders): Promise<void> {
  const form = await readForm(request);
  if (!form.ok) return sendJson(response, form.status, { error: form.error });
  const image = form.data.get('image');
  if (!(image instanceof File) || image.name === '') return sendJson(response, 400, { error: 'the form has no "image" file' });
  if (/[\\/]/.test(image.name)) return sendJson(response, 400, { error: `the file name "${image.name}" holds a path; name the folder in "subfolder"` });
  const field = (name: string, fallback: string) => String(form.data.get(name) ?? fallback);
  const type = field('type', 'input');
  if (!isFolderType(type)) return sendJson(response, 400, { error: `unknown folder type "${type}" (input, output or temp)` });
  const subfolder = field('subfolder', '');
  const overwrite = ['true', '1'].includes(field('overwrite', ''));
  const bytes = new Uint8Array(await image.arrayBuffer());
  const target = resolveOutputFile(folders.dirFor(type), image.name, subfolder);
  if (!target.ok) return sendJson(response, 400, { error: `"${image.name}" would land outside the ${type} folder` });
  const name = overwrite ? path.basename(target.path) : await freeName(target.path, bytes);
  const file = path.join(path.dirname(target.path), name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, bytes);
  return sendJson(response, 200, { name, subfolder, type });
}

async function readForm(request: IncomingMessage): Promise<{ ok: true; data: FormData } | { ok: false; status: number; error: string }> {
  const contentType = request.headers['content-type'] ?? '';
  if (!contentType.startsWith('multipart/form-data')) return { ok: false, status: 415, error: 'send the image as multipart/form-data' };
  const body = await readBody(request, MAX_UPLOAD_BYTES);
  if (!body.ok) return { ok: false, status: 413, error: `the upload failed or is over ${MAX_UPLOAD_BYTES / 2 ** 20} MiB: ${body.error}` };
  try {
    return { ok: true, data: await new Response(body.bytes, { headers: { 'content-type': contentType } }).formData() };
  } catch (error) {
    return { ok: false, status: 400, error: `the multipart body cannot be read: ${(error as Error).message}` };
  }
}

/**
 * ComfyUI's naming without overwrite: "name (1).png", "name (2).png"… until the name is free, or
 * the same name when that file already holds these bytes (the upload is a duplicate).
 */
async function freeName(wanted: string, bytes: Uint8Array): Promise<string> {
  const { dir, name, ext } = path.parse(wanted);
  const digest = sha256(bytes);
  for (let index = 0; ; index++) {
    const candidate = index === 0 ? `${name}${ext}` : `${name} (${index})${ext}`;
    const existing = await readFile(path.join(dir, candidate)).catch(() => null);
    if (existing === null || sha256(existing) === digest) return candidate;
  }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
