// Hostile cookies, judged side by side by jose's `jwtDecrypt` (what @auth0/nextjs-auth0 v4 calls, with its
// 15 s clock tolerance) and by us (`SessionCipher.open` / `unseal`).
//
// The rule: never accept what jose refuses; accept what jose accepts — same payload, same header — unless a
// documented limit says otherwise, in which case the refusal must carry the documented code and
// SECURITY.md must list the deviation. Every refusal is a coded error from `open` and `null` from
// `unseal`, and payloads with `__proto__` / `constructor` keys stay plain own data.
//
// A fresh random secret per run; encrypted-but-hostile cookies come from a raw AES-GCM sealer below (any
// header text, any plaintext bytes, any IV), independent of both jose and the addon.

import { describe, test, expect, beforeAll, afterAll, jest } from '@jest/globals';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import * as jose from 'jose';
import { typicalSession } from './helpers/fixtures.mjs';

const require = createRequire(import.meta.url);
const addon = require('../index.js');
const here = path.dirname(fileURLToPath(import.meta.url));

const SECRET = crypto.randomBytes(32).toString('hex');
const KEY = new Uint8Array(crypto.hkdfSync('sha256', SECRET, '', 'JWE CEK', 32));
const OTHER_KEY = new Uint8Array(crypto.hkdfSync('sha256', `${SECRET}-other`, '', 'JWE CEK', 32));
const NOW = Math.floor(Date.now() / 1000);
const TOLERANCE = 15;
const DEFAULT_MAX = 64 * 1024;

// Some tests judge thousands of cookies side by side, each through jose's jwtDecrypt: a few seconds on an idle
// machine, several times that on a busy one. Nothing here measures speed (that is `npm run bench`); this limit
// only bounds a hang, and a call that runs away fails its test by it as soon as the call returns.
jest.setTimeout(180_000);

const cipher = new addon.SessionCipher({ secret: SECRET });
const roomy = new addon.SessionCipher({ secret: SECRET, maxCookieBytes: 16 * 1024 * 1024 });

const COOKIE_CODES = [
  'ERR_JWE_INVALID',
  'ERR_JWE_DECRYPTION_FAILED',
  'ERR_JWT_EXPIRED',
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWT_INVALID',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_INPUT_TOO_LARGE',
];

/**
 * Where we knowingly refuse what jose accepts. `code` is what our refusal must carry; `readme` must appear
 * in SECURITY.md.
 */
const DEVIATIONS = {
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

const b64u = (bytes) => Buffer.from(bytes).toString('base64url');
const utf8 = (text) => Buffer.from(text, 'utf8');
const H = '{"alg":"dir","enc":"A256GCM"}';
const H_SDK = '{"enc":"A256GCM","alg":"dir"}';

/**
 * A compact JWE authenticated under `key` with whatever we are told: header text or bytes (or the exact
 * header segment), plaintext text or bytes, IV of any length, AAD of our choosing, an encrypted key.
 */
function seal({
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

const payload = (object) => JSON.stringify({ sub: 'u', ...object });
const withSegment = (cookie, which, value) => {
  const parts = cookie.split('.');
  parts[which] = typeof value === 'function' ? value(parts[which]) : value;
  return parts.join('.');
};

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

const ledger = { cases: 0, bothAccept: 0, bothRefuse: 0, deviations: {}, codeDifferences: new Map() };

/**
 * Judges one cookie: the rule, the coded errors, null from unseal. `declared` names the deviation a case is
 * built to show (it must then really be one: jose accepts, we refuse).
 */
async function judge(cookie, { deviation: declared, which = cipher, max = DEFAULT_MAX, label = '' } = {}) {
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
  const legacy = Boolean(theirs.protectedHeader.iat);
  if (!legacy) {
    check({ where, unseal: sameJson(ours.unseal.value, theirs.payload) }, { where, unseal: true });
  } else {
    expect(ours.unseal.value === null || typeof ours.unseal.value === 'object').toBe(true);
  }
  return { theirs, ours };
}

// ------------------------------------------------------------------------------------------------------
// Prototype pollution watch: Object.prototype must look the same after everything.

// The addon builds its objects in Node's main realm, not in Jest's test context: watch both prototypes.
const MAIN_OBJECT_PROTOTYPE = Object.getPrototypeOf(cipher.unseal(cipher.sealPayload({}, NOW + 60), { now: NOW }));
const protoNames = (proto) => Object.getOwnPropertyNames(proto).sort().join();
const before = [protoNames(Object.prototype), protoNames(MAIN_OBJECT_PROTOTYPE)];
afterAll(() => {
  expect([protoNames(Object.prototype), protoNames(MAIN_OBJECT_PROTOTYPE)]).toEqual(before);
  for (const proto of [Object.prototype, MAIN_OBJECT_PROTOTYPE]) {
    expect(proto.polluted).toBeUndefined();
    expect(proto.isAdmin).toBeUndefined();
  }
});

let REAL; // a real cookie of a typical session, sealed by us
let REAL_SESSION;
beforeAll(() => {
  REAL_SESSION = typicalSession();
  REAL = cipher.seal(REAL_SESSION, NOW + 3600);
});

// ------------------------------------------------------------------------------------------------------
// The cases

const c = () => seal({ plaintext: payload({ exp: NOW + 3600 }) });

describe('structure: segments', () => {
  const cases = [
    ['empty string', () => ''],
    ['one dot', () => '.'],
    ['four dots', () => '....'],
    ['five dots', () => '.....'],
    ['six dots', () => '......'],
    ['one segment', () => c().split('.')[0]],
    ['three segments (a JWS shape)', () => c().split('.').slice(0, 3).join('.')],
    ['four segments (tag dropped)', () => c().split('.').slice(0, 4).join('.')],
    ['four segments (encrypted key dropped)', () => c().split('.').filter((_, i) => i !== 1).join('.')],
    ['six segments (extra at the end)', () => `${c()}.AAAA`],
    ['six segments (trailing dot)', () => `${c()}.`],
    ['six segments (leading dot)', () => `.${c()}`],
    ['ten segments (two cookies)', () => `${c()}.${c()}`],
    ['whitespace around', () => ` ${c()} `],
    ['newline at the end', () => `${c()}\n`],
    ['a JWS', () => 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl'],
    ['a v3 signed cookie value', () => 'abc123.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2ln'],
    ...[0, 1, 2, 3, 4].map((i) => [`segment ${i + 1} empty`, () => withSegment(c(), i, '')]),
    ['all segments empty but the ciphertext', () => `....${b64u(utf8('{}'))}`.replace(/^(\.{4})/, '....')],
    ['header and ciphertext only', () => withSegment(withSegment(c(), 2, ''), 4, '')],
  ];
  test.each(cases)('%s', async (label, make) => {
    await judge(make(), { label });
  });
});

describe('structure: base64url', () => {
  const bad = ['+', '/', '=', ' ', '\n', '\t', '\r', '!', '*', '~', '%', '.', 'é', '\u0000', '€', '😀', '\ud800', '\\'];
  const cases = [];
  for (const [i, name] of ['header', 'encrypted key', 'iv', 'ciphertext', 'tag'].entries()) {
    for (const ch of bad) cases.push([`${name}: ${JSON.stringify(ch)} inserted`, i, ch]);
  }
  test.each(cases)('%s', async (label, i, ch) => {
    const cookie = c();
    await judge(withSegment(cookie, i, (s) => (s.length > 2 ? s.slice(0, 2) + ch + s.slice(2) : s + ch)), { label });
  });

  test.each([2, 3, 4])('padding on segment %i (jose: atob forgives it)', async (i) => {
    // Pick a plaintext length whose ciphertext needs padding; the tag (16 bytes) always does.
    const cookie = seal({ plaintext: payload({ exp: NOW + 3600, pad: 'x' }) });
    const segment = cookie.split('.')[i];
    const padded = segment + '='.repeat((4 - (segment.length % 4)) % 4 || 4);
    const r = await judge(withSegment(cookie, i, padded), { label: `padded ${i}` });
    if (i === 2) expect(r.theirs.ok).toBe(false); // 16 chars: "=" padding there is not base64 at all
  });

  test('padded header segment, authenticated as sent (jose accepts; strict base64url refuses)', async () => {
    for (const extra of [' ', '  ', '']) {
      const text = `{"alg":"dir","enc":"A256GCM"${extra}}`;
      const segment = b64u(utf8(text));
      const padded = segment + '='.repeat((4 - (segment.length % 4)) % 4);
      const cookie = seal({ headerSegment: padded, plaintext: payload({}) });
      await judge(cookie, { label: `padded header ${JSON.stringify(extra)}`, deviation: padded === segment ? undefined : 'base64url' });
    }
  });

  test('whitespace inside segments (atob strips it; we do not)', async () => {
    const cookie = c();
    for (const i of [2, 3, 4]) {
      for (const ws of [' ', '\n', '\t', '\r\n', '\f']) {
        await judge(withSegment(cookie, i, (s) => `${s.slice(0, 4)}${ws}${s.slice(4)}`), { label: `ws ${i}` });
      }
    }
    const header = b64u(utf8(H));
    await judge(seal({ headerSegment: `${header.slice(0, 8)}\n${header.slice(8)}` }), { label: 'ws header', deviation: 'base64url' });
  });

  test('non-zero stray bits in the last character (jose decodes the same bytes)', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const cookie = seal({ plaintext: payload({ exp: NOW + 3600, pad: 'xy' }) });
    for (const i of [3, 4]) {
      const s = cookie.split('.')[i];
      if (s.length % 4 === 0) continue;
      const last = alphabet.indexOf(s.at(-1));
      await judge(withSegment(cookie, i, s.slice(0, -1) + alphabet[last ^ 1]), { label: `stray bits ${i}` });
    }
    const h = b64u(utf8(`${H} `)); // 30 bytes: 40 chars, no stray bits; 31 bytes has them
    const h31 = b64u(utf8(`${H}  `));
    expect(h.length % 4).toBe(0);
    const last = alphabet.indexOf(h31.at(-1));
    await judge(seal({ headerSegment: h31.slice(0, -1) + alphabet[last ^ 1] }), { label: 'stray bits header', deviation: 'base64url' });
  });

  test('the standard alphabet is not base64url (both refuse)', async () => {
    let cookie;
    do cookie = c();
    while (!/[-_]/.test(cookie.split('.').slice(2).join('')));
    await judge(cookie.replace(/-/g, '+').replace(/_/g, '/'), { label: 'std alphabet' });
  });
});

describe('protected header', () => {
  const P = payload({ exp: NOW + 3600 });
  const deep = (n) => '['.repeat(n) + ']'.repeat(n);
  const headers = [
    // baseline and harmless variants: accepted by both
    ['baseline', H],
    ['the SDK order', H_SDK],
    ['whitespace around', ` \n\t${H}\r\n `],
    ['escaped names', '{"\\u0061lg":"\\u0064ir","enc":"A256\\u0047CM"}'],
    ['extra members', '{"alg":"dir","enc":"A256GCM","kid":"k","typ":"JWT","cty":"x","b64":false,"x5u":1}'],
    ['epk/p2s/p2c/iv/tag members are ignored for dir', '{"alg":"dir","enc":"A256GCM","epk":{},"p2s":"AAAA","p2c":1,"iv":"x","tag":"y"}'],
    ['duplicate alg, last is dir', '{"alg":"A256KW","enc":"A256GCM","alg":"dir"}'],
    ['duplicate alg, last is not dir', '{"alg":"dir","enc":"A256GCM","alg":"A256KW"}'],
    ['duplicate enc, last is A256GCM', '{"alg":"dir","enc":"A128GCM","enc":"A256GCM"}'],
    ['duplicate enc, last is not A256GCM', '{"alg":"dir","enc":"A256GCM","enc":"A128GCM"}'],
    ['__proto__ member', '{"alg":"dir","enc":"A256GCM","__proto__":{"polluted":1}}'],
    ["serde_json's raw-value marker as a member name (plain data to JSON.parse)", '{"alg":"dir","enc":"A256GCM","x":{"$serde_json::private::RawValue":"[1"}}'],
    ["serde_json's raw-value marker, escaped", '{"alg":"dir","enc":"A256GCM","x":{"\\u0024serde_json::private::RawValue":"{}"}}'],
    ['constructor member', '{"alg":"dir","enc":"A256GCM","constructor":{"prototype":{"polluted":1}}}'],
    ['BOM before the JSON (TextDecoder drops one)', '\ufeff' + H],
    ['two BOMs', '\ufeff\ufeff' + H],
    ['BOM after the JSON', H + '\ufeff'],
    ['nested 100 levels', `{"alg":"dir","enc":"A256GCM","x":${deep(100)}}`],
    ['lone surrogate escape in a value', '{"alg":"dir","enc":"A256GCM","x":"\\ud800"}'],
    ['lone surrogate escape in a name', '{"alg":"dir","enc":"A256GCM","\\udc00":1}'],
    ['surrogate pair escape', '{"alg":"dir","enc":"A256GCM","x":"\\ud83d\\ude00"}'],
    ['U+2028 in a value', '{"alg":"dir","enc":"A256GCM","x":"\u2028"}'],
    // refused by both
    ['alg none', '{"alg":"none","enc":"A256GCM"}'],
    ['alg DIR', '{"alg":"DIR","enc":"A256GCM"}'],
    ['alg "dir "', '{"alg":"dir ","enc":"A256GCM"}'],
    ['alg HS256', '{"alg":"HS256","enc":"A256GCM"}'],
    ['alg RSA-OAEP', '{"alg":"RSA-OAEP","enc":"A256GCM"}'],
    ['alg ECDH-ES', '{"alg":"ECDH-ES","enc":"A256GCM"}'],
    ['alg A256KW without an encrypted key', '{"alg":"A256KW","enc":"A256GCM"}'],
    ['alg PBES2', '{"alg":"PBES2-HS256+A128KW","enc":"A256GCM","p2s":"AAAAAAAAAAA","p2c":1000}'],
    ['alg empty', '{"alg":"","enc":"A256GCM"}'],
    ['alg null', '{"alg":null,"enc":"A256GCM"}'],
    ['alg number', '{"alg":1,"enc":"A256GCM"}'],
    ['alg array', '{"alg":["dir"],"enc":"A256GCM"}'],
    ['alg missing', '{"enc":"A256GCM"}'],
    ['enc missing', '{"alg":"dir"}'],
    ['both missing', '{}'],
    ['enc A128GCM', '{"alg":"dir","enc":"A128GCM"}'],
    ['enc A192GCM', '{"alg":"dir","enc":"A192GCM"}'],
    ['enc A256CBC-HS512', '{"alg":"dir","enc":"A256CBC-HS512"}'],
    ['enc A128CBC-HS256 (sealed as GCM)', '{"alg":"dir","enc":"A128CBC-HS256"}'],
    ['enc lower case', '{"alg":"dir","enc":"a256gcm"}'],
    ['enc with NUL', '{"alg":"dir","enc":"A256GCM\\u0000"}'],
    ['enc empty', '{"alg":"dir","enc":""}'],
    ['enc number', '{"alg":"dir","enc":256}'],
    ['zip GZIP', '{"alg":"dir","enc":"A256GCM","zip":"GZIP"}'],
    ['zip empty', '{"alg":"dir","enc":"A256GCM","zip":""}'],
    ['zip null', '{"alg":"dir","enc":"A256GCM","zip":null}'],
    ['zip DEF on a plaintext that is not deflated', '{"alg":"dir","enc":"A256GCM","zip":"DEF"}'],
    ['crit unknown', '{"alg":"dir","enc":"A256GCM","crit":["x"],"x":1}'],
    ['crit unknown, parameter absent', '{"alg":"dir","enc":"A256GCM","crit":["x"]}'],
    ['crit b64 (a JWS extension)', '{"alg":"dir","enc":"A256GCM","crit":["b64"],"b64":false}'],
    ['crit naming a registered parameter (exp)', '{"alg":"dir","enc":"A256GCM","crit":["exp"],"exp":1}'],
    ['crit naming alg', '{"alg":"dir","enc":"A256GCM","crit":["alg"]}'],
    ['crit naming zip', '{"alg":"dir","enc":"A256GCM","crit":["zip"]}'],
    ['crit empty', '{"alg":"dir","enc":"A256GCM","crit":[]}'],
    ['crit a string', '{"alg":"dir","enc":"A256GCM","crit":"x"}'],
    ['crit with a number', '{"alg":"dir","enc":"A256GCM","crit":[1]}'],
    ['crit with an empty name', '{"alg":"dir","enc":"A256GCM","crit":[""]}'],
    ['crit with a duplicate', '{"alg":"dir","enc":"A256GCM","crit":["x","x"],"x":1}'],
    ['crit null', '{"alg":"dir","enc":"A256GCM","crit":null}'],
    ['crit an object', '{"alg":"dir","enc":"A256GCM","crit":{}}'],
    ['not an object: array', '[]'],
    ['not an object: array of the header', `[${H}]`],
    ['not an object: string', '"{}"'],
    ['not an object: number', '1'],
    ['not an object: null', 'null'],
    ['not an object: true', 'true'],
    ['invalid JSON: empty', ''],
    ['invalid JSON: blank', '   '],
    ['invalid JSON: open brace', '{'],
    ['invalid JSON: trailing comma', '{"alg":"dir","enc":"A256GCM",}'],
    ['invalid JSON: single quotes', "{'alg':'dir','enc':'A256GCM'}"],
    ['invalid JSON: unquoted names', '{alg:"dir",enc:"A256GCM"}'],
    ['invalid JSON: trailing text', `${H} x`],
    ['invalid JSON: two objects', `${H}${H}`],
    ['invalid JSON: NUL after', `${H}\u0000`],
    ['invalid JSON: comment', `/*x*/${H}`],
    ['invalid JSON: raw control character in a string', '{"alg":"dir","enc":"A256GCM","x":"\u0001"}'],
    ['invalid JSON: bad escape', '{"alg":"dir","enc":"A256GCM","x":"\\x"}'],
    ['invalid JSON: NaN', '{"alg":"dir","enc":"A256GCM","x":NaN}'],
    ['invalid JSON: leading zero', '{"alg":"dir","enc":"A256GCM","x":01}'],
    ['invalid JSON: NBSP as whitespace', `\u00a0${H}`],
  ];
  test.each(headers)('%s', async (label, header) => {
    await judge(seal({ header, plaintext: P }), { label });
  });

  test.each([
    ['invalid UTF-8: 0xFF', Buffer.concat([utf8('{"alg":"dir","enc":"A256GCM","x":"'), Buffer.from([0xff]), utf8('"}')])],
    ['invalid UTF-8: overlong "/"', Buffer.concat([utf8('{"alg":"dir","enc":"A256GCM","x":"'), Buffer.from([0xc0, 0xaf]), utf8('"}')])],
    ['invalid UTF-8: encoded surrogate', Buffer.concat([utf8('{"alg":"dir","enc":"A256GCM","x":"'), Buffer.from([0xed, 0xa0, 0x80]), utf8('"}')])],
    ['invalid UTF-8: truncated sequence', Buffer.concat([utf8('{"alg":"dir","enc":"A256GCM","x":"'), Buffer.from([0xe2, 0x82]), utf8('"}')])],
    ['invalid UTF-8: above U+10FFFF', Buffer.concat([utf8('{"alg":"dir","enc":"A256GCM","x":"'), Buffer.from([0xf4, 0x90, 0x80, 0x80]), utf8('"}')])],
    ['invalid UTF-8: in a name', Buffer.concat([utf8('{"alg":"dir","enc":"A256GCM","'), Buffer.from([0x80]), utf8('":1}')])],
    ['UTF-16LE text', Buffer.from(H, 'utf16le')],
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(H, 'utf16le')])],
    ['Latin-1 é', Buffer.from('{"alg":"dir","enc":"A256GCM","x":"é"}', 'latin1')],
  ])('non-UTF-8 header: %s', async (label, bytes) => {
    await judge(seal({ header: bytes, plaintext: P }), { label });
  });

  test('header nesting of 128 levels or more (jose accepts; we stop there)', async () => {
    // The header object plus n arrays: 127 levels in all are read, 128 are not.
    for (const n of [125, 126]) {
      await judge(seal({ header: `{"alg":"dir","enc":"A256GCM","x":${deep(n)}}`, plaintext: P }), { label: `header depth ${n}` });
    }
    for (const n of [127, 128, 200, 10_000]) {
      await judge(seal({ header: `{"alg":"dir","enc":"A256GCM","x":${deep(n)}}`, plaintext: P }), {
        label: `header depth ${n}`,
        deviation: 'headerJson',
      });
    }
  });

  test('numbers beyond the range of a double in the header (jose reads Infinity)', async () => {
    for (const n of ['1e400', '-1e400']) {
      await judge(seal({ header: `{"alg":"dir","enc":"A256GCM","x":${n}}`, plaintext: P }), {
        label: `header number ${n}`,
        deviation: 'headerNumbers',
      });
    }
    await judge(seal({ header: '{"alg":"dir","enc":"A256GCM","x":1e-400}', plaintext: P }), { label: 'header 1e-400' });
  });

  test('zip DEF over a deflated plaintext (jose inflates it; we never do)', async () => {
    const header = '{"alg":"dir","enc":"A256GCM","zip":"DEF"}';
    await judge(seal({ header, plaintext: zlib.deflateRawSync(utf8(P)) }), { label: 'zip DEF', deviation: 'zip' });
  });

  test('other key management and content encryption under the same derived key', async () => {
    // jose decrypts these with the SDK's key; the SDK never writes them. We accept only dir + A256GCM.
    const algs = ['dir', 'A128KW', 'A192KW', 'A256KW', 'A128GCMKW', 'A192GCMKW', 'A256GCMKW'];
    const encs = ['A128GCM', 'A192GCM', 'A256GCM', 'A128CBC-HS256', 'A192CBC-HS384', 'A256CBC-HS512'];
    const combos = algs.flatMap((alg) => encs.map((enc) => [alg, enc])).filter(([a, e]) => a !== 'dir' || e !== 'A256GCM');
    for (const [alg, enc] of combos) {
      let cookie;
      try {
        cookie = await new jose.EncryptJWT({ sub: 'u' }).setProtectedHeader({ alg, enc }).setExpirationTime(NOW + 3600).encrypt(KEY);
      } catch {
        continue; // jose will not even produce it with this key
      }
      await judge(cookie, { label: `${alg}/${enc}` });
    }
  });
});

describe('encrypted key, IV, tag, AAD', () => {
  const P = payload({ exp: NOW + 3600 });
  test.each([
    ['A'],
    ['AAAA'],
    ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['!!!!'],
    ['='],
  ])('encrypted key %p present', async (ek) => {
    await judge(seal({ plaintext: P, encryptedKey: ek }), { label: `ek ${ek}` });
  });

  test.each([1, 8, 11, 13, 16, 32, 64])('IV of %i bytes, authenticated', async (n) => {
    await judge(seal({ plaintext: P, iv: crypto.randomBytes(n) }), { label: `iv ${n}` });
  });

  test.each([0, 1, 4, 8, 12, 13, 14, 15])('tag truncated to %i bytes', async (n) => {
    await judge(seal({ plaintext: P, tagLength: n }), { label: `tag ${n}` });
  });

  test('tag of 17 and 32 bytes', async () => {
    const cookie = seal({ plaintext: P });
    const tag = Buffer.from(cookie.split('.')[4], 'base64url');
    await judge(withSegment(cookie, 4, b64u(Buffer.concat([tag, Buffer.from([0])]))), { label: 'tag 17' });
    await judge(withSegment(cookie, 4, b64u(Buffer.concat([tag, tag]))), { label: 'tag 32' });
  });

  test.each([
    ['empty AAD', () => Buffer.alloc(0)],
    ['AAD = decoded header bytes', () => utf8(H)],
    ['AAD = another header segment', () => utf8(b64u(utf8(H_SDK)))],
    ['AAD = segment plus a dot', () => utf8(`${b64u(utf8(H))}.`)],
  ])('%s', async (label, aad) => {
    await judge(seal({ plaintext: P, aad: aad() }), { label });
  });

  test('another key, a zero key, a swapped IV, a swapped tag', async () => {
    await judge(seal({ plaintext: P, key: OTHER_KEY }), { label: 'other key' });
    await judge(seal({ plaintext: P, key: Buffer.alloc(32) }), { label: 'zero key' });
    const a = seal({ plaintext: P });
    const b = seal({ plaintext: P });
    await judge(withSegment(a, 2, b.split('.')[2]), { label: 'swapped iv' });
    await judge(withSegment(a, 4, b.split('.')[4]), { label: 'swapped tag' });
    await judge(withSegment(a, 3, b.split('.')[3]), { label: 'swapped ciphertext' });
    await judge(withSegment(a, 0, b64u(utf8(H_SDK))), { label: 'swapped header' });
  });
});

describe('plaintext', () => {
  const bytes = (...parts) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? utf8(p) : Buffer.from(p))));
  const plaintexts = [
    ['empty', ''],
    ['blank', '   '],
    ['empty object', '{}'],
    ['whitespace around', ' \n\t{"sub":"u"}\r\n '],
    ['BOM first (TextDecoder drops it)', '\ufeff{"sub":"u"}'],
    ['two BOMs', '\ufeff\ufeff{}'],
    ['BOM last', '{}\ufeff'],
    ['NBSP first', '\u00a0{}'],
    ['array', '[]'],
    ['array of an object', '[{}]'],
    ['number', '1'],
    ['string', '"{}"'],
    ['null', 'null'],
    ['true', 'true'],
    ['open brace', '{'],
    ['unclosed string', '{"a":"'],
    ['missing value', '{"a":}'],
    ['single quotes', "{'a':1}"],
    ['trailing comma', '{"a":1,}'],
    ['leading zero', '{"a":01}'],
    ['NaN', '{"a":NaN}'],
    ['Infinity literal', '{"a":Infinity}'],
    ['.5', '{"a":.5}'],
    ['+1', '{"a":+1}'],
    ['1e', '{"a":1e}'],
    ['hex', '{"a":0x10}'],
    ['raw control character', '{"a":"\u0001"}'],
    ['raw tab in a string', '{"a":"\t"}'],
    ['raw DEL (allowed)', '{"a":"\u007f"}'],
    ['U+2028 (allowed)', '{"a":"\u2028"}'],
    ['bad escape', '{"a":"\\x"}'],
    ['short unicode escape', '{"a":"\\u12"}'],
    ['two objects', '{}{}'],
    ['trailing text', '{}x'],
    ['NUL after', '{}\u0000'],
    ['comment', '{/*x*/}'],
    ['duplicate names, last wins', '{"a":1,"a":2}'],
    ['__proto__ with an object', '{"__proto__":{"polluted":true},"sub":"u"}'],
    ['__proto__ with null', '{"__proto__":null}'],
    ['nested __proto__', '{"user":{"__proto__":{"isAdmin":true},"sub":"u"}}'],
    ["serde_json's raw-value marker as a member name", '{"user":{"$serde_json::private::RawValue":"[1","sub":"u"}}'],
    ['constructor.prototype', '{"constructor":{"prototype":{"polluted":true}}}'],
    ['prototype', '{"prototype":{"polluted":true}}'],
    ['lone high surrogate escape in a value', '{"a":"\\ud800"}'],
    ['lone low surrogate escape in a value', '{"a":"\\udfff"}'],
    ['two high surrogate escapes', '{"a":"\\ud800\\ud800"}'],
    ['high surrogate then text', '{"a":"\\ud800x"}'],
    ['reversed pair', '{"a":"\\ude00\\ud83d"}'],
    ['surrogate pair escape', '{"a":"\\ud83d\\ude00"}'],
    ['lone surrogate escape in a name', '{"\\ud800":1}'],
    ['lone surrogate name, then exp', `{"\\udbff":1,"exp":${NOW + 3600}}`],
    ['lone surrogate name, expired exp', `{"\\udbff":1,"exp":${NOW - 3600}}`],
    ['lone surrogate names in a nested object', '{"user":{"\\ud800":{"\\udc00x":"\\udfff"}}}'],
    ['lone surrogate and U+FFFD names side by side', '{"\\ud800":1,"\\ufffd":2}'],
    ['escaped exp name', `{"\\u0065xp":${NOW - 3600}}`],
    ['escaped nbf name', `{"\\u006ebf":${NOW + 3600}}`],
    ['escaped backslash before u', '{"a":"\\\\ud800"}'],
    ['wide object (5000 members)', JSON.stringify(Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])))],
    ['long string (60 KB)', JSON.stringify({ a: 'x'.repeat(40_000) })],
    ['many small arrays', JSON.stringify({ a: Array.from({ length: 3000 }, () => []) })],
  ];
  test.each(plaintexts)('%s', async (label, text) => {
    const r = await judge(seal({ plaintext: text }), { label });
    if (r.theirs.ok && /__proto__|constructor|prototype/.test(text)) {
      const p = r.ours.open.value.payload;
      expect(Object.getPrototypeOf(p)).toBe(MAIN_OBJECT_PROTOTYPE);
      expect(Object.keys(p)).toEqual(Object.keys(r.theirs.payload));
      if (text.startsWith('{"__proto__"')) {
        expect(Object.hasOwn(p, '__proto__')).toBe(true);
        expect(Object.hasOwn(r.ours.unseal.value, '__proto__')).toBe(true);
      }
      expect(p.polluted).toBeUndefined();
      expect(MAIN_OBJECT_PROTOTYPE.polluted).toBeUndefined();
      expect(MAIN_OBJECT_PROTOTYPE.isAdmin).toBeUndefined();
      if (text.includes('"user"')) expect(Object.getPrototypeOf(p.user)).toBe(MAIN_OBJECT_PROTOTYPE);
    }
  });

  // Hand-written scanners (the claims scan is one) go wrong at the edges of the grammar: every case here
  // is a near miss of valid JSON, or valid JSON that looks like a near miss.
  const LATER = NOW + 3600;
  const EARLIER = NOW - 3600;
  const grammar = [
    ...['-', '-a', '1.', '1.e5', '.1', '1e+', '1e-', '00', '-01', '1.5e', '+0', '0x1', '1_000', 'Infinity', '-Infinity', '1e5.5', '--1', '1ee5', '0.0e-0', '-0.0', '1E+2', '9'.repeat(400), `0.${'0'.repeat(400)}1`].map(
      (n) => [`number ${n.slice(0, 12)}`, `{"a":${n}}`],
    ),
    ...['tru', 'nul', 'falsey', 'True', 'NULL', 'nulll', 'f', 'true false'].map((l) => [`literal ${l}`, `{"a":${l}}`]),
    ['escape at the very end', '{"a":"\\'],
    ['short unicode escape then quote', '{"a":"\\u00"}'],
    ['non-hex unicode escape', '{"a":"\\uXYZW"}'],
    ['escaped solidus', '{"a":"\\/"}'],
    ['escaped apostrophe', `{"a":"\\'"}`],
    ['raw NUL in a string', '{"a":"\u0000"}'],
    ['raw NUL in a name', '{"a\u0000":1}'],
    ['escaped backslash then quote', `{"a":"x\\\\","exp":${LATER}}`],
    ['a string that looks like an exp member', `{"a":"\\"exp\\":1,","exp":${LATER}}`],
    ['a string that looks like an expired exp member', `{"a":"\\",\\"exp\\":1","exp":${LATER}}`],
    ['exp nested after a top-level exp', `{"exp":${EARLIER},"a":{"exp":${LATER}}}`],
    ['exp in an array of objects', `{"a":[{"exp":${EARLIER}}]}`],
    ['exp with spaces around everything', ` { "exp" : ${LATER} , "nbf" : ${NOW} } `],
    ['exp name with a trailing space', `{"exp ":${EARLIER}}`],
    ['exp name escaped in two ways', `{"\\u0065\\u0078\\u0070":${EARLIER}}`],
    ['exp name with an escaped solidus', `{"e\\/xp":${EARLIER}}`],
    ['nbf escaped, in the future', `{"\\u006e\\u0062\\u0066":${LATER + 3600}}`],
    ['exp then a duplicate in a nested object', `{"exp":${LATER},"x":{"exp":${EARLIER},"exp":"no"}}`],
    ['missing colon', '{"a" 1}'],
    ['missing comma', '{"a":1 "b":2}'],
    ['lone comma', '{,}'],
    ['double comma', '{"a":1,,"b":2}'],
    ['array trailing comma', '{"a":[1,]}'],
    ['array leading comma', '{"a":[,1]}'],
    ['array missing comma', '{"a":[1 2]}'],
    ['extra closing brace', '{"a":{}}}'],
    ['unclosed nested object', '{"a":{}'],
    ['mismatched brackets', '{"a":[}'],
    ['number as a name', '{1:2}'],
    ['form feed as whitespace', '{"a":1}\f'],
    ['vertical tab as whitespace', '\u000b{}'],
    ['U+2028 as whitespace', '{}\u2028'],
    ['carriage return as whitespace', '\r{"a":1}\r'],
    ['a comment after', '{"a":1}/**/'],
    ['nothing but whitespace inside', '{ \n\t\r }'],
    ['empty name', '{"":1}'],
    ['very long name', `{"${'n'.repeat(20_000)}":1}`],
    ['many exp members', `{${Array.from({ length: 500 }, (_, i) => `"exp":${i % 2 ? LATER : EARLIER}`).join(',')}}`],
  ];
  test.each(grammar)('grammar: %s', async (label, text) => {
    await judge(seal({ plaintext: text }), { label });
  });

  test.each([
    ['0xFF', bytes('{"a":"', [0xff], '"}')],
    ['overlong "/"', bytes('{"a":"', [0xc0, 0xaf], '"}')],
    ['encoded surrogate (CESU)', bytes('{"a":"', [0xed, 0xa0, 0x80], '"}')],
    ['truncated sequence', bytes('{"a":"', [0xe2, 0x82], '"}')],
    ['above U+10FFFF', bytes('{"a":"', [0xf4, 0x90, 0x80, 0x80], '"}')],
    ['continuation byte alone', bytes('{"a":"', [0x80], '"}')],
    ['in a name', bytes('{"', [0xfe], '":1}')],
    ['outside strings', bytes('{', [0xff], '}')],
    ['UTF-16LE', Buffer.from('{"a":1}', 'utf16le')],
    ['UTF-16BE BOM', bytes([0xfe, 0xff], Buffer.from('{}', 'utf16le'))],
    ['Latin-1', Buffer.from('{"a":"é"}', 'latin1')],
  ])('invalid UTF-8: %s', async (label, body) => {
    await judge(seal({ plaintext: body }), { label });
  });

  test('random bytes as plaintext', async () => {
    for (let i = 0; i < 40; i++) await judge(seal({ plaintext: crypto.randomBytes(1 + (i % 20)) }), { label: `random pt ${i}` });
  });
});

describe('claims', () => {
  const P = (claims) => seal({ plaintext: typeof claims === 'string' ? claims : JSON.stringify(claims) });
  const wrongTypes = ['"1"', '"now"', 'null', 'true', 'false', '{}', '[]', `[${NOW}]`, `"${NOW + 3600}"`];
  const cases = [];
  for (const claim of ['exp', 'nbf', 'iat']) {
    for (const value of wrongTypes) cases.push([`${claim} = ${value}`, `{"sub":"u","${claim}":${value}}`]);
  }
  test.each(cases)('wrong type: %s', async (label, text) => {
    await judge(P(text), { label });
  });

  const boundaries = [
    ['exp = now + 1 h', { exp: NOW + 3600 }],
    ['exp = now', { exp: NOW }],
    ['exp = now - 14', { exp: NOW - 14 }],
    ['exp = now - 14.5', { exp: NOW - 14.5 }],
    ['exp = now - 14.999', { exp: NOW - 14.999 }],
    ['exp = now - 15 (expired)', { exp: NOW - 15 }],
    ['exp = now - 15.5', { exp: NOW - 15.5 }],
    ['exp = now - 16', { exp: NOW - 16 }],
    ['exp = 0', { exp: 0 }],
    ['exp = -1', { exp: -1 }],
    ['nbf = now + 15', { nbf: NOW + 15 }],
    ['nbf = now + 15.5', { nbf: NOW + 15.5 }],
    ['nbf = now + 16', { nbf: NOW + 16 }],
    ['nbf = now', { nbf: NOW }],
    ['nbf = 0', { nbf: 0 }],
    ['iat in the future (no maxTokenAge)', { iat: NOW + 86400 }],
    ['iat negative', { iat: -5 }],
    ['exp and nbf both failing', { exp: NOW - 100, nbf: NOW + 100 }],
    ['iat wrong type and exp expired', { iat: 'x', exp: NOW - 100 }],
  ];
  test.each(boundaries)('%s', async (label, claims) => {
    await judge(P({ sub: 'u', ...claims }), { label });
  });

  test.each([
    ['exp 1e400 (Infinity)', '{"exp":1e400}'],
    ['exp -1e400', '{"exp":-1e400}'],
    ['nbf 1e400', '{"nbf":1e400}'],
    ['nbf -1e400', '{"nbf":-1e400}'],
    ['iat 1e400', '{"iat":1e400}'],
    ['exp -0', '{"exp":-0}'],
    ['exp 1e-400', '{"exp":1e-400}'],
    ['exp huge integer', '{"exp":123456789012345678901234567890}'],
    ['exp with exponent', `{"exp":${NOW + 3600}e0}`],
    ['exp 1E10', '{"exp":1E10}'],
    ['duplicate exp, last in the future', `{"exp":1,"exp":${NOW + 3600}}`],
    ['duplicate exp, last expired', `{"exp":${NOW + 3600},"exp":1}`],
    ['duplicate exp, last a string', `{"exp":${NOW + 3600},"exp":"x"}`],
    ['exp nested only', `{"a":{"exp":1}}`],
  ])('%s', async (label, text) => {
    await judge(P(text), { label });
  });
});

describe('replicated claims in the header (jwtDecrypt compares iss/sub by ===, aud by JSON.stringify)', () => {
  const cases = [
    ['sub equal', '{"sub":"a"}', '{"sub":"a"}'],
    ['sub different', '{"sub":"a"}', '{"sub":"b"}'],
    ['sub missing from the payload', '{"sub":"a"}', '{}'],
    ['sub null in both', '{"sub":null}', '{"sub":null}'],
    ['sub null vs missing', '{"sub":null}', '{}'],
    ['sub 1 vs 1.0', '{"sub":1}', '{"sub":1.0}'],
    ['sub -0 vs 0', '{"sub":-0}', '{"sub":0}'],
    ['sub 1 vs "1"', '{"sub":1}', '{"sub":"1"}'],
    ['sub true vs true', '{"sub":true}', '{"sub":true}'],
    ['sub object vs equal object (=== is identity)', '{"sub":{}}', '{"sub":{}}'],
    ['sub array vs equal array', '{"sub":[]}', '{"sub":[]}'],
    ['sub escaped vs plain', '{"sub":"\\u0061"}', '{"sub":"a"}'],
    ['sub lone surrogate in both', '{"sub":"\\ud800"}', '{"sub":"\\ud800"}'],
    ['sub lone surrogate vs U+FFFD', '{"sub":"\\ud800"}', '{"sub":"\\ufffd"}'],
    ['sub U+FFFD vs lone surrogate', '{"sub":"\\ufffd"}', '{"sub":"\\ud800"}'],
    ['sub high vs low surrogate', '{"sub":"\\ud800"}', '{"sub":"\\udc00"}'],
    ['sub 1e400 vs 1e400', '{"sub":1e400}', '{"sub":1e400}', 'headerNumbers'],
    ['sub big integers that round alike', '{"sub":9007199254740993}', '{"sub":9007199254740992}'],
    ['sub close doubles', '{"sub":0.1}', '{"sub":0.10000000000000001}'],
    ['sub different doubles', '{"sub":0.1}', '{"sub":0.10000000000000002}'],
    ['sub texts either side of a rounding midpoint', '{"sub":0.10000000000000001248}', '{"sub":0.10000000000000001250}'],
    ['sub texts on the same side of a rounding midpoint', '{"sub":0.10000000000000001240}', '{"sub":0.10000000000000001248}'],
    ['iss equal', '{"iss":"https://x/"}', '{"iss":"https://x/"}'],
    ['iss different', '{"iss":"https://x/"}', '{"iss":"https://y/"}'],
    ['aud string equal', '{"aud":"a"}', '{"aud":"a"}'],
    ['aud string vs array', '{"aud":"a"}', '{"aud":["a"]}'],
    ['aud arrays equal', '{"aud":["a","b"]}', '{"aud":["a","b"]}'],
    ['aud arrays reordered', '{"aud":["a","b"]}', '{"aud":["b","a"]}'],
    ['aud objects equal', '{"aud":{"a":1,"b":2}}', '{"aud":{"a":1,"b":2}}'],
    ['aud objects with members reordered', '{"aud":{"b":1,"a":2}}', '{"aud":{"a":2,"b":1}}'],
    ['aud objects, integer names reordered (JS sorts them)', '{"aud":{"b":1,"1":2}}', '{"aud":{"1":2,"b":1}}'],
    ['aud objects, duplicate name', '{"aud":{"a":1,"a":2}}', '{"aud":{"a":2}}'],
    ['aud nested objects reordered', '{"aud":[{"x":{"b":1,"a":2}}]}', '{"aud":[{"x":{"a":2,"b":1}}]}'],
    ['aud numbers 1e2 vs 100', '{"aud":1e2}', '{"aud":100}'],
    ['aud numbers 1.0 vs 1 in arrays', '{"aud":[1.0]}', '{"aud":[1]}'],
    ['aud -0 vs 0', '{"aud":-0}', '{"aud":0}'],
    ['aud 1e400 vs null (both stringify to null)', '{"aud":1e400}', '{"aud":null}', 'headerNumbers'],
    ['aud 1e400 vs -1e400', '{"aud":[1e400]}', '{"aud":[-1e400]}', 'headerNumbers'],
    ['aud null vs 1e400 in the payload', '{"aud":[null]}', '{"aud":[1e400]}'],
    ['aud texts either side of a rounding midpoint', '{"aud":[0.10000000000000001248]}', '{"aud":[0.10000000000000001250]}'],
    ['aud big integers that round alike', '{"aud":12345678901234567890}', '{"aud":12345678901234567000}'],
    ['aud close doubles', '{"aud":[0.1]}', '{"aud":[0.10000000000000001]}'],
    ['aud different doubles', '{"aud":[0.1]}', '{"aud":[0.10000000000000002]}'],
    ['aud lone surrogate vs U+FFFD', '{"aud":"\\ud800"}', '{"aud":"\\ufffd"}'],
    ['aud lone surrogate names vs U+FFFD names', '{"aud":{"\\ud800":1,"\\ufffd":2}}', '{"aud":{"\\ufffd":2}}'],
    ['aud lone surrogate in both', '{"aud":["\\ud800"]}', '{"aud":["\\ud800"]}'],
    ['aud __proto__ member', '{"aud":{"__proto__":1}}', '{"aud":{"__proto__":1}}'],
    ['aud __proto__ vs none', '{"aud":{"__proto__":{}}}', '{"aud":{}}'],
    ['aud duplicate in the payload, last differs', '{"aud":"x"}', '{"aud":"x","aud":"y"}'],
    ['aud escapes vs plain', '{"aud":"\\u0061\\/"}', '{"aud":"a/"}'],
    ['aud deep in the payload', '{"aud":"a"}', `{"aud":"a","d":${'['.repeat(300)}${']'.repeat(300)}}`],
    ['sub with a lone surrogate elsewhere in the payload', '{"sub":"a"}', '{"sub":"a","x":"\\ud800"}'],
  ];
  test.each(cases.map(([label, h, p, deviation = null]) => [label, h, p, deviation]))('%s', async (label, headerExtra, payloadText, deviation) => {
    const header = `{"alg":"dir","enc":"A256GCM",${headerExtra.slice(1)}`;
    await judge(seal({ header, plaintext: payloadText }), { label, deviation: deviation ?? undefined });
  });

  test('aud nested deeper than the header allows in the payload only', async () => {
    const deepAud = `${'['.repeat(200)}${']'.repeat(200)}`;
    await judge(seal({ header: '{"alg":"dir","enc":"A256GCM","aud":[]}', plaintext: `{"aud":${deepAud}}` }), { label: 'deep aud' });
  });
});

describe('size, depth and width', () => {
  const deep = (n) => `{"sub":"u","d":${'['.repeat(n)}${']'.repeat(n)}}`;

  test('deep nesting: 128, 129, 1000, 10k levels within the size limit; 100k levels beyond it', async () => {
    for (const n of [128, 129, 1000, 10_000]) await judge(seal({ plaintext: deep(n) }), { label: `depth ${n}` });
    const c100k = seal({ plaintext: deep(100_000) });
    expect(c100k.length).toBeGreaterThan(DEFAULT_MAX);
    await judge(c100k, { label: 'depth 100k', deviation: 'size' });
    await judge(c100k, { label: 'depth 100k, roomy', which: roomy, max: 16 * 1024 * 1024 });
    const objects = `{"a":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
    await judge(seal({ plaintext: objects }), { label: 'object depth 100k, roomy', which: roomy, max: 16 * 1024 * 1024 });
  });

  test('wide objects: 100k members', async () => {
    const wide = JSON.stringify(Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i])));
    const cookie = seal({ plaintext: wide });
    await judge(cookie, { label: 'wide 100k', deviation: 'size' });
    await judge(cookie, { label: 'wide 100k, roomy', which: roomy, max: 16 * 1024 * 1024 });
  });

  test('huge inputs: 1 MiB and 8 MiB, junk and real', async () => {
    for (const size of [1 << 20, 8 << 20]) {
      const junk = 'A'.repeat(size);
      await judge(junk, { label: `junk ${size}` });
      const dotted = `${'A'.repeat(size / 2)}....${'A'.repeat(size / 2)}`;
      await judge(dotted, { label: `dotted junk ${size}` });
      const real = seal({ plaintext: JSON.stringify({ sub: 'u', pad: 'x'.repeat((size * 3) / 4 - 64) }) });
      expect(real.length).toBeGreaterThan(size - 200);
      await judge(real, { label: `real ${size}`, deviation: 'size' });
      await judge(real, { label: `real ${size}, roomy`, which: roomy, max: 16 * 1024 * 1024 });
    }
    // The limit counts UTF-8 bytes, not UTF-16 code units.
    const multibyte = 'é'.repeat(DEFAULT_MAX / 2 + 1);
    expect(cipher.unseal(multibyte)).toBeNull();
    expect(() => cipher.open(multibyte)).toThrow(expect.objectContaining({ code: 'ERR_INPUT_TOO_LARGE' }));
  });

  test('exactly at the limit and one byte over', async () => {
    const small = new addon.SessionCipher({ secret: SECRET, maxCookieBytes: 300 });
    const fits = seal({ plaintext: JSON.stringify({ sub: 'u', p: 'x'.repeat(300) }) }).slice(0, 300);
    expect(() => small.open(fits)).toThrow(expect.objectContaining({ code: 'ERR_JWE_INVALID' }));
    expect(() => small.open(`${fits}A`)).toThrow(expect.objectContaining({ code: 'ERR_INPUT_TOO_LARGE' }));
  });
});

describe('a real cookie, cut and edited', () => {
  test('the real cookie is accepted by both', async () => {
    const r = await judge(REAL, { label: 'real' });
    expect(r.theirs.ok).toBe(true);
    expect(r.ours.unseal.value).toEqual({ ...REAL_SESSION, exp: NOW + 3600 });
  });

  test('truncated at every position', async () => {
    for (let i = 0; i < REAL.length; i++) await judge(REAL.slice(0, i), { label: `cut ${i}` });
  });

  test('the tail cut at every position too', async () => {
    for (let i = 1; i < REAL.length; i += 7) await judge(REAL.slice(i), { label: `tail ${i}` });
  });

  test('one character changed at every position (only stray-bit edits survive in jose)', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < REAL.length; i++) {
      const ch = REAL[i];
      const replacement = ch === '.' ? 'A' : alphabet[(alphabet.indexOf(ch) + 1) % 64];
      await judge(REAL.slice(0, i) + replacement + REAL.slice(i + 1), { label: `edit ${i}` });
    }
  });

  test('a character inserted or deleted at every 5th position', async () => {
    for (let i = 0; i < REAL.length; i += 5) {
      await judge(REAL.slice(0, i) + 'A' + REAL.slice(i), { label: `insert ${i}` });
      await judge(REAL.slice(0, i) + REAL.slice(i + 1), { label: `delete ${i}` });
    }
  });
});

describe('random input', () => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const randomB64u = (n) => Array.from({ length: n }, () => alphabet[crypto.randomInt(64)]).join('');

  test('random bytes read as latin1 and as UTF-8 text', async () => {
    for (let i = 0; i < 100; i++) {
      const bytes = crypto.randomBytes(crypto.randomInt(1, 400));
      await judge(bytes.toString('latin1'), { label: `latin1 ${i}` });
      await judge(bytes.toString('utf8'), { label: `utf8 ${i}` });
    }
  });

  test('random UTF-16 strings with lone surrogates', async () => {
    for (let i = 0; i < 50; i++) {
      const units = Array.from({ length: crypto.randomInt(1, 200) }, () => crypto.randomInt(0, 0x10000));
      await judge(String.fromCharCode(...units), { label: `utf16 ${i}` });
    }
  });

  test('five random base64url segments', async () => {
    for (let i = 0; i < 100; i++) {
      const parts = [randomB64u(crypto.randomInt(0, 60)), i % 4 ? '' : randomB64u(4), randomB64u(16), randomB64u(crypto.randomInt(0, 200)), randomB64u(22)];
      await judge(parts.join('.'), { label: `segments ${i}` });
    }
  });

  test('a valid header and IV, random ciphertext and tag (forgeries)', async () => {
    const h = b64u(utf8(H_SDK));
    for (let i = 0; i < 100; i++) {
      const forged = [h, '', b64u(crypto.randomBytes(12)), b64u(crypto.randomBytes(crypto.randomInt(0, 300))), b64u(crypto.randomBytes(16))].join('.');
      await judge(forged, { label: `forgery ${i}` });
    }
  });
});

describe('arguments that are not cookies', () => {
  test.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['a bigint', 42n],
    ['a boolean', true],
    ['an object', {}],
    ['an array', ['a.b.c.d.e']],
    ['a Buffer', Buffer.from('a.b.c.d.e')],
    ['a symbol', Symbol('x')],
    ['a String object', new String('a.b.c.d.e')], // eslint-disable-line no-new-wrappers
    ['an object with toString', { toString: () => REAL }],
  ])('%s: open and unseal throw ERR_INVALID_ARG_TYPE', (_label, value) => {
    expect(() => cipher.open(value)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => cipher.unseal(value)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });

  test('bad options: coded errors', () => {
    expect(() => cipher.open(REAL, { now: 'soon' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => cipher.open(REAL, { now: NaN })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => cipher.unseal(REAL, { now: Infinity })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => cipher.open(REAL, 5)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    const hostile = {
      get now() {
        throw new Error('getter exploded');
      },
    };
    const err = (() => {
      try {
        cipher.open(REAL, hostile);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeDefined();
    expect(typeof err.code === 'string' || err.message === 'getter exploded').toBe(true);
  });
});

describe('the verdict', () => {
  test('every documented deviation is in SECURITY.md', () => {
    const security = fs.readFileSync(path.join(here, '..', 'SECURITY.md'), 'utf8');
    for (const [name, { readme: phrase }] of Object.entries(DEVIATIONS)) {
      expect({ name, listed: phrase.test(security) }).toEqual({ name, listed: true });
    }
  });

  test('the addon still works after all of it', () => {
    const cookie = cipher.sealPayload({ id: 'after' }, NOW + 60);
    expect(cipher.unseal(cookie, { now: NOW })).toEqual({ id: 'after', exp: NOW + 60 });
    if (process.env.HOSTILE_LEDGER) {
      // eslint-disable-next-line no-console
      console.log(JSON.stringify({ ...ledger, codeDifferences: Object.fromEntries(ledger.codeDifferences) }, null, 1));
    }
    expect(ledger.cases).toBeGreaterThan(300);
  });
});
