// The judge of the hostile-*.test.mjs suites: hostile cookies, judged side by side by jose's `jwtDecrypt` (what
// @auth0/nextjs-auth0 v4 calls, with its 15 s clock tolerance) and by us (`SessionCipher.open` / `unseal`).
//
// The rule: never accept what jose refuses; accept what jose accepts — same payload, same header — unless a
// documented limit says otherwise, in which case the refusal must carry the documented code and
// SECURITY.md must list the deviation. A v3 cookie that both accept unseals to what the SDK's own v3
// conversion (`normalizeStatelessSession`) makes of it, or to null where that conversion throws. Every
// refusal is a coded error from `open` and `null` from `unseal`, and payloads with `__proto__` /
// `constructor` keys stay plain own data.
//
// A fresh random secret per suite (Jest loads this module once per test file); encrypted-but-hostile cookies
// come from a raw AES-GCM sealer below (any header text, any plaintext bytes, any IV), independent of both
// jose and the addon.

import { expect, afterAll } from '@jest/globals';
import crypto from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import * as jose from 'jose';
import { loadAddon, deriveKey, sdkModule, JOSE_CODES } from './fixtures.mjs';

export const addon = loadAddon();

export const SECRET = crypto.randomBytes(32).toString('hex');
export const KEY = new Uint8Array(deriveKey(SECRET));
export const OTHER_KEY = new Uint8Array(deriveKey(`${SECRET}-other`));
export const NOW = Math.floor(Date.now() / 1000);
const TOLERANCE = 15;
export const DEFAULT_MAX = 64 * 1024;

/**
 * Each suite's `jest.setTimeout`. Some tests judge thousands of cookies side by side, each through jose's
 * jwtDecrypt: a few seconds on an idle machine, several times that on a busy one. Nothing here measures speed
 * (that is `npm run bench`); this limit only bounds a hang, and a call that runs away fails its test by it as
 * soon as the call returns.
 */
export const HOSTILE_TIMEOUT_MS = 180_000;

export const cipher = new addon.SessionCipher({ secret: SECRET });
export const roomy = new addon.SessionCipher({ secret: SECRET, maxCookieBytes: 16 * 1024 * 1024 });

/** The codes a refused cookie may carry: jose's, and our own two (an algorithm refused up front, a size limit). */
const COOKIE_CODES = [...JOSE_CODES, 'ERR_JOSE_ALG_NOT_ALLOWED', 'ERR_INPUT_TOO_LARGE'];

/**
 * Where we knowingly refuse what jose accepts. `code` is what our refusal must carry; `readme` must appear
 * in SECURITY.md.
 */
export const DEVIATIONS = {
  base64url: { code: 'ERR_JWE_INVALID', readme: /canonical/i },
  algorithms: { code: 'ERR_JOSE_NOT_SUPPORTED', readme: /A256KW/ },
  zip: { code: 'ERR_JOSE_NOT_SUPPORTED', readme: /`zip`/ },
  size: { code: 'ERR_INPUT_TOO_LARGE', readme: /64 KiB/ },
  headerJson: { code: 'ERR_JWE_INVALID', readme: /128 levels/ },
  headerNumbers: { code: 'ERR_JWE_INVALID', readme: /beyond the range of a double/i },
};

/**
 * Where both refuse but with different codes, each for a known reason. Any other difference fails.
 * (jose's code on the left, ours on the right.)
 */
const CODE_DIFFERENCES = {
  // Strict base64url refuses at parsing what atob decodes leniently; jose then fails to authenticate
  // (the AAD or ciphertext changed) or reads junk.
  'ERR_JWE_DECRYPTION_FAILED → ERR_JWE_INVALID': 'strict base64url',
  // Another alg (A256KW, …) without a valid wrapped key: jose tries to unwrap and fails the tag; we say
  // up front that only dir is supported.
  'ERR_JWE_DECRYPTION_FAILED → ERR_JOSE_NOT_SUPPORTED': 'only dir',
  // enc other than A256GCM under dir: jose fails on the key length; zip DEF that is not deflate data:
  // jose fails to inflate. We refuse both as unsupported before decrypting.
  'ERR_JWE_INVALID → ERR_JOSE_NOT_SUPPORTED': 'only A256GCM, never zip',
  // RSA-OAEP / ECDH-ES with a symmetric key: jose throws a TypeError (no code).
  'TypeError → ERR_JOSE_NOT_SUPPORTED': 'only dir',
  // Oversized junk: jose finds it malformed, we refuse it unread.
  'ERR_JWE_INVALID → ERR_INPUT_TOO_LARGE': 'size limit',
};

// ------------------------------------------------------------------------------------------------------
// Building cookies

export const b64u = (bytes) => Buffer.from(bytes).toString('base64url');
export const utf8 = (text) => Buffer.from(text, 'utf8');
export const H = '{"alg":"dir","enc":"A256GCM"}';
export const H_SDK = '{"enc":"A256GCM","alg":"dir"}';

/**
 * A compact JWE authenticated under `key` with whatever we are told: header text or bytes (or the exact
 * header segment), plaintext text or bytes, IV of any length, AAD of our choosing, an encrypted key.
 */
export function seal({
  header = H,
  headerSegment,
  plaintext = '{}',
  iv = crypto.randomBytes(12),
  aad,
  encryptedKey = '',
  key = KEY,
  tagLength = 16,
} = {}) {
  const h = headerSegment ?? b64u(typeof header === 'string' ? utf8(header) : header);
  const gcm = crypto.createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  gcm.setAAD(aad ?? utf8(h));
  const body = typeof plaintext === 'string' ? utf8(plaintext) : Buffer.from(plaintext);
  const ciphertext = Buffer.concat([gcm.update(body), gcm.final()]);
  const tag = gcm.getAuthTag().subarray(0, tagLength);
  return [h, encryptedKey, b64u(iv), b64u(ciphertext), b64u(tag)].join('.');
}

export const payload = (object) => JSON.stringify({ sub: 'u', ...object });

/** jose's base64url decoding on Node 20 (atob, which forgives padding, whitespace and stray bits). */
function joseDecode(segment) {
  if (segment.includes('+') || segment.includes('/')) return null;
  try {
    return Buffer.from(atob(segment.replace(/-/g, '+').replace(/_/g, '/')), 'latin1');
  } catch {
    return null;
  }
}

/** A segment jose can decode but that is not the canonical (unpadded, exact) base64url of its bytes. */
const nonCanonical = (segment) => {
  const bytes = joseDecode(segment);
  return bytes !== null && b64u(bytes) !== segment;
};

// ------------------------------------------------------------------------------------------------------
// Judging

/** Walks two parsed JSON values without recursion (some are 100k levels deep): same members, same order. */
function sameJson(a, b) {
  const stack = [[a, b]];
  while (stack.length) {
    const [x, y] = stack.pop();
    if (x === null || typeof x !== 'object') {
      if (!Object.is(x, y) && !(x === y)) return false;
      continue;
    }
    if (y === null || typeof y !== 'object' || Array.isArray(x) !== Array.isArray(y)) return false;
    const kx = Object.keys(x);
    const ky = Object.keys(y);
    if (kx.length !== ky.length || kx.some((k, i) => k !== ky[i])) return false;
    for (const k of kx) stack.push([x[k], y[k]]);
  }
  return true;
}

async function joseVerdict(cookie) {
  try {
    const { payload: p, protectedHeader } = await jose.jwtDecrypt(cookie, KEY, {
      clockTolerance: TOLERANCE,
      currentDate: new Date(NOW * 1000),
    });
    return { ok: true, payload: p, protectedHeader };
  } catch (error) {
    return { ok: false, code: error?.code ?? error?.name ?? String(error) };
  }
}

function attempt(fn) {
  try {
    return { value: fn() };
  } catch (error) {
    return { error };
  }
}

function ourVerdict(cookie, which = cipher) {
  const open = attempt(() => which.open(cookie, { now: NOW }));
  const unseal = attempt(() => which.unseal(cookie, { now: NOW }));
  return { open, unseal };
}

/** The deviation a refusal falls under, from what the cookie is (or what the case declares). */
function classify(cookie, declared, max) {
  if (declared) return declared;
  if (Buffer.byteLength(cookie) > max) return 'size';
  const parts = cookie.split('.');
  if (parts.length === 5 && parts.some(nonCanonical)) return 'base64url';
  const headerBytes = parts.length === 5 ? joseDecode(parts[0]) : null;
  let header;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch {
    return undefined;
  }
  if (header?.zip !== undefined) return 'zip';
  if (header?.alg !== 'dir' || header?.enc !== 'A256GCM') return 'algorithms';
  return undefined;
}

/**
 * `expect(actual).toEqual(expected)`, through Jest's matcher (and its diff) only when the two differ: judge runs
 * thousands of times, and the matcher would cost more than the cookies. Strict equality implies toEqual's.
 */
function check(actual, expected) {
  if (!isDeepStrictEqual(actual, expected)) expect(actual).toEqual(expected);
}

export const ledger = { cases: 0, bothAccept: 0, bothRefuse: 0, legacyConverted: 0, legacyUnconvertible: 0, deviations: {}, codeDifferences: new Map() };

/**
 * Judges one cookie: the rule, the coded errors, null from unseal. `declared` names the deviation a case is
 * built to show (it must then really be one: jose accepts, we refuse).
 */
export async function judge(cookie, { deviation: declared, which = cipher, max = DEFAULT_MAX, label = '' } = {}) {
  ledger.cases += 1;
  const theirs = await joseVerdict(cookie);
  const ours = ourVerdict(cookie, which);
  const where = `${label} ${JSON.stringify(cookie.length > 160 ? `${cookie.slice(0, 160)}…` : cookie)}`;

  // unseal never throws for a bad (or good) cookie.
  check({ where, unsealThrew: ours.unseal.error?.code }, { where, unsealThrew: undefined });

  if (ours.open.error) {
    const { code, message } = ours.open.error;
    check({ where, code: COOKIE_CODES.includes(code), message: typeof message === 'string' && message.length > 0 }, { where, code: true, message: true });
    check({ where, unseal: ours.unseal.value }, { where, unseal: null });
  }

  if (!theirs.ok) {
    // Never accept what jose refuses.
    check({ where, joseRefused: theirs.code, weAccepted: !ours.open.error }, { where, joseRefused: theirs.code, weAccepted: false });
    if (declared) throw new Error(`${where}: declared deviation "${declared}" but jose refuses it (${theirs.code})`);
    ledger.bothRefuse += 1;
    if (theirs.code !== ours.open.error.code) {
      const key = `${theirs.code} → ${ours.open.error.code}`;
      check({ where, codes: key, known: key in CODE_DIFFERENCES }, { where, codes: key, known: true });
      ledger.codeDifferences.set(key, [...(ledger.codeDifferences.get(key) ?? []), label]);
    }
    return { theirs, ours };
  }

  if (ours.open.error) {
    const deviation = classify(cookie, declared, max);
    expect({ where, deviation, code: ours.open.error.code }).toEqual({
      where,
      deviation: expect.any(String),
      code: DEVIATIONS[deviation]?.code,
    });
    ledger.deviations[deviation] = (ledger.deviations[deviation] ?? 0) + 1;
    return { theirs, ours };
  }

  if (declared) throw new Error(`${where}: declared deviation "${declared}" but we accept it`);
  ledger.bothAccept += 1;
  const opened = ours.open.value;
  check({ where, payload: sameJson(opened.payload, theirs.payload) }, { where, payload: true });
  check({ where, header: sameJson(opened.protectedHeader, theirs.protectedHeader) }, { where, header: true });
  expect(opened.keyIndex).toBe(0);
  if (!theirs.protectedHeader.iat) {
    check({ where, unseal: sameJson(ours.unseal.value, theirs.payload) }, { where, unseal: true });
    return { theirs, ours };
  }
  // A v3 cookie (a truthy header iat): unseal gives what the SDK's own conversion makes of it.
  const converted = await sdkConversion(theirs);
  if (converted.error) {
    // The SDK's conversion throws (a v3 payload without a user object: its getSession rejects); we read no session.
    check({ where, sdkConversion: 'threw', unseal: ours.unseal.value }, { where, sdkConversion: 'threw', unseal: null });
    ledger.legacyUnconvertible += 1;
  } else {
    // As JSON: the members the SDK leaves `undefined` (`idToken: payload.idToken ?? undefined`) are absent in ours.
    const expected = JSON.parse(JSON.stringify(converted.value));
    check({ where, unseal: sameJson(ours.unseal.value, expected) }, { where, unseal: true });
    ledger.legacyConverted += 1;
  }
  return { theirs, ours };
}

let normalizeStatelessSession;
/** The SDK's v3 → v4 conversion (`normalizeStatelessSession`) of what jose decrypted: its value, or what it threw. */
async function sdkConversion({ payload: p, protectedHeader }) {
  normalizeStatelessSession ??= (await sdkModule('server/session/normalize-session.js')).normalizeStatelessSession;
  try {
    return { value: normalizeStatelessSession({ payload: p, protectedHeader }) };
  } catch (error) {
    return { error };
  }
}

// ------------------------------------------------------------------------------------------------------
// Prototype pollution watch: Object.prototype must look the same after everything.

// The addon builds its objects in Node's main realm, not in Jest's test context: watch both prototypes.
export const MAIN_OBJECT_PROTOTYPE = Object.getPrototypeOf(cipher.unseal(cipher.sealPayload({}, NOW + 60), { now: NOW }));
const protoNames = (proto) => Object.getOwnPropertyNames(proto).sort().join();

/**
 * Called once at the top of each hostile suite: after all its tests, Object.prototype (both realms) looks as
 * it did before, and the addon still seals and opens. HOSTILE_LEDGER=1 prints the suite's ledger.
 */
export function watchSuite() {
  const before = [protoNames(Object.prototype), protoNames(MAIN_OBJECT_PROTOTYPE)];
  afterAll(() => {
    expect([protoNames(Object.prototype), protoNames(MAIN_OBJECT_PROTOTYPE)]).toEqual(before);
    for (const proto of [Object.prototype, MAIN_OBJECT_PROTOTYPE]) {
      expect(proto.polluted).toBeUndefined();
      expect(proto.isAdmin).toBeUndefined();
    }
    expect(cipher.unseal(cipher.sealPayload({ id: 'after' }, NOW + 60), { now: NOW })).toEqual({ id: 'after', exp: NOW + 60 });
    if (process.env.HOSTILE_LEDGER) {
      // eslint-disable-next-line no-console
      console.log(JSON.stringify({ ...ledger, codeDifferences: Object.fromEntries(ledger.codeDifferences) }, null, 1));
    }
  });
}
