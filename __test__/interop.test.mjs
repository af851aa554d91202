// Interoperability with the real @auth0/nextjs-auth0 (4.30.0) code: fresh random secrets and sessions on
// every run, cookies going both ways, byte-identical plaintexts and headers, v3 legacy cookies, and the
// drop-in `decrypt`'s behaviour on bad cookies compared case by case with the SDK's own.

import { describe, test, expect, beforeAll } from '@jest/globals';
import {
  loadAddon,
  loadSdk,
  loadJose,
  randomSecret,
  randomText,
  randomV3Session,
  smallSession,
  typicalSession,
  SESSION_SIZES,
  deriveKey,
  rawJwe,
  rawPlaintext,
  headerText,
  flipChar,
  withSegment,
  outcome,
  nowSeconds,
  deepClone,
  asJson,
  randomInt,
  B64U_ALPHABET,
} from './helpers/fixtures.mjs';

const addon = loadAddon();
let sdk;
let jose;

beforeAll(async () => {
  sdk = await loadSdk();
  jose = await loadJose();
});

const b64uJson = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const hour = () => nowSeconds() + 3600;

/** What the SDK's stateless store hands the app for a cookie (or null). */
async function sdkSession(cookie, secret) {
  const decrypted = await sdk.decrypt(cookie, secret);
  return decrypted === null ? null : sdk.normalizeStatelessSession(decrypted);
}

describe.each(SESSION_SIZES)('%s sessions', (_label, makeSession) => {
  test('SessionCipher.seal output is read by the SDK decrypt: same payload (session + exp) and header', async () => {
    const secret = randomSecret();
    const session = makeSession();
    const exp = hour();
    const cookie = new addon.SessionCipher({ secret }).seal(session, exp);
    const result = await sdk.decrypt(cookie, secret);
    expect(result).not.toBeNull();
    expect(result.payload).toStrictEqual({ ...session, exp });
    expect(JSON.stringify(result.payload)).toBe(JSON.stringify({ ...session, exp }));
    expect(result.protectedHeader).toStrictEqual({ enc: 'A256GCM', alg: 'dir' });
    expect(await sdkSession(cookie, secret)).toStrictEqual({ ...session, exp });
  });

  test('drop-in encrypt output is read by the SDK decrypt', async () => {
    const secret = randomSecret();
    const session = makeSession();
    const exp = hour();
    const cookie = await addon.encrypt(session, secret, exp);
    expect(typeof cookie).toBe('string');
    const result = await sdk.decrypt(cookie, secret);
    expect(result).not.toBeNull();
    expect(result.payload).toStrictEqual({ ...session, exp });
    expect(result.protectedHeader).toStrictEqual({ enc: 'A256GCM', alg: 'dir' });
    // The header segment is deterministic: it must be the very string the SDK writes.
    const sdkCookie = await sdk.encrypt(session, secret, exp);
    expect(cookie.split('.')[0]).toBe(sdkCookie.split('.')[0]);
  });

  test('the SDK encrypt output is read by our unseal, decrypt and open', async () => {
    const secret = randomSecret();
    const session = makeSession();
    const exp = hour();
    const cookie = await sdk.encrypt(session, secret, exp);
    const sdkDecrypted = await sdk.decrypt(cookie, secret);

    const cipher = new addon.SessionCipher({ secret });
    const unsealed = cipher.unseal(cookie);
    expect(unsealed).toStrictEqual(sdk.normalizeStatelessSession(sdkDecrypted));
    expect(JSON.stringify(unsealed)).toBe(JSON.stringify({ ...session, exp }));

    expect(await addon.decrypt(cookie, secret)).toStrictEqual(sdkDecrypted);

    const opened = cipher.open(cookie);
    expect(opened.payload).toStrictEqual(sdkDecrypted.payload);
    expect(opened.protectedHeader).toStrictEqual(sdkDecrypted.protectedHeader);
    expect(opened.keyIndex).toBe(0);
  });

  test('plaintexts are byte-identical to JSON.stringify({ ...session, exp }), ours and the SDK\'s', async () => {
    const secret = randomSecret();
    const session = makeSession();
    const exp = hour();
    const expected = Buffer.from(JSON.stringify({ ...session, exp }), 'utf8');
    const key = deriveKey(secret);
    const cookies = {
      seal: new addon.SessionCipher({ secret }).seal(session, exp),
      encrypt: await addon.encrypt(session, secret, exp),
      sdk: await sdk.encrypt(session, secret, exp),
    };
    for (const [which, cookie] of Object.entries(cookies)) {
      const { plaintext, protectedHeader } = await jose.compactDecrypt(cookie, new Uint8Array(key));
      expect({ which, equal: Buffer.from(plaintext).equals(expected) }).toStrictEqual({ which, equal: true });
      expect(protectedHeader).toStrictEqual({ enc: 'A256GCM', alg: 'dir' });
      // And independently of jose:
      expect(rawPlaintext(secret, cookie).equals(expected)).toBe(true);
    }
  });
});

describe('encrypt: same bytes as the SDK for the same inputs', () => {
  const headerSets = () => [
    { kid: 'k1', iat: 123 },
    { iat: nowSeconds() - 100, uat: nowSeconds() - 10, exp: hour() },
    { 7: 'seven', b: 2, alg: 'dir', 0: 0 },
    { x: randomText(12), n: 1e21, f: 0.1, neg: -0, nested: { a: [1, null, 'é'] }, t: true, z: null },
    { enc: 'A256GCM' },
    { u: undefined, kid: randomText(8) },
    { lone: 'cut in half \ud83d', kid: '\udc00' },
  ];

  test.each(headerSets().map((h, i) => [i, h]))('additionalHeaders #%i: same header segment and decoded header as the SDK', async (_i, headers) => {
    const secret = randomSecret();
    const session = smallSession();
    const exp = hour();
    const ours = await addon.encrypt(session, secret, exp, headers);
    const theirs = await sdk.encrypt(session, secret, exp, headers);
    expect(ours.split('.')[0]).toBe(theirs.split('.')[0]);
    expect(headerText(ours)).toBe(headerText(theirs));
    const [a, b] = [await sdk.decrypt(ours, secret), await sdk.decrypt(theirs, secret)];
    expect(a).not.toBeNull();
    expect(a.protectedHeader).toStrictEqual(b.protectedHeader);
    expect(a.payload).toStrictEqual(b.payload);
    // Our own readers see the same header the SDK does.
    expect((await addon.decrypt(ours, secret)).protectedHeader).toStrictEqual(b.protectedHeader);
  });

  const payloadCases = () => [
    ['existing exp keeps its place', { exp: 1, a: randomText(5), b: [1, 2] }, hour()],
    ['fractional expiration', { a: 1 }, hour() + 0.5],
    ['Date expiration (floored to seconds)', { a: 1 }, new Date(hour() * 1000 + 999)],
    ['integer-like keys, -0, 1e21, 5e-324', { b: -0, 2: 'two', 1: 1e21, a: 5e-324, big: 9007199254740993 }, hour()],
    ['undefined members, Date values, class instances', { u: undefined, d: new Date(0), inst: new (class { constructor() { this.q = 1; } })(), arr: [undefined, 1] }, hour()],
    ['unicode, controls, lone surrogate', { s: randomText(200), lone: '\ud800x', ctl: '\u0000\u001f\u2028' }, hour()],
    ['empty object', {}, hour()],
  ];

  test.each(payloadCases())('%s: plaintext bytes equal the SDK\'s', async (_label, payload, expiration) => {
    const secret = randomSecret();
    const ours = await addon.encrypt(payload, secret, expiration);
    const theirs = await sdk.encrypt(payload, secret, expiration);
    expect(rawPlaintext(secret, ours).toString('utf8')).toBe(rawPlaintext(secret, theirs).toString('utf8'));
    expect(rawPlaintext(secret, ours).equals(rawPlaintext(secret, theirs))).toBe(true);
  });

  test('iv and tag are fresh for each encrypt (only the header is deterministic)', async () => {
    const secret = randomSecret();
    const session = smallSession();
    const exp = hour();
    const a = (await addon.encrypt(session, secret, exp)).split('.');
    const b = (await addon.encrypt(session, secret, exp)).split('.');
    expect(a[0]).toBe(b[0]);
    expect(a[1]).toBe('');
    expect(a[2]).not.toBe(b[2]);
    expect(a[3]).not.toBe(b[3]);
    expect(a[4]).not.toBe(b[4]);
    expect(Buffer.from(a[2], 'base64url')).toHaveLength(12);
    expect(Buffer.from(a[4], 'base64url')).toHaveLength(16);
  });
});

describe('encrypt: arguments and headers behave as in the SDK (both succeed with the same cookie shape, or both reject)', () => {
  const nested = (depth) => JSON.parse('['.repeat(depth) + ']'.repeat(depth));

  /** [label, payload factory, expiration factory, additionalHeaders factory, secret override or null] */
  const cases = [
    ['typ and cty headers', () => ({ a: 1 }), hour, () => ({ typ: 'JWT', cty: 'session' }), null],
    ['crit with an unrecognized extension', () => ({ a: 1 }), hour, () => ({ crit: ['x'], x: 1 }), null],
    ['crit b64 (a JWS-only extension)', () => ({ a: 1 }), hour, () => ({ crit: ['b64'], b64: false }), null],
    ['alg "none"', () => ({ a: 1 }), hour, () => ({ alg: 'none' }), null],
    ['enc explicitly undefined', () => ({ a: 1 }), hour, () => ({ enc: undefined }), null],
    ['payload is an array', () => [1, 2], hour, () => undefined, null],
    ['payload is null', () => null, hour, () => undefined, null],
    ['expiration is NaN', () => ({ a: 1 }), () => NaN, () => undefined, null],
    ['expiration is an invalid Date', () => ({ a: 1 }), () => new Date(NaN), () => undefined, null],
    ['secret is an empty string', () => ({ a: 1 }), hour, () => undefined, ''],
  ];

  /**
   * Documented deviations (SECURITY.md): where the SDK's jose would seal, session-seal refuses, with
   * this code — [label, payload, additionalHeaders, code, or 'ok' for what we seal and the SDK refuses].
   */
  const deviations = [
    ['zip "DEF": session cookies are never compressed', () => smallSession(), () => ({ zip: 'DEF' }), 'ERR_JOSE_NOT_SUPPORTED'],
    ['alg "A256KW": only dir', () => smallSession(), () => ({ alg: 'A256KW' }), 'ERR_JOSE_NOT_SUPPORTED'],
    ['enc "A128GCM": only A256GCM (the SDK refuses too, with ERR_JWE_INVALID)', () => ({ a: 1 }), () => ({ enc: 'A128GCM' }), 'ERR_JOSE_NOT_SUPPORTED'],
    ['a header parameter nested 200 levels deep: JSON nesting is limited to 128', () => ({ a: 1 }), () => ({ deep: nested(200) }), 'ERR_INVALID_ARG_VALUE'],
    ['a payload whose cookie exceeds 64 KiB: the limit our readers apply', () => ({ ...smallSession(), blob: randomText(60_000, { unicode: false }) }), () => undefined, 'ERR_INPUT_TOO_LARGE'],
    ['a function-valued member: dropped as JSON.stringify drops it (the SDK\'s structuredClone refuses it)', () => ({ a: 1, f() {} }), () => undefined, 'ok'],
  ];

  test.each(deviations)('documented deviation: %s', async (_label, payload, headers, expected) => {
    const secret = randomSecret();
    const ours = await outcome(() => addon.encrypt(payload(), secret, hour(), headers()));
    if (expected === 'ok') {
      expect(ours.kind).toBe('ok');
      expect((await sdk.decrypt(ours.value, secret)).payload).toStrictEqual({ a: 1, exp: expect.any(Number) });
    } else {
      expect({ kind: ours.kind, code: ours.code }).toStrictEqual({ kind: 'reject', code: expected });
      expect(ours.error.message.length).toBeGreaterThan(10);
    }
  });

  test.each(cases)('%s', async (_label, payload, expiration, headers, secretOverride) => {
    const secret = secretOverride ?? randomSecret();
    const args = [payload(), secret, expiration(), headers()];
    // The SDK's encrypt is an async function: it never throws synchronously. Neither may ours.
    let pending;
    expect(() => {
      pending = addon.encrypt(...args);
    }).not.toThrow();
    const ours = await outcome(() => pending);
    const theirs = await outcome(() => sdk.encrypt(...args));
    expect(ours.kind).toBe(theirs.kind);
    // jose's own codes must match; the SDK's plain TypeErrors (no code) only need a rejection.
    if (theirs.kind === 'reject' && /^ERR_J(OSE|WE|WT)_/.test(String(theirs.code))) {
      expect(ours.code).toBe(theirs.code);
    }
    if (theirs.kind === 'ok') {
      expect(ours.value.split('.')[0]).toBe(theirs.value.split('.')[0]);
      const [a, b] = [await outcome(() => sdk.decrypt(ours.value, secret)), await outcome(() => sdk.decrypt(theirs.value, secret))];
      expect({ kind: a.kind, code: a.code }).toStrictEqual({ kind: b.kind, code: b.code });
      if (b.kind === 'ok') expect(a.value).toStrictEqual(b.value);
    }
  });
});

describe('SDK testing helper and stateful cookies', () => {
  test('generateSessionCookie output is read by our unseal', async () => {
    const secret = randomSecret();
    const session = typicalSession();
    const before = nowSeconds();
    const cookie = await sdk.generateSessionCookie(deepClone(session), { secret });
    const after = nowSeconds();
    const unsealed = new addon.SessionCipher({ secret }).unseal(cookie);
    expect(unsealed).toStrictEqual(await sdkSession(cookie, secret));
    expect(unsealed.user).toStrictEqual(session.user);
    expect(unsealed.tokenSet).toStrictEqual(session.tokenSet);
    expect(unsealed.internal).toStrictEqual(session.internal);
    // An hour from when it was made (bracketed by the clock around the call).
    expect(unsealed.exp).toBeGreaterThanOrEqual(before + 3600);
    expect(unsealed.exp).toBeLessThanOrEqual(after + 3600);
  });

  test('generateSessionCookie without internal: the defaults it adds come through', async () => {
    const secret = randomSecret();
    const { user, tokenSet } = typicalSession();
    const before = nowSeconds();
    const cookie = await sdk.generateSessionCookie({ user, tokenSet }, { secret });
    const after = nowSeconds();
    const unsealed = new addon.SessionCipher({ secret }).unseal(cookie);
    expect(unsealed).toStrictEqual(await sdkSession(cookie, secret));
    expect(unsealed.internal.sid).toBe('auth0-sid');
    expect(unsealed.internal.createdAt).toBeGreaterThanOrEqual(before);
    expect(unsealed.internal.createdAt).toBeLessThanOrEqual(after);
  });

  test('stateful { id } cookie: SDK-written read by us, ours read by the SDK', async () => {
    const secret = randomSecret();
    const id = randomText(32, { unicode: false });
    const exp = hour();
    const cipher = new addon.SessionCipher({ secret });
    const theirs = await sdk.encrypt({ id }, secret, exp);
    expect(cipher.open(theirs).payload).toStrictEqual({ id, exp });
    expect(cipher.unseal(theirs)).toStrictEqual({ id, exp });
    const ours = cipher.sealPayload({ id }, exp);
    expect((await sdk.decrypt(ours, secret)).payload).toStrictEqual({ id, exp });
  });
});

describe('v3 legacy cookies', () => {
  const variants = ['full', 'full', 'missing', 'missing', 'nulls', 'nulls', 'user-only'];

  test.each(variants.map((v, i) => [v, i]))('%s (#%i), written with the SDK encrypt and { iat, uat, exp } headers: unseal = SDK normalize', async (variant) => {
    const secret = randomSecret();
    const v3 = randomV3Session(variant);
    const iat = nowSeconds() - randomInt(60, 86400);
    const header = { iat, uat: iat + randomInt(0, 60), exp: hour() };
    const cookie = await sdk.encrypt(v3, secret, header.exp, header);
    const expected = await sdkSession(cookie, secret);
    const unsealed = new addon.SessionCipher({ secret }).unseal(cookie);
    expect(unsealed).toStrictEqual(asJson(expected));
    // The conversion itself, spelled out (as JSON: no `undefined` members).
    expect(unsealed.user).toStrictEqual(v3.user);
    expect(unsealed.internal).toStrictEqual(asJson({ sid: v3.user.sid, createdAt: iat }));
    expect(unsealed.tokenSet).toStrictEqual(asJson({
      idToken: v3.idToken ?? undefined,
      accessToken: v3.accessToken ?? undefined,
      scope: v3.accessTokenScope,
      refreshToken: v3.refreshToken,
      expiresAt: v3.accessTokenExpiresAt,
    }));
    // open/decrypt give the raw v3 payload and header, as the SDK's decrypt does.
    const sdkDecrypted = await sdk.decrypt(cookie, secret);
    expect(await addon.decrypt(cookie, secret)).toStrictEqual(sdkDecrypted);
    const opened = new addon.SessionCipher({ secret }).open(cookie);
    expect(opened.protectedHeader).toStrictEqual(sdkDecrypted.protectedHeader);
    expect(opened.payload).toStrictEqual(sdkDecrypted.payload);
  });

  test.each(['full', 'missing', 'nulls'])('%s, in v3\'s exact shape (header alg-first with uat/iat/exp, no exp claim in the payload)', async (variant) => {
    const secret = randomSecret();
    const v3 = randomV3Session(variant);
    const now = nowSeconds();
    // v3 checked its header exp itself; v4 only looks at the payload, so a past header exp still reads.
    for (const headerExp of [now + 86400, now - 3600]) {
      const cookie = await new jose.EncryptJWT(v3)
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', uat: now - 5, iat: now - 50, exp: headerExp })
        .encrypt(new Uint8Array(deriveKey(secret)));
      const expected = await sdkSession(cookie, secret);
      expect(expected).not.toBeNull();
      expect(new addon.SessionCipher({ secret }).unseal(cookie)).toStrictEqual(asJson(expected));
    }
  });

  test("known difference: the SDK's v3 conversion keeps `undefined` members that our read, which crossed JSON, lacks", async () => {
    const secret = randomSecret();
    const iat = nowSeconds() - 60;
    // A v3 session of a user without sid, and no tokens: every member the SDK fills in is `undefined`.
    const cookie = await sdk.encrypt({ user: { sub: 'auth0|u' } }, secret, hour(), { iat, uat: iat, exp: hour() });
    const theirs = await sdkSession(cookie, secret);
    const ours = new addon.SessionCipher({ secret }).unseal(cookie);
    expect(Object.entries(theirs.tokenSet)).toStrictEqual(['idToken', 'accessToken', 'scope', 'refreshToken', 'expiresAt'].map((k) => [k, undefined]));
    expect(Object.entries(theirs.internal)).toStrictEqual([['sid', undefined], ['createdAt', iat]]);
    expect(ours.tokenSet).toStrictEqual({});
    expect(ours.internal).toStrictEqual({ createdAt: iat });
    expect(ours).toStrictEqual(asJson(theirs));
  });

  test('a header iat that is falsy (0) is not a legacy cookie, as in the SDK', async () => {
    const secret = randomSecret();
    const session = smallSession();
    const cookie = await sdk.encrypt(session, secret, hour(), { iat: 0 });
    const unsealed = new addon.SessionCipher({ secret }).unseal(cookie);
    expect(unsealed).toStrictEqual(await sdkSession(cookie, secret));
    expect(unsealed.tokenSet).toStrictEqual(session.tokenSet);
  });

  test('a v4-shaped payload under a header iat is converted, as the SDK does', async () => {
    const secret = randomSecret();
    const session = smallSession();
    const cookie = await sdk.encrypt(session, secret, hour(), { iat: 1234 });
    const unsealed = new addon.SessionCipher({ secret }).unseal(cookie);
    expect(unsealed).toStrictEqual(asJson(await sdkSession(cookie, secret)));
    expect(unsealed.internal.createdAt).toBe(1234);
  });

  test('a legacy cookie without a user object: the SDK throws a TypeError, our unseal returns null (contract: never throws)', async () => {
    const secret = randomSecret();
    for (const payload of [{}, { user: null }]) {
      const cookie = await sdk.encrypt(payload, secret, hour(), { iat: 100, uat: 100, exp: hour() });
      await expect(sdkSession(cookie, secret)).rejects.toThrow("reading 'sid'");
      expect(new addon.SessionCipher({ secret }).unseal(cookie)).toBeNull();
    }
  });
});

describe('drop-in decrypt: bad cookies behave as in the SDK (both null, or both reject with the same code)', () => {
  const AES = { enc: 'A256GCM', alg: 'dir' };

  /**
   * Each case builds its cookie at test time. A case whose verdict depends on the clock (`atMaking`) is judged,
   * by both, at the moment it was made: however slow the machine, the verdict is the one the label states.
   */
  const atMaking = { atMaking: true };
  const cases = [
    ['expired (exp 60 s ago, beyond the 15 s tolerance)', async (s) => sdk.encrypt(smallSession(), s, nowSeconds() - 60)],
    ['expired only within the tolerance (exp 10 s ago): still reads', async (s) => sdk.encrypt(smallSession(), s, nowSeconds() - 10), { ...atMaking, reads: true }],
    ['wrong secret', async () => sdk.encrypt(smallSession(), randomSecret(), hour())],
    ['tampered header: re-encoded with a kid', async (s) => withSegment(await sdk.encrypt(smallSession(), s, hour()), 0, b64uJson({ ...AES, kid: 'x' }))],
    ['tampered header: one character', async (s) => withSegment(await sdk.encrypt(smallSession(), s, hour()), 0, (h) => flipChar(h, randomInt(0, h.length - 1)))],
    ['tampered iv: one character', async (s) => withSegment(await sdk.encrypt(smallSession(), s, hour()), 2, (v) => flipChar(v, randomInt(0, v.length - 1)))],
    ['tampered ciphertext: one character', async (s) => withSegment(await sdk.encrypt(smallSession(), s, hour()), 3, (v) => flipChar(v, randomInt(0, v.length - 1)))],
    ['tampered tag: one character', async (s) => withSegment(await sdk.encrypt(smallSession(), s, hour()), 4, (v) => flipChar(v, randomInt(0, v.length - 1)))],
    ['non-empty encrypted-key segment', async (s) => withSegment(await sdk.encrypt(smallSession(), s, hour()), 1, 'AAAA')],
    ['4 segments', async (s) => (await sdk.encrypt(smallSession(), s, hour())).split('.').filter((_, i) => i !== 1).join('.')],
    ['6 segments', async (s) => `${await sdk.encrypt(smallSession(), s, hour())}.AAAA`],
    ['1 segment', async () => 'eyJhbGciOiJkaXIifQ'],
    ['nbf in the future (SDK encrypt with an nbf claim)', async (s) => sdk.encrypt({ ...smallSession(), nbf: nowSeconds() + 3600 }, s, hour())],
    ['nbf just inside the tolerance: reads', async (s) => sdk.encrypt({ ...smallSession(), nbf: nowSeconds() + 10 }, s, hour())],
    ['nbf not a number', async (s) => sdk.encrypt({ ...smallSession(), nbf: 'soon' }, s, hour())],
    ['iat not a number', async (s) => sdk.encrypt({ ...smallSession(), iat: '1' }, s, hour())],
    ['exp not a number', async (s) => rawJwe(s, AES, JSON.stringify({ a: 1, exp: String(hour()) }))],
    ['non-object payload: array', async (s) => rawJwe(s, AES, '[1,2,3]')],
    ['non-object payload: string', async (s) => rawJwe(s, AES, '"session"')],
    ['non-object payload: null', async (s) => rawJwe(s, AES, 'null')],
    ['non-object payload: number', async (s) => rawJwe(s, AES, String(hour()))],
    ['plaintext is not JSON', async (s) => rawJwe(s, AES, '{"a":1')],
    ['plaintext is not UTF-8', async (s) => rawJwe(s, AES, Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]))],
    ['plaintext with a UTF-8 BOM', async (s) => rawJwe(s, AES, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ a: 1, exp: hour() }))]))],
    ['alg "none" header (correctly authenticated)', async (s) => rawJwe(s, { alg: 'none', enc: 'A256GCM' }, JSON.stringify({ a: 1 }))],
    ['alg missing', async (s) => rawJwe(s, { enc: 'A256GCM' }, '{}')],
    ['enc missing', async (s) => rawJwe(s, { alg: 'dir' }, '{}')],
    ['enc unknown ("A512GCM")', async (s) => rawJwe(s, { alg: 'dir', enc: 'A512GCM' }, '{}')],
    ['crit header with an unrecognized extension', async (s) => rawJwe(s, { ...AES, crit: ['x'], x: 1 }, '{}')],
    ['crit header, empty list', async (s) => rawJwe(s, { ...AES, crit: [] }, '{}')],
    ['zip header with an unknown value ("XYZ")', async (s) => rawJwe(s, { ...AES, zip: 'XYZ' }, '{}')],
    ['zip "DEF" header over an uncompressed plaintext', async (s) => rawJwe(s, { ...AES, zip: 'DEF' }, JSON.stringify({ a: 1 }))],
    ['enc "A128GCM" (a known algorithm, wrong key size)', async (s) => rawJwe(s, { alg: 'dir', enc: 'A128GCM' }, '{}')],
    ['enc "A256CBC-HS512" (a known algorithm, wrong key size)', async (s) => rawJwe(s, { alg: 'dir', enc: 'A256CBC-HS512' }, '{}')],
    ['alg "A256KW" (a known key-wrapping algorithm, no encrypted key)', async (s) => rawJwe(s, { alg: 'A256KW', enc: 'A256GCM' }, '{}')],
    ['replicated iss header that the payload does not match', async (s) => rawJwe(s, { ...AES, iss: 'https://a.example' }, JSON.stringify({ a: 1, exp: hour() }))],
    ['header is not JSON', async (s) => withSegment(await sdk.encrypt({}, s, hour()), 0, b64uJson('{"alg":'))],
    ['header is a JSON array', async (s) => withSegment(await sdk.encrypt({}, s, hour()), 0, b64uJson('[]'))],
    ['header segment empty', async (s) => withSegment(await sdk.encrypt({}, s, hour()), 0, '')],
    ['iv segment empty', async (s) => withSegment(await sdk.encrypt({}, s, hour()), 2, '')],
    ['tag segment empty', async (s) => withSegment(await sdk.encrypt({}, s, hour()), 4, '')],
    ['iv too short (9 bytes)', async (s) => withSegment(await sdk.encrypt({}, s, hour()), 2, (v) => v.slice(0, 12))],
    ['tag too short (15 bytes)', async (s) => withSegment(await sdk.encrypt({}, s, hour()), 4, (v) => Buffer.from(v, 'base64url').subarray(0, 15).toString('base64url'))],
    ['iv is not base64url', async (s) => withSegment(await sdk.encrypt({}, s, hour()), 2, '!!!!!!!!!!!!!!!!')],
    ['ciphertext with standard-base64 characters', async (s) => withSegment(await sdk.encrypt({}, s, hour()), 3, (v) => `+/${v.slice(2)}`)],
    ['payload claim nested 1000 levels deep (a valid cookie the SDK reads)', async (s) => sdk.encrypt({ ...smallSession(), deep: JSON.parse('['.repeat(1000) + ']'.repeat(1000)) }, s, hour())],
    ['empty string', async () => ''],
    ['not a string: a number', async () => 12345],
    ['not a string: null', async () => null],
    ['not a string: undefined', async () => undefined],
    ['64 KiB + 1 of garbage', async () => 'a'.repeat(64 * 1024 + 1)],
  ];

  test.each(cases)('%s', async (_label, make, { atMaking: judgedAtMaking = false, reads = false } = {}) => {
    const secret = randomSecret();
    const made = new Date(nowSeconds() * 1000);
    const cookie = await make(secret);
    const options = judgedAtMaking ? { currentDate: made } : undefined;
    const theirs = await outcome(() => sdk.decrypt(cookie, secret, options));
    const ours = await outcome(() => addon.decrypt(cookie, secret, options));
    const summary = (o) => ({ kind: o.kind, code: o.code });
    expect(summary(ours)).toStrictEqual(summary(theirs));
    if (theirs.kind === 'ok') expect(ours.value).toStrictEqual(theirs.value);
    if (reads) expect(theirs.kind).toBe('ok');
  });

  /** Documented deviations (SECURITY.md): valid cookies the SDK's jose reads and session-seal refuses. */
  const deviations = [
    ['zip "DEF" cookie written by the SDK encrypt (compressed plaintext)', async (s) => sdk.encrypt(smallSession(), s, hour(), { zip: 'DEF' })],
    // 16 bytes are 22 characters: the last one carries 2 bits of data and 4 unused bits. jose ignores the
    // unused bits (same bytes, the cookie reads); strict base64url refuses them.
    ['tag whose last character differs only in unused trailing bits', async (s) =>
      withSegment(await sdk.encrypt(smallSession(), s, hour()), 4, (t) => t.slice(0, -1) + B64U_ALPHABET[B64U_ALPHABET.indexOf(t.at(-1)) ^ 1])],
    ['tag with "==" padding', async (s) => withSegment(await sdk.encrypt(smallSession(), s, hour()), 4, (t) => `${t}==`)],
    ['A256KW cookie written by the SDK encrypt', async (s) => sdk.encrypt(smallSession(), s, hour(), { alg: 'A256KW' })],
    ['A256GCMKW cookie written by the SDK encrypt', async (s) => sdk.encrypt(smallSession(), s, hour(), { alg: 'A256GCMKW' })],
    ['header parameter nested 200 levels deep (a valid cookie the SDK reads)', async (s) => sdk.encrypt(smallSession(), s, hour(), { deep: JSON.parse('['.repeat(200) + ']'.repeat(200)) })],
  ];

  test.each(deviations)('documented deviation: %s — the SDK reads it, our decrypt gives null', async (_label, make) => {
    const secret = randomSecret();
    const cookie = await make(secret);
    expect(await sdk.decrypt(cookie, secret)).not.toBeNull();
    expect(await addon.decrypt(cookie, secret)).toBeNull();
    const strict = await outcome(() => new addon.SessionCipher({ secret }).open(cookie));
    expect(strict.kind).toBe('reject');
    expect(['ERR_JOSE_NOT_SUPPORTED', 'ERR_JWE_INVALID']).toContain(strict.code);
  });

  test.each([
    ['expired', async (s) => sdk.encrypt(smallSession(), s, nowSeconds() - 60)],
    ['wrong secret', async () => sdk.encrypt(smallSession(), randomSecret(), hour())],
    ['4 segments', async (s) => (await sdk.encrypt({}, s, hour())).split('.').slice(1).join('.')],
    ['tampered ciphertext', async (s) => withSegment(await sdk.encrypt({}, s, hour()), 3, (v) => flipChar(v, 0))],
  ])('throwOnJWEErrors = true: %s rejects with the same code as the SDK', async (_label, make) => {
    const secret = randomSecret();
    const cookie = await make(secret);
    const theirs = await outcome(() => sdk.decrypt(cookie, secret, undefined, true));
    const ours = await outcome(() => addon.decrypt(cookie, secret, undefined, true));
    expect(theirs.kind).toBe('reject');
    expect({ kind: ours.kind, code: ours.code }).toStrictEqual({ kind: 'reject', code: theirs.code });
  });

  test('a valid cookie over 64 KiB: the SDK reads it, our drop-in refuses it by the documented size limit', async () => {
    const secret = randomSecret();
    const cookie = await sdk.encrypt({ ...smallSession(), blob: randomText(70_000, { unicode: false }) }, secret, hour());
    expect(cookie.length).toBeGreaterThan(64 * 1024);
    expect(await sdk.decrypt(cookie, secret)).not.toBeNull();
    expect(await addon.decrypt(cookie, secret)).toBeNull();
  });
});

describe('decrypt options', () => {
  test('currentDate is honoured: a cookie expired now opens with a past currentDate', async () => {
    const secret = randomSecret();
    const session = smallSession();
    const exp = nowSeconds() - 3600;
    const cookie = await sdk.encrypt(session, secret, exp);
    expect(await addon.decrypt(cookie, secret)).toBeNull();
    const past = new Date((exp - 600) * 1000);
    const ours = await addon.decrypt(cookie, secret, { currentDate: past });
    expect(ours).toStrictEqual(await sdk.decrypt(cookie, secret, { currentDate: past }));
    expect(ours.payload).toStrictEqual({ ...session, exp });
    // At the tolerance boundary, judged at currentDate.
    for (const offset of [14, 15, 16]) {
      const at = new Date((exp + offset) * 1000 + 500);
      const theirs = await outcome(() => sdk.decrypt(cookie, secret, { currentDate: at }));
      const mine = await outcome(() => addon.decrypt(cookie, secret, { currentDate: at }));
      expect({ offset, kind: mine.kind }).toStrictEqual({ offset, kind: theirs.kind });
    }
  });

  test('currentDate also governs nbf', async () => {
    const secret = randomSecret();
    const nbf = nowSeconds() + 7200;
    const cookie = await sdk.encrypt({ a: 1, nbf }, secret, nbf + 3600);
    const later = { currentDate: new Date((nbf + 1) * 1000) };
    await expect(addon.decrypt(cookie, secret)).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
    expect(await addon.decrypt(cookie, secret, later)).toStrictEqual(await sdk.decrypt(cookie, secret, later));
  });

  test('the other jose options the SDK decrypt passes through are refused, never silently ignored', async () => {
    const secret = randomSecret();
    const cookie = await sdk.encrypt(smallSession(), secret, hour());
    const options = [
      { issuer: 'https://issuer.example' },
      { audience: 'api' },
      { subject: 'someone' },
      { requiredClaims: ['sid'] },
      { maxTokenAge: 60 },
      { typ: 'JWT' },
      { contentEncryptionAlgorithms: ['A128GCM'] },
      { keyManagementAlgorithms: ['A256KW'] },
    ];
    for (const option of options) {
      const theirs = await outcome(() => sdk.decrypt(cookie, secret, option));
      const ours = await outcome(() => addon.decrypt(cookie, secret, option));
      // The SDK enforces each of these (and rejects this cookie); we do not implement them, so we refuse
      // the call rather than hand back a session the caller believes was checked.
      expect(theirs.kind).toBe('reject');
      expect({ kind: ours.kind, code: ours.code }).toStrictEqual({ kind: 'reject', code: 'ERR_JOSE_NOT_SUPPORTED' });
      expect(ours.error.message).toContain(Object.keys(option)[0]);
    }
  });

  test('clockTolerance is overridden to 15 s, as in the SDK', async () => {
    const secret = randomSecret();
    // Judged at the moment they were made: `fresh` is 5 s past its exp, `stale` 120 s, however slow the run.
    const currentDate = new Date(nowSeconds() * 1000);
    const fresh = await sdk.encrypt({ a: 1 }, secret, nowSeconds() - 5);
    const stale = await sdk.encrypt({ a: 1 }, secret, nowSeconds() - 120);
    for (const [cookie, tolerance] of [[fresh, 0], [stale, 3600]]) {
      const theirs = await outcome(() => sdk.decrypt(cookie, secret, { clockTolerance: tolerance, currentDate }));
      const ours = await outcome(() => addon.decrypt(cookie, secret, { clockTolerance: tolerance, currentDate }));
      expect(ours.kind).toBe(theirs.kind);
    }
    expect(await addon.decrypt(fresh, secret, { clockTolerance: 0, currentDate })).not.toBeNull();
    expect(await addon.decrypt(stale, secret, { clockTolerance: 3600, currentDate })).toBeNull();
  });
});
