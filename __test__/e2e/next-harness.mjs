// The machinery of the Next.js e2e suite (next-app.test.mjs): installing examples/next-app, building it,
// running it (`next start`, the standalone server, `next dev`) on 127.0.0.1 and a free port, and talking
// to it over HTTP with a cookie jar. Every child runs in its own process group, killed whole; every step
// has its own bound, and none is a speed assertion: the bounds only keep a stuck step from hanging CI.

import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { placePlatformPackage } from '../helpers/example-app.mjs';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const appDir = path.join(repoRoot, 'examples', 'next-app');
export const sdkDist = path.join(repoRoot, 'node_modules', '@auth0', 'nextjs-auth0', 'dist');
const nextBin = path.join(appDir, 'node_modules', 'next', 'dist', 'bin', 'next');
const STAMP = path.join(appDir, 'node_modules', '.session-seal-e2e-stamp');
const LOCK = path.join(appDir, '.e2e.lock');

// ---------------------------------------------------------------------------------------------------------
// Processes

/** The example's environment: none of Jest's, no telemetry, and no AUTH0_* but what a step passes. */
export function appEnv(extra = {}) {
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  for (const key of Object.keys(env)) {
    if (key.startsWith('JEST_') || key === 'NODE_OPTIONS' || key === 'NODE_ENV' || key.startsWith('AUTH0_') || key === 'APP_BASE_URL' || key === 'NEXT_OUTPUT') delete env[key];
  }
  return { ...env, ...extra };
}

/** Kills a detached child's whole process group (SIGTERM, then SIGKILL), and waits for it. */
export async function killGroup(child, graceMs = 5_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const signal = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  let timer;
  const late = new Promise((resolve) => {
    timer = setTimeout(resolve, graceMs, 'late');
  });
  if ((await Promise.race([exited, late])) === 'late') {
    signal('SIGKILL');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2_000))]);
  }
  clearTimeout(timer);
}

const live = new Set();
// Last resort, should the worker exit without afterAll: take the servers' process groups down with it.
process.once('exit', () => {
  for (const child of live) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

/** Runs a command in its own process group with a deadline; resolves with its output, rejects on failure. */
export function run(command, args, { cwd, env, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      killGroup(child, 2_000);
      reject(new Error(`${command} ${args.join(' ')} took over ${timeoutMs / 1000} s:\n${output.slice(-4000)}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      live.delete(child);
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} exited ${code ?? sig}:\n${output.slice(-4000)}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------------------
// Install

const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** What the example's install depends on: its manifest, lockfile and npm settings. */
const installStamp = () => ['package.json', 'package-lock.json', '.npmrc'].map((f) => sha256(path.join(appDir, f))).join(' ');

/** The files `npm pack` puts in session-seal's package: what `install-links` copies into the example. */
function packedFiles() {
  const out = spawnSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  if (out.status !== 0) throw new Error(`npm pack --dry-run failed:\n${out.stderr}`);
  return JSON.parse(out.stdout)[0].files.map((f) => f.path);
}

/** The example's copy of session-seal (`install-links`) holds exactly the packed files, each equal to the repository's. */
function installedCopyIsCurrent() {
  const copy = path.join(appDir, 'node_modules', 'session-seal');
  if (!fs.existsSync(path.join(copy, 'package.json'))) return false;
  const walk = (dir) =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  const present = walk(copy).map((file) => path.relative(copy, file)).sort();
  const expected = packedFiles().sort();
  if (JSON.stringify(present) !== JSON.stringify(expected)) return false;
  return expected.every((file) => sha256(path.join(repoRoot, file)) === sha256(path.join(copy, file)));
}

/** `npm ci` when the example's lockfile changed; otherwise only a stale session-seal copy is replaced. */
export async function installApp(timeoutMs) {
  const env = appEnv(); // no NODE_ENV: `npm ci` must install devDependencies (typescript, @types/*) for the build
  let what;
  if (!(fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8') === installStamp())) {
    what = 'npm ci';
    await run(npm, ['ci', '--no-audit', '--no-fund'], { cwd: appDir, env, timeoutMs });
    fs.writeFileSync(STAMP, installStamp());
  } else if (!installedCopyIsCurrent()) {
    what = 'session-seal re-copied';
    fs.rmSync(path.join(appDir, 'node_modules', 'session-seal'), { recursive: true, force: true });
    await run(npm, ['install', '--no-audit', '--no-fund', '--no-save'], { cwd: appDir, env, timeoutMs });
  } else {
    what = 'install current';
  }
  if (!installedCopyIsCurrent()) throw new Error('examples/next-app/node_modules/session-seal differs from the packed repository after install');
  placePlatformPackage(appDir);
  return what;
}

/** The addon, built if missing or stale (`npm test` has done it already; a direct Jest run may not have). */
export function ensureAddon(timeoutMs) {
  const built = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'ensure-built.mjs')], { cwd: repoRoot, stdio: 'inherit', timeout: timeoutMs });
  if (built.status !== 0) throw new Error('scripts/ensure-built.mjs failed');
}

/**
 * One run at a time per work tree: `npm ci`, `next build` and the servers all use examples/next-app. The lock
 * file holds the owner's pid; a dead owner's lock is taken over. Waits (bounded) for a live owner.
 */
export async function acquireLock(timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    const owner = Number(fs.readFileSync(LOCK, 'utf8').trim());
    let alive = false;
    try {
      process.kill(owner, 0);
      alive = owner > 0;
    } catch (error) {
      alive = error.code === 'EPERM';
    }
    if (!alive) {
      fs.rmSync(LOCK, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`examples/next-app is in use by process ${owner} (${LOCK}) for over ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export function releaseLock() {
  try {
    if (fs.readFileSync(LOCK, 'utf8').trim() === String(process.pid)) fs.rmSync(LOCK, { force: true });
  } catch {
    /* not ours, or gone */
  }
}

// ---------------------------------------------------------------------------------------------------------
// Build and serve

/** `next build` with extra arguments (`--webpack`) and environment; resolves with its output. */
export function buildApp(args, env, timeoutMs) {
  // A previous run's `next dev` leaves route types under .next/dev, which the build type-checks: routes since
  // removed or renamed would fail it.
  fs.rmSync(path.join(appDir, '.next', 'dev'), { recursive: true, force: true });
  return run(process.execPath, [nextBin, 'build', ...args], { cwd: appDir, env: appEnv({ NODE_ENV: 'production', ...env }), timeoutMs });
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released for the server). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the app: `start` (`next start`), `standalone` (`node .next/standalone/server.js`, as a Docker image
 * runs it) or `dev` (`next dev`). Ready once `/api/me` answers 401 (no cookie); fails at once if it exits.
 */
export async function startServer(how, env, timeoutMs) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const serverEnv = appEnv({ NODE_ENV: how === 'dev' ? 'development' : 'production', PORT: String(port), HOSTNAME: '127.0.0.1', ...env });
  const [args, cwd] = {
    start: [[nextBin, 'start', '-H', '127.0.0.1', '-p', String(port)], appDir],
    dev: [[nextBin, 'dev', '-H', '127.0.0.1', '-p', String(port)], appDir],
    standalone: [[path.join(appDir, '.next', 'standalone', 'server.js')], path.join(appDir, '.next', 'standalone')],
  }[how];
  const child = spawn(process.execPath, args, { cwd, env: serverEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const server = {
    base,
    output: () => output,
    stop: async () => {
      await killGroup(child);
      live.delete(child);
    },
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${how} server exited ${child.exitCode ?? child.signalCode}:\n${output}`);
    try {
      const r = await fetch(`${base}/api/me`, { signal: AbortSignal.timeout(Math.max(2_000, deadline - Date.now())) });
      await r.arrayBuffer();
      if (r.status === 401) return server;
    } catch {
      /* not listening yet (or, in dev, still compiling the route) */
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${how} server not ready after ${timeoutMs / 1000} s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// ---------------------------------------------------------------------------------------------------------
// HTTP and cookie jars

/** One request; the body as text and JSON (when it is), the `Set-Cookie` lines, and the response's headers. */
export async function request(base, pathname, { jar, method = 'GET', body, headers: extra = {}, timeoutMs }) {
  const headers = { ...extra };
  if (jar && jar.length) headers.cookie = cookieHeader(jar);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(base + pathname, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text, setCookie: response.headers.getSetCookie(), location: response.headers.get('location'), headers: response.headers };
}

/** A `Cookie` header from `{ name, value }` entries (values are base64url: nothing to encode). */
export const cookieHeader = (jar) => jar.map(({ name, value }) => `${name}=${value}`).join('; ');

/** A `Set-Cookie` line's name, value and attributes (lower-cased keys). */
export function parseSetCookie(line) {
  const [pair, ...attributes] = line.split(';');
  const eq = pair.indexOf('=');
  const attrs = {};
  for (const a of attributes) {
    const i = a.indexOf('=');
    const key = (i < 0 ? a : a.slice(0, i)).trim().toLowerCase();
    attrs[key] = i < 0 ? true : a.slice(i + 1).trim();
  }
  return { name: pair.slice(0, eq).trim(), value: decodeURIComponent(pair.slice(eq + 1).trim()), attrs };
}

/** A browser's jar after a response: sets replace, `Max-Age=0` (or a past `Expires`) deletes. */
export function applySetCookies(jar, lines) {
  const next = new Map(jar.map((c) => [c.name, c.value]));
  for (const line of lines) {
    const { name, value, attrs } = parseSetCookie(line);
    const gone = attrs['max-age'] !== undefined ? Number(attrs['max-age']) <= 0 : attrs.expires && Date.parse(attrs.expires) <= Date.now();
    if (gone) next.delete(name);
    else next.set(name, value);
  }
  return [...next].map(([name, value]) => ({ name, value }));
}
