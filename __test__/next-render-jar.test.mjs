// The jar a server component or server action reads behind a rolling proxy.ts. When the proxy's response deletes
// cookies (`__session__0..4`, swept on every write of an unchunked session, as the SDK sweeps them), Next.js
// merges the proxy's Set-Cookie list into the render's `cookies()` (`mergeMiddlewareCookies` in
// next/dist/server/async-storage/request-store.js): each deletion becomes an entry without a value,
// `{ name: '__session__0', value: undefined }` (the Set-Cookie parser drops empty members). The SDK's stores
// read such an entry as an empty cookie; so must session-seal, for every jar shape, and an error may only name
// what its caller passed. Fresh random secrets and sessions on every run.

import { describe, test, expect, beforeAll } from '@jest/globals';
import { createRequire } from 'node:module';
import { asJson, randomSecret, randomHex, randomJwt, nowSeconds, smallSession, deepClone, sdkModule } from './helpers/fixtures.mjs';

const require = createRequire(import.meta.url);
const { SessionCookies } = require('../index.js');
const { createSessions } = require('../next/index.js');

let sdk; // the SDK's cookie helpers and stores
let NextRequest;
let NextResponse;
let RequestCookies; // Next.js's own classes (next/dist/compiled/@edge-runtime/cookies), as its request store uses them
let ResponseCookies;

beforeAll(async () => {
  const cookies = await sdkModule('server/cookies.js');
  const { StatelessSessionStore } = await sdkModule('server/session/stateless-session-store.js');
  const { StatefulSessionStore } = await sdkModule('server/session/stateful-session-store.js');
  sdk = { ...cookies, StatelessSessionStore, StatefulSessionStore };
  ({ NextRequest, NextResponse } = await import('next/server.js'));
  ({ RequestCookies, ResponseCookies } = require('next/dist/compiled/@edge-runtime/cookies'));
});

const header = (jar) => jar.map(({ name, value }) => `${name}=${value}`).join('; ');

/**
 * What `cookies()` gives a render after proxy.ts answered `response` to `request`: the request's cookies as the
 * proxy left them, with the proxy's Set-Cookie list merged in as Next.js merges it.
 */
function renderJar(request, response) {
  const jar = new RequestCookies(new Headers({ cookie: request.headers.get('cookie') ?? '' }));
  for (const cookie of new ResponseCookies(new Headers(response.headers.getSetCookie().map((line) => ['set-cookie', line]))).getAll()) {
    jar.set(cookie);
  }
  return jar;
}

/** The README's rolling proxy.ts, run on a request carrying `jar`: the render's jar, and the session written. */
async function behindTheProxy(secret, jar) {
  process.env.AUTH0_SECRET = secret;
  const { getSession, updateSession } = createSessions();
  const request = new NextRequest('https://app.example.test/dashboard', { headers: { cookie: header(jar) } });
  const session = await getSession(request);
  expect(session).not.toBeNull();
  const response = NextResponse.next();
  await updateSession(request, response, { ...session, user: { ...session.user, nickname: `rolled-${randomHex(3)}` } });
  return { jar: renderJar(request, response), written: response.headers.getSetCookie() };
}

describe('behind a rolling proxy.ts, the render\'s cookies() reads as the SDK reads it', () => {
  test('the jar holds valueless deletions (the proof that this is the jar Next.js builds), and both read the rolled session', async () => {
    const secret = randomSecret();
    const cookie = await new sdk.StatelessSessionStore({ secret }).get(new sdk.RequestCookies(new Headers())); // null: warms the module
    expect(cookie).toBeNull();
    const { jar, written } = await behindTheProxy(secret, [{ name: '__session', value: new SessionCookies({ secret }).write(smallSession(), null)[0].value }]);
    expect(written.filter((line) => /^__session__\d=;/.test(line))).toHaveLength(5);
    const valueless = jar.getAll().filter((c) => c.value === undefined).map((c) => c.name);
    expect(valueless).toStrictEqual(['__session__0', '__session__1', '__session__2', '__session__3', '__session__4']);
    const theirs = await new sdk.StatelessSessionStore({ secret }).get(jar);
    expect(theirs?.user.nickname).toMatch(/^rolled-/);
    const ours = new SessionCookies({ secret });
    for (const shape of [jar, jar.getAll(), Object.fromEntries(jar.getAll().map((c) => [c.name, c.value]))]) {
      expect(ours.read(shape)).toStrictEqual(theirs);
    }
  });

  test('a session written in chunks, rolled to one cookie: the same', async () => {
    const secret = randomSecret();
    const session = smallSession();
    session.accessTokens = Array.from({ length: 10 }, () => ({ accessToken: randomJwt(900), audience: `https://${randomHex(3)}.example/`, expiresAt: nowSeconds() + 60 }));
    const chunks = new SessionCookies({ secret }).write(session, null).filter((c) => c.value).map(({ name, value }) => ({ name, value }));
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    const { jar } = await behindTheProxy(secret, chunks);
    const theirs = await new sdk.StatelessSessionStore({ secret }).get(jar);
    expect(theirs).not.toBeNull();
    expect(new SessionCookies({ secret }).read(jar)).toStrictEqual(theirs);
  });
});

describe('an entry without a value (undefined or null) is an empty cookie, as the SDK\'s stores read it', () => {
  /** The jar in three shapes: a getAll() jar, its list, and a name → value object. */
  const shapes = (entries) => [
    ['getAll()', { getAll: () => entries.map((e) => ({ ...e })), get: (name) => entries.find((e) => e.name === name) }],
    ['list', entries],
    ['object', Object.fromEntries(entries.map((e) => [e.name, e.value]))],
  ];
  /** The SDK's RequestCookies holding the same entries, values and all (undefined and null included). */
  const sdkJar = (entries) => {
    const jar = new sdk.RequestCookies(new Headers());
    for (const { name, value } of entries) jar.set({ name, value });
    return jar;
  };

  test('the exact jar of the report: { name: \'__session__0\', value: undefined } beside a session', async () => {
    const secret = randomSecret();
    const value = new SessionCookies({ secret }).write(smallSession(), null)[0].value;
    const entries = [{ name: '__session', value }, { name: '__session__0', value: undefined }, { name: '__session__1', value: null }];
    const expected = await new sdk.StatelessSessionStore({ secret }).get(sdkJar(entries));
    expect(expected).not.toBeNull();
    for (const [kind, jar] of shapes(entries)) expect({ kind, read: new SessionCookies({ secret }).read(jar) }).toStrictEqual({ kind, read: expected });
  });

  test('where a valueless entry changes the answer, it changes it as in the SDK: chunks, v3 fallback, stateful ids, deletions', async () => {
    const secret = randomSecret();
    const ours = new SessionCookies({ secret });
    const big = smallSession();
    big.user.padding = randomHex(2500);
    const [c0, c1] = ours.write(big, null).filter((c) => c.value).map((c) => c.value);
    const v3 = await sdk.encrypt({ user: { sub: 'auth0|v3' }, idToken: 'x' }, secret, nowSeconds() + 600, { iat: nowSeconds(), uat: nowSeconds(), exp: nowSeconds() + 600 });
    const statefulId = await sdk.encrypt({ id: randomHex(16) }, secret, nowSeconds() + 600);
    const cases = [
      [{ name: '__session', value: undefined }, { name: '__session__0', value: c0 }, { name: '__session__1', value: c1 }],
      [{ name: '__session__0', value: c0 }, { name: '__session__1', value: null }, { name: '__session__2', value: c1 }],
      [{ name: '__session__0', value: undefined }, { name: '__session__1', value: c1 }, { name: 'appSession', value: v3 }],
      [{ name: '__session', value: null }, { name: 'appSession', value: v3 }],
    ];
    for (const entries of cases) {
      const expected = await new sdk.StatelessSessionStore({ secret }).get(sdkJar(entries));
      for (const [kind, jar] of shapes(entries)) {
        if (kind === 'object' && entries.some((e) => e.value === undefined)) continue; // JSON drops the member: absent
        // (as JSON: the SDK's v3 conversion leaves `undefined` members, see fixtures.mjs's asJson)
        expect({ entries: entries.map((e) => e.name), kind, read: ours.read(jar) }).toStrictEqual({ entries: entries.map((e) => e.name), kind, read: asJson(expected) });
      }
    }
    // Stateful: a valueless __session stops the read, as the SDK's stateful store stops (no appSession fallback).
    const store = { get: async (id) => ({ user: { sub: id }, internal: { sid: 's', createdAt: nowSeconds() } }) };
    const stateful = new sdk.StatefulSessionStore({ secret, store });
    for (const entries of [[{ name: '__session', value: undefined }, { name: 'appSession', value: statefulId }], [{ name: '__session', value: statefulId }, { name: '__session__0', value: undefined }]]) {
      const found = await stateful.get(sdkJar(entries));
      for (const [kind, jar] of shapes(entries).slice(0, 2)) {
        expect({ kind, id: ours.readSessionId(jar) }).toStrictEqual({ kind, id: found ? found.user.sub : null });
      }
    }
    // Writing: a chunk the jar lists is deleted, valueless or not, as the SDK deletes it (the SDK also deletes
    // the names between __4 and it; session-seal deletes only what the jar holds, docs/cookies.md); an
    // appSession without a value is no v3 cookie to delete, for either.
    const entries = [{ name: '__session', value: c0 }, { name: '__session__7', value: undefined }, { name: 'appSession', value: null }];
    const headers = new Headers();
    await new sdk.StatelessSessionStore({ secret }).set(sdkJar(entries), new sdk.ResponseCookies(headers), deepClone(smallSession()));
    const theirs = headers.getSetCookie().map((line) => [line.slice(0, line.indexOf('=')), /Max-Age=0/.test(line)]);
    expect(theirs).toContainEqual(['__session__7', true]);
    expect(theirs.map(([name]) => name)).not.toContain('appSession');
    for (const [kind, jar] of shapes(entries).slice(0, 2)) {
      const list = ours.write(smallSession(), jar).map((c) => [c.name, c.options.maxAge === 0]);
      expect({ kind, deletesTheListedChunk: list.some(([n, d]) => n === '__session__7' && d), allTheSdks: theirs }).toStrictEqual({ kind, deletesTheListedChunk: true, allTheSdks: expect.arrayContaining(list) });
    }
  });

  test('errors name what the caller passed: its own list, or what its getAll() returned', () => {
    const ours = new SessionCookies({ secret: randomSecret() });
    const error = (jar) => {
      try {
        ours.read(jar);
      } catch (e) {
        return { code: e.code, message: e.message };
      }
      return null;
    };
    expect(error([{ name: '__session', value: 42 }])).toStrictEqual({ code: 'ERR_INVALID_ARG_TYPE', message: expect.stringMatching(/^cookies\[0\]\.value must be a string/) });
    expect(error({ getAll: () => [{ name: 'a', value: 'b' }, { value: 'x' }] })).toStrictEqual({ code: 'ERR_INVALID_ARG_TYPE', message: expect.stringMatching(/^cookies\.getAll\(\)\[1\]\.name must be a string/) });
    expect(error({ __session: 7 })).toStrictEqual({ code: 'ERR_INVALID_ARG_TYPE', message: expect.stringMatching(/^cookies\["__session"\] must be a string/) });
  });
});
