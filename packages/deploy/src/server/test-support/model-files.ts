import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTempDir } from '@mlp/core/testing';

/** A temporary folder with the given ONNX models written as `<name>.onnx`; `remove()` when done. */
export async function writeModels(models: Record<string, Uint8Array>) {
  const dir = await createTempDir('mlp-deploy-models-');
  const files: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(models)) {
    files[name] = path.join(dir.path, `${name}.onnx`);
    await writeFile(files[name] as string, bytes);
  }
  return { dir: dir.path, files, remove: () => dir.remove() };
}

/** POSTs JSON and returns the status, headers and parsed body. */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

export async function getJson(url: string) {
  const response = await fetch(url);
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}
