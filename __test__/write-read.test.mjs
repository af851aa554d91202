// `write` takes what `read` returns and what the SDK writes. Property test against the real
// @auth0/nextjs-auth0 4.30.0: for random SDK-shaped sessions — its store's own writes (small to large, with
// connection token sets), what its `generateSessionCookie` mints from a partial session (no `tokenSet`, a
// `tokenSet` without `expiresAt`, …), v3 cookies of every shape it converts — `read` gives the SDK store's
// answer, `write(read(x))` succeeds, and the SDK reads back the same session. The default validation refuses
// only what would break the SDK (each refusal below shows the SDK breaking on it); `validate: 'strict'` and
// `validateSession` keep the full type check.

import { describe, test, expect, beforeAll, beforeEach, afterEach, jest } from '@jest/globals';
import { createRequire } from 'node:module';
import { asJson, randomSecret, randomHex, randomB64u, randomInt, pick, chance, nowSeconds, deepClone, smallSession, typicalSession, largeSession, randomV3Session, sdkModule } from './helpers/fixtures.mjs';

const require = createRequire(import.meta.url);
const { SessionCookies, SessionCipher, validateSession } = require('../index.js');

let sdk;
beforeAll(async () => {
  const cookies = await sdkModule('server/cookies.js');
  const { StatelessSessionStore } = await sdkModule('server/session/stateless-session-store.js');
  const { generateSessionCookie } = await sdkModule('testing/generate-session-cookie.js');
  sdk = { ...cookies, StatelessSessionStore, generateSessionCookie };
});
beforeEach(() => jest.spyOn(console, 'warn').mockImplementation(() => {})); // the SDK's size warnings
afterEach(() => jest.restoreAllMocks());

const ROUNDS = 40; // per kind of session: fresh random sessions and secrets every run

/** The SDK's store reading a `{ name, value }` jar. */
const sdkRead = (secret, jar) => new sdk.StatelessSessionStore({ secret }).get(new sdk.RequestCookies(new Headers({ cookie: jar.map((c) => `${c.name}=${c.value}`).join('; ') })));

/** A browser's jar after a `SetCookie` list. */
function apply(jar, list) {
  const next = new Map(jar.map((c) => [c.name, c.value]));
  for (const c of list) {
    if (c.options.maxAge === 0) next.delete(c.name);
    else next.set(c.name, c.value);
  }
  return [...next].map(([name, value]) => ({ name, value }));
}

/** The jar a browser keeps from `Set-Cookie` lines written into an empty one. */
const jarFromLines = (lines) =>
  lines
    .filter((line) => !/; Max-Age=0(;|$)/.test(line))
    .map((line) => {
      const pair = line.split('; ')[0];
      const eq = pair.indexOf('=');
      return { name: pair.slice(0, eq), value: decodeURIComponent(pair.slice(eq + 1)) };
    });

/**
 * A session without its `exp` claims (the write gives new ones), as JSON carries it. Connection token sets in
 * a fixed order: the SDK reads the `__FC_i` cookies in the jar's order, not by index, so a rewrite that keeps
 * every cookie's place in the jar may list them in another order (the SDK's own rewrites do too).
 */
const withoutExp = (session) => {
  const { exp, ...rest } = JSON.parse(JSON.stringify(session));
  if (rest.connectionTokenSets) {
    rest.connectionTokenSets = rest.connectionTokenSets.map(({ exp: _exp, ...set }) => set).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  }
  return rest;
};

/** A partial session as apps hand the SDK's generateSessionCookie: a user, and some of the rest. */
function partialSession() {
  const session = { user: { sub: `auth0|${randomHex(6)}`, ...(chance(0.5) && { name: `User ${randomHex(2)}` }) } };
  const accessToken = randomB64u(randomInt(20, 200));
  switch (pick(['user only', 'tokenSet without expiresAt', 'tokenSet', 'accessTokens', 'internal without sid'])) {
    case 'tokenSet without expiresAt':
      session.tokenSet = { accessToken };
      break;
    case 'tokenSet':
      session.tokenSet = { accessToken, expiresAt: nowSeconds() + 3600 };
      break;
    case 'accessTokens':
      session.accessTokens = [{ accessToken, audience: 'https://api.example.com/', expiresAt: nowSeconds() + 60 }];
      break;
    case 'internal without sid':
      session.internal = { createdAt: nowSeconds() - randomInt(0, 3600) };
      break;
    default:
  }
  return session;
}

/** Kinds of jars the SDK makes: `[label, async (secret) => jar]`. */
const KINDS = [
  ...[['small', smallSession], ['typical', typicalSession], ['large, with connection token sets', largeSession]].map(([label, make]) => [
    `the SDK store's write of a ${label} session`,
    async (secret) => {
      const headers = new Headers();
      await new sdk.StatelessSessionStore({ secret }).set(new sdk.RequestCookies(new Headers()), new sdk.ResponseCookies(headers), make());
      return jarFromLines(headers.getSetCookie());
    },
  ]),
  ['SDK generateSessionCookie of a partial session', async (secret) => [{ name: '__session', value: await sdk.generateSessionCookie(partialSession(), { secret }) }]],
  ...['full', 'missing', 'nulls', 'user-only'].map((variant) => [
    `a v3 appSession cookie (${variant})`,
    async (secret) => {
      const iat = nowSeconds() - randomInt(0, 3600);
      return [{ name: 'appSession', value: await sdk.encrypt(randomV3Session(variant), secret, iat + 7200, { iat, uat: iat, exp: iat + 7200 }) }];
    },
  ]),
];

describe('write(read(x)) succeeds and the SDK reads the result', () => {
  test.each(KINDS)('%s', async (_label, makeJar) => {
    for (let round = 0; round < ROUNDS; round++) {
      const secret = randomSecret();
      const jar = await makeJar(secret);
      const store = new SessionCookies({ secret });
      const theirs = await sdkRead(secret, jar);
      expect(theirs).not.toBeNull();
      const read = store.read(jar);
      expect(read).toStrictEqual(asJson(theirs)); // a v3 jar: the SDK's conversion leaves `undefined` members (fixtures.mjs)
      const written = store.write(read, jar); // must not throw
      const after = apply(jar, written);
      const reread = await sdkRead(secret, after);
      expect(withoutExp(reread)).toStrictEqual(withoutExp(read));
      expect(store.read(after)).toStrictEqual(reread);
    }
  });

  test('SessionCipher.seal takes what unseal returns, for the same sessions', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const secret = randomSecret();
      const cipher = new SessionCipher({ secret });
      const cookie = await sdk.generateSessionCookie(partialSession(), { secret });
      const session = cipher.unseal(cookie);
      const resealed = cipher.seal(session, nowSeconds() + 3600);
      expect(withoutExp((await sdk.decrypt(resealed, secret)).payload)).toStrictEqual(withoutExp(session));
    }
  });
});

describe('the default validation refuses only what breaks the SDK; the strict check stays available', () => {
  const base = () => ({ user: { sub: 'auth0|x' }, internal: { sid: 's', createdAt: nowSeconds() } });

  test('sessions the SDK mints without a tokenSet: written by default, refused by validate: "strict" and validateSession', () => {
    const store = new SessionCookies({ secret: randomSecret() });
    const session = base();
    expect(store.write(session, null).length).toBeGreaterThan(0);
    expect(new SessionCipher({ secret: randomSecret() }).seal(session, nowSeconds() + 60).split('.')).toHaveLength(5);
    const strict = (() => {
      try {
        store.write(session, null, { validate: 'strict' });
      } catch (error) {
        return error;
      }
    })();
    expect({ code: strict?.code, message: strict?.message }).toStrictEqual({ code: 'ERR_SESSION_INVALID', message: expect.stringContaining('tokenSet') });
    expect(validateSession(session)).toStrictEqual({ valid: false, errors: [expect.objectContaining({ path: 'tokenSet' })] });
  });

  // Each refusal, and where the SDK breaks on it (4.30.0): its store's `set` throws, or writes a cookie
  // that is deleted at once, or its code dereferences the member (e.g. `session.tokenSet.idToken` in its
  // logout route, `session.accessTokens?.find(...)` in getAccessToken, `encrypt(set)` of each connection set).
  const REFUSED = [
    ['no internal', 'internal', (s) => delete s.internal, 'throws'],
    ['internal null', 'internal', (s) => (s.internal = null), 'throws'],
    ['internal.createdAt missing', 'internal.createdAt', (s) => delete s.internal.createdAt, 'expires at once'],
    ['internal.createdAt a string', 'internal.createdAt', (s) => (s.internal.createdAt = 'yesterday'), 'expires at once'],
    ['no user', 'user', (s) => delete s.user, null],
    ['accessTokens not an array', 'accessTokens', (s) => (s.accessTokens = { accessToken: 'a' }), null],
    ['an access token set that is not an object', 'accessTokens[0]', (s) => (s.accessTokens = ['a']), null],
    ['connectionTokenSets with a string', 'connectionTokenSets[0]', (s) => (s.connectionTokenSets = ['token']), 'throws'],
  ];

  test.each(REFUSED)('%s: ERR_SESSION_INVALID naming %s', async (_label, where, spoil, sdkBreaks) => {
    const secret = randomSecret();
    const session = base();
    spoil(session);
    for (const call of [() => new SessionCookies({ secret }).write(session, null), () => new SessionCipher({ secret }).seal(session, nowSeconds() + 60)]) {
      let error;
      try {
        call();
      } catch (e) {
        error = e;
      }
      expect({ code: error?.code, message: error?.message }).toStrictEqual({ code: 'ERR_SESSION_INVALID', message: expect.stringContaining(where) });
    }
    if (sdkBreaks) {
      const headers = new Headers();
      const outcome = await new sdk.StatelessSessionStore({ secret })
        .set(new sdk.RequestCookies(new Headers()), new sdk.ResponseCookies(headers), deepClone(session))
        .then(() => headers.getSetCookie().find((l) => l.startsWith('__session=')))
        .catch(() => 'threw');
      if (sdkBreaks === 'throws') expect(outcome).toBe('threw');
      else expect(outcome).toMatch(/; Max-Age=0;/); // its session cookie, deleted as it is set
    }
  });

  test('what the SDK reads past (tokenSet null, internal.mcd null, members of other types) is written by default, refused by the strict check', () => {
    const store = new SessionCookies({ secret: randomSecret() });
    const session = { ...base(), tokenSet: null, internal: { createdAt: nowSeconds(), mcd: null, sid: 7 }, user: { sub: 1 } };
    expect(store.write(session, null).length).toBeGreaterThan(0);
    expect(() => store.write(session, null, { validate: 'strict' })).toThrow('invalid session (4 problems)');
    expect(validateSession(session).errors.map((e) => e.path).sort()).toStrictEqual(['internal.mcd', 'internal.sid', 'tokenSet', 'user.sub']);
  });

  test('validate: false writes anything the store can seal; true is the strict check', () => {
    const store = new SessionCookies({ secret: randomSecret() });
    const session = base();
    session.tokenSet = null;
    expect(store.write(session, null, { validate: false }).length).toBeGreaterThan(0);
    expect(() => store.write(base(), null, { validate: true })).toThrow('tokenSet');
    expect(() => store.write(base(), null, { validate: 'loose' })).toThrow();
  });
});
