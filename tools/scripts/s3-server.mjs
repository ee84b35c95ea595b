#!/usr/bin/env node
// An S3-protocol server (s3rver) in its own process, for the S3 driver's integration tests and benchmarks.
//
//   node tools/scripts/s3-server.mjs --port 0 --dir /tmp/x [--bucket name ...]
//
// prints {"endpoint":"http://127.0.0.1:PORT",...} as one JSON line on stdout once it listens, and
// stops on SIGINT/SIGTERM. From code: `const { endpoint, stop } = await startS3Server({ dir })`.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

/** s3rver accepts only its own account. */
export const S3_SERVER_CREDENTIALS = Object.freeze({ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1' });

const self = fileURLToPath(import.meta.url);
// s3rver encrypts list continuation tokens with DES, which OpenSSL 3 keeps in its legacy provider.
const LEGACY = '--openssl-legacy-provider';

/**
 * Spawns the server process and resolves once it listens. `dir` holds the buckets (a fresh temporary
 * folder, removed by stop(), when absent); `port` 0 picks a free port; `buckets` are created up front.
 */
export async function startS3Server({ dir, port = 0, buckets = [], readyTimeoutMs = 20_000 } = {}) {
  const ownDir = dir === undefined;
  const directory = dir ?? (await mkdtemp(path.join(tmpdir(), 'mlp-s3rver-')));
  const args = [
    LEGACY,
    self,
    '--port',
    String(port),
    '--dir',
    directory,
    '--exit-with-stdin',
    ...buckets.flatMap((name) => ['--bucket', name]),
  ];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text) => {
    stderr = (stderr + text).slice(-4000);
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const removeDir = async () => {
    if (ownDir) await rm(directory, { recursive: true, force: true });
  };
  try {
    const info = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`s3rver did not start within ${readyTimeoutMs} ms. ${stderr}`)), readyTimeoutMs);
      const lines = createInterface({ input: child.stdout });
      lines.once('line', (line) => {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(line));
        } catch {
          reject(new Error(`s3rver printed ${line} instead of its endpoint. ${stderr}`));
        }
      });
      child.once('error', (error) => reject(error));
      exited.then(({ code, signal }) => reject(new Error(`s3rver exited (${code ?? signal}) before it was ready: ${stderr}`)));
    });
    child.stdout.resume();
    let stopping;
    return {
      ...info,
      dir: directory,
      pid: child.pid,
      stop() {
        stopping ??= (async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
          await removeDir();
        })();
        return stopping;
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    await removeDir();
    throw error;
  }
}

const byteOrder = (a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

async function writeFileAtomic(file, data) {
  const temp = `${file}.${randomBytes(6).toString('hex')}.s3rver-tmp`;
  await writeFile(temp, data);
  await rename(temp, file);
}

/**
 * s3rver's file store falls short of what S3 guarantees and what the driver's contract checks: it
 * writes objects in place (a concurrent or failed PUT leaves a truncated or mixed object, and a GET can
 * read a half-written one), and it lists keys in folder-walk order, not UTF-8 byte order. These patches
 * give this test server S3's behaviour: writes through a temporary file and a rename, reads from one
 * opened file, and sorted listings.
 */
function makeS3rverFaithful() {
  const require = createRequire(import.meta.url);
  const FilesystemStore = require('s3rver/lib/stores/filesystem');
  const S3Object = require('s3rver/lib/models/object');
  const store = FilesystemStore.prototype;

  store.putObject = async function putObject(object) {
    const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(path.dirname(objectPath), { recursive: true });
    // Not named like an object, so listings skip it while it is written.
    const temp = `${objectPath}.${randomBytes(6).toString('hex')}.s3rver-tmp`;
    const md5 = createHash('md5');
    let size = 0;
    try {
      const count = new Transform({
        transform(chunk, _encoding, callback) {
          md5.update(chunk);
          size += chunk.length;
          callback(null, chunk);
        },
      });
      await pipeline(Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content, count, createWriteStream(temp));
      await rename(temp, objectPath);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    const digest = md5.digest('hex');
    await this.putMetadata(object.bucket, object.key, object.metadata, digest);
    return { size, md5: digest };
  };

  store.putMetadata = async function putMetadata(bucket, key, metadata, md5) {
    const json = {
      ...Object.fromEntries(
        Object.entries(metadata).filter(([name]) => S3Object.ALLOWED_METADATA.includes(name) || name.startsWith('x-amz-meta-')),
      ),
    };
    if (md5) await writeFileAtomic(this.getResourcePath(bucket, key, 'object.md5'), md5);
    await writeFileAtomic(this.getResourcePath(bucket, key, 'metadata.json'), JSON.stringify(json, null, 2));
  };

  store.getObject = async function getObject(bucket, key, options) {
    let handle;
    try {
      handle = await open(this.getResourcePath(bucket, key, 'object'), 'r');
    } catch (error) {
      if (error.code === 'ENOENT') return null;
      throw error;
    }
    try {
      // Size and time from the file being read, not from a later look at the path.
      const stats = await handle.stat();
      const metadata = {
        ...(await this.getMetadata(bucket, key)),
        'content-length': stats.size,
        'last-modified': stats.mtime.toUTCString(),
      };
      const ranged = options !== undefined && (options.start !== undefined || options.end);
      const lastByte = Math.max(0, stats.size - 1);
      const range = { start: options?.start || 0, end: Math.min(options?.end || Number.POSITIVE_INFINITY, lastByte) };
      if (range.start < 0 || range.end < range.start) {
        await handle.close();
        const object = new S3Object(bucket, key, null, metadata);
        if (ranged) object.range = range;
        return object;
      }
      const object = new S3Object(bucket, key, handle.createReadStream(range), metadata);
      if (ranged) object.range = range;
      return object;
    } catch (error) {
      await handle.close().catch(() => {});
      if (error.code === 'ENOENT') return null;
      throw error;
    }
  };

  const listInWalkOrder = store.listObjects;
  store.listObjects = async function listObjects(bucket, options) {
    const { startAfter = '', maxKeys = Number.POSITIVE_INFINITY } = options;
    const all = await listInWalkOrder.call(this, bucket, { ...options, startAfter: '', maxKeys: Number.POSITIVE_INFINITY });
    const after = (key) => byteOrder(key, startAfter) > 0;
    const objects = all.objects.filter((object) => after(object.key)).sort((a, b) => byteOrder(a.key, b.key));
    return {
      objects: objects.slice(0, maxKeys),
      commonPrefixes: all.commonPrefixes.filter(after).sort(byteOrder),
      isTruncated: objects.length > maxKeys,
    };
  };
}

function parseArgs(argv) {
  const options = { port: 0, dir: undefined, buckets: [], exitWithStdin: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--port') options.port = Number(value());
    else if (flag === '--dir') options.dir = value();
    else if (flag === '--bucket') options.buckets.push(value());
    else if (flag === '--exit-with-stdin') options.exitWithStdin = true;
    else throw new Error(`Unknown option ${flag}. Usage: s3-server.mjs [--port N] [--dir PATH] [--bucket NAME]...`);
  }
  if (!Number.isInteger(options.port) || options.port < 0) throw new Error('--port must be a whole number (0 picks a free port).');
  return options;
}

async function serve(options) {
  const { default: S3rver } = await import('s3rver');
  makeS3rverFaithful();
  const directory = options.dir ?? (await mkdtemp(path.join(tmpdir(), 'mlp-s3rver-')));
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port,
    directory,
    silent: true,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  const stop = async () => {
    await server.close().catch(() => {});
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // Started by startS3Server: leave when the parent goes, even if it was killed.
  if (options.exitWithStdin) process.stdin.on('end', stop).on('error', stop).resume();
  process.stdout.write(`${JSON.stringify({ endpoint: `http://127.0.0.1:${port}`, ...S3_SERVER_CREDENTIALS, dir: directory })}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === self) {
  const options = parseArgs(process.argv.slice(2));
  if (process.execArgv.includes(LEGACY)) await serve(options);
  else {
    // Run standalone without the flag: start again with it, passing signals and the exit code on.
    const child = spawn(process.execPath, [LEGACY, self, ...process.argv.slice(2)], { stdio: 'inherit' });
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  }
}
