// The addon's own API: rotation, expiry at the tolerance boundary, tampering of every segment, argument
// checking with coded errors, size limits, SessionData validation, and secrets never leaking into errors.

import { describe, test, expect, beforeAll } from '@jest/globals';
import { inspect } from 'node:util';
import {
  loadAddon,
  loadSdk,
  loadJose,
  loadVectors,
  randomSecret,
  randomHex,
  randomText,
  smallSession,
  typicalSession,
  largeSession,
  SESSION_SIZES,
  randomInt,
  deriveKey,
  rawJwe,
  flipChar,
  withSegment,
  nowSeconds,
  outcome,
  JOSE_CODES,
} from './helpers/fixtures.mjs';

const addon = loadAddon();
const { SessionCipher, validateSession } = addon;
let sdk;
let jose;

beforeAll(async () => {
  sdk = await loadSdk();
  jose = await loadJose();
});

const hour = () => nowSeconds() + 3600;

/** The error `fn` throws synchronously (fails if none). */
function thrown(fn) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw, got none');
}

/** What jose itself says about a cookie: 'ok' or the error code. */
async function joseVerdict(cookie, secret, options = {}) {
  try {
    await jose.jwtDecrypt(cookie, new Uint8Array(deriveKey(secret)), { clockTolerance: 15, ...options });
    return 'ok';
  } catch (error) {
    return error.code;
  }
}

/** What our open says: 'ok' or the error code. */
function ourVerdict(cipher, cookie, options) {
  try {
    cipher.open(cookie, options);
    return 'ok';
  } catch (error) {
    return error.code;
  }
}

describe('seal output', () => {
  test('five segments, empty encrypted key, the SDK header, 12-byte iv, 16-byte tag', () => {
    const cookie = new SessionCipher({ secret: randomSecret() }).seal(typicalSession(), hour());
    const parts = cookie.split('.');
    expect(parts).toHaveLength(5);
    expect(parts[1]).toBe('');
    expect(Buffer.from(parts[0], 'base64url').toString()).toBe('{"enc":"A256GCM","alg":"dir"}');
    for (const part of parts) expect(part).toMatch(/^[A-Za-z0-9_-]*$/);
    expect(Buffer.from(parts[2], 'base64url')).toHaveLength(12);
    expect(Buffer.from(parts[4], 'base64url')).toHaveLength(16);
  });

  test('a fresh iv every seal', () => {
    const cipher = new SessionCipher({ secret: randomSecret() });
    const session = smallSession();
    const ivs = new Set(Array.from({ length: 500 }, () => cipher.seal(session, 1e10).split('.')[2]));
    expect(ivs.size).toBe(500);
  });

  test.each(SESSION_SIZES)('%s: seal → unseal round trip gives the session plus exp', (_label, make) => {
    const cipher = new SessionCipher({ secret: randomSecret() });
    const session = make();
    const exp = hour();
    expect(cipher.unseal(cipher.seal(session, exp))).toStrictEqual({ ...session, exp });
    expect(cipher.open(cipher.seal(session, exp))).toStrictEqual({ payload: { ...session, exp }, protectedHeader: { enc: 'A256GCM', alg: 'dir' }, keyIndex: 0 });
  });

  test('sealPayload({ id }) round trip, unvalidated, read by the SDK too', async () => {
    const secret = randomSecret();
    const cipher = new SessionCipher({ secret });
    const id = randomHex(16);
    const exp = hour();
    const cookie = cipher.sealPayload({ id }, exp);
    expect(cipher.open(cookie)).toStrictEqual({ payload: { id, exp }, protectedHeader: { enc: 'A256GCM', alg: 'dir' }, keyIndex: 0 });
    expect(cipher.unseal(cookie)).toStrictEqual({ id, exp });
    expect((await sdk.decrypt(cookie, secret)).payload).toStrictEqual({ id, exp });
    // Any JSON object goes, with no SessionData validation.
    const odd = { anything: [1, 'two'], nested: { x: null } };
    expect(cipher.open(cipher.sealPayload(odd, exp)).payload).toStrictEqual({ ...odd, exp });
  });
});

describe('rotation (a list of secrets)', () => {
  test('the first secret seals, every one unseals, keyIndex says which', () => {
    const [newest, middle, oldest] = [randomSecret(), randomSecret(), randomSecret()];
    const ring = new SessionCipher({ secret: [newest, middle, oldest] });
    const session = typicalSession();
    const exp = hour();

    const sealedByRing = ring.seal(session, exp);
    expect(new SessionCipher({ secret: newest }).open(sealedByRing).keyIndex).toBe(0);
    expect(new SessionCipher({ secret: middle }).unseal(sealedByRing)).toBeNull();

    for (const [index, secret] of [newest, middle, oldest].entries()) {
      const cookie = new SessionCipher({ secret }).seal(session, exp);
      const opened = ring.open(cookie);
      expect(opened.keyIndex).toBe(index);
      expect(opened.payload).toStrictEqual({ ...session, exp });
      expect(ring.unseal(cookie)).toStrictEqual({ ...session, exp });
    }
  });

  test('a cookie sealed under the old secret opens with keyIndex 1; with only the new secret it is rejected', async () => {
    const [newSecret, oldSecret] = [randomSecret(), randomSecret()];
    const session = smallSession();
    const exp = hour();
    const oldCookie = await sdk.encrypt(session, oldSecret, exp);
    const rotated = new SessionCipher({ secret: [newSecret, oldSecret] });
    expect(rotated.open(oldCookie).keyIndex).toBe(1);
    expect(rotated.unseal(oldCookie)).toStrictEqual({ ...session, exp });
    const onlyNew = new SessionCipher({ secret: newSecret });
    expect(onlyNew.unseal(oldCookie)).toBeNull();
    expect(thrown(() => onlyNew.open(oldCookie)).code).toBe('ERR_JWE_DECRYPTION_FAILED');
    // Re-sealing under the newest secret, as keyIndex suggests, gives a cookie the new secret alone reads.
    const resealed = rotated.seal(rotated.unseal(oldCookie), exp);
    expect(onlyNew.open(resealed).keyIndex).toBe(0);
  });

  test('the drop-in decrypt and encrypt take a list too', async () => {
    const [newSecret, oldSecret] = [randomSecret(), randomSecret()];
    const session = smallSession();
    const exp = hour();
    const oldCookie = await sdk.encrypt(session, oldSecret, exp);
    expect((await addon.decrypt(oldCookie, [newSecret, oldSecret])).payload).toStrictEqual({ ...session, exp });
    expect(await addon.decrypt(oldCookie, [newSecret])).toBeNull();
    const fresh = await addon.encrypt(session, [newSecret, oldSecret], exp);
    expect((await sdk.decrypt(fresh, newSecret)).payload).toStrictEqual({ ...session, exp });
    expect(await sdk.decrypt(fresh, oldSecret)).toBeNull();
  });
});

describe('expiry and not-before, judged at `now`', () => {
  test('default tolerance 15 s: exp + 14 reads, exactly exp + 15 is expired', () => {
    const cipher = new SessionCipher({ secret: randomSecret() });
    const exp = nowSeconds() + randomInt(100, 10000);
    const cookie = cipher.seal(smallSession(), exp);
    expect(cipher.open(cookie, { now: exp - 1000 }).payload.exp).toBe(exp);
    expect(cipher.open(cookie, { now: exp }).payload.exp).toBe(exp);
    expect(cipher.open(cookie, { now: exp + 14 }).payload.exp).toBe(exp);
    expect(cipher.open(cookie, { now: exp + 14.999 }).payload.exp).toBe(exp); // now is floored, as jose does
    expect(cipher.unseal(cookie, { now: exp + 14 })).not.toBeNull();
    expect(thrown(() => cipher.open(cookie, { now: exp + 15 })).code).toBe('ERR_JWT_EXPIRED');
    expect(cipher.unseal(cookie, { now: exp + 15 })).toBeNull();
    expect(cipher.unseal(cookie, { now: exp + 1e6 })).toBeNull();
  });

  test('clockTolerance: 0 — exp - 1 reads, exactly exp is expired', () => {
    const cipher = new SessionCipher({ secret: randomSecret(), clockTolerance: 0 });
    const exp = nowSeconds() + 500;
    const cookie = cipher.seal(smallSession(), exp);
    expect(cipher.open(cookie, { now: exp - 1 }).payload.exp).toBe(exp);
    expect(thrown(() => cipher.open(cookie, { now: exp })).code).toBe('ERR_JWT_EXPIRED');
    expect(cipher.unseal(cookie, { now: exp })).toBeNull();
  });

  test.each([15, 0, 1, 60])('clockTolerance %i: exp and nbf verdicts equal jose\'s at every second around the boundaries', async (tolerance) => {
    const secret = randomSecret();
    const cipher = new SessionCipher({ secret, ...(tolerance !== 15 && { clockTolerance: tolerance }) });
    const exp = nowSeconds() + 5000;
    const nbf = exp - 2000;
    const cookie = cipher.sealPayload({ id: randomHex(16), nbf }, exp);
    const moments = [];
    for (let d = -tolerance - 2; d <= 2; d++) moments.push(nbf + d);
    for (let d = -2; d <= tolerance + 2; d++) moments.push(exp + d);
    for (const now of moments) {
      const theirs = await joseVerdict(cookie, secret, { clockTolerance: tolerance, currentDate: new Date(now * 1000) });
      expect({ now, verdict: ourVerdict(cipher, cookie, { now }) }).toStrictEqual({ now, verdict: theirs });
    }
    // Spot checks, spelled out.
    expect(ourVerdict(cipher, cookie, { now: nbf - tolerance })).toBe('ok');
    expect(ourVerdict(cipher, cookie, { now: nbf - tolerance - 1 })).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
    expect(ourVerdict(cipher, cookie, { now: exp + tolerance - 1 })).toBe('ok');
    expect(ourVerdict(cipher, cookie, { now: exp + tolerance })).toBe('ERR_JWT_EXPIRED');
  });

  test('claims of the wrong type are ERR_JWT_CLAIM_VALIDATION_FAILED', () => {
    const secret = randomSecret();
    const cipher = new SessionCipher({ secret });
    for (const claims of [{ exp: '1' }, { nbf: null }, { iat: 'yesterday' }, { exp: [1] }]) {
      const cookie = rawJwe(secret, { enc: 'A256GCM', alg: 'dir' }, JSON.stringify({ a: 1, ...claims }));
      expect(thrown(() => cipher.open(cookie)).code).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
      expect(cipher.unseal(cookie)).toBeNull();
    }
  });

  test('a cookie without exp never expires by itself (as in jose)', () => {
    const secret = randomSecret();
    const cookie = rawJwe(secret, { enc: 'A256GCM', alg: 'dir' }, JSON.stringify({ id: 'x' }));
    expect(new SessionCipher({ secret }).open(cookie, { now: 4e9 }).payload).toStrictEqual({ id: 'x' });
  });
});

describe('tampering', () => {
  const segmentNames = ['header', 'encrypted key', 'iv', 'ciphertext', 'tag'];

  test.each([0, 2, 3, 4].map((i) => [segmentNames[i], i]))('every single-character change of the %s fails with jose\'s code', async (_name, which) => {
    const secret = randomSecret();
    const cipher = new SessionCipher({ secret });
    const cookie = cipher.sealPayload({ id: randomHex(16) }, hour());
    const segment = cookie.split('.')[which];
    expect(segment.length).toBeGreaterThan(0);
    const codes = new Set();
    for (let i = 0; i < segment.length; i++) {
      const tampered = withSegment(cookie, which, (s) => flipChar(s, i));
      expect(tampered).not.toBe(cookie);
      expect(cipher.unseal(tampered)).toBeNull();
      const ours = ourVerdict(cipher, tampered);
      expect(JOSE_CODES).toContain(ours);
      expect({ position: i, code: ours }).toStrictEqual({ position: i, code: await joseVerdict(tampered, secret) });
      codes.add(ours);
    }
    if (which !== 0) expect([...codes]).toStrictEqual(['ERR_JWE_DECRYPTION_FAILED']);
  });

  test('a non-empty encrypted-key segment is ERR_JWE_INVALID', () => {
    const secret = randomSecret();
    const cipher = new SessionCipher({ secret });
    const cookie = withSegment(cipher.seal(smallSession(), hour()), 1, 'AAAA');
    expect(cipher.unseal(cookie)).toBeNull();
    expect(thrown(() => cipher.open(cookie)).code).toBe('ERR_JWE_INVALID');
  });

  test('wrong secret: null / ERR_JWE_DECRYPTION_FAILED', () => {
    const cookie = new SessionCipher({ secret: randomSecret() }).seal(typicalSession(), hour());
    const other = new SessionCipher({ secret: randomSecret() });
    expect(other.unseal(cookie)).toBeNull();
    expect(thrown(() => other.open(cookie)).code).toBe('ERR_JWE_DECRYPTION_FAILED');
  });

  test('malformed cookies: null from unseal, ERR_JWE_INVALID from open', () => {
    const cipher = new SessionCipher({ secret: randomSecret() });
    const good = cipher.seal(smallSession(), hour());
    for (const bad of ['', '.', '....', '.....', good.split('.').slice(0, 4).join('.'), `${good}.`, good.replace(/\./g, ',')]) {
      expect(cipher.unseal(bad)).toBeNull();
      expect({ bad, code: thrown(() => cipher.open(bad)).code }).toStrictEqual({ bad, code: 'ERR_JWE_INVALID' });
    }
  });
});

describe('bad arguments throw coded errors', () => {
  test.each([
    ['{}', {}],
    ["{ secret: '' }", { secret: '' }],
    ['{ secret: [] }', { secret: [] }],
    ['{ secret: [1] }', { secret: [1] }],
    ["{ secret: ['ok…', ''] }", { secret: [randomSecret(), ''] }],
    ['{ secret: 42 }', { secret: 42 }],
    ['{ secret: null }', { secret: null }],
  ])('new SessionCipher(%s) → ERR_SECRET_INVALID', (_label, options) => {
    const error = thrown(() => new SessionCipher(options));
    expect(error.code).toBe('ERR_SECRET_INVALID');
    expect(error.message).toMatch(/secret/);
  });

  test('new SessionCipher() without an options object → ERR_INVALID_ARG_TYPE', () => {
    for (const options of [undefined, null, 'secret']) {
      expect(thrown(() => new SessionCipher(options)).code).toBe('ERR_INVALID_ARG_TYPE');
    }
  });

  test('bad clockTolerance and maxCookieBytes', () => {
    const secret = randomSecret();
    expect(thrown(() => new SessionCipher({ secret, clockTolerance: -1 })).code).toBe('ERR_INVALID_ARG_VALUE');
    expect(thrown(() => new SessionCipher({ secret, clockTolerance: '15' })).code).toBe('ERR_INVALID_ARG_TYPE');
    for (const max of [0, -1, 1.5]) expect(thrown(() => new SessionCipher({ secret, maxCookieBytes: max })).code).toBe('ERR_INVALID_ARG_VALUE');
    expect(thrown(() => new SessionCipher({ secret, maxCookieBytes: '100' })).code).toBe('ERR_INVALID_ARG_TYPE');
  });

  test('unseal/open with a non-string → ERR_INVALID_ARG_TYPE (a bad argument, not a bad cookie)', () => {
    const cipher = new SessionCipher({ secret: randomSecret() });
    for (const value of [123, null, undefined, {}, ['a.b.c.d.e'], Buffer.from('x')]) {
      expect(thrown(() => cipher.unseal(value)).code).toBe('ERR_INVALID_ARG_TYPE');
      expect(thrown(() => cipher.open(value)).code).toBe('ERR_INVALID_ARG_TYPE');
    }
  });

  test('seal/sealPayload with a non-object → ERR_INVALID_ARG_TYPE; bad expiresAt; bad options', () => {
    const cipher = new SessionCipher({ secret: randomSecret() });
    for (const value of [null, undefined, 'session', 42, [smallSession()]]) {
      expect(thrown(() => cipher.seal(value, hour())).code).toBe('ERR_INVALID_ARG_TYPE');
      expect(thrown(() => cipher.sealPayload(value, hour())).code).toBe('ERR_INVALID_ARG_TYPE');
    }
    expect(thrown(() => cipher.seal(smallSession(), String(hour()))).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrown(() => cipher.seal(smallSession(), NaN)).code).toBe('ERR_INVALID_ARG_VALUE');
    expect(thrown(() => cipher.seal(smallSession(), Infinity)).code).toBe('ERR_INVALID_ARG_VALUE');
    expect(thrown(() => cipher.seal(smallSession(), hour(), { validate: 'no' })).code).toBe('ERR_INVALID_ARG_VALUE');
    expect(thrown(() => cipher.seal(smallSession(), hour(), { validate: 1 })).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrown(() => cipher.unseal('x', { now: '1' })).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrown(() => cipher.unseal('x', { now: NaN })).code).toBe('ERR_INVALID_ARG_VALUE');
  });

  test('a session that cannot be JSON (cycle) is refused with a code, not a crash', () => {
    const cipher = new SessionCipher({ secret: randomSecret() });
    const session = smallSession();
    session.self = session;
    expect(['ERR_INVALID_ARG_VALUE', 'ERR_INVALID_ARG_TYPE', 'ERR_SESSION_INVALID']).toContain(thrown(() => cipher.seal(session, hour())).code);
    expect(validateSession(session).valid).toBe(false);
  });
});

describe('size limits', () => {
  test('64 KiB + 1: unseal null, open ERR_INPUT_TOO_LARGE; exactly 64 KiB is judged as a cookie', () => {
    const cipher = new SessionCipher({ secret: randomSecret() });
    const tooBig = 'a'.repeat(64 * 1024 + 1);
    expect(cipher.unseal(tooBig)).toBeNull();
    expect(thrown(() => cipher.open(tooBig)).code).toBe('ERR_INPUT_TOO_LARGE');
    const atLimit = 'a'.repeat(64 * 1024);
    expect(cipher.unseal(atLimit)).toBeNull();
    expect(thrown(() => cipher.open(atLimit)).code).toBe('ERR_JWE_INVALID');
  });

  test('the limit counts UTF-8 bytes, not UTF-16 units', () => {
    const cipher = new SessionCipher({ secret: randomSecret() });
    const wide = 'é'.repeat(32 * 1024 + 1); // 32 K + 1 characters, 64 KiB + 2 bytes
    expect(wide.length).toBeLessThan(64 * 1024);
    expect(thrown(() => cipher.open(wide)).code).toBe('ERR_INPUT_TOO_LARGE');
  });

  test('maxCookieBytes: a cookie of exactly the limit opens, one byte over is refused before any work', () => {
    const secret = randomSecret();
    const cookie = new SessionCipher({ secret }).seal(largeSession(), hour());
    const exact = new SessionCipher({ secret, maxCookieBytes: cookie.length });
    expect(exact.open(cookie).keyIndex).toBe(0);
    const tight = new SessionCipher({ secret, maxCookieBytes: cookie.length - 1 });
    expect(tight.unseal(cookie)).toBeNull();
    const error = thrown(() => tight.open(cookie));
    expect(error.code).toBe('ERR_INPUT_TOO_LARGE');
    expect(error.message).toContain(String(cookie.length - 1));
  });

  test('maxCookieBytes can raise the limit above 64 KiB; seal refuses to make a cookie its cipher could not read', () => {
    const secret = randomSecret();
    const session = { ...smallSession(), blob: randomText(60_000, { unicode: false }) };
    const exp = hour();
    const byDefault = new SessionCipher({ secret });
    expect(thrown(() => byDefault.seal(session, exp)).code).toBe('ERR_INPUT_TOO_LARGE');
    const roomy = new SessionCipher({ secret, maxCookieBytes: 1 << 20 });
    const cookie = roomy.seal(session, exp);
    expect(cookie.length).toBeGreaterThan(64 * 1024);
    expect(roomy.unseal(cookie)).toStrictEqual({ ...session, exp });
    expect(byDefault.unseal(cookie)).toBeNull();
  });
});

describe('validateSession', () => {
  test('every vector session and random fixtures are valid', () => {
    const sessions = [
      ...loadVectors('v4-cookies.json').vectors.filter((v) => v.expected.normalized).map((v) => v.session),
      ...Array.from({ length: 5 }, () => smallSession()),
      ...Array.from({ length: 5 }, () => typicalSession()),
      ...Array.from({ length: 3 }, () => largeSession()),
    ];
    for (const session of sessions) expect(validateSession(session)).toStrictEqual({ valid: true, errors: [] });
  });

  test('extras are allowed where the types have index signatures', () => {
    const session = smallSession();
    session.custom = { anything: [1, 'x', null] };
    session.user['https://example.com/roles'] = ['admin'];
    session.user.act = { sub: 'a', act: { sub: 'b', extra: true }, why: 'support' };
    session.connectionTokenSets = [{ accessToken: 'x', expiresAt: 1, connection: 'github', more: { a: 1 } }];
    session.internal.mcd = { domain: 'd.example.com', issuer: 'https://d.example.com/' };
    session.internal.sessionExpiresAt = hour();
    expect(validateSession(session)).toStrictEqual({ valid: true, errors: [] });
  });

  const mutations = [
    ['user.sub', (s) => delete s.user.sub],
    ['user.sub', (s) => (s.user.sub = 1)],
    ['user.email_verified', (s) => (s.user.email_verified = 'true')],
    ['user.name', (s) => (s.user.name = ['Jane'])],
    ['user.session_expiry', (s) => (s.user.session_expiry = '1')],
    ['user.act.sub', (s) => (s.user.act = { sub: 2 })],
    ['user.act.act.sub', (s) => (s.user.act = { sub: 'a', act: {} })],
    ['user', (s) => (s.user = null)],
    ['tokenSet.accessToken', (s) => delete s.tokenSet.accessToken],
    ['tokenSet.expiresAt', (s) => (s.tokenSet.expiresAt = String(s.tokenSet.expiresAt))],
    ['tokenSet.refreshToken', (s) => (s.tokenSet.refreshToken = null)],
    ['tokenSet', (s) => delete s.tokenSet],
    ['internal.createdAt', (s) => (s.internal.createdAt = null)],
    ['internal.sid', (s) => delete s.internal.sid],
    ['internal.mcd.issuer', (s) => (s.internal.mcd = { domain: 'd' })],
    ['accessTokens[1].audience', (s) => (s.accessTokens = [{ accessToken: 'a', audience: 'x', expiresAt: 1 }, { accessToken: 'b', expiresAt: 2 }])],
    ['accessTokens[0].expiresAt', (s) => (s.accessTokens = [{ accessToken: 'a', audience: 'x', expiresAt: 'never' }])],
    ['accessTokens', (s) => (s.accessTokens = { accessToken: 'a' })],
    ['connectionTokenSets[0].connection', (s) => (s.connectionTokenSets = [{ accessToken: 'x', expiresAt: 1 }])],
    ['connectionTokenSets[2].accessToken', (s) => (s.connectionTokenSets = [0, 1, 2].map(() => ({ accessToken: 'x', expiresAt: 1, connection: 'c' })), (s.connectionTokenSets[2].accessToken = 7))],
    ['tokenSet.expiresAt', (s) => (s.tokenSet.expiresAt = NaN)], // JSON null
    ['internal.createdAt', (s) => (s.internal.createdAt = new Date())], // JSON string
  ];

  test.each(mutations)('one problem at %s is reported with that path', (path, mutate) => {
    const session = typicalSession();
    mutate(session);
    const result = validateSession(session);
    expect(result.valid).toBe(false);
    expect(result.errors.map((e) => e.path)).toStrictEqual([path]);
    expect(typeof result.errors[0].message).toBe('string');
    expect(result.errors[0].message.length).toBeGreaterThan(0);
  });

  test('the urn: permissions claim path names the key and the index', () => {
    const session = typicalSession();
    session.user['urn:auth0:my_org_current_user_permissions'] = ['my_org:read', 3];
    const { valid, errors } = validateSession(session);
    expect(valid).toBe(false);
    expect(errors).toHaveLength(1);
    expect(errors[0].path).toContain('urn:auth0:my_org_current_user_permissions');
    expect(errors[0].path).toMatch(/^user\b.*\[1\]$/);
  });

  const manyProblems = () => ({
    user: { email_verified: 'yes' },
    tokenSet: { accessToken: 'a', expiresAt: 'soon' },
    accessTokens: [{ accessToken: 'a', audience: 'x', expiresAt: 1 }, { accessToken: 'b', expiresAt: 2 }],
    internal: { sid: 's' },
    connectionTokenSets: [{ accessToken: 'x', expiresAt: 1 }],
  });
  const manyPaths = [
    'accessTokens[1].audience',
    'connectionTokenSets[0].connection',
    'internal.createdAt',
    'tokenSet.expiresAt',
    'user.email_verified',
    'user.sub',
  ];

  test('every problem is reported, each with its path', () => {
    const { valid, errors } = validateSession(manyProblems());
    expect(valid).toBe(false);
    expect(errors.map((e) => e.path).sort()).toStrictEqual(manyPaths);
  });

  test('values that are not objects', () => {
    for (const value of [null, undefined, 'session', 42, [], true]) {
      const { valid, errors } = validateSession(value);
      expect(valid).toBe(false);
      expect(errors).toHaveLength(1);
      expect(errors[0].path).toBe('');
    }
    expect(validateSession({}).errors.map((e) => e.path).sort()).toStrictEqual(['internal', 'tokenSet', 'user']);
  });

  test('the JSON form is judged: undefined optional members and functions vanish', () => {
    const session = smallSession();
    session.user.name = undefined;
    session.tokenSet.scope = undefined;
    session.helper = () => 1;
    expect(validateSession(session)).toStrictEqual({ valid: true, errors: [] });
  });

  test('a custom claim nested 200 levels deep is still valid SessionData (the SDK seals and reads it)', async () => {
    const secret = randomSecret();
    const session = smallSession();
    session.user.deep = JSON.parse('['.repeat(200) + ']'.repeat(200));
    const exp = hour();
    expect((await sdk.decrypt(await sdk.encrypt(session, secret, exp), secret)).payload).toStrictEqual({ ...session, exp });
    expect(validateSession(session)).toStrictEqual({ valid: true, errors: [] });
    const cipher = new SessionCipher({ secret });
    expect(cipher.unseal(cipher.seal(session, exp))).toStrictEqual({ ...session, exp });
  });

  test('seal with validate: "strict" (or true) refuses an invalid session with ERR_SESSION_INVALID naming every path; { validate: false } seals it', () => {
    const secret = randomSecret();
    const cipher = new SessionCipher({ secret });
    const bad = manyProblems();
    for (const validate of ['strict', true]) {
      const error = thrown(() => cipher.seal(bad, hour(), { validate }));
      expect(error.code).toBe('ERR_SESSION_INVALID');
      for (const path of manyPaths) expect(error.message).toContain(path);
    }
    // By default only what breaks the SDK is named (here: internal.createdAt).
    const error = thrown(() => cipher.seal(bad, hour()));
    expect({ code: error.code, paths: manyPaths.filter((p) => error.message.includes(p)) }).toStrictEqual({ code: 'ERR_SESSION_INVALID', paths: ['internal.createdAt'] });
    const exp = hour();
    const cookie = cipher.seal(bad, exp, { validate: false });
    expect(cipher.unseal(cookie)).toStrictEqual({ ...bad, exp });
    expect(cipher.seal(typicalSession(), exp, { validate: true }).split('.')).toHaveLength(5);
  });
});

describe('secrets never appear in errors', () => {
  const everything = (error) => {
    const props = Object.getOwnPropertyNames(error).map((k) => {
      try {
        return `${k}=${String(error[k])}`;
      } catch {
        return k;
      }
    });
    return [String(error), error?.message, error?.stack, inspect(error, { depth: 5, showHidden: true }), ...props].join('\n');
  };

  test('wrong secret, bad cookies, bad arguments, bad sessions, drop-in rejections', async () => {
    // A recognizable secret (and a hex one) so that any echo, even partial, is caught.
    const secrets = [`s3cr3t-${randomHex(16)}-passphrase`, randomSecret()];
    for (const secret of secrets) {
      const key = deriveKey(secret);
      const needles = [secret, secret.slice(0, 16), secret.slice(-16), key.toString('hex'), key.toString('base64url'), key.toString('base64')];
      const cipher = new SessionCipher({ secret });
      const good = cipher.seal(smallSession(), hour());
      const errors = [];
      const grab = (fn) => {
        try {
          fn();
        } catch (e) {
          errors.push(e);
        }
      };
      const grabAsync = async (fn) => {
        try {
          await fn();
        } catch (e) {
          errors.push(e);
        }
      };

      grab(() => new SessionCipher({ secret: randomSecret() }).open(good)); // the other way round too
      grab(() => new SessionCipher({ secret: [secret, 5] }));
      grab(() => new SessionCipher({ secret: [secret, ''] }));
      grab(() => new SessionCipher({ secret, clockTolerance: -1 }));
      grab(() => new SessionCipher({ secret, maxCookieBytes: 0 }));
      grab(() => cipher.open(new SessionCipher({ secret: randomSecret() }).seal(smallSession(), hour())));
      grab(() => cipher.open(withSegment(good, 3, (s) => flipChar(s, 3))));
      grab(() => cipher.open(withSegment(good, 0, (s) => flipChar(s, 5))));
      grab(() => cipher.open(cipher.seal(smallSession(), 1)));
      grab(() => cipher.open(cipher.sealPayload({ nbf: 4e9 }, 5e9)));
      grab(() => cipher.open(rawJwe(secret, { alg: 'none', enc: 'A256GCM' }, '{}')));
      grab(() => cipher.open(rawJwe(secret, { alg: 'dir', enc: 'A256GCM' }, '[]')));
      grab(() => cipher.open('garbage'));
      grab(() => cipher.open('x'.repeat(70_000)));
      grab(() => cipher.open(123));
      grab(() => cipher.seal({ user: {} }, hour()));
      grab(() => cipher.seal(null, hour()));
      grab(() => cipher.seal(smallSession(), NaN));
      await grabAsync(() => addon.decrypt(rawJwe(secret, { alg: 'none', enc: 'A256GCM' }, '{}'), secret));
      await grabAsync(() => addon.decrypt(cipher.sealPayload({ nbf: 4e9 }, 5e9), secret));
      await grabAsync(() => addon.decrypt(good, [secret, 1]));
      await grabAsync(() => addon.decrypt(good, secret, { currentDate: 'yesterday' }));
      await grabAsync(() => addon.decrypt(good, randomSecret(), undefined, true));
      await grabAsync(() => addon.encrypt(null, secret, hour()));
      await grabAsync(() => addon.encrypt({}, secret, NaN));
      await grabAsync(() => addon.encrypt({}, secret, hour(), { crit: ['x'], x: 1 }));
      await grabAsync(() => addon.encrypt({}, [secret, ''], hour()));

      expect(errors.length).toBeGreaterThanOrEqual(25);
      for (const error of errors) {
        expect(typeof error.code).toBe('string');
        const text = everything(error);
        for (const needle of needles) {
          expect({ code: error.code, leaks: text.includes(needle) }).toStrictEqual({ code: error.code, leaks: false });
        }
      }
    }
  });
});
