// withSessionSeal's run-time half, with the SDK's real `dist/server/cookies.js` rewritten exactly as the
// bundler loader rewrites it and imported as a module beside the untouched original: the rewritten
// `encrypt`/`decrypt` must behave as the SDK's own in both throwOnJWEErrors modes (same value, same `null`,
// same error: code, name and message), the counters must say which path answered, a self-test that fails
// must leave every call on the SDK's functions, and the kill-switch must hand the SDK its own functions.

import { describe, test, expect, beforeAll, afterAll, jest } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import {
  loadAddon,
  randomSecret,
  typicalSession,
  smallSession,
  randomV3Session,
  rawJwe,
  flipChar,
  withSegment,
  nowSeconds,
  outcome,
  deepClone,
} from './helpers/fixtures.mjs';
import { repoRoot } from '../scripts/lib/repo.mjs';

const require = createRequire(import.meta.url);
const { rewriteCookiesModule } = require('../next/sdk-rewrite.js');
const sdkDir = path.join(repoRoot, 'node_modules', '@auth0', 'nextjs-auth0');
const sdkVersion = JSON.parse(fs.readFileSync(path.join(sdkDir, 'package.json'), 'utf8')).version;
const STATE = Symbol.for('session-seal.sdk-crypto.v1');

let sdk; // the SDK's own cookies module
let sealed; // the same module, rewritten by withSessionSeal's loader
const sdkCrypto = require('../next/sdk-crypto.js');

/**
 * Writes the rewritten module under target/ with `node_modules/session-seal` linked to this repository, so
 * that its `import("session-seal/next")` resolves as it does in an app; its other imports (jose, hkdf,
 * @edge-runtime/cookies) resolve to the repository's node_modules, as the original's do.
 */
async function importRewritten() {
  const dir = path.join(repoRoot, 'target', 'sdk-rewrite-test', String(process.pid));
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  const link = path.join(dir, 'node_modules', 'session-seal');
  fs.rmSync(link, { force: true });
  fs.symlinkSync(repoRoot, link, 'dir');
  const rewritten = rewriteCookiesModule(fs.readFileSync(path.join(sdkDir, 'dist', 'server', 'cookies.js'), 'utf8'), { sdkVersion });
  expect(rewritten.ok).toBe(true);
  const file = path.join(dir, 'cookies.mjs');
  fs.writeFileSync(file, rewritten.code);
  return import(pathToFileURL(file).href);
}

beforeAll(async () => {
  sdk = await import(pathToFileURL(path.join(sdkDir, 'dist', 'server', 'cookies.js')).href);
  sealed = await importRewritten();
});

const status = () => sdkCrypto.sdkCryptoStatus();
const hour = () => nowSeconds() + 3600;

/** An outcome made comparable: the value as JSON text, or the error's code, name and message. */
async function comparable(call) {
  const result = await outcome(call);
  if (result.kind === 'ok') return { kind: 'ok', value: JSON.stringify(result.value) };
  if (result.kind === 'null') return { kind: 'null' };
  return { kind: 'reject', code: result.error?.code, name: result.error?.name, message: result.error?.message };
}

// ---------------------------------------------------------------------------------------------------------

describe('decrypt: the rewritten module answers as the SDK does, in both throwOnJWEErrors modes', () => {
  let secret;
  const cases = [];
  const add = (name, cookie, { options, answeredNatively }) => cases.push({ name, cookie, options, answeredNatively });

  beforeAll(async () => {
    secret = randomSecret();
    const session = typicalSession();
    const exp = hour();
    const bySdk = await sdk.encrypt(deepClone(session), secret, exp);
    const byAddon = await loadAddon().encrypt(deepClone(session), secret, exp);
    const v3 = randomV3Session('full');
    const iat = nowSeconds() - 60;

    // [name, cookie, answered natively with throwOnJWEErrors off, …on]
    add('a session sealed by the SDK', bySdk, { answeredNatively: [true, true] });
    add('a session sealed by session-seal', byAddon, { answeredNatively: [true, true] });
    add('a v3 session with { iat, uat, exp } headers', await sdk.encrypt(v3, secret, exp, { iat, uat: iat, exp }), { answeredNatively: [true, true] });
    add('options.currentDate after exp', bySdk, { options: { currentDate: new Date((exp + 3600) * 1000) }, answeredNatively: [true, false] });
    add('tampered ciphertext', withSegment(bySdk, 3, (s) => flipChar(s, 7)), { answeredNatively: [true, false] });
    add('tampered tag', withSegment(bySdk, 4, (s) => flipChar(s, 2)), { answeredNatively: [true, false] });
    add('tampered header', withSegment(bySdk, 0, (s) => flipChar(s, 3)), { answeredNatively: [true, false] });
    add('sealed under another secret', await sdk.encrypt(smallSession(), randomSecret(), exp), { answeredNatively: [true, false] });
    add('expired an hour ago', await sdk.encrypt(smallSession(), secret, nowSeconds() - 3600), { answeredNatively: [true, false] });
    add('not a JWE', 'not-a-cookie', { answeredNatively: [true, false] });
    add('an empty string', '', { answeredNatively: [true, false] });
    add('four segments', bySdk.split('.').slice(0, 4).join('.'), { answeredNatively: [true, false] });
    // Handed to the SDK's decrypt: session-seal does not implement these, or jose would treat them otherwise.
    add('nbf in the future', rawJwe(secret, { alg: 'dir', enc: 'A256GCM' }, JSON.stringify({ ...smallSession(), nbf: nowSeconds() + 600, exp })), { answeredNatively: [false, false] });
    add('a payload that is not an object', rawJwe(secret, { alg: 'dir', enc: 'A256GCM' }, '[1,2,3]'), { answeredNatively: [false, false] });
    add('alg A256KW (the SDK reads it)', await sdk.encrypt(smallSession(), secret, exp, { alg: 'A256KW' }), { answeredNatively: [false, false] });
    add('enc A128GCM', rawJwe(secret, { alg: 'dir', enc: 'A128GCM' }, JSON.stringify({ exp })), { answeredNatively: [false, false] });
    add('zip DEF', rawJwe(secret, { alg: 'dir', enc: 'A256GCM', zip: 'DEF' }, JSON.stringify({ exp })), { answeredNatively: [false, false] });
    add('a crit extension', rawJwe(secret, { alg: 'dir', enc: 'A256GCM', crit: ['b64'], b64: false }, JSON.stringify({ exp })), { answeredNatively: [false, false] });
    add('alg PBES2-HS256+A128KW', rawJwe(secret, { alg: 'PBES2-HS256+A128KW', enc: 'A256GCM', p2c: 1000, p2s: 'AAAAAAAAAAAAAAAAAAAAAA' }, '{}'), { answeredNatively: [false, false] });
    add('options.issuer (a jose option session-seal does not implement)', bySdk, { options: { issuer: 'https://example.invalid/' }, answeredNatively: [false, false] });
    // Over session-seal's 64 KiB limit: the SDK's jose reads it, so the SDK's decrypt is asked.
    const big = { ...smallSession(), padding: crypto.randomBytes(50_000).toString('base64url') };
    add('a valid 67 KB cookie', await sdk.encrypt(big, secret, exp), { answeredNatively: [false, false] });
    add('a Uint8Array (jose accepts one)', new TextEncoder().encode(bySdk), { answeredNatively: [false, false] });
  });

  test.each([
    ['off (undefined)', undefined, 0],
    ['off (false)', false, 0],
    ['on (true)', true, 1],
  ])('throwOnJWEErrors %s: every case has the SDK\'s outcome, answered where expected', async (_label, throwOnJWEErrors, column) => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {}); // jose's PBES2/short-key paths are quiet, the SDK's size warning is not ours
    try {
      for (const { name, cookie, options, answeredNatively } of cases) {
        const before = status();
        const theirs = await comparable(() => sdk.decrypt(cookie, secret, options, throwOnJWEErrors));
        const ours = await comparable(() => sealed.decrypt(cookie, secret, options, throwOnJWEErrors));
        const after = status();
        expect({ name, ...ours }).toStrictEqual({ name, ...theirs });
        const native = answeredNatively[column];
        expect({ name, native: after.calls.decrypt - before.calls.decrypt, sdk: after.fallbacks.decrypt - before.fallbacks.decrypt }).toStrictEqual({
          name,
          native: native ? 1 : 0,
          sdk: native ? 0 : 1,
        });
      }
    } finally {
      warn.mockRestore();
    }
  });

  test('the expected outcomes hold (so that the comparison above compares something)', async () => {
    const byName = Object.fromEntries(cases.map((c) => [c.name, c]));
    const read = (name, t) => comparable(() => sealed.decrypt(byName[name].cookie, secret, byName[name].options, t));
    expect((await read('a session sealed by session-seal')).kind).toBe('ok');
    expect((await read('alg A256KW (the SDK reads it)')).kind).toBe('ok');
    expect((await read('a valid 67 KB cookie')).kind).toBe('ok');
    expect(await read('tampered ciphertext')).toStrictEqual({ kind: 'null' });
    expect(await read('tampered ciphertext', true)).toMatchObject({ kind: 'reject', code: 'ERR_JWE_DECRYPTION_FAILED', name: 'JWEDecryptionFailed' });
    expect(await read('expired an hour ago', true)).toMatchObject({ kind: 'reject', code: 'ERR_JWT_EXPIRED' });
    expect(await read('nbf in the future')).toMatchObject({ kind: 'reject', code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
    expect(await read('enc A128GCM', true)).toMatchObject({ kind: 'reject' });
  });
});

describe('encrypt: what the rewritten module seals, the SDK reads as its own', () => {
  test.each([
    ['a typical session', () => [typicalSession(), hour()]],
    ['v3 headers { iat, uat, exp }', () => [randomV3Session('full'), hour(), { iat: nowSeconds(), uat: nowSeconds(), exp: hour() }]],
    ['the stateful { id } payload', () => [{ id: crypto.randomBytes(16).toString('hex') }, hour()]],
  ])('%s: answered natively, read by the SDK exactly as the SDK\'s own cookie', async (_name, make) => {
    const secret = randomSecret();
    const [payload, exp, headers] = make();
    const before = status();
    const ours = await sealed.encrypt(deepClone(payload), secret, exp, headers);
    expect(status().calls.encrypt - before.calls.encrypt).toBe(1);
    const theirs = await sdk.encrypt(deepClone(payload), secret, exp, headers);
    expect(JSON.stringify(await sdk.decrypt(ours, secret))).toBe(JSON.stringify(await sdk.decrypt(theirs, secret)));
  });

  test.each([
    ['an expiration as a jose time span ("1h")', () => [smallSession(), '1h'], 'ok'],
    ['alg A256KW in additionalHeaders', () => [smallSession(), hour(), { alg: 'A256KW' }], 'ok'],
    ['a payload that is not an object', () => ['text', hour()], 'reject'],
  ])('%s: handed to the SDK\'s encrypt, with its outcome', async (_name, make, kind) => {
    const secret = randomSecret();
    const [payload, exp, headers] = make();
    const before = status();
    const ours = await comparable(() => sealed.encrypt(payload, secret, exp, headers));
    expect(status().fallbacks.encrypt - before.fallbacks.encrypt).toBe(1);
    const theirs = await comparable(() => sdk.encrypt(payload, secret, exp, headers));
    expect(ours.kind).toBe(kind);
    if (kind === 'reject') expect(ours).toStrictEqual(theirs);
    else {
      // Fresh IVs differ: compare what the SDK reads (the `exp` of a time span may differ by a second).
      const [a, b] = [JSON.parse(ours.value), JSON.parse(theirs.value)];
      const read = async (cookie) => (await sdk.decrypt(cookie, secret)).payload;
      const [pa, pb] = [await read(a), await read(b)];
      expect(Math.abs(pa.exp - pb.exp)).toBeLessThanOrEqual(2);
      expect({ ...pa, exp: 0 }).toStrictEqual({ ...pb, exp: 0 });
    }
  });
});

describe('status and log', () => {
  test('sdkCryptoStatus(): active, "native", the SDK version, self-tests passed, counted calls', () => {
    expect(status()).toMatchObject({ active: true, reason: 'native', sdkVersion, calls: { encrypt: expect.any(Number), decrypt: expect.any(Number) } });
    expect(status().selfTestsPassed).toBeGreaterThanOrEqual(1);
    expect(status().calls.decrypt).toBeGreaterThan(0);
  });
});

// The installations below stand for other bundles in the same process; each begins from a fresh process
// state (what a new server process has), so that the suites above are not disturbed.
function freshProcessState() {
  delete globalThis[STATE];
}

describe('self-test failure: every call stays on the SDK\'s functions', () => {
  test('an "SDK" whose key derivation differs (a release that kept the signatures) is never served natively', async () => {
    freshProcessState();
    // The SDK's own functions under a different key derivation: consistent with themselves, not with session-seal.
    const shifted = {
      encrypt: (p, s, e, h) => sdk.encrypt(p, `${s}/shifted`, e, h),
      decrypt: (c, s, o, t) => sdk.decrypt(c, `${s}/shifted`, o, t),
    };
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const installed = sdkCrypto.installSdkCrypto(shifted, { sdkVersion });
      const secret = randomSecret();
      const cookie = await installed.encrypt(smallSession(), secret, hour());
      // Sealed by the shifted functions, so only they can read it: the SDK's behaviour is kept whole.
      expect(await sdk.decrypt(cookie, secret)).toBeNull();
      expect((await installed.decrypt(cookie, secret)).payload.user).toBeDefined();
      expect(await installed.decrypt(await sdk.encrypt(smallSession(), secret, hour()), secret)).toBeNull();
      expect(status()).toMatchObject({
        active: false,
        reason: 'self-test-failed',
        selfTestsPassed: 0,
        calls: { encrypt: 0, decrypt: 0 },
        fallbacks: { encrypt: 1, decrypt: 2 },
      });
      expect(warn.mock.calls.map((c) => c.join(' ')).join('\n')).toMatch(/session-seal: self-test failed \(a cookie sealed natively is not read back by the SDK as sealed\)/);
    } finally {
      warn.mockRestore();
    }
  });

  test('a secret that passed keeps the native path while another secret\'s self-test failed', async () => {
    freshProcessState();
    const good = randomSecret();
    const bad = randomSecret();
    // An SDK that only misbehaves for one secret.
    const picky = {
      encrypt: (p, s, e, h) => sdk.encrypt(p, s === bad ? `${s}!` : s, e, h),
      decrypt: (c, s, o, t) => sdk.decrypt(c, s === bad ? `${s}!` : s, o, t),
    };
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const info = jest.spyOn(console, 'info').mockImplementation(() => {});
    try {
      const installed = sdkCrypto.installSdkCrypto(picky, { sdkVersion });
      await installed.decrypt(await sdk.encrypt(smallSession(), good, hour()), good);
      await installed.decrypt(await sdk.encrypt(smallSession(), bad, hour()), bad);
      expect(status()).toMatchObject({ reason: 'self-test-failed', selfTestsPassed: 1, calls: { encrypt: 0, decrypt: 1 }, fallbacks: { encrypt: 0, decrypt: 1 } });
    } finally {
      warn.mockRestore();
      info.mockRestore();
    }
  });
});

describe('a missing, unloadable or mismatched session-seal at run time: the rewritten module keeps the SDK working', () => {
  // What the rewritten SDK module may find where session-seal should be: another (hoisted) version of it,
  // or a broken install. `null`: that module does not exist at all (an earlier session-seal). The module it
  // imports is session-seal/next/sdk-crypto; session-seal/next carries the same broken installer, as an
  // earlier session-seal's would.
  const runtimes = {
    'no installSdkCrypto export': 'exports.sdkCryptoStatus = () => ({});',
    'an installSdkCrypto that throws': "exports.installSdkCrypto = () => { throw new TypeError('originals.encrypt is not a function'); };",
    'an installSdkCrypto that returns no functions': 'exports.installSdkCrypto = () => ({ encrypt: 1 });',
    'a module that throws as it loads': "throw new Error('Cannot find native binding');",
    'no session-seal/next/sdk-crypto (an earlier session-seal)': null,
  };
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'session-seal-l2-'));
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  /**
   * The rewritten SDK module in a directory of its own whose session-seal is `body` (its other imports are the
   * repository's), used by a plain Node process as an app's server would (Jest's resolver would find the
   * repository's own session-seal by its package name): round trips with the untouched SDK, and the
   * warnings. Returns that process's report.
   */
  function rewrittenWith(name, body) {
    const dir = path.join(scratch, name.replace(/\W+/g, '-'));
    const modules = path.join(dir, 'node_modules');
    for (const dep of ['jose', '@panva/hkdf', '@edge-runtime/cookies']) {
      fs.mkdirSync(path.dirname(path.join(modules, dep)), { recursive: true });
      fs.symlinkSync(path.join(repoRoot, 'node_modules', dep), path.join(modules, dep), 'dir');
    }
    const fake = path.join(modules, 'session-seal');
    fs.mkdirSync(fake, { recursive: true });
    const exportsMap = { './next': './next.js', ...(body === null ? {} : { './next/sdk-crypto': './sdk-crypto.js' }) };
    fs.writeFileSync(path.join(fake, 'package.json'), JSON.stringify({ name: 'session-seal', version: '0.0.1', exports: exportsMap }));
    fs.writeFileSync(path.join(fake, 'next.js'), body ?? runtimes['an installSdkCrypto that throws']);
    if (body !== null) fs.writeFileSync(path.join(fake, 'sdk-crypto.js'), body);
    const rewritten = rewriteCookiesModule(fs.readFileSync(path.join(sdkDir, 'dist', 'server', 'cookies.js'), 'utf8'), { sdkVersion });
    expect(rewritten.ok).toBe(true);
    fs.writeFileSync(path.join(dir, 'cookies.mjs'), rewritten.code);
    fs.writeFileSync(
      path.join(dir, 'check.mjs'),
      `const warnings = [];
console.warn = (...args) => warnings.push(args.join(' '));
const sdk = await import(${JSON.stringify(pathToFileURL(path.join(sdkDir, 'dist', 'server', 'cookies.js')).href)});
const module = await import('./cookies.mjs');
const secret = ${JSON.stringify(randomSecret())};
const session = ${JSON.stringify(smallSession())};
const exp = ${hour()};
const out = {};
try {
  // Sealed by the SDK's own encrypt (kept in the module), read by the untouched SDK, and the other way round.
  const cookie = await module.encrypt({ ...session }, secret, exp);
  out.sealedReadBySdk = JSON.stringify((await sdk.decrypt(cookie, secret)).payload) === JSON.stringify({ ...session, exp });
  const bySdk = await sdk.encrypt({ ...session }, secret, exp);
  out.readAsSdk = JSON.stringify(await module.decrypt(bySdk, secret)) === JSON.stringify(await sdk.decrypt(bySdk, secret));
  const parts = bySdk.split('.');
  parts[3] = (parts[3][0] === 'A' ? 'B' : 'A') + parts[3].slice(1);
  out.tamperedIsNull = (await module.decrypt(parts.join('.'), secret)) === null;
} catch (error) {
  out.error = String(error && error.stack);
}
out.warnings = warnings;
console.log(JSON.stringify(out));
`,
    );
    const child = spawnSync(process.execPath, [path.join(dir, 'check.mjs')], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect({ status: child.status, stderr: child.stderr }).toStrictEqual({ status: 0, stderr: '' });
    return JSON.parse(child.stdout.trim().split('\n').pop());
  }

  test.each(Object.entries(runtimes))('%s: encrypt and decrypt are the SDK\'s own, with one warning', (name, body) => {
    const report = rewrittenWith(name, body);
    expect(report).toStrictEqual({ sealedReadBySdk: true, readAsSdk: true, tamperedIsNull: true, warnings: [expect.stringMatching(/^session-seal: .+; @auth0\/nextjs-auth0 keeps its own cookie crypto$/)] });
  });
});

describe('the kill-switch', () => {
  test.each(['off', 'OFF', '0', 'false'])('SESSION_SEAL_SDK_CRYPTO=%s: the SDK gets its own functions back, and one line says so', (value) => {
    freshProcessState();
    const saved = process.env.SESSION_SEAL_SDK_CRYPTO;
    process.env.SESSION_SEAL_SDK_CRYPTO = value;
    const info = jest.spyOn(console, 'info').mockImplementation(() => {});
    try {
      const installed = sdkCrypto.installSdkCrypto({ encrypt: sdk.encrypt, decrypt: sdk.decrypt }, { sdkVersion });
      expect(installed.encrypt).toBe(sdk.encrypt);
      expect(installed.decrypt).toBe(sdk.decrypt);
      expect(status()).toMatchObject({ active: false, reason: 'disabled' });
      expect(info.mock.calls).toStrictEqual([[`session-seal: @auth0/nextjs-auth0 cookie crypto runs on the SDK's JavaScript (SESSION_SEAL_SDK_CRYPTO=${value})`]]);
    } finally {
      info.mockRestore();
      if (saved === undefined) delete process.env.SESSION_SEAL_SDK_CRYPTO;
      else process.env.SESSION_SEAL_SDK_CRYPTO = saved;
    }
  });

  test('any other value leaves the native path on', () => {
    freshProcessState();
    const saved = process.env.SESSION_SEAL_SDK_CRYPTO;
    process.env.SESSION_SEAL_SDK_CRYPTO = 'on';
    try {
      const installed = sdkCrypto.installSdkCrypto({ encrypt: sdk.encrypt, decrypt: sdk.decrypt }, { sdkVersion });
      expect(installed.encrypt).not.toBe(sdk.encrypt);
      expect(status().reason).toBe('native');
    } finally {
      if (saved === undefined) delete process.env.SESSION_SEAL_SDK_CRYPTO;
      else process.env.SESSION_SEAL_SDK_CRYPTO = saved;
    }
  });

  test('before any rewritten SDK module loads: not installed', () => {
    freshProcessState();
    expect(status()).toStrictEqual({ active: false, reason: 'not-installed', sdkVersion: null, selfTestsPassed: 0, calls: { encrypt: 0, decrypt: 0 }, fallbacks: { encrypt: 0, decrypt: 0 } });
  });
});
