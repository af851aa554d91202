// Shared fixtures for the Jest suites: random secrets and sessions (fresh every run), loaders for the real
// @auth0/nextjs-auth0 modules, jose and our addon, and small JWE helpers built on node:crypto alone.
//
// Nothing here is a stored expectation: every value is random or derived at test time. The only stored
// facts the suites use are the SDK-produced vectors in vectors/.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../scripts/lib/repo.mjs';

export const vectorsDir = path.join(repoRoot, 'vectors');
const sdkRoot = path.join(repoRoot, 'node_modules', '@auth0', 'nextjs-auth0');

const require = createRequire(import.meta.url);

/** Our addon, through the generated CommonJS loader. Its values come from the main realm. */
export function loadAddon() {
  return require('../../index.js');
}

/** A module of the SDK's dist/ (not in its exports map, so imported by file URL), e.g. `server/cookies.js`. */
export const sdkModule = (file) => import(pathToFileURL(path.join(sdkRoot, 'dist', file)).href);

/**
 * The real SDK's modules. `dist/*` is not in the SDK's exports map, so the cookie and normalize modules
 * are imported by absolute file URL; `testing` is a public export.
 */
export async function loadSdk() {
  // One at a time: Jest's ESM loader fails ("request for … is not in cache") on concurrent imports of a
  // shared module graph.
  const cookies = await sdkModule('server/cookies.js');
  const normalize = await sdkModule('server/session/normalize-session.js');
  const testing = await import('@auth0/nextjs-auth0/testing');
  return {
    encrypt: cookies.encrypt,
    decrypt: cookies.decrypt,
    normalizeStatelessSession: normalize.normalizeStatelessSession,
    generateSessionCookie: testing.generateSessionCookie,
  };
}

/** jose, the same copy the SDK resolves (it is hoisted). */
export async function loadJose() {
  return import('jose');
}

/** Reads one vectors file. */
export function loadVectors(file) {
  return JSON.parse(fs.readFileSync(path.join(vectorsDir, file), 'utf8'));
}

// ---------------------------------------------------------------------------------------------------------
// Randomness

export const randomSecret = () => crypto.randomBytes(32).toString('hex');
export const randomInt = (min, max) => min + crypto.randomInt(max - min + 1);
export const pick = (list) => list[crypto.randomInt(list.length)];
export const chance = (p) => crypto.randomInt(1_000_000) < p * 1_000_000;
export const nowSeconds = () => Math.floor(Date.now() / 1000);
/** A shuffled copy of `list`. */
export const shuffle = (list) => list.map((v) => [crypto.randomInt(1e9), v]).sort((a, b) => a[0] - b[0]).map(([, v]) => v);

const ASCII = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?-_/+=@#$%&*()[]{}<>~^|`\'';
// Characters that exercise JSON escaping and UTF-8: quotes, backslash, controls, NUL, line separators,
// Latin-1, Greek, CJK, RTL, combining marks, astral emoji (surrogate pairs), BOM, replacement char.
const TRICKY = [
  '"', '\\', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u001f', '\u007f', '\u2028', '\u2029',
  'é', 'ü', 'ß', 'ø', 'Ω', 'λ', '李', '雷', '東', '京', 'ש', 'ع', 'e\u0301', '😀', '🧪', '👩‍💻', '𝄞',
  '\ufeff', '\ufffd', '<', '>', '&', '/',
];

/** A random string of `length` code points; `unicode` mixes in characters that stress JSON and UTF-8. */
export function randomText(length, { unicode = true } = {}) {
  let out = '';
  for (let i = 0; i < length; i++) {
    out += unicode && chance(0.2) ? pick(TRICKY) : ASCII[crypto.randomInt(ASCII.length)];
  }
  return out;
}

export const randomHex = (bytes) => crypto.randomBytes(bytes).toString('hex');
export const randomB64u = (bytes) => crypto.randomBytes(bytes).toString('base64url');

/** Something shaped like a signed JWT of about `approxLength` characters. */
export function randomJwt(approxLength = 800) {
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: randomB64u(12) })).toString('base64url');
  const signature = randomB64u(256);
  const bodyLength = Math.max(16, approxLength - header.length - signature.length - 2);
  return `${header}.${randomB64u(Math.ceil((bodyLength * 3) / 4)).slice(0, bodyLength)}.${signature}`;
}

const randomScope = () =>
  ['openid', 'profile', 'email', 'offline_access', `read:${randomHex(3)}`, `write:${randomHex(3)}`]
    .filter(() => chance(0.7))
    .join(' ') || 'openid';

const randomAudience = () => `https://${randomHex(4)}.api.example.${pick(['com', 'org', 'dev'])}/${randomHex(2)}`;

/** @param {{ unicode?: boolean, sid?: string }} [options] */
function randomUser({ unicode = true, sid } = {}) {
  const given = randomText(randomInt(3, 10), { unicode });
  const family = randomText(randomInt(3, 12), { unicode });
  const user = {
    sub: `${pick(['auth0', 'google-oauth2', 'samlp|acme', 'email'])}|${randomHex(12)}`,
    name: `${given} ${family}`,
    nickname: randomText(randomInt(3, 12), { unicode }),
    given_name: given,
    family_name: family,
    picture: `https://s.gravatar.com/avatar/${randomHex(16)}?s=480&r=pg&d=${encodeURIComponent('https://cdn.auth0.com/avatars/x.png')}`,
    email: `${randomHex(5)}@${randomHex(3)}.example.com`,
    email_verified: chance(0.5),
    updated_at: new Date(Date.now() - randomInt(0, 1e10)).toISOString(),
    sid: sid ?? randomB64u(24),
  };
  if (chance(0.5)) user.org_id = `org_${randomB64u(12)}`;
  if (chance(0.3)) user.act = { sub: `actor|${randomHex(6)}`, ...(chance(0.5) && { act: { sub: `root|${randomHex(4)}`, note: randomText(8, { unicode }) } }) };
  if (chance(0.4)) user.session_expiry = nowSeconds() + randomInt(3600, 86400);
  if (chance(0.5)) user['urn:auth0:my_org_current_user_permissions'] = Array.from({ length: randomInt(0, 4) }, () => `my_org:${randomHex(3)}`);
  user[`https://${randomHex(3)}.example.com/roles`] = Array.from({ length: randomInt(1, 4) }, () => randomText(6, { unicode }));
  user[`https://${randomHex(3)}.example.com/meta`] = { plan: pick(['free', 'pro', null]), seats: randomInt(0, 500), ratio: Math.random(), nested: { flag: chance(0.5), list: [1, 'two', null, { three: 3 }] } };
  return user;
}

function randomTokenSet() {
  const tokenSet = {
    accessToken: randomJwt(randomInt(700, 900)),
    idToken: randomJwt(randomInt(900, 1100)),
    refreshToken: randomB64u(randomInt(40, 60)),
    scope: randomScope(),
    requestedScope: randomScope(),
    expiresAt: nowSeconds() + randomInt(60, 86400),
    token_type: pick(['Bearer', 'DPoP']),
  };
  if (chance(0.5)) tokenSet.audience = randomAudience();
  return tokenSet;
}

function randomInternal() {
  const internal = { sid: randomB64u(24), createdAt: nowSeconds() - randomInt(0, 86400) };
  if (chance(0.3)) internal.mcd = { domain: `${randomHex(4)}.auth.example.com`, issuer: `https://${randomHex(4)}.auth.example.com/` };
  if (chance(0.3)) internal.sessionExpiresAt = nowSeconds() + randomInt(3600, 3 * 86400);
  return internal;
}

function randomAccessTokenSet() {
  const set = {
    accessToken: randomJwt(randomInt(700, 900)),
    audience: randomAudience(),
    expiresAt: nowSeconds() + randomInt(60, 86400),
  };
  if (chance(0.7)) set.scope = randomScope();
  if (chance(0.5)) set.requestedScope = randomScope();
  if (chance(0.5)) set.token_type = 'Bearer';
  return set;
}

function randomConnectionTokenSet({ unicode = true } = {}) {
  const set = {
    accessToken: randomB64u(randomInt(60, 200)),
    expiresAt: nowSeconds() + randomInt(60, 86400),
    connection: pick(['google-oauth2', 'github', 'slack', 'custom-' + randomHex(2)]),
  };
  if (chance(0.6)) set.scope = randomScope();
  if (chance(0.5)) set.loginHint = randomText(10, { unicode });
  if (chance(0.5)) set[`extra_${randomHex(2)}`] = { note: randomText(12, { unicode }) };
  return set;
}

/** ~0.5 KB: the smallest realistic session. */
export function smallSession({ unicode = true } = {}) {
  return {
    user: { sub: `auth0|${randomHex(12)}`, name: randomText(randomInt(8, 20), { unicode }), email: `${randomHex(5)}@example.com` },
    tokenSet: { accessToken: randomB64u(randomInt(150, 250)), expiresAt: nowSeconds() + randomInt(60, 86400) },
    internal: { sid: randomB64u(24), createdAt: nowSeconds() - randomInt(0, 3600) },
  };
}

/** ~3 KB: a typical Auth0 session (profile, access/id/refresh tokens). */
export function typicalSession({ unicode = true } = {}) {
  const session = { user: randomUser({ unicode }), tokenSet: randomTokenSet(), internal: randomInternal() };
  if (chance(0.5)) session[`custom_${randomHex(2)}`] = { theme: pick(['dark', 'light']), tags: [randomText(5, { unicode })] };
  return session;
}

/** ~16 KB: many access tokens (MRRT) and connection token sets. */
export function largeSession({ unicode = true } = {}) {
  const session = typicalSession({ unicode });
  session.accessTokens = Array.from({ length: 13 }, randomAccessTokenSet);
  session.connectionTokenSets = Array.from({ length: 3 }, () => randomConnectionTokenSet({ unicode }));
  return session;
}

export const SESSION_SIZES = [
  ['small (~0.5 KB)', smallSession],
  ['typical (~3 KB)', typicalSession],
  ['large (~16 KB)', largeSession],
];

/**
 * A random v3 (`appSession`) session: `user` (with `sid`), `idToken`, `accessToken`, `accessTokenScope`,
 * `accessTokenExpiresAt`, `refreshToken`. `variant`: 'full', 'missing' (random fields dropped), 'nulls'
 * (random fields null), 'user-only'.
 */
export function randomV3Session(variant = 'full', { unicode = true } = {}) {
  const user = randomUser({ unicode });
  const session = {
    user,
    idToken: randomJwt(randomInt(900, 1100)),
    accessToken: randomB64u(randomInt(30, 600)),
    accessTokenScope: randomScope(),
    accessTokenExpiresAt: nowSeconds() + randomInt(60, 86400),
    refreshToken: randomB64u(40),
  };
  const fields = ['idToken', 'accessToken', 'accessTokenScope', 'accessTokenExpiresAt', 'refreshToken'];
  if (variant === 'user-only') return { user };
  if (variant === 'missing') {
    const keep = fields.filter(() => chance(0.5));
    for (const f of fields) if (!keep.includes(f)) delete session[f];
    if (chance(0.5)) delete user.sid;
  }
  if (variant === 'nulls') {
    const nulled = fields.filter(() => chance(0.6));
    for (const f of nulled.length ? nulled : [pick(fields)]) session[f] = null;
  }
  return session;
}

export const deepClone = (value) => JSON.parse(JSON.stringify(value));

/**
 * A session as JSON carries it. The SDK's v3 conversion leaves `undefined` members where the v3 session had no
 * value (`idToken: session.idToken ?? undefined`); a session read here crossed JSON and has no such members.
 * Comparisons of our v3 reads with the SDK's go through this, so that this one difference is named where it
 * applies (and pinned by interop.test.mjs) rather than ignored by every comparison.
 */
export const asJson = deepClone;

// ---------------------------------------------------------------------------------------------------------
// JWE helpers on node:crypto alone (independent of both jose and our addon)

/** HKDF-SHA256(secret, salt '', info 'JWE CEK', 32): the SDK's content-encryption key. */
export const deriveKey = (secret) => Buffer.from(crypto.hkdfSync('sha256', secret, '', 'JWE CEK', 32));

const b64u = (bytes) => Buffer.from(bytes).toString('base64url');

/**
 * A correctly authenticated compact JWE with any protected header text and any plaintext bytes, so that
 * header/payload rules can be tested apart from cryptography. `header` may be an object or raw JSON text.
 */
export function rawJwe(secret, header, plaintext, { iv = crypto.randomBytes(12), encryptedKey = '' } = {}) {
  const headerSegment = b64u(Buffer.from(typeof header === 'string' ? header : JSON.stringify(header)));
  const cipher = crypto.createCipheriv('aes-256-gcm', deriveKey(secret), iv);
  cipher.setAAD(Buffer.from(headerSegment, 'ascii'));
  const body = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : Buffer.from(plaintext);
  const ciphertext = Buffer.concat([cipher.update(body), cipher.final()]);
  return [headerSegment, encryptedKey, b64u(iv), b64u(ciphertext), b64u(cipher.getAuthTag())].join('.');
}

/** Decrypts a compact dir/A256GCM JWE with node:crypto: the raw plaintext bytes. */
export function rawPlaintext(secret, cookie) {
  const [h, , iv, ct, tag] = cookie.split('.');
  const decipher = crypto.createDecipheriv('aes-256-gcm', deriveKey(secret), Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(h, 'ascii'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]);
}

/** The decoded protected header text of a compact JWE. */
export const headerText = (cookie) => Buffer.from(cookie.split('.')[0], 'base64url').toString('utf8');

export const B64U_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * `segment` with the character at `index` replaced so that the decoded bytes really change: in the last
 * character of a segment whose length is not a multiple of 4, only the high bits carry data.
 */
export function flipChar(segment, index) {
  const value = B64U_ALPHABET.indexOf(segment[index]);
  const isLast = index === segment.length - 1;
  const spare = { 2: 4, 3: 2 }[segment.length % 4] ?? 0; // unused low bits in the last character
  const delta = isLast ? 1 << spare : 1;
  const replaced = B64U_ALPHABET[(value ^ delta) & 63];
  return segment.slice(0, index) + replaced + segment.slice(index + 1);
}

/** Replaces segment `which` (0..4) of a compact JWE. */
export function withSegment(cookie, which, value) {
  const parts = cookie.split('.');
  parts[which] = typeof value === 'function' ? value(parts[which]) : value;
  return parts.join('.');
}

/** Runs `fn` and returns the error it throws (or the rejection), failing the test if there is none. */
export async function caught(fn) {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, none was thrown');
}

/** 'ok' | 'null' | 'reject' (with the error) for a promise-returning decrypt call. */
export async function outcome(promiseFactory) {
  try {
    const value = await promiseFactory();
    return value === null ? { kind: 'null' } : { kind: 'ok', value };
  } catch (error) {
    return { kind: 'reject', error, code: error?.code };
  }
}

export const JOSE_CODES = [
  'ERR_JWE_INVALID',
  'ERR_JWE_DECRYPTION_FAILED',
  'ERR_JWT_EXPIRED',
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWT_INVALID',
  'ERR_JOSE_NOT_SUPPORTED',
];
