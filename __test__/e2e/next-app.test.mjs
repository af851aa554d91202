// End to end, in a real Next.js server: the example app in examples/next-app is installed (npm ci from its
// lockfile, skipped when already current), built (`next build`), started on 127.0.0.1 on a free port with a
// fresh random AUTH0_SECRET, and spoken to over HTTP. Cookies minted by session-seal are read by the SDK's
// `auth0.getSession()`, cookies minted by the real @auth0/nextjs-auth0 (the root devDependency, imported by
// file URL) are read by session-seal's App Router route, Pages Router API route and middleware, and bad
// cookies are refused by all of them. The server's process group is killed in afterAll, pass or fail.
//
// Loopback only; every step is bounded (install, build, readiness, each request).

import { describe, test, expect, beforeAll, afterAll, jest } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  randomSecret,
  randomHex,
  randomB64u,
  randomJwt,
  randomV3Session,
  smallSession,
  typicalSession as anyTypicalSession,
  loadVectors,
  nowSeconds,
  deepClone,
} from '../helpers/fixtures.mjs';

const require = createRequire(import.meta.url);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const appDir = path.join(repoRoot, 'examples', 'next-app');
const sdkDist = path.join(repoRoot, 'node_modules', '@auth0', 'nextjs-auth0', 'dist');
const nextBin = path.join(appDir, 'node_modules', 'next', 'dist', 'bin', 'next');
const STAMP = path.join(appDir, 'node_modules', '.session-seal-e2e-stamp');

const LOCK = path.join(appDir, '.e2e.lock');

// Time budget. Typically: install 0-30 s (npm ci from a cold cache ~30 s), build 10-40 s, start ~1 s, each
// request well under a second; on a busy shared machine several times that. Every step is bounded by its own
// limit and by one deadline for the whole setup. The limits are far above any honest run: they bound a hang
// (the file then fails within ~10 minutes instead of stalling the suite), they never judge speed.
const SETUP_MS = 540_000; // beforeAll: lock + addon + install + build + start
const LOCK_MS = 300_000; // another run of this file in the same tree (a second `npm test`) holds the app
const INSTALL_MS = 360_000;
const BUILD_MS = 360_000;
const READY_MS = 120_000;
const REQUEST_MS = 60_000;
const TEST_MS = 120_000;

const addon = require('../../index.js');

/** The example's Auth0Client domain: a session created for another custom domain is refused. */
const APP_DOMAIN = 'example.invalid';

/** A typical random session (~3 KB) for this app: its MCD metadata, when it has some, names the app's domain. */
function typicalSession() {
  const session = anyTypicalSession();
  if (session.internal.mcd) session.internal.mcd = { ...session.internal.mcd, domain: APP_DOMAIN };
  return session;
}

// ---------------------------------------------------------------------------------------------------------
// Processes

/** Environment for the example's processes: no Jest leftovers, production mode, no telemetry. */
function appEnv(extra) {
  const env = { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', ...extra };
  for (const key of Object.keys(env)) if (key.startsWith('JEST_') || key === 'NODE_OPTIONS') delete env[key];
  return env;
}

/** Kills a detached child's whole process group (SIGTERM, then SIGKILL), and waits for it. */
async function killGroup(child, graceMs = 5_000) {
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

/** Runs a command in its own process group with a deadline; resolves with its output, rejects on failure. */
function run(command, args, { cwd, env, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
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
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} exited ${code ?? sig}:\n${output.slice(-4000)}`));
    });
  });
}

const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** What the example's install depends on: its manifest, lockfile and npm settings. */
const installStamp = () =>
  ['package.json', 'package-lock.json', '.npmrc'].map((f) => sha256(path.join(appDir, f))).join(' ');

/**
 * The example installs session-seal as a copy of the repository's package (`install-links`), so it goes
 * stale whenever the addon is rebuilt: every file of the copy must equal the repository's, and every
 * built addon must be in it.
 */
function installedCopyIsCurrent() {
  const copy = path.join(appDir, 'node_modules', 'session-seal');
  if (!fs.existsSync(path.join(copy, 'package.json'))) return false;
  const walk = (dir) =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  for (const file of walk(copy)) {
    const original = path.join(repoRoot, path.relative(copy, file));
    if (!fs.existsSync(original) || sha256(original) !== sha256(file)) return false;
  }
  return fs
    .readdirSync(repoRoot)
    .filter((name) => /^session-seal\..+\.node$/.test(name))
    .every((name) => fs.existsSync(path.join(copy, name)));
}

async function installApp(log, timeoutMs) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const env = appEnv({ NODE_ENV: '' });
  delete env.NODE_ENV; // npm ci must install devDependencies (typescript, @types/*) for `next build`
  const current = fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8') === installStamp();
  if (!current) {
    log.push('npm ci');
    await run(npm, ['ci', '--no-audit', '--no-fund'], { cwd: appDir, env, timeoutMs });
    fs.writeFileSync(STAMP, installStamp());
  } else if (!installedCopyIsCurrent()) {
    // Only the session-seal copy is out of date (the addon was rebuilt): re-copy just it.
    log.push('session-seal re-copied');
    fs.rmSync(path.join(appDir, 'node_modules', 'session-seal'), { recursive: true, force: true });
    await run(npm, ['install', '--no-audit', '--no-fund', '--no-save'], { cwd: appDir, env, timeoutMs });
  } else {
    log.push('install current');
  }
  if (!installedCopyIsCurrent()) throw new Error('examples/next-app/node_modules/session-seal differs from the repository after install');
}

/**
 * One run at a time per work tree: `npm ci`, `next build` and `next start` all use examples/next-app, and
 * `next build` refuses to run beside another. The lock file holds the owner's pid; a dead owner's lock is
 * taken over. Waits (bounded) for a live owner.
 */
async function acquireLock(timeoutMs) {
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

function releaseLock() {
  try {
    if (fs.readFileSync(LOCK, 'utf8').trim() === String(process.pid)) fs.rmSync(LOCK, { force: true });
  } catch {
    /* not ours, or gone */
  }
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released for the server). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------------------
// HTTP and cookie jars

let server; // the `next start` child
let closed = false; // afterAll has run (a timed-out beforeAll may still be going)
// Last resort, should the worker exit without afterAll: take the server's process group down with it.
process.once('exit', () => {
  if (server && server.exitCode === null && server.signalCode === null) {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});
let serverOutput = '';
let base; // http://127.0.0.1:PORT
let secret; // the server's AUTH0_SECRET, fresh for this run
let sdk; // the real SDK: encrypt, setChunkedCookie, RequestCookies, ResponseCookies, StatelessSessionStore, generateSessionCookie
const timings = [];

async function request(pathname, { cookie, method = 'GET', body } = {}) {
  const headers = {};
  if (cookie) headers.cookie = cookie;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(base + pathname, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: 'manual',
    signal: AbortSignal.timeout(REQUEST_MS),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text, setCookie: response.headers.getSetCookie() };
}

/** A `Cookie` header from `{ name, value }` entries (values are base64url: nothing to encode). */
const header = (entries) => entries.map(({ name, value }) => `${name}=${value}`).join('; ');

/** A `Set-Cookie` line's name, value and attributes (lower-cased keys). */
function parseSetCookie(line) {
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
function applySetCookies(jar, lines) {
  const next = new Map(jar.map((c) => [c.name, c.value]));
  for (const line of lines) {
    const { name, value, attrs } = parseSetCookie(line);
    const gone = attrs['max-age'] !== undefined ? Number(attrs['max-age']) <= 0 : attrs.expires && Date.parse(attrs.expires) <= Date.now();
    if (gone) next.delete(name);
    else next.set(name, value);
  }
  return [...next].map(([name, value]) => ({ name, value }));
}

/** Our SetCookie list as a browser would store it. */
const jarFromSetCookies = (list) => list.filter((c) => !(c.options.maxAge === 0)).map(({ name, value }) => ({ name, value }));

/** Every reader of the app, with the path it answers on. */
const READERS = [
  ['session-seal, App Router route', '/api/me'],
  ['@auth0/nextjs-auth0 auth0.getSession()', '/api/sdk-me'],
  ['session-seal, Pages Router API route', '/api/pages/me'],
];

/** Reads a jar through every route; each must return 200 and the same session (as JSON). */
async function readEverywhere(cookie) {
  const results = {};
  for (const [, pathname] of READERS) {
    const r = await request(pathname, { cookie });
    expect({ pathname, status: r.status, body: r.status === 200 ? 'ok' : r.text }).toEqual({ pathname, status: 200, body: 'ok' });
    results[pathname] = r.json.session;
  }
  expect(results['/api/me']).toEqual(results['/api/sdk-me']);
  expect(results['/api/pages/me']).toEqual(results['/api/sdk-me']);
  return results['/api/sdk-me'];
}

/** Every route refuses the jar with 401, the middleware on /protected too. */
async function refusedEverywhere(cookie) {
  for (const pathname of [...READERS.map(([, p]) => p), '/protected']) {
    const r = await request(pathname, { cookie });
    expect({ pathname, status: r.status }).toEqual({ pathname, status: 401 });
  }
}

/** A session as JSON hands it back (undefined members dropped), plus the `exp` both readers add. */
const asRead = (session) => ({ ...JSON.parse(JSON.stringify(session)), exp: expect.any(Number) });

/** A session of `bytes` (roughly, as JSON) or more: a typical one with more access tokens. */
function sessionOfAtLeast(bytes) {
  const session = typicalSession({ unicode: true });
  session.accessTokens = [];
  while (JSON.stringify(session).length < bytes) {
    session.accessTokens.push({
      accessToken: randomJwt(700),
      audience: `https://${randomHex(4)}.api.example.com/`,
      expiresAt: nowSeconds() + 3600,
      scope: 'read:things write:things',
    });
  }
  return session;
}

const flip = (cookie, index) => {
  const chars = [...cookie];
  chars[index] = chars[index] === 'A' ? 'B' : 'A';
  return chars.join('');
};
/** A cookie with one character of its ciphertext changed (the GCM tag no longer verifies). */
const tamper = (cookie) => {
  const parts = cookie.split('.');
  parts[3] = flip(parts[3], Math.floor(parts[3].length / 2));
  return parts.join('.');
};

// ---------------------------------------------------------------------------------------------------------

beforeAll(async () => {
  const setupDeadline = Date.now() + SETUP_MS - 5_000;
  const left = (limit) => Math.max(1_000, Math.min(limit, setupDeadline - Date.now()));
  let started = Date.now();
  const lap = (label) => {
    timings.push(`${label} ${((Date.now() - started) / 1000).toFixed(1)} s`);
    started = Date.now();
  };

  // The SDK, from the repository's own node_modules (one module at a time: Jest's ESM loader dislikes
  // concurrent imports of a shared graph).
  const importDist = (file) => import(pathToFileURL(path.join(sdkDist, file)).href);
  const cookies = await importDist('server/cookies.js');
  const { StatelessSessionStore } = await importDist('server/session/stateless-session-store.js');
  const { generateSessionCookie } = await importDist('testing/generate-session-cookie.js');
  sdk = { ...cookies, StatelessSessionStore, generateSessionCookie };

  // The example needs the built addon: `npm test` builds it (pretest), `npm run test:e2e` too; a direct
  // Jest run of this file gets it here.
  const built = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'ensure-built.mjs')], { cwd: repoRoot, stdio: 'inherit', timeout: left(SETUP_MS) });
  if (built.status !== 0) throw new Error('scripts/ensure-built.mjs failed');
  lap('addon');

  await acquireLock(left(LOCK_MS));
  lap('lock');

  const log = [];
  await installApp(log, left(INSTALL_MS));
  lap(`install (${log.join(', ')})`);

  // The build never sees the run's secret: a placeholder, as in a CI build.
  await run(process.execPath, [nextBin, 'build'], {
    cwd: appDir,
    env: appEnv({ AUTH0_SECRET: 'build-time-placeholder-secret-not-used-0000', APP_BASE_URL: 'http://127.0.0.1:3000' }),
    timeoutMs: left(BUILD_MS),
  });
  lap('build');

  secret = randomSecret();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [nextBin, 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: appDir,
    env: appEnv({ AUTH0_SECRET: secret, APP_BASE_URL: base }),
    detached: true, // its own process group, killed whole in afterAll
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (closed) {
    await killGroup(server);
    return;
  }
  server.stdout.on('data', (d) => (serverOutput += d));
  server.stderr.on('data', (d) => (serverOutput += d));

  // Ready when a route answers (401: no cookie); bounded, and failing at once if the server exits.
  const deadline = Date.now() + left(READY_MS);
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) throw new Error(`next start exited ${server.exitCode ?? server.signalCode}:\n${serverOutput}`);
    try {
      const r = await fetch(`${base}/api/me`, { signal: AbortSignal.timeout(2_000) });
      await r.arrayBuffer();
      if (r.status === 401) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`next start not ready after ${READY_MS / 1000} s:\n${serverOutput}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  lap('server ready');
}, SETUP_MS);

afterAll(async () => {
  closed = true;
  await killGroup(server);
  releaseLock();
  // Visible in the Jest output: where the time went.
  if (timings.length) console.log(`next-app e2e: ${timings.join(' · ')}`);
}, 60_000); // a SIGTERM, 5 s of grace, a SIGKILL: the limit only bounds a hang

// ---------------------------------------------------------------------------------------------------------

describe('a session-seal cookie jar is read by the SDK (auth0.getSession) in the running app', () => {
  test('SessionCookies.write: the Set-Cookie list, stored as a browser would, gives the SDK the same user and session', async () => {
    const session = smallSession();
    const written = new addon.SessionCookies({ secret }).write(session, null);
    const jar = jarFromSetCookies(written);
    expect(jar.map((c) => c.name)).toEqual(['__session']);
    const read = await readEverywhere(header(jar));
    expect(read).toEqual(asRead(session));
    expect(read.user).toEqual(JSON.parse(JSON.stringify(session.user)));
    expect((await request('/protected', { cookie: header(jar) })).status).toBe(200);
  }, TEST_MS);

  test('generateSessionCookie (ours): the SDK reads the same user', async () => {
    const session = smallSession();
    const cookie = await addon.generateSessionCookie(deepClone(session), { secret });
    const read = await readEverywhere(`__session=${cookie}`);
    expect(read.user).toEqual(session.user);
    expect(read).toEqual(asRead(session));
  }, TEST_MS);
});

describe('an SDK-minted cookie is read by session-seal in the running app', () => {
  test('generateSessionCookie (@auth0/nextjs-auth0/testing): App Router route, Pages Router API route, middleware', async () => {
    const session = typicalSession();
    const cookie = await sdk.generateSessionCookie(deepClone(session), { secret });
    for (const pathname of ['/api/me', '/api/pages/me']) {
      const r = await request(pathname, { cookie: `__session=${cookie}` });
      expect(r.status).toBe(200);
      expect(r.json.session.user).toEqual(JSON.parse(JSON.stringify(session.user)));
      expect(r.json.session).toEqual(asRead(session));
    }
    await readEverywhere(`__session=${cookie}`);
    expect((await request('/protected', { cookie: `__session=${cookie}` })).status).toBe(200);
  }, TEST_MS);
});

describe('chunked sessions (> 3500 bytes, several __session__N cookies) both ways', () => {
  test('session-seal writes the chunks, the SDK reads them', async () => {
    const session = sessionOfAtLeast(7_000);
    const jar = jarFromSetCookies(new addon.SessionCookies({ secret }).write(session, null));
    expect(jar.length).toBeGreaterThanOrEqual(3);
    expect(jar.every((c) => /^__session__\d+$/.test(c.name))).toBe(true);
    const read = await readEverywhere(header(jar));
    expect(read).toEqual(asRead(session));
    expect((await request('/protected', { cookie: header(jar) })).status).toBe(200);
  }, TEST_MS);

  test('the SDK stateless store writes the chunks (and a __FC_0 connection-token cookie), session-seal reads them', async () => {
    const session = sessionOfAtLeast(7_000);
    session.connectionTokenSets = [{ accessToken: randomB64u(120), expiresAt: nowSeconds() + 3600, connection: 'google-oauth2', scope: 'calendar' }];
    const res = new sdk.ResponseCookies(new Headers());
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {}); // the SDK's (once per process) size warning
    try {
      await new sdk.StatelessSessionStore({ secret }).set(new sdk.RequestCookies(new Headers()), res, deepClone(session));
    } finally {
      warn.mockRestore();
    }
    const jar = applySetCookies([], res.getAll().map((c) => new sdk.ResponseCookies(new Headers()).set(c).toString()));
    expect(jar.filter((c) => /^__session__\d+$/.test(c.name)).length).toBeGreaterThanOrEqual(3);
    expect(jar.map((c) => c.name)).toContain('__FC_0');
    const read = await readEverywhere(header(jar));
    // Each connection token set comes back with the `exp` of its own __FC_i cookie (the SDK's doing).
    expect(read).toEqual({
      ...asRead(session),
      connectionTokenSets: session.connectionTokenSets.map((set) => ({ ...set, exp: expect.any(Number) })),
    });
    expect((await request('/protected', { cookie: header(jar) })).status).toBe(200);
  }, TEST_MS);
});

describe('POST /api/touch: session-seal updates the session, the SDK reads the update', () => {
  async function touchThenRead(jar, changes) {
    const before = (await request('/api/sdk-me', { cookie: header(jar) })).json.session;
    const touched = await request('/api/touch', { method: 'POST', cookie: header(jar), body: changes });
    expect(touched.status).toBe(200);
    const lines = touched.setCookie;
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const { attrs } = parseSetCookie(line);
      expect(attrs).toMatchObject({ path: '/', httponly: true, samesite: 'lax' });
      expect(attrs.secure).toBeUndefined(); // the SDK's default for an http:// base URL
    }
    const after = applySetCookies(jar, lines);
    const read = await readEverywhere(header(after));
    expect(read.user).toEqual({ ...before.user, ...changes });
    expect(read.tokenSet).toEqual(before.tokenSet);
    expect(read.internal).toEqual(before.internal);
    // A v4 cookie carries `exp`, rolled forward by the write (a v3 cookie read carries none).
    expect(read.exp).toBeGreaterThanOrEqual(before.exp ?? nowSeconds());
    return { after, lines, read };
  }

  test('a small session: one __session cookie, updated user visible to auth0.getSession()', async () => {
    const session = smallSession();
    const jar = [{ name: '__session', value: await sdk.generateSessionCookie(deepClone(session), { secret }) }];
    const changes = { name: `Touched ${randomHex(4)}`, 'https://example.com/touched': nowSeconds() };
    const { after, lines } = await touchThenRead(jar, changes);
    expect(after.map((c) => c.name)).toEqual(['__session']);
    const set = parseSetCookie(lines.find((l) => l.startsWith('__session=')));
    expect(Number(set.attrs['max-age'])).toBeGreaterThan(0);
  }, TEST_MS);

  test('a chunked session stays chunked across the update', async () => {
    const session = sessionOfAtLeast(7_000);
    const jar = jarFromSetCookies(new addon.SessionCookies({ secret }).write(session, null));
    const { after } = await touchThenRead(jar, { nickname: `chunky-${randomHex(3)}` });
    expect(after.filter((c) => /^__session__\d+$/.test(c.name)).length).toBeGreaterThanOrEqual(3);
    expect(after.find((c) => c.name === '__session')).toBeUndefined();
  }, TEST_MS);

  test('a legacy appSession cookie is replaced by a v4 __session cookie', async () => {
    const v3 = randomV3Session('full');
    const iat = nowSeconds() - 600;
    const cookie = await sdk.encrypt(v3, secret, nowSeconds() + 3600, { iat, uat: iat, exp: nowSeconds() + 3600 });
    const { after, lines } = await touchThenRead([{ name: 'appSession', value: cookie }], { name: 'Upgraded' });
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((c) => /^__session(__\d+)?$/.test(c.name))).toBe(true); // one cookie or chunks, and no appSession
    expect(lines.some((l) => /^appSession=;.*Max-Age=0/i.test(l))).toBe(true);
  }, TEST_MS);

  test('without a session: 401 and no Set-Cookie', async () => {
    const r = await request('/api/touch', { method: 'POST', body: { name: 'x' } });
    expect(r.status).toBe(401);
    expect(r.setCookie).toEqual([]);
  }, TEST_MS);
});

describe('legacy v3 appSession cookies are read by both', () => {
  test.each(loadVectors('v3-legacy-cookies.json').vectors.map((v) => [v.name, v]))(
    '%s, sealed by the SDK encrypt under the run\'s secret with its { iat, uat, exp } header',
    async (_name, vector) => {
      const cookie = await sdk.encrypt(deepClone(vector.session), secret, vector.header.exp, vector.header);
      const read = await readEverywhere(`appSession=${cookie}`);
      // The SDK converts v3 to SessionData (and, unlike v4, adds no `exp`): the vector's expectation.
      expect(read).toEqual(JSON.parse(JSON.stringify(vector.expected.normalized)));
      expect((await request('/protected', { cookie: `appSession=${cookie}` })).status).toBe(200);
    },
    TEST_MS,
  );

  test('a random v3 session, chunked as v3 did (appSession.0, appSession.1, …)', async () => {
    const v3 = randomV3Session('full');
    v3.user.padding = randomB64u(4_000); // forces more than one chunk
    const iat = nowSeconds() - 3600;
    const exp = nowSeconds() + 3600;
    const cookie = await sdk.encrypt(v3, secret, exp, { iat, uat: iat + 5, exp });
    const size = 3_000;
    const jar = [];
    for (let i = 0; i * size < cookie.length; i++) jar.push({ name: `appSession.${i}`, value: cookie.slice(i * size, (i + 1) * size) });
    expect(jar.length).toBeGreaterThanOrEqual(2);
    const read = await readEverywhere(header(jar));
    expect(read.user).toEqual(JSON.parse(JSON.stringify(v3.user)));
    expect(read.internal).toEqual({ sid: v3.user.sid, createdAt: iat });
    expect(read.tokenSet).toMatchObject({ accessToken: v3.accessToken, refreshToken: v3.refreshToken, expiresAt: v3.accessTokenExpiresAt });
  }, TEST_MS);
});

describe('bad cookies are refused by both readers and by the middleware', () => {
  test('a valid cookie passes the middleware on /protected; no cookie does not', async () => {
    const cookie = await sdk.generateSessionCookie(smallSession(), { secret });
    const ok = await request('/protected', { cookie: `__session=${cookie}` });
    expect({ status: ok.status, body: ok.json }).toEqual({ status: 200, body: { protected: true } });
    const none = await request('/protected');
    expect({ status: none.status, body: none.json }).toEqual({ status: 401, body: { error: 'no valid session' } });
  }, TEST_MS);

  test('tampered: one ciphertext character changed (ours and the SDK\'s cookies, plain and chunked)', async () => {
    const ours = new addon.SessionCipher({ secret }).seal(smallSession(), nowSeconds() + 3600);
    const theirs = await sdk.generateSessionCookie(smallSession(), { secret });
    for (const cookie of [ours, theirs]) {
      await readEverywhere(`__session=${cookie}`); // valid before
      await refusedEverywhere(`__session=${tamper(cookie)}`);
    }
    const chunks = jarFromSetCookies(new addon.SessionCookies({ secret }).write(sessionOfAtLeast(7_000), null));
    chunks[1] = { ...chunks[1], value: flip(chunks[1].value, 100) };
    await refusedEverywhere(header(chunks));
  }, TEST_MS);

  test('expired: exp an hour ago (beyond the 15 s tolerance), sealed by the SDK and by session-seal', async () => {
    const past = nowSeconds() - 3600;
    const theirs = await sdk.encrypt(smallSession(), secret, past);
    const ours = new addon.SessionCipher({ secret }).seal(smallSession(), past);
    for (const cookie of [theirs, ours]) await refusedEverywhere(`__session=${cookie}`);
    const legacy = await sdk.encrypt(randomV3Session('full'), secret, past, { iat: past - 60, uat: past - 60, exp: past });
    await refusedEverywhere(`appSession=${legacy}`);
  }, TEST_MS);

  test('sealed under another secret', async () => {
    const other = randomSecret();
    await refusedEverywhere(`__session=${await sdk.generateSessionCookie(smallSession(), { secret: other })}`);
    await refusedEverywhere(`__session=${await addon.generateSessionCookie(smallSession(), { secret: other })}`);
  }, TEST_MS);

  test('past the IdP session ceiling (internal.sessionExpiresAt): auth0.getSession() and the example\'s readSession refuse it', async () => {
    const session = smallSession();
    session.internal.sessionExpiresAt = nowSeconds() - 60;
    await refusedEverywhere(`__session=${await addon.generateSessionCookie(deepClone(session), { secret })}`);
    // Within the SDK's 30 s leeway of the ceiling counts as past it too.
    session.internal.sessionExpiresAt = nowSeconds() + 20;
    await refusedEverywhere(`__session=${await sdk.generateSessionCookie(deepClone(session), { secret })}`);
    session.internal.sessionExpiresAt = nowSeconds() + 600;
    await readEverywhere(`__session=${await sdk.generateSessionCookie(deepClone(session), { secret })}`);
  }, TEST_MS);

  test('created for another custom domain (internal.mcd): the SDK throws SessionDomainMismatchError, readSession refuses', async () => {
    const session = smallSession();
    session.internal.mcd = { domain: 'other-tenant.example.com', issuer: 'https://other-tenant.example.com/' };
    const cookie = `__session=${await addon.generateSessionCookie(deepClone(session), { secret })}`;
    await refusedEverywhere(cookie);
    expect((await request('/api/sdk-me', { cookie })).json.error).toBe('session_domain_mismatch');
    session.internal.mcd = { domain: APP_DOMAIN, issuer: `https://${APP_DOMAIN}/` };
    await readEverywhere(`__session=${await addon.generateSessionCookie(deepClone(session), { secret })}`);
  }, TEST_MS);

  test('the server is still healthy after the refusals (no crash, no 500)', async () => {
    const cookie = await addon.generateSessionCookie(smallSession(), { secret });
    await readEverywhere(`__session=${cookie}`);
    // Only the SDK's own report of the domain mismatch above may be in the log.
    const errors = serverOutput.split('\n').filter((l) => /⨯|\bError\b|unhandled/i.test(l) && !/SessionDomainMismatch|session_domain_mismatch/.test(l));
    expect(errors).toEqual([]);
  }, TEST_MS);
});
