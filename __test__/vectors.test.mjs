// The stored vectors in vectors/ (produced by the real SDK, not by this project) are the only
// stored facts in this suite: every entry must behave as the vectors README says.

import { describe, test, expect, beforeAll } from '@jest/globals';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../scripts/lib/repo.mjs';
import { asJson, loadAddon, loadSdk, loadVectors, vectorsDir, JOSE_CODES, outcome, rawPlaintext } from './helpers/fixtures.mjs';

const addon = loadAddon();
const v4 = loadVectors('v4-cookies.json').vectors;
const v3 = loadVectors('v3-legacy-cookies.json').vectors;
const negative = loadVectors('negative-cookies.json').vectors;

let sdk;
beforeAll(async () => {
  sdk = await loadSdk();
});

test('the vector files are present and non-trivial', () => {
  expect(v4.length).toBeGreaterThanOrEqual(5);
  expect(v3.length).toBeGreaterThanOrEqual(1);
  expect(negative.length).toBeGreaterThanOrEqual(5);
  expect(negative.map((v) => v.name)).toContain('expired');
});

describe('v4 cookies', () => {
  test.each(v4.map((v) => [v.name, v]))('%s: unseal gives expected.normalized (or the payload for a stateful id), open gives payload and header', (_name, vector) => {
    const cipher = new addon.SessionCipher({ secret: vector.secret });
    const expectedSession = vector.expected.normalized ?? vector.expected.payload;
    const unsealed = cipher.unseal(vector.cookie);
    expect(unsealed).toStrictEqual(expectedSession);
    expect(JSON.stringify(unsealed)).toBe(JSON.stringify(expectedSession));

    const opened = cipher.open(vector.cookie);
    expect(opened.payload).toStrictEqual(vector.expected.payload);
    expect(opened.protectedHeader).toStrictEqual(vector.expected.protectedHeader);
    expect(opened.keyIndex).toBe(0);
    expect(opened.payload.exp).toBe(vector.expiration);
  });

  test.each(v4.map((v) => [v.name, v]))('%s: drop-in decrypt gives { payload, protectedHeader }, as the SDK does', async (_name, vector) => {
    const ours = await addon.decrypt(vector.cookie, vector.secret);
    expect(ours).toStrictEqual({ payload: vector.expected.payload, protectedHeader: vector.expected.protectedHeader });
    expect(ours).toStrictEqual(await sdk.decrypt(vector.cookie, vector.secret));
  });

  test.each(v4.map((v) => [v.name, v]))('%s: resealing the session gives the same plaintext bytes the SDK sealed', (_name, vector) => {
    const cipher = new addon.SessionCipher({ secret: vector.secret });
    const resealed = cipher.sealPayload(vector.session, vector.expiration);
    expect(rawPlaintext(vector.secret, resealed).equals(rawPlaintext(vector.secret, vector.cookie))).toBe(true);
    expect(resealed.split('.')[0]).toBe(vector.cookie.split('.')[0]);
  });

  test.each(v4.filter((v) => v.expected.normalized).map((v) => [v.name, v]))('%s: the session validates as SessionData', (_name, vector) => {
    expect(addon.validateSession(vector.session)).toStrictEqual({ valid: true, errors: [] });
  });
});

describe('v3 legacy cookies', () => {
  test.each(v3.map((v) => [v.name, v]))('%s: unseal gives expected.normalized', (_name, vector) => {
    const unsealed = new addon.SessionCipher({ secret: vector.secret }).unseal(vector.cookie);
    expect(unsealed).toStrictEqual(vector.expected.normalized);
    expect(unsealed.internal.createdAt).toBe(vector.header.iat);
  });

  test.each(v3.map((v) => [v.name, v]))('%s: open and decrypt give the raw v3 payload and header', async (_name, vector) => {
    const opened = new addon.SessionCipher({ secret: vector.secret }).open(vector.cookie);
    expect(opened.payload).toStrictEqual(vector.expected.payload);
    expect(opened.protectedHeader).toStrictEqual(vector.expected.protectedHeader);
    expect(opened.keyIndex).toBe(0);
    expect(await addon.decrypt(vector.cookie, vector.secret)).toStrictEqual({
      payload: vector.expected.payload,
      protectedHeader: vector.expected.protectedHeader,
    });
  });

  test.each(v3.map((v) => [v.name, v]))('%s: the SDK itself still agrees with the vector', async (_name, vector) => {
    const decrypted = await sdk.decrypt(vector.cookie, vector.secret);
    // The vector is JSON: the SDK's `undefined` members (see fixtures.mjs, asJson) are compared as JSON holds them.
    expect(asJson(sdk.normalizeStatelessSession(decrypted))).toStrictEqual(vector.expected.normalized);
  });
});

describe('negative cookies', () => {
  test.each(negative.map((v) => [v.name, v]))('%s: unseal is null, open throws a jose-style code (the SDK\'s own)', async (_name, vector) => {
    const cipher = new addon.SessionCipher({ secret: vector.secret });
    expect(cipher.unseal(vector.cookie)).toBeNull();
    let error;
    try {
      cipher.open(vector.cookie);
    } catch (e) {
      error = e;
    }
    expect(error).toBeDefined();
    expect(JOSE_CODES).toContain(error.code);
    expect(typeof error.message).toBe('string');
    expect(error.message.length).toBeGreaterThan(0);
    // The code jose gives for the same cookie, via the SDK's decrypt with throwOnJWEErrors.
    const theirs = await outcome(() => sdk.decrypt(vector.cookie, vector.secret, undefined, true));
    expect(theirs.kind).toBe('reject');
    expect(error.code).toBe(theirs.code);
    // And the drop-in treats it as the SDK does.
    const [a, b] = [await outcome(() => addon.decrypt(vector.cookie, vector.secret)), await outcome(() => sdk.decrypt(vector.cookie, vector.secret))];
    expect({ kind: a.kind, code: a.code }).toStrictEqual({ kind: b.kind, code: b.code });
  });

  test('the expired vector is ERR_JWT_EXPIRED, and only expired: it opens before its exp + 15 s', () => {
    const vector = negative.find((v) => v.name === 'expired');
    const cipher = new addon.SessionCipher({ secret: vector.secret });
    expect(() => cipher.open(vector.cookie)).toThrow(expect.objectContaining({ code: 'ERR_JWT_EXPIRED' }));
    const { payload } = cipher.open(vector.cookie, { now: 0 });
    expect(typeof payload.exp).toBe('number');
    expect(cipher.open(vector.cookie, { now: payload.exp + 14 }).payload).toStrictEqual(payload);
    expect(cipher.unseal(vector.cookie, { now: payload.exp + 14 })).toStrictEqual(payload);
    expect(() => cipher.open(vector.cookie, { now: payload.exp + 15 })).toThrow(expect.objectContaining({ code: 'ERR_JWT_EXPIRED' }));
  });

  test('wrong-secret and tampered vectors fail authentication (ERR_JWE_DECRYPTION_FAILED)', () => {
    for (const name of ['wrong-secret', 'tampered-ciphertext', 'tampered-tag', 'tampered-header']) {
      const vector = negative.find((v) => v.name === name);
      expect({ name, present: Boolean(vector) }).toStrictEqual({ name, present: true });
      expect(() => new addon.SessionCipher({ secret: vector.secret }).open(vector.cookie)).toThrow(
        expect.objectContaining({ code: 'ERR_JWE_DECRYPTION_FAILED' }),
      );
    }
  });
});

describe('the vectors are what `npm run vectors` makes', () => {
  // Sealed values differ from run to run (random IVs): they are compared by length, everything else exactly.
  const SEALED = new Set(['cookie', 'jwe', 'value', 'cookieHeader', 'cookieHeaderAfter']);
  const shape = (value, key) => {
    if (typeof value === 'string' && SEALED.has(key)) return { sealedLength: value.length };
    if (Array.isArray(value)) return value.map((item) => shape(item));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v, k)]));
    return value;
  };

  // The script runs both SDKs in a child process: a few seconds, longer on a busy machine; the timeout only
  // bounds a hang.
  test('scripts/make-vectors.mjs remakes every file: the same sessions, facts and shapes as the committed ones', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'session-seal-vectors-'));
    try {
      await new Promise((resolve, reject) =>
        execFile(process.execPath, [path.join(repoRoot, 'scripts', 'make-vectors.mjs'), '--out', out], { cwd: repoRoot }, (error, stdout, stderr) =>
          error ? reject(new Error(`make-vectors failed: ${error.message}\n${stderr}`)) : resolve(stdout),
        ),
      );
      const committed = fs.readdirSync(vectorsDir).filter((f) => f.endsWith('.json')).sort();
      expect(fs.readdirSync(out).sort()).toStrictEqual(committed);
      for (const file of committed) {
        const made = JSON.parse(fs.readFileSync(path.join(out, file), 'utf8'));
        expect({ file, shape: shape(made) }).toStrictEqual({ file, shape: shape(loadVectors(file)) });
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
