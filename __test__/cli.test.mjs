// The `session-seal` command (bin/session-seal.mjs), run for real as a child process: keygen, generate,
// seal and inspect round trips through stdin/stdout, against the real @auth0/nextjs-auth0 4.30.0 (its
// encrypt/decrypt, setChunkedCookie and testing/generateSessionCookie); chunked, Set-Cookie, legacy v3 and
// stateful inputs; rotation and every way to give a secret (AUTH0_SECRET, --secret-file PATH or -, and
// --secret with its warning); every error path with its exit code and one-line message; colour rules. Fresh random secrets every run; the only stored inputs are the SDK-made
// v3 signed cookies of vectors/cookie-jars.json.
//
// Every run goes through `run`/`sh`, which checks that no secret of this file ever appears in its stdout or
// stderr, and that no output carries an ANSI escape unless it was run on a terminal.

import { describe, test, expect, beforeAll, afterAll, jest } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import {
  repoRoot,
  loadAddon,
  loadSdk,
  loadVectors,
  randomSecret,
  randomHex,
  randomInt,
  smallSession,
  typicalSession,
  largeSession,
  randomV3Session,
  flipChar,
  withSegment,
  nowSeconds,
  deepClone,
} from './helpers/fixtures.mjs';

// Each test runs the command as child processes (a Node start and an addon load each): a second or two on an
// idle machine, several times that on a busy one. No test measures speed; the limit only bounds a hang.
jest.setTimeout(120_000);

const require = createRequire(import.meta.url);
const { parseSetCookie } = require('cookie');
const addon = loadAddon();
const { SessionCipher, SessionCookies, planChunkedCookie, serializeSetCookie, validateSession } = addon;

const BIN = path.join(repoRoot, 'bin', 'session-seal.mjs');
const COMMAND_NAMES = ['inspect', 'seal', 'generate', 'keygen', 'demo'];
const ANSI = /\x1b\[/;
const HOUR = 3600;
const DAY = 86400;

let sdk; // encrypt, decrypt, normalizeStatelessSession, generateSessionCookie (testing export)
let sdkCookies; // dist/server/cookies.js: setChunkedCookie, RequestCookies, ResponseCookies
let tmp;

beforeAll(async () => {
  // One import at a time (see fixtures.mjs: Jest's ESM loader and concurrent imports of one module graph).
  sdk = await loadSdk();
  sdkCookies = await import(pathToFileURL(path.join(repoRoot, 'node_modules/@auth0/nextjs-auth0/dist/server/cookies.js')).href);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'session-seal-cli-'));
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------------
// Running the command, and what every run must respect
// ---------------------------------------------------------------------------------------------------

/** Every secret this file hands to the command (random ones and the vectors'): none may ever be printed. */
const SECRETS = new Set();
const RUNS = [];

/** A fresh random secret, registered as one that must never be printed. */
function secret() {
  const value = randomSecret();
  SECRETS.add(value);
  return value;
}

/** The child's environment: the developer's AUTH0_SECRET and colour settings never leak in; `extra` decides. */
function childEnv(extra = {}) {
  const env = { ...process.env };
  for (const name of ['AUTH0_SECRET', 'NO_COLOR', 'FORCE_COLOR']) delete env[name];
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = String(value);
  }
  return env;
}

/** Fails when a run printed a secret, or (off a terminal) an ANSI escape. */
function checkRun(result) {
  for (const [stream, text] of [['stdout', result.stdout], ['stderr', result.stderr]]) {
    for (const s of SECRETS) {
      if (text.includes(s)) throw new Error(`a secret appeared in the ${stream} of: ${result.label}`);
    }
    if (!result.tty && ANSI.test(text)) throw new Error(`an ANSI escape in the ${stream} of: ${result.label} (not a terminal)`);
  }
}

function spawnAndCollect(file, args, { input, env, closeStdout = false, tty = false, label }) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: repoRoot, env: childEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    if (closeStdout) child.stdout.destroy(); // a reader that went away (`… | head`)
    else child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.on('error', () => {}); // the command may exit without reading its input
    child.stdin.end(input ?? '');
    child.on('error', reject);
    child.on('close', (status, signal) => {
      const result = { label, status, signal, stdout, stderr, tty };
      RUNS.push(result);
      try {
        checkRun(result);
        resolve(result);
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** `node bin/session-seal.mjs ...args` with `input` on stdin (empty when not given). */
function run(args, { input, env, closeStdout } = {}) {
  const label = `session-seal ${args.map((a) => (SECRETS.has(a) ? '<secret>' : a.length > 40 ? `${a.slice(0, 37)}…` : a)).join(' ')}`;
  return spawnAndCollect(process.execPath, [BIN, ...args], { input, env, closeStdout, label });
}

/** A shell script (pipelines); `$SS` is `node bin/session-seal.mjs`. */
function sh(script, { env, tty = false } = {}) {
  // (paths without spaces or quotes: $SS is word-split)
  return spawnAndCollect('/bin/sh', ['-c', `SS='${process.execPath} ${BIN}'; ${script}`], { env, tty, label: `sh -c ${script}` });
}

/** A failure: the exit status, and stderr exactly one line `session-seal: CODE: message`. */
function expectFailure(result, status, code) {
  expect({ status: result.status, stderr: result.stderr }).toEqual({
    status,
    stderr: expect.stringMatching(new RegExp(`^session-seal: ${code}: [^\\n]+\\n$`)),
  });
}

function expectSuccess(result) {
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
}

/** The text form of `inspect`: the summary (label → text) and the pretty JSON after the blank line. */
function parseInspect(stdout) {
  const split = stdout.indexOf('\n\n');
  expect(split).toBeGreaterThan(0);
  const summary = Object.fromEntries(
    stdout
      .slice(0, split)
      .split('\n')
      .map((line) => line.match(/^(\S+)\s+(.*)$/).slice(1)),
  );
  return { summary, json: JSON.parse(stdout.slice(split + 2)) };
}

/** `inspect --json`'s one line, parsed. */
function parseReport(result) {
  expect(result.stdout.endsWith('\n')).toBe(true);
  expect(result.stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(result.stdout);
}

/** Set-Cookie lines printed by `--set-cookie`, parsed with the `cookie` package. */
function parseSetCookieLines(stdout) {
  const lines = stdout.trimEnd().split('\n');
  for (const line of lines) expect(line).toMatch(/^Set-Cookie: [^=;\s]+=[^;\s]+; /);
  return lines.map((line) => ({ line, ...parseSetCookie(line.replace(/^Set-Cookie: /, '')) }));
}

const writeTemp = (name, text) => {
  const file = path.join(tmp, `${randomHex(4)}-${name}`);
  fs.writeFileSync(file, text);
  return file;
};

/** Cuts a value into `count` near-equal pieces. */
const cut = (value, count) => {
  const size = Math.ceil(value.length / count);
  return Array.from({ length: count }, (_, i) => value.slice(i * size, (i + 1) * size));
};
const shuffle = (list) => list.map((v) => [Math.random(), v]).sort((a, b) => a[0] - b[0]).map(([, v]) => v);

/** The session a cookie printed: the SDK's own reading, as JSON (undefined members dropped). */
async function sdkSession(cookie, key) {
  const decrypted = await sdk.decrypt(cookie, key);
  expect(decrypted).not.toBeNull();
  return deepClone(sdk.normalizeStatelessSession(decrypted));
}

const small = (options) => smallSession(options);
const typical = (options) => typicalSession(options);
const large = (options) => largeSession(options);
const v3Session = (variant, options) => randomV3Session(variant, options);

const randomSub = () => `auth0|${randomHex(12)}`;

// ---------------------------------------------------------------------------------------------------
// keygen
// ---------------------------------------------------------------------------------------------------

describe('keygen', () => {
  test('prints 32 random bytes as 64 hex characters, different every time, and the secret works', async () => {
    const runs = await Promise.all([run(['keygen']), run(['keygen']), run(['keygen'])]);
    for (const r of runs) {
      expectSuccess(r);
      expect(r.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    }
    expect(new Set(runs.map((r) => r.stdout)).size).toBe(3);

    const generated = runs[0].stdout.trim(); // printing it is keygen's job; it is not registered in SECRETS
    const cookie = await run(['generate', '--sub', 'auth0|k'], { env: { AUTH0_SECRET: generated } });
    expectSuccess(cookie);
    expect(new SessionCipher({ secret: generated }).unseal(cookie.stdout.trim()).user.sub).toBe('auth0|k');
  });
});

// ---------------------------------------------------------------------------------------------------
// generate → inspect
// ---------------------------------------------------------------------------------------------------

describe('generate → inspect', () => {
  test('the generated value piped into inspect on stdin: text summary and --json, the SDK generateSessionCookie shape', async () => {
    const key = secret();
    const sub = randomSub();
    const before = nowSeconds();
    const generated = await run(['generate', '--sub', sub], { env: { AUTH0_SECRET: key } });
    const after = nowSeconds();
    expectSuccess(generated);
    expect(generated.stdout).toMatch(/^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/);

    const json = await run(['inspect', '--json'], { input: generated.stdout, env: { AUTH0_SECRET: key } });
    expectSuccess(json);
    const report = parseReport(json);
    // The text form, seen from the moment the cookie was made (however long the runs took).
    const text = await run(['inspect', '--now', String(report.session.internal.createdAt)], { input: generated.stdout, env: { AUTH0_SECRET: key } });
    expectSuccess(text);

    expect(report).toEqual(
      expect.objectContaining({ cookie: '__session', chunks: [], format: 'v4', keyIndex: 0, overBudget: false, connectionCookies: 0 }),
    );
    expect(report.protectedHeader).toEqual({ alg: 'dir', enc: 'A256GCM' });
    const { session } = report;
    expect(session.user).toEqual({ sub });
    // As the SDK's generateSessionCookie: internal defaults to { sid: 'auth0-sid', createdAt: now }, exp = now + 1 h.
    expect(session.internal).toEqual({ sid: 'auth0-sid', createdAt: expect.any(Number) });
    expect(session.internal.createdAt).toBeGreaterThanOrEqual(before);
    expect(session.internal.createdAt).toBeLessThanOrEqual(after);
    expect(session.exp).toBe(session.internal.createdAt + HOUR);
    expect(session.tokenSet).toEqual({ accessToken: expect.any(String), expiresAt: session.internal.createdAt + HOUR });
    expect(report.payload).toEqual(session);
    expect(report.bytes).toBe(`__session=${generated.stdout.trim()}`.length);

    const { summary, json: printed } = parseInspect(text.stdout);
    expect(printed).toEqual(session);
    expect(summary.format).toBe('v4 session cookie (__session)');
    expect(summary.secret).toBe('#0 (the newest) of 1');
    expect(summary.issued).toMatch(/ \(now\)$/);
    expect(summary.expires).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d .+ \(in 1 h\)$/);
    expect(summary.size).toBe(`${report.bytes} bytes in 1 cookie, within the SDK's 4096-byte budget`);
  });

  test('a real shell pipeline, and a writer slower than the reader (`generate | inspect`)', async () => {
    const key = secret();
    const sub = randomSub();
    const cookie = (await run(['generate', '--sub', sub], { env: { AUTH0_SECRET: key } })).stdout.trim();
    const [pipeline, slow] = await Promise.all([
      sh('$SS generate --sub "$SUB" | $SS inspect --json', { env: { AUTH0_SECRET: key, SUB: sub } }),
      // inspect starts reading before anything is written: it must wait, not report "no input".
      sh('{ sleep 0.4; printf "%s\\n" "$COOKIE"; } | $SS inspect --json', { env: { AUTH0_SECRET: key, COOKIE: cookie } }),
    ]);
    for (const r of [pipeline, slow]) {
      expectSuccess(r);
      const report = parseReport(r);
      expect(report.format).toBe('v4');
      expect(report.session.user.sub).toBe(sub);
    }
  });

  test('profile fields, tokens and --sid are in the session', async () => {
    const key = secret();
    const fields = {
      sub: randomSub(),
      name: `Zoë 李 ${randomHex(3)}`,
      email: `${randomHex(5)}@example.com`,
      nickname: `nick-${randomHex(3)}`,
      picture: `https://example.com/${randomHex(8)}.png?s=480&r=pg`,
    };
    const tokens = { 'access-token': randomHex(40), 'id-token': `${randomHex(10)}.${randomHex(40)}.${randomHex(20)}`, 'refresh-token': randomHex(20), scope: 'openid profile email' };
    const sid = randomHex(16);
    const args = ['generate', '--sid', sid];
    for (const [flag, value] of Object.entries({ ...fields, ...tokens })) args.push(`--${flag}`, value);
    const generated = await run(args, { env: { AUTH0_SECRET: key } });
    expectSuccess(generated);
    const report = parseReport(await run(['inspect', '--json'], { input: generated.stdout, env: { AUTH0_SECRET: key } }));
    expect(report.session.user).toEqual(fields);
    expect(report.session.tokenSet).toEqual({
      accessToken: tokens['access-token'],
      idToken: tokens['id-token'],
      refreshToken: tokens['refresh-token'],
      scope: tokens.scope,
      expiresAt: report.session.exp,
    });
    expect(report.session.internal).toEqual({ sid, createdAt: report.session.exp - HOUR });
  });

  test('a cookie generated by the command is what the SDK\'s own decrypt reads', async () => {
    const key = secret();
    const sub = randomSub();
    const generated = await run(['generate', '--sub', sub, '--email', 'a@example.com'], { env: { AUTH0_SECRET: key } });
    expectSuccess(generated);
    const cookie = generated.stdout.trim();
    const decrypted = await sdk.decrypt(cookie, key);
    expect(decrypted.payload).toEqual(new SessionCipher({ secret: key }).unseal(cookie));
    expect(decrypted.payload.user).toEqual({ sub, email: 'a@example.com' });
    expect(decrypted.payload.internal.sid).toBe('auth0-sid');
    expect(decrypted.payload.exp).toBe(decrypted.payload.internal.createdAt + HOUR);
    expect(decrypted.protectedHeader).toEqual({ alg: 'dir', enc: 'A256GCM' });
  });

  test('a cookie from the SDK\'s generateSessionCookie (@auth0/nextjs-auth0/testing) is inspected correctly', async () => {
    const key = secret();
    const session = typical();
    delete session.internal; // the SDK fills in { sid: 'auth0-sid', createdAt }
    const cookie = await sdk.generateSessionCookie(deepClone(session), { secret: key });
    const expected = await sdkSession(cookie, key);
    expect(expected.internal.sid).toBe('auth0-sid');
    const [json, text] = await Promise.all([
      run(['inspect', '--json'], { input: `${cookie}\n`, env: { AUTH0_SECRET: key } }),
      run(['inspect', cookie], { env: { AUTH0_SECRET: key } }),
    ]);
    expectSuccess(json);
    expectSuccess(text);
    const report = parseReport(json);
    expect(report.format).toBe('v4');
    expect(report.keyIndex).toBe(0);
    expect(report.session).toEqual(expected);
    expect(parseInspect(text.stdout).json).toEqual(expected);
  });

  test('--set-cookie prints the Set-Cookie line of a one-hour __session cookie', async () => {
    const key = secret();
    const sub = randomSub();
    const result = await run(['generate', '--sub', sub, '--name', 'Jane', '--set-cookie'], { env: { AUTH0_SECRET: key } });
    expectSuccess(result);
    const [cookie, ...more] = parseSetCookieLines(result.stdout);
    expect(more).toEqual([]);
    expect(cookie).toEqual(expect.objectContaining({ name: '__session', path: '/', maxAge: HOUR, httpOnly: true, sameSite: 'lax' }));
    const session = new SessionCipher({ secret: key }).unseal(cookie.value);
    expect(session.user).toEqual({ sub, name: 'Jane' }); // --name is the user's name here, not the cookie's
    expect(Math.abs(cookie.expires.getTime() / 1000 - session.exp)).toBeLessThanOrEqual(2);
    // The lines themselves are an inspect input.
    const report = parseReport(await run(['inspect', '--json'], { input: result.stdout, env: { AUTH0_SECRET: key } }));
    expect(report.session).toEqual(session);
  });

  test('generate without --sub (and without --stateful) is bad usage', async () => {
    expectFailure(await run(['generate'], { env: { AUTH0_SECRET: secret() } }), 2, 'ERR_USAGE');
  });
});

describe('generate --stateful', () => {
  test('a new random id, or the --id given: format stateful-id, readable by the SDK', async () => {
    const key = secret();
    const id = randomHex(16);
    const before = nowSeconds();
    const [random, given] = await Promise.all([
      run(['generate', '--stateful'], { env: { AUTH0_SECRET: key } }),
      run(['generate', '--stateful', '--id', id], { env: { AUTH0_SECRET: key } }),
    ]);
    const after = nowSeconds();
    expectSuccess(random);
    expectSuccess(given);
    const [randomReport, givenReport, givenText] = await Promise.all([
      run(['inspect', '--json'], { input: random.stdout, env: { AUTH0_SECRET: key } }).then(parseReport),
      run(['inspect', '--json'], { input: given.stdout, env: { AUTH0_SECRET: key } }).then(parseReport),
      run(['inspect'], { input: given.stdout, env: { AUTH0_SECRET: key } }),
    ]);
    expect(randomReport.format).toBe('stateful-id');
    expect(randomReport.payload.id).toMatch(/^[0-9a-f]{32}$/);
    expect(randomReport.payload.id).not.toBe(id);
    expect(randomReport.session).toBeNull();
    expect(givenReport).toEqual(expect.objectContaining({ format: 'stateful-id', keyIndex: 0, session: null }));
    expect(givenReport.payload).toEqual({ id, exp: expect.any(Number) });
    // One hour from when it was made (bracketed by the clock around the runs).
    expect(givenReport.payload.exp).toBeGreaterThanOrEqual(before + HOUR);
    expect(givenReport.payload.exp).toBeLessThanOrEqual(after + HOUR);

    expectSuccess(givenText);
    const { summary, json } = parseInspect(givenText.stdout);
    expect(summary.format).toBe('stateful session id cookie (the session lives in a store) (__session)');
    expect(json).toEqual(givenReport.payload);

    expect((await sdk.decrypt(given.stdout.trim(), key)).payload).toEqual(givenReport.payload);
  });

  test('--stateful --set-cookie: one __session line holding the id', async () => {
    const key = secret();
    const id = randomHex(16);
    const result = await run(['generate', '--stateful', '--id', id, '--set-cookie'], { env: { AUTH0_SECRET: key } });
    expectSuccess(result);
    const [cookie, ...more] = parseSetCookieLines(result.stdout);
    expect(more).toEqual([]);
    expect(cookie).toEqual(expect.objectContaining({ name: '__session', maxAge: HOUR, httpOnly: true }));
    expect(new SessionCipher({ secret: key }).open(cookie.value).payload.id).toBe(id);
  });

  test.each([
    ['not hex', 'xyz'],
    ['31 characters', randomHex(16).slice(1)],
    ['33 characters', `${randomHex(16)}a`],
    ['upper case', randomHex(16).toUpperCase().replace(/^[0-9]/, 'A')],
    ['empty', ''],
  ])('a bad --id (%s) is bad usage, exit 2', async (_label, id) => {
    const result = await run(['generate', '--stateful', '--id', id], { env: { AUTH0_SECRET: secret() } });
    expectFailure(result, 2, 'ERR_USAGE');
    expect(result.stderr).toContain('--id');
    expect(result.stdout).toBe('');
  });
});

// ---------------------------------------------------------------------------------------------------
// seal
// ---------------------------------------------------------------------------------------------------

describe('seal', () => {
  test('a JSON session from a file, from stdin and from `-`: a value our cipher and the SDK open', async () => {
    const key = secret();
    const session = typical();
    const text = JSON.stringify(session, null, 2);
    const file = writeTemp('session.json', text);
    const before = nowSeconds();
    const results = await Promise.all([
      run(['seal', file], { env: { AUTH0_SECRET: key } }),
      run(['seal'], { input: text, env: { AUTH0_SECRET: key } }),
      run(['seal', '-'], { input: text, env: { AUTH0_SECRET: key } }),
    ]);
    const after = nowSeconds();
    const values = [];
    for (const result of results) {
      expectSuccess(result);
      expect(result.stdout).toMatch(/^[A-Za-z0-9_.-]+\n$/);
      const value = result.stdout.trim();
      values.push(value);
      const opened = new SessionCipher({ secret: key }).open(value);
      expect(opened.keyIndex).toBe(0);
      expect(opened.payload).toEqual({ ...deepClone(session), exp: expect.any(Number) });
      // default lifetime: the SDK's inactivity duration, one day
      expect(opened.payload.exp).toBeGreaterThanOrEqual(before + DAY);
      expect(opened.payload.exp).toBeLessThanOrEqual(after + DAY);
      expect((await sdk.decrypt(value, key)).payload).toEqual(opened.payload);
    }
    expect(new Set(values).size).toBe(3); // fresh IVs
    // and back through inspect
    const report = parseReport(await run(['inspect', '--json'], { input: results[1].stdout, env: { AUTH0_SECRET: key } }));
    expect(report.session).toEqual({ ...deepClone(session), exp: report.payload.exp });
  });

  test('--set-cookie --max-age: one __session line whose Max-Age and exp follow --max-age', async () => {
    const key = secret();
    const session = small(); // well under the 3500-byte chunk size
    const maxAge = randomInt(60, 5000);
    const before = nowSeconds();
    const result = await run(['seal', '--set-cookie', '--max-age', String(maxAge)], { input: JSON.stringify(session), env: { AUTH0_SECRET: key } });
    const after = nowSeconds();
    expectSuccess(result);
    const cookies = parseSetCookieLines(result.stdout);
    expect(cookies).toHaveLength(1);
    const [cookie] = cookies;
    expect(cookie).toEqual(expect.objectContaining({ name: '__session', path: '/', maxAge, httpOnly: true, sameSite: 'lax' }));
    expect(cookie.line).toContain(`; Max-Age=${maxAge};`);
    const { exp } = new SessionCipher({ secret: key }).open(cookie.value).payload;
    expect(exp).toBeGreaterThanOrEqual(before + maxAge);
    expect(exp).toBeLessThanOrEqual(after + maxAge);
    expect(Math.abs(cookie.expires.getTime() / 1000 - exp)).toBeLessThanOrEqual(2);
    expect((await sdk.decrypt(cookie.value, key)).payload).toEqual({ ...deepClone(session), exp });
  });

  test('a large session (> 3500 bytes) with --set-cookie: __session__0..N lines whose joined values open', async () => {
    const key = secret();
    const session = large();
    const maxAge = randomInt(600, 7200);
    const result = await run(['seal', '--set-cookie', '--max-age', String(maxAge)], { input: JSON.stringify(session), env: { AUTH0_SECRET: key } });
    expectSuccess(result);
    const cookies = parseSetCookieLines(result.stdout);
    expect(cookies.length).toBeGreaterThanOrEqual(3);
    expect(cookies.map((c) => c.name)).toEqual(cookies.map((_, i) => `__session__${i}`));
    for (const c of cookies) {
      expect(c).toEqual(expect.objectContaining({ maxAge, path: '/', httpOnly: true, sameSite: 'lax' }));
      expect(c.value.length).toBeLessThanOrEqual(3500);
      expect(c.value.length).toBeGreaterThan(0);
    }
    const joined = cookies.map((c) => c.value).join('');
    expect(joined.length).toBeGreaterThan(3500);
    const opened = new SessionCipher({ secret: key }).open(joined);
    expect(opened.payload).toEqual({ ...deepClone(session), exp: expect.any(Number) });
    expect((await sdk.decrypt(joined, key)).payload).toEqual(opened.payload);

    // The same lines, as a Set-Cookie list for inspect: joined, counted, over budget.
    const [json, text] = await Promise.all([
      run(['inspect', '--json'], { input: result.stdout, env: { AUTH0_SECRET: key } }),
      run(['inspect'], { input: result.stdout, env: { AUTH0_SECRET: key } }),
    ]);
    const report = parseReport(json);
    expect(report.chunks).toEqual(cookies.map((c) => c.name));
    expect(report.overBudget).toBe(true);
    expect(report.session).toEqual(opened.payload);
    const { summary } = parseInspect(text.stdout);
    expect(summary.format).toBe(`v4 session cookie (__session, ${cookies.length} chunks)`);
    expect(summary.size).toBe(`${report.bytes} bytes in ${cookies.length} cookies, over the SDK's 4096-byte budget`);
  });

  test('--name names the cookie and its chunks; inspect --name reads them back', async () => {
    const key = secret();
    const name = `app_${randomHex(3)}`;
    const session = large({ unicode: false });
    const result = await run(['seal', '--set-cookie', '--name', name], { input: JSON.stringify(session), env: { AUTH0_SECRET: key } });
    expectSuccess(result);
    const cookies = parseSetCookieLines(result.stdout);
    expect(cookies.map((c) => c.name)).toEqual(cookies.map((_, i) => `${name}__${i}`));
    const [named, unnamed] = await Promise.all([
      run(['inspect', '--json', '--name', name], { input: result.stdout, env: { AUTH0_SECRET: key } }),
      run(['inspect'], { input: result.stdout, env: { AUTH0_SECRET: key } }),
    ]);
    const report = parseReport(named);
    expect(report.cookie).toBe(name);
    expect(report.session.user).toEqual(deepClone(session.user));
    expectFailure(unnamed, 1, 'ERR_NO_SESSION_COOKIE');
  });

  test('an invalid session: exit 1, every problem listed by path, then the ERR_SESSION_INVALID line', async () => {
    const key = secret();
    const session = typical();
    delete session.user.sub;
    session.tokenSet.expiresAt = 'tomorrow';
    session.internal.createdAt = null;
    session.accessTokens = [{ accessToken: randomHex(8), expiresAt: nowSeconds() + 60 }]; // no audience
    const expected = validateSession(session);
    expect(expected.valid).toBe(false);
    const paths = expected.errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['user.sub', 'tokenSet.expiresAt', 'internal.createdAt', 'accessTokens[0].audience']));

    const file = writeTemp('invalid.json', JSON.stringify(session));
    const results = await Promise.all([
      run(['seal', file], { env: { AUTH0_SECRET: key } }),
      run(['seal', '--set-cookie'], { input: JSON.stringify(session), env: { AUTH0_SECRET: key } }),
    ]);
    for (const result of results) {
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trimEnd().split('\n');
      const last = lines.pop();
      expect(last).toBe(`session-seal: ERR_SESSION_INVALID: the session has ${paths.length} problems (listed above)`);
      expect(lines).toEqual(expected.errors.map(({ path: p, message }) => `  ${p}: ${message}`));
    }
  });

  test('a single problem is listed too; a value that is not an object is invalid', async () => {
    const key = secret();
    const session = typical();
    delete session.tokenSet.accessToken;
    const [one, array] = await Promise.all([
      run(['seal'], { input: JSON.stringify(session), env: { AUTH0_SECRET: key } }),
      run(['seal'], { input: '[1, 2]', env: { AUTH0_SECRET: key } }),
    ]);
    expect(one.status).toBe(1);
    expect(one.stderr).toMatch(/^ {2}tokenSet\.accessToken: .+\nsession-seal: ERR_SESSION_INVALID: the session has 1 problem \(listed above\)\n$/);
    expect(array.status).toBe(1);
    expect(array.stderr).toMatch(/\nsession-seal: ERR_SESSION_INVALID: [^\n]+\n$/);
  });

  test('--no-validate seals any JSON object', async () => {
    const key = secret();
    const payload = { anything: randomHex(8), nested: { list: [1, 'two', null] } };
    const result = await run(['seal', '--no-validate'], { input: JSON.stringify(payload), env: { AUTH0_SECRET: key } });
    expectSuccess(result);
    expect(new SessionCipher({ secret: key }).open(result.stdout.trim()).payload).toEqual({ ...payload, exp: expect.any(Number) });
  });

  test('bad JSON (file or stdin): exit 1, ERR_INVALID_JSON', async () => {
    const key = secret();
    const file = writeTemp('bad.json', '{"user": {"sub": "x"},');
    const results = await Promise.all([
      run(['seal', file], { env: { AUTH0_SECRET: key } }),
      run(['seal'], { input: '{"user":', env: { AUTH0_SECRET: key } }),
      run(['seal'], { input: 'not json at all', env: { AUTH0_SECRET: key } }),
    ]);
    for (const result of results) {
      expectFailure(result, 1, 'ERR_INVALID_JSON');
      expect(result.stdout).toBe('');
    }
  });

  test('a missing file: exit 1, naming the file', async () => {
    const missing = path.join(tmp, `missing-${randomHex(4)}.json`);
    const result = await run(['seal', missing], { env: { AUTH0_SECRET: secret() } });
    expectFailure(result, 1, 'ERR_INPUT');
    expect(result.stderr).toContain(missing);
    expect(result.stderr).toContain('ENOENT');
  });

  test('no input (empty or blank stdin): exit 2', async () => {
    const key = secret();
    const results = await Promise.all([
      run(['seal'], { env: { AUTH0_SECRET: key } }),
      run(['seal'], { input: ' \n\t\n', env: { AUTH0_SECRET: key } }),
      run(['seal', '-'], { input: '', env: { AUTH0_SECRET: key } }),
    ]);
    for (const result of results) {
      expectFailure(result, 2, 'ERR_USAGE');
      expect(result.stderr).toContain('no input');
    }
  });

  test.each([['0'], ['-60'], ['1.5'], ['soon'], ['']])('--max-age %j is bad usage, exit 2', async (maxAge) => {
    const result = await run(['seal', '--max-age', maxAge], { input: JSON.stringify(typical()), env: { AUTH0_SECRET: secret() } });
    expectFailure(result, 2, 'ERR_USAGE');
    expect(result.stderr).toContain('--max-age');
  });

  test('two files are bad usage', async () => {
    const file = writeTemp('s.json', JSON.stringify(typical()));
    expectFailure(await run(['seal', file, file], { env: { AUTH0_SECRET: secret() } }), 2, 'ERR_USAGE');
  });
});

// ---------------------------------------------------------------------------------------------------
// inspect: the inputs it understands
// ---------------------------------------------------------------------------------------------------

describe('inspect inputs', () => {
  test('a bare value as an argument, and a whole Cookie header with other cookies (with or without `Cookie:`)', async () => {
    const key = secret();
    const session = typical();
    const value = new SessionCipher({ secret: key }).seal(deepClone(session), nowSeconds() + DAY);
    const expected = { ...deepClone(session), exp: expect.any(Number) };
    const header = shuffle([`__session=${value}`, 'theme=dark', `_ga=GA1.2.${randomInt(1, 1e9)}`, 'note=a%20b', 'secure-mode=on']).join('; ');
    const results = await Promise.all([
      run(['inspect', '--json', value], { env: { AUTH0_SECRET: key } }),
      run(['inspect', '--json', `Cookie: ${header}`], { env: { AUTH0_SECRET: key } }),
      run(['inspect', '--json'], { input: `cookie: ${header}\n`, env: { AUTH0_SECRET: key } }),
      run(['inspect', '--json'], { input: header, env: { AUTH0_SECRET: key } }),
    ]);
    for (const result of results) {
      expectSuccess(result);
      const report = parseReport(result);
      expect(report).toEqual(expect.objectContaining({ cookie: '__session', chunks: [], format: 'v4', keyIndex: 0 }));
      expect(report.session).toEqual(expected);
    }
  });

  test('a chunked Cookie header written by the SDK\'s own setChunkedCookie: chunks and the 4096-byte budget', async () => {
    const key = secret();
    const session = large();
    const value = await sdk.encrypt(deepClone(session), key, nowSeconds() + DAY);
    const req = new sdkCookies.RequestCookies(new Headers({ cookie: 'theme=dark; __session=stale' }));
    const res = new sdkCookies.ResponseCookies(new Headers());
    const bytes = sdkCookies.setChunkedCookie('__session', value, { maxAge: DAY, path: '/', httpOnly: true, sameSite: 'lax', secure: false }, req, res);
    const chunkCount = Math.ceil(value.length / 3500);
    expect(chunkCount).toBeGreaterThanOrEqual(3);
    const header = shuffle(req.getAll().map((c) => `${c.name}=${encodeURIComponent(c.value)}`)).join('; ');
    expect(header).toContain('theme=dark');
    expect(header).not.toContain('__session=');

    const [json, text] = await Promise.all([
      run(['inspect', '--json', `Cookie: ${header}`], { env: { AUTH0_SECRET: key } }),
      run(['inspect'], { input: `Cookie: ${header}\n`, env: { AUTH0_SECRET: key } }),
    ]);
    expectSuccess(json);
    expectSuccess(text);
    const report = parseReport(json);
    expect(report.chunks).toEqual(Array.from({ length: chunkCount }, (_, i) => `__session__${i}`));
    expect(report.bytes).toBe(bytes);
    expect(report.overBudget).toBe(true);
    expect(report.session).toEqual(await sdkSession(value, key));
    const { summary, json: printed } = parseInspect(text.stdout);
    expect(printed).toEqual(report.session);
    expect(summary.format).toBe(`v4 session cookie (__session, ${chunkCount} chunks)`);
    expect(summary.size).toBe(`${bytes} bytes in ${chunkCount} cookies, over the SDK's 4096-byte budget`);
  });

  test('the SDK\'s Set-Cookie list (with its Max-Age=0 deletions, one of them still carrying a stale value) is read as the browser keeps it', async () => {
    const key = secret();
    const session = large();
    const value = await sdk.encrypt(deepClone(session), key, nowSeconds() + DAY);
    const headers = new Headers();
    const chunkCount = Math.ceil(value.length / 3500);
    // the prior jar: an unchunked cookie and a chunk beyond the new ones, both to be deleted
    const req = new sdkCookies.RequestCookies(new Headers({ cookie: `__session=old; __session__${chunkCount + randomInt(1, 3)}=x` }));
    sdkCookies.setChunkedCookie('__session', value, { maxAge: DAY, path: '/', httpOnly: true, sameSite: 'lax', secure: false }, req, new sdkCookies.ResponseCookies(headers));
    const lines = headers.getSetCookie();
    expect(lines.filter((l) => /Max-Age=0/.test(l)).length).toBeGreaterThanOrEqual(2);
    // A deletion that still carries a readable cookie (some servers write one): it must not win.
    const stale = new SessionCipher({ secret: key }).seal({ ...typical(), user: { sub: 'stale|user' } }, nowSeconds() + DAY);
    const withStale = [...lines, `__session=${stale}; Path=/; Max-Age=0; HttpOnly; SameSite=lax`];

    const [prefixed, bare] = await Promise.all([
      run(['inspect', '--json'], { input: withStale.map((l) => `Set-Cookie: ${l}`).join('\r\n'), env: { AUTH0_SECRET: key } }),
      run(['inspect', '--json'], { input: `${withStale.join('\n')}\n`, env: { AUTH0_SECRET: key } }),
    ]);
    for (const result of [prefixed, bare]) {
      expectSuccess(result);
      const report = parseReport(result);
      expect(report.format).toBe('v4');
      expect(report.chunks.length).toBe(chunkCount);
      expect(report.session.user.sub).toBe(session.user.sub);
      expect(report.session).toEqual(await sdkSession(value, key));
    }
  });

  test('a Set-Cookie list planned by our own SessionCookies.write (with __FC_i and deletions) / planChunkedCookie', async () => {
    const key = secret();
    const session = large({ unicode: false });
    const cookies = new SessionCookies({ secret: key });
    const probe = cookies.write(deepClone(session), '').filter((c) => /^__session__\d+$/.test(c.name)).length;
    const prior = `__session=${randomHex(10)}; __session__${probe + randomInt(1, 3)}=zz`;
    const written = cookies.write(deepClone(session), prior);
    expect(written.filter((c) => c.options.maxAge === 0).length).toBeGreaterThanOrEqual(2);
    const set = written.filter((c) => c.options.maxAge !== 0 && /^__session__\d+$/.test(c.name));
    const connection = written.filter((c) => c.name.startsWith('__FC_'));
    expect(connection).toHaveLength(session.connectionTokenSets.length);
    const planned = planChunkedCookie('__session', set.map((c) => c.value).join(''), { maxAge: 900 }, null).cookies;
    const lines = written.map((c) => `Set-Cookie: ${serializeSetCookie(c)}`).join('\n');
    const [fromWrite, fromWriteText, fromPlan] = await Promise.all([
      run(['inspect', '--json'], { input: lines, env: { AUTH0_SECRET: key } }),
      run(['inspect'], { input: lines, env: { AUTH0_SECRET: key } }),
      run(['inspect', '--json'], { input: planned.map((c) => serializeSetCookie(c)).join('\n'), env: { AUTH0_SECRET: key } }),
    ]);
    const { connectionTokenSets, ...rest } = deepClone(session);
    for (const result of [fromWrite, fromPlan]) {
      expectSuccess(result);
      const report = parseReport(result);
      expect(report.chunks).toEqual(set.map((c) => c.name));
      expect(report.overBudget).toBe(true);
      // (the connection token sets live in the __FC_i cookies, counted apart)
      expect(report.session).toEqual({ ...rest, connectionTokenSets: report.session.connectionTokenSets, exp: expect.any(Number) });
    }
    expect(parseReport(fromWrite).connectionCookies).toBe(connectionTokenSets.length);
    expect(parseReport(fromPlan).connectionCookies).toBe(0);
    expectSuccess(fromWriteText);
    expect(parseInspect(fromWriteText.stdout).summary.tokens).toBe(`${connectionTokenSets.length} connection-token cookie(s) (__FC_i)`);
  });

  test('a small session is within the budget; the summary says so', async () => {
    const key = secret();
    const value = new SessionCipher({ secret: key }).seal(small(), nowSeconds() + DAY);
    const result = await run(['inspect', value], { env: { AUTH0_SECRET: key } });
    expectSuccess(result);
    const bytes = Buffer.byteLength(`__session=${value}`);
    expect(bytes).toBeLessThan(4096);
    expect(parseInspect(result.stdout).summary.size).toBe(`${bytes} bytes in 1 cookie, within the SDK's 4096-byte budget`);
  });

  test('a legacy v3 appSession cookie (SDK encrypt, header { iat, uat, exp }): format v3-legacy, converted as the SDK converts it', async () => {
    const key = secret();
    const v3 = v3Session('full');
    const iat = nowSeconds() - randomInt(2 * HOUR, 20 * HOUR);
    const exp = nowSeconds() + DAY;
    const value = await sdk.encrypt(deepClone(v3), key, exp, { iat, uat: iat + 30, exp });
    const expected = await sdkSession(value, key);
    expect(expected.internal).toEqual({ sid: v3.user.sid, createdAt: iat });

    const [json, text] = await Promise.all([
      run(['inspect', '--json', `Cookie: theme=dark; appSession=${value}`], { env: { AUTH0_SECRET: key } }),
      run(['inspect'], { input: `appSession=${value}\n`, env: { AUTH0_SECRET: key } }),
    ]);
    expectSuccess(json);
    expectSuccess(text);
    const report = parseReport(json);
    expect(report).toEqual(expect.objectContaining({ cookie: 'appSession', format: 'v3-legacy', keyIndex: 0, chunks: [] }));
    expect(report.protectedHeader).toEqual(expect.objectContaining({ iat, uat: iat + 30, exp }));
    expect(report.session).toEqual(expected);
    expect(report.session.tokenSet.scope).toBe(v3.accessTokenScope);
    const { summary, json: printed } = parseInspect(text.stdout);
    expect(printed).toEqual(expected);
    expect(summary.format).toBe('v3 legacy session cookie (converted as the SDK converts it) (appSession)');
    expect(summary.issued).toMatch(/ \(\d+ h( \d+ (min|s))? ago\)$/); // from the header's iat
    expect(summary.expires).toMatch(/ \((in 1 d|in 23 h( \d+ min)?)\)$/); // from the header's exp
  });

  test('a chunked legacy cookie (appSession.0, appSession.1, in any order among other cookies)', async () => {
    const key = secret();
    const v3 = v3Session('missing');
    const iat = nowSeconds() - 600;
    const exp = nowSeconds() + DAY;
    const value = await sdk.encrypt(deepClone(v3), key, exp, { iat, uat: iat, exp });
    const [first, second] = cut(value, 2);
    const header = shuffle([`appSession.1=${second}`, `appSession.0=${first}`, 'theme=dark', 'lang=en']).join('; ');
    const [json, text] = await Promise.all([
      run(['inspect', '--json'], { input: `Cookie: ${header}`, env: { AUTH0_SECRET: key } }),
      run(['inspect', header], { env: { AUTH0_SECRET: key } }),
    ]);
    expectSuccess(json);
    expectSuccess(text);
    const report = parseReport(json);
    expect(report).toEqual(expect.objectContaining({ cookie: 'appSession', format: 'v3-legacy', chunks: ['appSession.0', 'appSession.1'] }));
    expect(report.session).toEqual(await sdkSession(value, key));
    expect(parseInspect(text.stdout).summary.format).toBe('v3 legacy session cookie (converted as the SDK converts it) (appSession, 2 chunks)');
  });

  test('the SDK-made v3 signed stateful cookies of cookie-jars.json: format v3-signed-id and the id', async () => {
    const { v3SignedStatefulCookies } = loadVectors('cookie-jars.json');
    expect(v3SignedStatefulCookies.length).toBeGreaterThanOrEqual(2);
    for (const v of v3SignedStatefulCookies) SECRETS.add(v.secret);
    const results = await Promise.all(
      v3SignedStatefulCookies.flatMap((v) => [
        run(['inspect', '--json', v.cookieValue], { env: { AUTH0_SECRET: v.secret } }).then((r) => [v, r]),
        run(['inspect', '--json'], { input: `Cookie: a=b; ${v.cookieName}=${v.cookieValue}`, env: { AUTH0_SECRET: v.secret } }).then((r) => [v, r]),
        run(['inspect', v.cookieValue], { env: { AUTH0_SECRET: v.secret } }).then((r) => [v, r, 'text']),
      ]),
    );
    for (const [v, result, text] of results) {
      expectSuccess(result);
      if (text) {
        const { summary, json } = parseInspect(result.stdout);
        expect(summary.format).toBe('v3 signed stateful id cookie (appSession)');
        expect(json).toEqual({ id: v.verifiesTo });
        continue;
      }
      const report = parseReport(result);
      expect(report).toEqual(expect.objectContaining({ cookie: v.cookieName, format: 'v3-signed-id', keyIndex: 0 }));
      expect(report.payload).toEqual({ id: v.verifiesTo });
      expect(v.verifiesTo).toBe(v.id);
    }
  });

  test('rotation: a secret file of two, a cookie under the second → keyIndex 1 and the "older secret" hint', async () => {
    const newest = secret();
    const older = secret();
    const sub = randomSub();
    const both = ['--secret-file', writeTemp('rotation', `${newest}\n${older}\n`)];
    const [underOlder, underNewest] = await Promise.all([
      run(['generate', '--sub', sub], { env: { AUTH0_SECRET: older } }),
      // seal with two secrets: the first one seals
      run(['seal', ...both], { input: JSON.stringify({ ...typical(), user: { sub } }) }),
    ]);
    expectSuccess(underOlder);
    expectSuccess(underNewest);
    expect(new SessionCipher({ secret: newest }).open(underNewest.stdout.trim()).keyIndex).toBe(0);

    const [oldJson, oldText, newText] = await Promise.all([
      run(['inspect', '--json', ...both], { input: underOlder.stdout }),
      run(['inspect', ...both], { input: underOlder.stdout }),
      run(['inspect', ...both], { input: underNewest.stdout }),
    ]);
    const report = parseReport(oldJson);
    expect(report.keyIndex).toBe(1);
    expect(report.session.user.sub).toBe(sub);
    expect(parseInspect(oldText.stdout).summary.secret).toBe('#1 (an older secret: re-seal under the newest) of 2');
    expect(parseInspect(newText.stdout).summary.secret).toBe('#0 (the newest) of 2');
  });

  test('--secret-file: one secret per line (blank lines and CRLF ignored), in order', async () => {
    const first = secret();
    const second = secret();
    const third = secret();
    const file = writeTemp('secrets', `${first}\r\n\n  ${second}  \n${third}\n\n`);
    const cookies = [first, second, third].map((s) => new SessionCipher({ secret: s }).seal(typical(), nowSeconds() + DAY));
    const results = await Promise.all(cookies.map((c) => run(['inspect', '--json', c, '--secret-file', file])));
    results.forEach((result, index) => {
      expectSuccess(result);
      expect(parseReport(result).keyIndex).toBe(index);
    });
    const text = await run(['inspect', cookies[2], '--secret-file', file]);
    expect(parseInspect(text.stdout).summary.secret).toBe('#2 (an older secret: re-seal under the newest) of 3');
    // seal with a secret file: the first line seals
    const sealed = await run(['seal', '--secret-file', file], { input: JSON.stringify(typical()) });
    expectSuccess(sealed);
    expect(new SessionCipher({ secret: [first, second, third] }).open(sealed.stdout.trim()).keyIndex).toBe(0);
  });

  test('a missing --secret-file: exit 1, ERR_SECRET_INVALID naming the file', async () => {
    const missing = path.join(tmp, `no-secrets-${randomHex(4)}`);
    const result = await run(['inspect', 'x.y.z', '--secret-file', missing]);
    expectFailure(result, 1, 'ERR_SECRET_INVALID');
    expect(result.stderr).toContain(missing);
  });

  test('a --secret-file without a secret in it is an error, not a fall-back to AUTH0_SECRET', async () => {
    const key = secret();
    const value = new SessionCipher({ secret: key }).seal(typical(), nowSeconds() + DAY);
    const empty = writeTemp('empty-secrets', '\n  \r\n\n');
    const [fromFile, fromStdin] = await Promise.all([
      run(['inspect', value, '--secret-file', empty], { env: { AUTH0_SECRET: key } }),
      run(['inspect', value, '--secret-file', '-'], { input: '\n\n', env: { AUTH0_SECRET: key } }),
    ]);
    expectFailure(fromFile, 1, 'ERR_SECRET_INVALID');
    expect(fromFile.stderr).toContain(`the secret file ${empty} holds no secret`);
    expectFailure(fromStdin, 1, 'ERR_SECRET_INVALID');
    expect(fromStdin.stderr).toContain('standard input holds no secret');
  });

  test('--secret-file -: the secrets from standard input, when the input is an argument or a file (generate, inspect, seal)', async () => {
    const newest = secret();
    const older = secret();
    const lines = `${newest}\n${older}\n`;
    const sub = randomSub();
    const generated = await run(['generate', '--sub', sub, '--secret-file', '-'], { input: lines });
    expectSuccess(generated);
    const cookie = generated.stdout.trim();
    expect(new SessionCipher({ secret: newest }).open(cookie).keyIndex).toBe(0);
    const underOlder = new SessionCipher({ secret: older }).seal(typical(), nowSeconds() + DAY);
    const file = writeTemp('session.json', JSON.stringify(typical()));
    const [inspected, olderInspected, sealed] = await Promise.all([
      run(['inspect', '--json', cookie, '--secret-file', '-'], { input: lines }),
      run(['inspect', '--json', underOlder, '--secret-file', '-'], { input: lines }),
      run(['seal', file, '--secret-file', '-'], { input: lines }),
    ]);
    for (const result of [inspected, olderInspected, sealed]) expectSuccess(result);
    expect(parseReport(inspected).session.user.sub).toBe(sub);
    expect(parseReport(olderInspected).keyIndex).toBe(1);
    expect(new SessionCipher({ secret: [newest, older] }).open(sealed.stdout.trim()).keyIndex).toBe(0);
  });

  test('--secret-file - when standard input carries the cookie or the session: exit 2', async () => {
    const key = secret();
    const value = new SessionCipher({ secret: key }).seal(typical(), nowSeconds() + DAY);
    const results = await Promise.all([
      run(['inspect', '--secret-file', '-'], { input: `${value}\n` }),
      run(['seal', '--secret-file', '-'], { input: JSON.stringify(typical()) }),
      run(['seal', '-', '--secret-file', '-'], { input: JSON.stringify(typical()) }),
    ]);
    for (const result of results) {
      expectFailure(result, 2, 'ERR_USAGE');
      expect(result.stderr).toContain('--secret-file -');
      expect(result.stdout).toBe('');
    }
  });

  test('AUTH0_SECRET is one secret, as the SDK reads it: commas and spaces are part of it', async () => {
    const key = `${secret()}, ${randomHex(8)},x`;
    SECRETS.add(key);
    const value = new SessionCipher({ secret: key }).seal(typical(), nowSeconds() + DAY);
    const result = await run(['inspect', '--json', value], { env: { AUTH0_SECRET: key } });
    expectSuccess(result);
    expect(parseReport(result).keyIndex).toBe(0);
    expect(await sdk.decrypt(value, key)).not.toBeNull();
  });

  test('--secret and --secret-file win over AUTH0_SECRET', async () => {
    const key = secret();
    const other = secret();
    const sub = randomSub();
    const generated = await run(['generate', '--sub', sub], { env: { AUTH0_SECRET: key } });
    expectSuccess(generated);
    expect(new SessionCipher({ secret: key }).unseal(generated.stdout.trim()).user.sub).toBe(sub);
    const keyFile = writeTemp('key', `${key}\n`);
    const otherFile = writeTemp('other', `${other}\n`);
    const [fromEnv, fileWins, fileWrong, flagWins] = await Promise.all([
      run(['inspect', '--json'], { input: generated.stdout, env: { AUTH0_SECRET: key } }),
      run(['inspect', '--json', '--secret-file', keyFile], { input: generated.stdout, env: { AUTH0_SECRET: other } }),
      run(['inspect', '--secret-file', otherFile], { input: generated.stdout, env: { AUTH0_SECRET: key } }),
      run(['inspect', '--json', '--secret', key], { input: generated.stdout, env: { AUTH0_SECRET: other } }),
    ]);
    expect(parseReport(fromEnv).session.user.sub).toBe(sub);
    expect(parseReport(fileWins).session.user.sub).toBe(sub);
    expectFailure(fileWrong, 1, 'ERR_JWE_DECRYPTION_FAILED');
    expect(parseReport(flagWins).session.user.sub).toBe(sub);
  });

  test('--secret VALUE works (repeated: rotation) but warns once on stderr that ps and shell history see it', async () => {
    const newest = secret();
    const older = secret();
    const sub = randomSub();
    const underOlder = new SessionCipher({ secret: older }).seal({ ...typical(), user: { sub } }, nowSeconds() + DAY);
    const [one, two, failing] = await Promise.all([
      run(['generate', '--sub', sub, '--secret', newest]),
      run(['inspect', '--json', underOlder, '--secret', newest, '--secret', older]),
      run(['inspect', underOlder, '--secret', newest]),
    ]);
    const WARNING = 'session-seal: warning: --secret puts the secret where `ps` and your shell history can see it; use AUTH0_SECRET or --secret-file PATH\n';
    for (const result of [one, two]) expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: WARNING });
    expect(new SessionCipher({ secret: newest }).unseal(one.stdout.trim()).user.sub).toBe(sub);
    expect(parseReport(two)).toEqual(expect.objectContaining({ keyIndex: 1 }));
    // A failure after the warning: the warning, then the one coded line.
    expect(failing.status).toBe(1);
    expect(failing.stderr).toMatch(/^session-seal: warning: --secret [^\n]+\nsession-seal: ERR_JWE_DECRYPTION_FAILED: [^\n]+\n$/);
  });

  test('--now judges the expiry at another moment; a relative time is shown', async () => {
    const key = secret();
    const generated = await run(['generate', '--sub', randomSub()], { env: { AUTH0_SECRET: key } });
    const { exp } = new SessionCipher({ secret: key }).open(generated.stdout.trim()).payload;
    const result = await run(['inspect', '--now', String(exp - 130)], { input: generated.stdout, env: { AUTH0_SECRET: key } });
    expectSuccess(result);
    const { summary } = parseInspect(result.stdout);
    expect(summary.expires).toMatch(/ \(in 2 min 10 s\)$/);
    expect(summary.issued).toMatch(/ \(57 min 50 s ago\)$/); // exp - 1 h, seen from exp - 130 s
  });
});

// ---------------------------------------------------------------------------------------------------
// Fractions (this file found inspect re-parsing numbers inexactly; serde_json's float_roundtrip fixed it)
// ---------------------------------------------------------------------------------------------------

describe('fractions in a session', () => {
  // Each of these once came back from SessionCookies.inspect one unit in the last place off.
  const FRACTIONS = [0.45053076929263924, 0.9207761571008961, 0.9694189539797873, 0.013087315157294555];
  const withFractions = () => ({ ...small(), ratios: FRACTIONS });

  test('seal keeps them exact: the SDK reads them back bit for bit', async () => {
    const key = secret();
    const result = await run(['seal'], { input: JSON.stringify(withFractions()), env: { AUTH0_SECRET: key } });
    expectSuccess(result);
    expect((await sdk.decrypt(result.stdout.trim(), key)).payload.ratios).toEqual(FRACTIONS);
  });

  test('inspect prints them exactly as the SDK reads them', async () => {
    const key = secret();
    const value = new SessionCipher({ secret: key }).seal(withFractions(), nowSeconds() + DAY);
    expect((await sdk.decrypt(value, key)).payload.ratios).toEqual(FRACTIONS);
    const report = parseReport(await run(['inspect', '--json', value], { env: { AUTH0_SECRET: key } }));
    expect(report.session.ratios).toEqual(FRACTIONS);
  });
});

// ---------------------------------------------------------------------------------------------------
// Errors: exit codes and one-line messages
// ---------------------------------------------------------------------------------------------------

describe('errors', () => {
  test('wrong secret: exit 1, ERR_JWE_DECRYPTION_FAILED (text and --json)', async () => {
    const key = secret();
    const wrong = secret();
    const generated = await run(['generate', '--sub', randomSub()], { env: { AUTH0_SECRET: key } });
    const [text, json] = await Promise.all([
      run(['inspect'], { input: generated.stdout, env: { AUTH0_SECRET: wrong } }),
      run(['inspect', '--json'], { input: generated.stdout, env: { AUTH0_SECRET: wrong } }),
    ]);
    expectFailure(text, 1, 'ERR_JWE_DECRYPTION_FAILED');
    expect(text.stdout).toMatch(/^cookie\s+__session, \d+ bytes\n$/);
    expect(json.status).toBe(1);
    const report = parseReport(json);
    expect(report.error.code).toBe('ERR_JWE_DECRYPTION_FAILED');
    expect(report.session).toBeUndefined();
  });

  test('a tampered cookie (ciphertext, tag, iv) does not open: exit 1 with a coded line', async () => {
    const key = secret();
    const value = (await run(['generate', '--sub', randomSub()], { env: { AUTH0_SECRET: key } })).stdout.trim();
    const tampered = [
      withSegment(value, 3, (s) => flipChar(s, randomInt(0, s.length - 1))),
      withSegment(value, 4, (s) => flipChar(s, randomInt(0, s.length - 1))),
      withSegment(value, 2, (s) => flipChar(s, randomInt(0, s.length - 1))),
    ];
    const results = await Promise.all(tampered.map((t) => run(['inspect', t], { env: { AUTH0_SECRET: key } })));
    for (const result of results) expectFailure(result, 1, 'ERR_JWE_DECRYPTION_FAILED');
    // a mangled header is not a JWE at all
    const badHeader = withSegment(value, 0, Buffer.from('{"alg":"dir"').toString('base64url'));
    expectFailure(await run(['inspect', badHeader], { env: { AUTH0_SECRET: key } }), 1, 'ERR_JWE_INVALID');
  });

  test('an expired cookie (--now far in the future): exit 1, ERR_JWT_EXPIRED', async () => {
    const key = secret();
    const generated = await run(['generate', '--sub', randomSub()], { env: { AUTH0_SECRET: key } });
    const future = String(nowSeconds() + 10 * 365 * DAY);
    const [text, json] = await Promise.all([
      run(['inspect', '--now', future], { input: generated.stdout, env: { AUTH0_SECRET: key } }),
      run(['inspect', '--json', '--now', future], { input: generated.stdout, env: { AUTH0_SECRET: key } }),
    ]);
    expectFailure(text, 1, 'ERR_JWT_EXPIRED');
    expect(json.status).toBe(1);
    expect(parseReport(json).error.code).toBe('ERR_JWT_EXPIRED');
  });

  test('--now that is not a number is bad usage', async () => {
    expectFailure(await run(['inspect', 'a.b.c.d.e', '--now', 'tomorrow'], { env: { AUTH0_SECRET: secret() } }), 2, 'ERR_USAGE');
  });

  test.each([
    ['a word', 'garbage'],
    ['five empty segments', '....'],
    ['five junk segments', 'a.b.c.d.e'],
    ['binary-ish', '%%%%.$$$$'],
  ])('garbage input (%s): exit 1, one coded line', async (_label, input) => {
    const result = await run(['inspect'], { input, env: { AUTH0_SECRET: secret() } });
    expectFailure(result, 1, 'ERR_[A-Z_]+');
    expect(result.stderr).not.toContain('ERR_UNEXPECTED');
  });

  test('a Cookie header without a session cookie: exit 1, ERR_NO_SESSION_COOKIE', async () => {
    const key = secret();
    const results = await Promise.all([
      run(['inspect', 'Cookie: theme=dark; lang=en'], { env: { AUTH0_SECRET: key } }),
      run(['inspect', '--json'], { input: 'theme=dark; __sessionx=1\n', env: { AUTH0_SECRET: key } }),
      run(['inspect'], { input: 'Set-Cookie: __session=; Path=/; Max-Age=0\n', env: { AUTH0_SECRET: key } }),
    ]);
    for (const result of results) {
      expectFailure(result, 1, 'ERR_NO_SESSION_COOKIE');
      expect(result.stdout).toBe('');
    }
  });

  test('no secret at all: exit 2 for inspect, seal and generate', async () => {
    const key = secret();
    const value = new SessionCipher({ secret: key }).seal(typical(), nowSeconds() + DAY);
    const results = await Promise.all([
      run(['inspect', value]),
      run(['seal'], { input: JSON.stringify(typical()) }),
      run(['generate', '--sub', randomSub()]),
      run(['generate', '--stateful']),
      run(['inspect', value], { env: { AUTH0_SECRET: '' } }),
    ]);
    for (const result of results) {
      expectFailure(result, 2, 'ERR_USAGE');
      expect(result.stderr).toContain('AUTH0_SECRET');
      expect(result.stdout).toBe('');
    }
  });

  test('no input for inspect (empty stdin): exit 2', async () => {
    expectFailure(await run(['inspect'], { env: { AUTH0_SECRET: secret() } }), 2, 'ERR_USAGE');
    expectFailure(await run(['inspect', 'a', 'b'], { env: { AUTH0_SECRET: secret() } }), 2, 'ERR_USAGE');
  });

  test('an unknown command: exit 2, listing the commands; no command: the overview, exit 2', async () => {
    const [unknown, none, help] = await Promise.all([run(['unseal-everything']), run([]), run(['--help'])]);
    expectFailure(unknown, 2, 'ERR_USAGE');
    for (const name of COMMAND_NAMES) expect(unknown.stderr).toContain(name);
    expect(none.status).toBe(2);
    expect(none.stdout).toMatch(/^usage: session-seal <command>/);
    expectSuccess(help);
    expect(help.stdout).toMatch(/^usage: session-seal <command>/);
    for (const name of COMMAND_NAMES) expect(help.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
  });

  test.each(COMMAND_NAMES)('%s with an unknown flag: exit 2, one line', async (name) => {
    const result = await run([name, '--bogus-flag', '--secret', secret()]);
    expectFailure(result, 2, 'ERR_USAGE');
    expect(result.stderr).toContain('--bogus-flag');
    expect(result.stderr).toContain(`session-seal ${name} --help`);
  });

  test.each(COMMAND_NAMES)('%s --help and -h: exit 0, the usage line', async (name) => {
    const [long, short] = await Promise.all([run([name, '--help']), run([name, '-h'])]);
    for (const result of [long, short]) {
      expectSuccess(result);
      expect(result.stdout).toMatch(new RegExp(`^usage: session-seal ${name}\\b`));
      if (['inspect', 'seal', 'generate'].includes(name)) expect(result.stdout).toContain('AUTH0_SECRET');
    }
    expect(short.stdout).toBe(long.stdout);
  });

  test('a secret that looks like a flag: a one-line usage error that does not echo it', async () => {
    const dashed = `-${randomSecret()}`;
    SECRETS.add(dashed);
    const result = await run(['inspect', 'a.b.c.d.e', '--secret', dashed]);
    expectFailure(result, 2, 'ERR_USAGE'); // one line, though node's own message has several
    expect(result.stderr).toContain('--secret=');
  });

  test('a reader that goes away early (`… | head`) is not an error', async () => {
    const key = secret();
    const result = await run(['seal', '--set-cookie'], { input: JSON.stringify(large()), closeStdout: true, env: { AUTH0_SECRET: key } });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  });

  test('demo: runs with its own secret, the SDK agrees, no secret printed', async () => {
    const result = await run(['demo']);
    expectSuccess(result);
    expect(result.stdout).toContain('identical session, exp included');
    expect(result.stdout).not.toMatch(/[0-9a-f]{64}/);
  });
});

// ---------------------------------------------------------------------------------------------------
// Colour
// ---------------------------------------------------------------------------------------------------

/** util-linux `script` runs a command on a pseudo-terminal; a machine without it fails the test that needs it. */
function requireScript() {
  if (spawnSync('script', ['--version'], { encoding: 'utf8' }).status !== 0) {
    throw new Error('the terminal test needs `script` from util-linux (Debian/Ubuntu: apt-get install bsdutils)');
  }
}

describe('colour', () => {
  test('off a terminal: no ANSI escapes, with and without NO_COLOR (every run in this file is checked too)', async () => {
    const key = secret();
    const generated = await run(['generate', '--sub', randomSub()], { env: { AUTH0_SECRET: key } });
    const results = await Promise.all([
      run(['inspect'], { input: generated.stdout, env: { AUTH0_SECRET: key, TERM: 'xterm-256color' } }),
      run(['inspect'], { input: generated.stdout, env: { AUTH0_SECRET: key, NO_COLOR: '1', TERM: 'xterm-256color' } }),
      run(['inspect'], { input: generated.stdout, env: { AUTH0_SECRET: secret(), TERM: 'xterm-256color' } }),
      run(['--help'], { env: { TERM: 'xterm-256color' } }),
    ]);
    for (const result of results) {
      expect(result.stdout + result.stderr).not.toMatch(ANSI);
    }
  });

  // On a real terminal (a pty from util-linux `script`): colours, unless NO_COLOR is set; and stderr
  // redirected to a file gets none even when stdout is a terminal.
  test('on a terminal: colour, but none with NO_COLOR=1 and none in a redirected stderr', async () => {
    requireScript();
    const key = secret();
    const cookie = (await run(['generate', '--sub', randomSub()], { env: { AUTH0_SECRET: key } })).stdout.trim();
    const errors = path.join(tmp, `errors-${randomHex(4)}.log`);
    const onTty = (command, env = {}) =>
      sh(`script -qec ${JSON.stringify(command)} /dev/null`, { env: { SHELL: '/bin/sh', TERM: 'xterm-256color', AUTH0_SECRET: key, COOKIE: cookie, ERRORS: errors, ...env }, tty: true });
    const [coloured, noColor, redirected] = await Promise.all([
      onTty('$SS inspect "$COOKIE"'),
      onTty('$SS inspect "$COOKIE"; $SS inspect garbage', { NO_COLOR: '1' }),
      onTty('$SS inspect garbage 2>"$ERRORS"'),
    ]);
    expect(coloured.status).toBe(0);
    expect(coloured.stdout).toMatch(ANSI); // the test can see colours when there are some
    expect(coloured.stdout).toContain('v4 session cookie');
    expect(noColor.stdout).toContain('v4 session cookie');
    expect(noColor.stdout).toContain('ERR_JWE_INVALID');
    expect(noColor.stdout).not.toMatch(ANSI);
    const logged = fs.readFileSync(errors, 'utf8');
    expect(logged).toMatch(/^session-seal: ERR_JWE_INVALID: [^\n]+\n$/);
    for (const s of SECRETS) expect(logged.includes(s)).toBe(false);
    expect(redirected.stdout).toMatch(ANSI); // stdout still a terminal
  });
});

// ---------------------------------------------------------------------------------------------------

afterAll(() => {
  // Every run again, against every secret the file ended up using (some were registered after early runs).
  for (const result of RUNS) checkRun(result);
});
