import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MlpError, type Workspace } from '@mlp/core';
import { extract } from 'tar';

/** What to serve: a path or `models:/` URI, optionally `NAME=` in front to name it. */
export interface ModelSourceSpec {
  /** `models:/name@alias`, `models:/name/3`, a model package folder or `.mlpkg.tgz`, or an `.onnx` file. */
  source: string;
  /** The name clients use in `/v2/models/{name}`; the registry name, the package name or the file name by default. */
  name?: string;
  /** The version the server reports; the registry version, else `1`. */
  version?: string;
}

export type ModelSource = string | ModelSourceSpec;

/** A source opened on disk: an ONNX file, or a model package folder. */
export interface ResolvedSource {
  name: string;
  version: string;
  kind: 'onnx' | 'package';
  /** The `.onnx` file, or the package folder. */
  path: string;
  /** Removes what resolving created (a download, an unpacked archive). */
  cleanup(): Promise<void>;
}

const manifestFile = 'mlp-model.json';
const archiveExtension = '.mlpkg.tgz';
const nameFromFile = (file: string) => path.basename(file).replace(/\.mlpkg\.tgz$|\.onnx$/i, '');

/** `NAME=SOURCE` on the command line names a model; a plain source keeps its own name. */
export function parseModelSource(source: ModelSource): ModelSourceSpec {
  if (typeof source !== 'string') return source;
  const named = /^([A-Za-z0-9][A-Za-z0-9_.-]*)=(.+)$/.exec(source);
  return named ? { name: named[1] as string, source: named[2] as string } : { source };
}

async function packageName(dir: string): Promise<string | undefined> {
  const text = await readFile(path.join(dir, manifestFile), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const name = (JSON.parse(text) as { name?: unknown }).name;
    return typeof name === 'string' && name !== '' ? name : path.basename(dir);
  } catch {
    throw new MlpError('INVALID_ARGUMENT', `${path.join(dir, manifestFile)} is not valid JSON: the model package is damaged.`);
  }
}

async function unpack(file: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mlp-serve-'));
  try {
    await extract({ file, cwd: dir, strict: true });
    return dir;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new MlpError('INVALID_ARGUMENT', `${file} is not a readable model archive: ${(error as Error).message}`, { cause: error });
  }
}

/** What a folder holds: a package (its manifest), one `.onnx` file, or one `.mlpkg.tgz` archive. */
async function openFolder(dir: string, label: string): Promise<{ kind: 'onnx' | 'package' | 'archive'; path: string; name: string }> {
  const name = await packageName(dir);
  if (name !== undefined) return { kind: 'package', path: dir, name };
  const entries = await readdir(dir);
  const onnx = entries.filter((entry) => entry.toLowerCase().endsWith('.onnx'));
  if (onnx.length === 1) return { kind: 'onnx', path: path.join(dir, onnx[0] as string), name: nameFromFile(onnx[0] as string) };
  const archives = entries.filter((entry) => entry.endsWith(archiveExtension));
  if (archives.length === 1)
    return { kind: 'archive', path: path.join(dir, archives[0] as string), name: nameFromFile(archives[0] as string) };
  throw new MlpError(
    'INVALID_ARGUMENT',
    `${label} is neither a model package (no ${manifestFile}) nor a folder with one .onnx file or one ${archiveExtension} archive: serve the file itself.`,
  );
}

/** The registry, opened once per server on first use (only `models:/` sources need it). */
export type RegistryOpener = () => Promise<{
  download(reference: string, outDir: string): Promise<{ version: { name: string; version: number } }>;
}>;

async function fromRegistry(spec: ModelSourceSpec, openRegistry: RegistryOpener | undefined): Promise<ResolvedSource> {
  if (!openRegistry)
    throw new MlpError(
      'FAILED_PRECONDITION',
      `Serving ${spec.source} needs a workspace with the model registry: pass workspace to startModelServer.`,
    );
  const registry = await openRegistry();
  const dir = await mkdtemp(path.join(tmpdir(), 'mlp-serve-'));
  const removeAll = () => rm(dir, { recursive: true, force: true });
  try {
    const { version } = await registry.download(spec.source, dir);
    const found = await openFolder(dir, `Version ${version.version} of '${version.name}'`);
    const unpacked = found.kind === 'archive' ? await unpack(found.path) : undefined;
    return {
      name: spec.name ?? version.name,
      version: spec.version ?? String(version.version),
      kind: unpacked ? 'package' : (found.kind as 'onnx' | 'package'),
      path: unpacked ?? found.path,
      cleanup: async () => {
        await removeAll();
        if (unpacked) await rm(unpacked, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await removeAll();
    throw error;
  }
}

/** Finds a source on disk (downloading registry versions, unpacking archives). */
export async function resolveModelSource(spec: ModelSourceSpec, openRegistry?: RegistryOpener): Promise<ResolvedSource> {
  if (spec.source.startsWith('models:/')) return fromRegistry(spec, openRegistry);
  const file = path.resolve(spec.source);
  const info = await stat(file).catch((error: unknown) => {
    throw new MlpError(
      'NOT_FOUND',
      `No model at ${spec.source}: give an .onnx file, a model package folder or ${archiveExtension}, or models:/NAME@ALIAS.`,
      {
        cause: error,
      },
    );
  });
  const version = spec.version ?? '1';
  const nothing = async () => {};
  if (info.isDirectory()) {
    const found = await openFolder(file, spec.source);
    if (found.kind !== 'archive') return { name: spec.name ?? found.name, version, kind: found.kind, path: found.path, cleanup: nothing };
    return resolveModelSource({ ...spec, source: found.path, name: spec.name ?? found.name, version });
  }
  if (file.endsWith(archiveExtension)) {
    const dir = await unpack(file);
    const name = spec.name ?? (await packageName(dir)) ?? nameFromFile(file);
    return { name, version, kind: 'package', path: dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
  }
  return { name: spec.name ?? nameFromFile(file), version, kind: 'onnx', path: file, cleanup: nothing };
}

/** The registry opener for a workspace: `@mlp/registry` imported and opened on first use. */
export function workspaceRegistry(workspace: Workspace): { open: RegistryOpener; close(): Promise<void> } {
  let opened: Promise<import('@mlp/registry').Registry> | undefined;
  return {
    open: () => {
      opened ??= import('@mlp/registry').then(({ openRegistry }) => openRegistry(workspace));
      return opened;
    },
    async close() {
      if (opened) await (await opened).close();
    },
  };
}

/** The name a source serves under, known before loading: `NAME=`, the registry name, the package's or the file's name. */
export async function modelNameOf(spec: ModelSourceSpec): Promise<string> {
  if (spec.name) return spec.name;
  if (spec.source.startsWith('models:/')) {
    const body = spec.source.slice('models:/'.length);
    const at = body.lastIndexOf('@');
    return at > 0 ? body.slice(0, at) : body.slice(0, Math.max(0, body.lastIndexOf('/'))) || body;
  }
  const file = path.resolve(spec.source);
  const isDir = await stat(file).then(
    (info) => info.isDirectory(),
    () => false,
  );
  return (isDir ? await packageName(file).catch(() => undefined) : undefined) ?? nameFromFile(file);
}
