// Shared by the cookies-*.test.mjs suites, which hold the cookie layer (SessionCookies, planChunkedCookie,
// serializeSetCookie, the test-cookie helpers) against the real @auth0/nextjs-auth0 4.30.0 code: its
// server/cookies.js (setChunkedCookie, getChunkedCookie, decrypt, sign) and its stateless and stateful
// session stores, with its own RequestCookies/ResponseCookies. Here: the SDK modules, the hooks every such
// suite needs, random sessions sized around the SDK's limits, prior jars and store configurations, and the
// comparisons of a Set-Cookie list with the SDK's.

import { expect, beforeAll, beforeEach, afterEach, jest } from '@jest/globals';
import { randomBytes, randomInt } from 'node:crypto';
import { SESSION_SIZES, deepClone, randomHex, randomV3Session, nowSeconds, sdkModule } from './fixtures.mjs';

export { randomSecret } from './fixtures.mjs';


// Set by cookieSuite()'s beforeAll (ES module bindings are live: importers see the values once set).
export let sdk; // server/cookies.js: encrypt, decrypt, sign, setChunkedCookie, getChunkedCookie, RequestCookies, ResponseCookies
export let StatelessSessionStore;
export let StatefulSessionStore;
export let normalizeStatelessSession;
export let sdkGenerateSessionCookie;
/** What the SDK warned about (console.warn) during the current test. */
export let warnings;

/**
 * Called once at the top of each cookies suite: loads the SDK modules, and around every test collects the
 * SDK's warnings (it warns about incomplete chunks and large cookies) and restores every mock after it
 * (`freeze`'s clock included).
 */
export function cookieSuite() {
  beforeAll(async () => {
    // One import at a time (see fixtures.mjs: Jest's ESM loader and concurrent imports of one module graph).
    sdk = await sdkModule('server/cookies.js');
    ({ StatelessSessionStore } = await sdkModule('server/session/stateless-session-store.js'));
    ({ StatefulSessionStore } = await sdkModule('server/session/stateful-session-store.js'));
    ({ normalizeStatelessSession } = await sdkModule('server/session/normalize-session.js'));
    ({ generateSessionCookie: sdkGenerateSessionCookie } = await sdkModule('testing/generate-session-cookie.js'));
  });
  beforeEach(() => {
    warnings = [];
    jest.spyOn(console, 'warn').mockImplementation((...args) => warnings.push(args.join(' ')));
  });
  afterEach(() => jest.restoreAllMocks());
}

export const DAY = 86400;
export const realNow = () => Math.floor(Date.now() / 1000);
/** `n` random base64url characters (cookie-safe text of an exact length). */
export const randomText = (n) => randomBytes(Math.ceil((n * 3) / 4) + 3).toString('base64url').slice(0, n);
/** A deep copy that keeps `undefined` members (unlike fixtures.mjs's JSON-based deepClone). */
export const clone = (v) => structuredClone(v);

/** Freezes `Date.now()` (the SDK's clock and edge-runtime's `Expires`) at `seconds` + a fraction. */
export function freeze(seconds = realNow()) {
  jest.spyOn(Date, 'now').mockReturnValue(seconds * 1000 + randomInt(0, 1000));
  return seconds;
}

/** A random session; `extra` characters of padding in `user.blob`, `connections` connection token sets. */
export function makeSession({ extra = 0, connections = 0, createdAt = realNow() } = {}) {
  const session = {
    user: {
      sub: `auth0|${randomText(24)}`,
      name: randomText(12),
      email: `${randomText(8).toLowerCase()}@example.com`,
      email_verified: true,
      sid: randomText(16),
    },
    tokenSet: {
      accessToken: randomText(64),
      idToken: randomText(120),
      refreshToken: randomText(40),
      scope: 'openid profile email offline_access',
      expiresAt: realNow() + 3600,
    },
    internal: { sid: randomText(16), createdAt },
  };
  if (extra) session.user.blob = randomText(extra);
  if (connections) {
    session.connectionTokenSets = Array.from({ length: connections }, (_, i) => ({
      accessToken: randomText(48),
      scope: 'read:calendar',
      expiresAt: realNow() + 3600,
      connection: `google-oauth2-${i}`,
    }));
  }
  return session;
}

// Sizes chosen around the SDK's limits: one cookie, just over 3500 bytes, 3 chunks, more than MAX_CHUNKS (5).
export const SIZES = [
  ['small', () => makeSession()],
  ['one chunk short of the limit', () => makeSession({ extra: randomInt(1500, 2000) })],
  ['two chunks', () => makeSession({ extra: randomInt(2800, 4000) })],
  ['three chunks', () => makeSession({ extra: randomInt(5500, 6500) })],
  ['seven+ chunks', () => makeSession({ extra: randomInt(17000, 19000) })],
];

export const PRIOR_JARS = [
  ['empty', ''],
  ['an unchunked session', '__session=old'],
  ['three chunks', '__session__0=a; __session__1=b; __session__2=c; theme=dark'],
  ['nine chunks (past MAX_CHUNKS)', Array.from({ length: 9 }, (_, i) => `__session__${i}=x${i}`).join('; ')],
  ['a lone high chunk', 'other=1; __session__7=z'],
  ['a v3 appSession', 'appSession=legacy; theme=dark'],
  ['v3 appSession chunks', 'appSession.1=b; appSession.0=a; x=%20y'],
  ['v3 chunks with a gap', 'appSession.0=a; appSession.2=c'],
  ['a zero-padded chunk name', '__session__01=x; __session__3=y'],
  ['connection cookies', '__FC_0=a; __FC_1=b; __FC_2=c; __FCx=keep; __FC_y=keep'],
  ['a tricky header', '  a=1;b=%E2%82%AC;  c = 3 ; flag; a=4; bad=%zz; =x; __session__2=%41; e=%F0%9F%98%80'],
];

export const STORE_CONFIGS = [
  ['defaults', {}],
  [
    'custom attributes',
    {
      absoluteDuration: 7200,
      inactivityDuration: 1800,
      cookieOptions: { sameSite: 'strict', secure: true, path: '/app', domain: 'example.com' },
    },
  ],
  ['transient, not rolling', { rolling: false, absoluteDuration: 600, cookieOptions: { transient: true } }],
  ['a custom cookie name', { cookieOptions: { name: 'my_session', sameSite: 'none', secure: true } }],
];

export const requestCookies = (header) => new sdk.RequestCookies(new Headers(header ? { cookie: header } : {}));
const compact = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** A ResponseCookies' entries in our SetCookie shape (edge-runtime's computed `expires` and the SDK's `transient` left out). */
export const sdkEntries = (res) =>
  res.getAll().map(({ name, value, expires, transient, ...options }) => ({ name, value, options: compact(options) }));

/**
 * The one way our Set-Cookie lists differ from the SDK's: its chunk sweep deletes every `name__i` up to the
 * highest index the request holds, present or not (one stray `__session__250` costs it 251 deletions);
 * ours deletes its fixed range (`__0` to `__4`) and, above it, only the chunks the request holds. The names
 * returned are the SDK's deletions of chunks above the fixed range that the request does not hold: absent
 * from the browser, so deleting them changes nothing (`browserApply` gives the same jar either way).
 */
export function unheldSweeps(sdkList, priorHeader, name) {
  const held = new Set();
  for (const { name: cookie } of requestCookies(priorHeader).getAll()) {
    const index = /^(.*)__(\d+)$/.exec(cookie);
    if (index && index[1] === name) held.add(Number(index[2]));
  }
  const unheld = new Set();
  for (const c of sdkList) {
    const index = c.name.startsWith(`${name}__`) ? /^\d+$/.exec(c.name.slice(name.length + 2)) : null;
    if (index && c.value === '' && c.options.maxAge === 0 && Number(index[0]) >= 5 && !held.has(Number(index[0]))) {
      unheld.add(c.name);
    }
  }
  return unheld;
}

/** The SDK's list without `unheldSweeps`: what ours must equal, entry for entry. */
export const withoutUnheldSweeps = (sdkList, priorHeader, name) => {
  const unheld = unheldSweeps(sdkList, priorHeader, name);
  return sdkList.filter((c) => !unheld.has(c.name));
};

/** What a browser holding `priorHeader` sends after applying a Set-Cookie list. */
export function browserApply(priorHeader, setCookies) {
  const jar = new Map(requestCookies(priorHeader).getAll().map((c) => [c.name, c.value]));
  for (const c of setCookies) {
    if (c.options.maxAge === 0) jar.delete(c.name);
    else jar.set(c.name, c.value);
  }
  return [...jar].map(([n, v]) => `${n}=${encodeURIComponent(v)}`).join('; ');
}

/** The session cookie's value in a Set-Cookie list: itself, or its chunks joined in order. */
function sessionValue(list, name) {
  const set = list.filter((c) => c.options.maxAge !== 0 && c.value !== '');
  const single = set.find((c) => c.name === name);
  if (single) return single.value;
  return set
    .filter((c) => c.name.startsWith(`${name}__`))
    .sort((a, b) => Number(a.name.slice(name.length + 2)) - Number(b.name.slice(name.length + 2)))
    .map((c) => c.value)
    .join('');
}

/**
 * The SDK stores connection token sets inside `Promise.all`, so the `__FC_i` cookies it sets land in its
 * response in whatever order their encryptions finish. Put them in index order (in the same slots) so the
 * rest of the list can be compared exactly; ours are always in index order.
 */
function fcInIndexOrder(list) {
  const isSetFc = (c) => /^__FC_\d+$/.test(c.name) && c.options.maxAge !== 0;
  const sorted = list.filter(isSetFc).sort((a, b) => Number(a.name.slice(5)) - Number(b.name.slice(5)));
  return list.map((c) => (isSetFc(c) ? sorted.shift() : c));
}

/** Same entries, names, order and attributes; sealed values compared by what they decrypt to. */
export async function expectSameWrite(ours, theirsAsWritten, secret, cookieName) {
  const theirs = fcInIndexOrder(theirsAsWritten);
  expect(ours.map((c) => c.name)).toStrictEqual(theirs.map((c) => c.name));
  for (const [i, t] of theirs.entries()) {
    expect(ours[i].options).toStrictEqual(t.options);
    if (t.value === '') expect(ours[i].value).toBe('');
    else expect(ours[i].value.length).toBe(t.value.length);
  }
  const [a, b] = [sessionValue(ours, cookieName), sessionValue(theirs, cookieName)];
  expect((await sdk.decrypt(a, secret)).payload).toStrictEqual((await sdk.decrypt(b, secret)).payload);
  for (const t of theirs.filter((c) => /^__FC_\d+$/.test(c.name) && c.value)) {
    const o = ours.find((c) => c.name === t.name);
    expect((await sdk.decrypt(o.value, secret)).payload).toStrictEqual((await sdk.decrypt(t.value, secret)).payload);
  }
}

/** The SDK's stateless store writing `session` into a request holding `priorHeader`. */
export async function sdkStatelessWrite(config, secret, session, priorHeader) {
  const store = new StatelessSessionStore({ secret, ...config });
  const req = requestCookies(priorHeader);
  const res = new sdk.ResponseCookies(new Headers());
  await store.set(req, res, clone(session));
  return { store, req, res, entries: sdkEntries(res) };
}

export const nameOf = (config) => config.cookieOptions?.name ?? '__session';

/**
 * Jars holding a session, as `{ name, value }` lists with a label: one written by the SDK's store for each of
 * fixtures.mjs's sizes (chunks, an `__FC_0` cookie; a custom-domain session created for `domain`), one minted by
 * its `generateSessionCookie({ user })` (no tokenSet), and a v3 `appSession`.
 */
export async function sdkJars(secret, domain) {
  const out = [];
  for (const [label, make] of SESSION_SIZES) {
    const session = make();
    if (session.internal.mcd) session.internal.mcd.domain = domain;
    if (session.connectionTokenSets) session.connectionTokenSets = session.connectionTokenSets.slice(0, 1);
    const res = new sdk.ResponseCookies(new Headers());
    await new StatelessSessionStore({ secret }).set(new sdk.RequestCookies(new Headers()), res, deepClone(session));
    out.push([`${label}, written by the SDK's store`, res.getAll().filter((c) => c.value).map(({ name, value }) => ({ name, value }))]);
  }
  const user = { sub: `auth0|${randomHex(5)}` };
  out.push(['generateSessionCookie({ user }), no tokenSet', [{ name: '__session', value: await sdkGenerateSessionCookie({ user }, { secret }) }]]);
  const iat = nowSeconds() - 600;
  const v3 = await sdk.encrypt(randomV3Session('full'), secret, iat + 3600, { iat, uat: iat, exp: iat + 3600 });
  out.push(['v3 appSession', [{ name: 'appSession', value: v3 }]]);
  return out;
}
