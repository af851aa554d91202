// Shared by the cli-*.test.mjs suites, which run the `session-seal` command (bin/session-seal.mjs) for real
// as child processes, against the real @auth0/nextjs-auth0 4.30.0. Here: running the command (`run`, `sh`)
// and what every run must respect, the parsers of its output, and the hooks each suite registers.
//
// Every run goes through `run`/`sh`, which checks that no secret the suite handed out ever appears in its
// stdout or stderr, and that no output carries an ANSI escape unless it was run on a terminal; after all of a
// suite's tests every run is checked again, against every secret the suite ended up using.

import { expect, beforeAll, afterAll } from '@jest/globals';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { repoRoot } from '../../scripts/lib/repo.mjs';
import { loadSdk, randomSecret, randomHex, deepClone, sdkModule } from './fixtures.mjs';

const require = createRequire(import.meta.url);
const { parseSetCookie } = require('cookie');

/**
 * Each suite's `jest.setTimeout`. Each test runs the command as child processes (a Node start and an addon
 * load each): a second or two on an idle machine, several times that on a busy one. No test measures speed;
 * the limit only bounds a hang.
 */
export const CLI_TIMEOUT_MS = 120_000;

export const BIN = path.join(repoRoot, 'bin', 'session-seal.mjs');
export const COMMAND_NAMES = ['inspect', 'seal', 'generate', 'keygen', 'demo'];
export const ANSI = /\x1b\[/;
export const HOUR = 3600;
export const DAY = 86400;

// Set by cliSuite()'s beforeAll (ES module bindings are live: importers see the values once set).
export let sdk; // encrypt, decrypt, normalizeStatelessSession, generateSessionCookie (testing export)
export let sdkCookies; // dist/server/cookies.js: setChunkedCookie, RequestCookies, ResponseCookies
export let tmp; // a scratch directory, removed after the suite

// ---------------------------------------------------------------------------------------------------
// Running the command, and what every run must respect
// ---------------------------------------------------------------------------------------------------

/** Every secret the suite hands to the command (random ones and the vectors'): none may ever be printed. */
export const SECRETS = new Set();
const RUNS = [];

/** A fresh random secret, registered as one that must never be printed. */
export function secret() {
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
export function run(args, { input, env, closeStdout } = {}) {
  const label = `session-seal ${args.map((a) => (SECRETS.has(a) ? '<secret>' : a.length > 40 ? `${a.slice(0, 37)}…` : a)).join(' ')}`;
  return spawnAndCollect(process.execPath, [BIN, ...args], { input, env, closeStdout, label });
}

/** A shell script (pipelines); `$SS` is `node bin/session-seal.mjs`. */
export function sh(script, { env, tty = false } = {}) {
  // (paths without spaces or quotes: $SS is word-split)
  return spawnAndCollect('/bin/sh', ['-c', `SS='${process.execPath} ${BIN}'; ${script}`], { env, tty, label: `sh -c ${script}` });
}

/** A failure: the exit status, and stderr exactly one line `session-seal: CODE: message`. */
export function expectFailure(result, status, code) {
  expect({ status: result.status, stderr: result.stderr }).toStrictEqual({
    status,
    stderr: expect.stringMatching(new RegExp(`^session-seal: ${code}: [^\\n]+\\n$`)),
  });
}

export function expectSuccess(result) {
  expect({ status: result.status, stderr: result.stderr }).toStrictEqual({ status: 0, stderr: '' });
}

/** The text form of `inspect`: the summary (label → text) and the pretty JSON after the blank line. */
export function parseInspect(stdout) {
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
export function parseReport(result) {
  expect(result.stdout.endsWith('\n')).toBe(true);
  expect(result.stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(result.stdout);
}

/** Set-Cookie lines printed by `--set-cookie`, parsed with the `cookie` package. */
export function parseSetCookieLines(stdout) {
  const lines = stdout.trimEnd().split('\n');
  for (const line of lines) expect(line).toMatch(/^Set-Cookie: [^=;\s]+=[^;\s]+; /);
  return lines.map((line) => ({ line, ...parseSetCookie(line.replace(/^Set-Cookie: /, '')) }));
}

export const writeTemp = (name, text) => {
  const file = path.join(tmp, `${randomHex(4)}-${name}`);
  fs.writeFileSync(file, text);
  return file;
};

/** The session a cookie printed: the SDK's own reading, as JSON (undefined members dropped). */
export async function sdkSession(cookie, key) {
  const decrypted = await sdk.decrypt(cookie, key);
  expect(decrypted).not.toBeNull();
  return deepClone(sdk.normalizeStatelessSession(decrypted));
}

export const randomSub = () => `auth0|${randomHex(12)}`;

/** Called once at the top of each CLI suite: the SDK, a scratch directory, and the final check of every run. */
export function cliSuite() {
  beforeAll(async () => {
    // One import at a time (see fixtures.mjs: Jest's ESM loader and concurrent imports of one module graph).
    sdk = await loadSdk();
    sdkCookies = await sdkModule('server/cookies.js');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'session-seal-cli-'));
  });
  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });
  afterAll(() => {
    // Every run again, against every secret the suite ended up using (some were registered after early runs).
    for (const result of RUNS) checkRun(result);
  });
}
