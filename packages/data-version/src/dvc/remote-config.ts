import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { MlpError, writeFileAtomic } from '@mlp/core';
import { type DataLayout, readIniFile } from './data-layout.js';
import { fileError } from './file-hash.js';
import { formatIni, type IniSections, remoteNameOf, remoteSection } from './ini-config.js';

/** A configured remote, as `remote ls` shows it. */
export interface RemoteInfo {
  name: string;
  /** `s3://bucket/prefix` or a folder (absolute, or as written in the config). */
  url: string;
  default: boolean;
  /** S3 only: a custom endpoint (MinIO, s3rver…). */
  endpoint?: string;
  region?: string;
}

/** A remote with everything needed to open it (credentials never leave this object in listings). */
export interface RemoteSettings extends RemoteInfo {
  /** For a folder remote: the absolute folder. */
  folder?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
}

export interface AddRemoteOptions {
  default?: boolean;
  endpoint?: string;
  region?: string;
  /** Replace a remote of the same name. */
  force?: boolean;
}

const remoteName = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Checks the URL is one mlp can transfer to: a folder or `s3://`. */
export function assertRemoteUrl(url: string): void {
  if (url.trim() === '') throw new MlpError('INVALID_ARGUMENT', 'The remote URL is empty; give a folder or s3://bucket/prefix.');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 's3' && scheme !== 'file')
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Remote URL ${JSON.stringify(url)} uses ${scheme}://, which mlp does not support; use a folder or s3://bucket/prefix.`,
    );
}

function isS3(url: string): boolean {
  return /^s3:\/\//i.test(url);
}

function folderOf(url: string, base: string): string {
  const plain = url.replace(/^file:\/\//i, '');
  return path.resolve(base, plain);
}

interface MlpDataConfig {
  defaultRemote?: string;
  remotes?: Record<
    string,
    { url: string; endpoint?: string; region?: string; accessKeyId?: string; secretAccessKey?: string; sessionToken?: string }
  >;
}

async function readMlpConfig(file: string): Promise<MlpDataConfig> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as MlpDataConfig;
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
    return parsed;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new MlpError('INVALID_ARGUMENT', `${file} is not valid JSON (${(error as Error).message}). Fix or delete it.`, { cause: error });
  }
}

/** Reads and writes the project's remotes: DVC's `.dvc/config` (+ `config.local`) or `.mlp/data-config.json`. */
export interface RemoteConfig {
  list(): Promise<RemoteSettings[]>;
  /** The named remote, or the default one; NOT_FOUND / FAILED_PRECONDITION say how to configure it. */
  get(name?: string): Promise<RemoteSettings>;
  add(name: string, url: string, options?: AddRemoteOptions): Promise<void>;
  setDefault(name: string): Promise<void>;
}

export function createRemoteConfig(layout: DataLayout): RemoteConfig {
  const configDir = path.dirname(layout.configFile);

  async function list(): Promise<RemoteSettings[]> {
    if (layout.kind === 'dvc') {
      const [shared, local] = await Promise.all([readIniFile(layout.configFile), readIniFile(layout.localConfigFile as string)]);
      const merged: IniSections = new Map();
      for (const sections of [shared, local])
        for (const [name, entries] of sections) merged.set(name, new Map([...(merged.get(name) ?? []), ...entries]));
      const defaultName = merged.get('core')?.get('remote');
      const remotes: RemoteSettings[] = [];
      for (const [section, entries] of merged) {
        const name = remoteNameOf(section);
        const url = entries.get('url');
        if (name === undefined || url === undefined) continue;
        remotes.push(
          withoutUndefined({
            name,
            url,
            default: name === defaultName,
            endpoint: entries.get('endpointurl'),
            region: entries.get('region'),
            folder: isS3(url) ? undefined : folderOf(url, configDir),
            accessKeyId: entries.get('access_key_id'),
            secretAccessKey: entries.get('secret_access_key'),
            sessionToken: entries.get('session_token'),
          }),
        );
      }
      return remotes;
    }
    const config = await readMlpConfig(layout.configFile);
    return Object.entries(config.remotes ?? {}).map(([name, remote]) =>
      withoutUndefined({
        name,
        url: remote.url,
        default: name === config.defaultRemote,
        endpoint: remote.endpoint,
        region: remote.region,
        folder: isS3(remote.url) ? undefined : folderOf(remote.url, layout.root),
        accessKeyId: remote.accessKeyId,
        secretAccessKey: remote.secretAccessKey,
        sessionToken: remote.sessionToken,
      }),
    );
  }

  async function get(name?: string): Promise<RemoteSettings> {
    const remotes = await list();
    if (name === undefined) {
      const chosen = remotes.find((remote) => remote.default) ?? (remotes.length === 1 ? remotes[0] : undefined);
      if (chosen) return chosen;
      throw new MlpError(
        'FAILED_PRECONDITION',
        remotes.length === 0
          ? 'No remote is configured. Add one with `mlp data remote add NAME URL --default`.'
          : `No default remote among ${remotes.map((remote) => remote.name).join(', ')}. Pass --remote NAME or run \`mlp data remote default NAME\`.`,
      );
    }
    const found = remotes.find((remote) => remote.name === name);
    if (!found)
      throw new MlpError(
        'NOT_FOUND',
        `Unknown remote ${JSON.stringify(name)}${remotes.length ? `; configured: ${remotes.map((remote) => remote.name).join(', ')}` : ''}. Add it with \`mlp data remote add ${name} URL\`.`,
        { details: { remote: name } },
      );
    return found;
  }

  async function add(name: string, url: string, options: AddRemoteOptions = {}): Promise<void> {
    if (!remoteName.test(name))
      throw new MlpError('INVALID_ARGUMENT', `Invalid remote name ${JSON.stringify(name)}: use letters, digits, '.', '-' or '_'.`);
    assertRemoteUrl(url);
    if ((options.endpoint || options.region) && !isS3(url))
      throw new MlpError('INVALID_ARGUMENT', `--endpoint and --region apply to s3:// remotes only, not ${JSON.stringify(url)}.`);
    const existing = (await list()).find((remote) => remote.name === name);
    if (existing && !options.force)
      throw new MlpError('ALREADY_EXISTS', `Remote ${JSON.stringify(name)} already exists (${existing.url}). Pass --force to replace it.`);
    if (layout.kind === 'dvc') {
      const sections = await readIniFile(layout.configFile);
      // DVC stores a relative folder relative to the config file's folder (.dvc/).
      const stored = isS3(url) || path.isAbsolute(url) ? url : path.relative(configDir, path.resolve(layout.root, url)) || '.';
      const entries = new Map<string, string>([['url', stored]]);
      if (options.endpoint) entries.set('endpointurl', options.endpoint);
      if (options.region) entries.set('region', options.region);
      sections.set(remoteSection(name), entries);
      if (options.default) setIniDefault(sections, name);
      await writeConfig(layout.configFile, formatIni(sections));
      return;
    }
    const config = await readMlpConfig(layout.configFile);
    config.remotes = { ...config.remotes, [name]: withoutUndefined({ url, endpoint: options.endpoint, region: options.region }) };
    if (options.default) config.defaultRemote = name;
    await writeMlpConfig(layout.configFile, config);
  }

  async function setDefault(name: string): Promise<void> {
    await get(name);
    if (layout.kind === 'dvc') {
      const sections = await readIniFile(layout.configFile);
      setIniDefault(sections, name);
      await writeConfig(layout.configFile, formatIni(sections));
      return;
    }
    const config = await readMlpConfig(layout.configFile);
    config.defaultRemote = name;
    await writeMlpConfig(layout.configFile, config);
  }

  return { list, get, add, setDefault };
}

function setIniDefault(sections: IniSections, name: string): void {
  const core = sections.get('core') ?? new Map<string, string>();
  core.set('remote', name);
  // [core] first, as `dvc remote default` leaves it.
  const rest = [...sections].filter(([section]) => section !== 'core');
  sections.clear();
  sections.set('core', core);
  for (const [section, entries] of rest) sections.set(section, entries);
}

async function writeMlpConfig(file: string, config: MlpDataConfig): Promise<void> {
  await writeConfig(file, `${JSON.stringify(config, null, 2)}\n`);
}

async function writeConfig(file: string, text: string): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, text);
  } catch (error) {
    throw fileError(error, file, 'write');
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
