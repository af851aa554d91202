// SessionCookies' one-crossing operations for adapters, against the real @auth0/nextjs-auth0 4.30.0
// Auth0Client and its store on the same jars: getSession (the store's read, the IdP ceiling, the custom-domain
// rule), updateSession (the current session's internal kept; the Set-Cookie list, the request's cookies
// after the write and the session written, with the jar read once) and deleteSession; and the same over the
// SDK's stateful store (`new Auth0Client({ sessionStore })`), where the app's store is asynchronous
// JavaScript: lookupSession names the id to fetch, its getSession judges what the store gave, its
// updateSession plans the store calls the SDK makes, and deleteStoredSession the sign-out. Fresh random
// secrets and sessions on every run.

import { describe, test, expect, beforeAll, jest } from '@jest/globals';
import { loadAddon, randomSecret, randomHex, nowSeconds, deepClone, smallSession, caught } from './helpers/fixtures.mjs';
import { cookieSuite, sdk, StatelessSessionStore, StatefulSessionStore, sdkGenerateSessionCookie, expectSameWrite, sdkEntries, sdkJars } from './helpers/cookies.mjs';

const { SessionCookies, serializeSetCookie } = loadAddon();

const DOMAIN = 'tenant.example.invalid';
let Auth0Client;
let NextRequest;
let NextResponse;

cookieSuite();
beforeAll(async () => {
  ({ Auth0Client } = await import('@auth0/nextjs-auth0/server'));
  ({ NextRequest, NextResponse } = await import('next/server.js'));
});

/** Ours and the SDK's client on one secret and Auth0 domain. */
function pair(secret = randomSecret()) {
  const auth0 = new Auth0Client({ domain: DOMAIN, clientId: 'client', clientSecret: 'not-used', secret, appBaseUrl: 'http://app.example.test' });
  return { ours: new SessionCookies({ secret, auth0Domain: DOMAIN }), auth0, secret };
}

const header = (jar) => jar.map((c) => `${c.name}=${c.value}`).join('; ');
const request = (jar) => new NextRequest('https://app.example.test/protected', { headers: { cookie: header(jar) } });

describe('getSession: auth0.getSession(request)', () => {
  test('the same session from every kind of jar, and every CookieInput form reads it', async () => {
    const { ours, auth0, secret } = pair();
    for (const [kind, jar] of await sdkJars(secret, DOMAIN)) {
      const expected = await auth0.getSession(request(jar));
      expect({ kind, found: expected !== null }).toStrictEqual({ kind, found: true });
      for (const input of [request(jar).cookies, header(jar), jar, Object.fromEntries(jar.map((c) => [c.name, c.value]))]) {
        expect(ours.getSession(input)).toStrictEqual(expected);
      }
    }
    expect(ours.getSession(null)).toBeNull();
  });

  test('null where the SDK has none: expired, past the IdP ceiling (30 s early), undecryptable', async () => {
    const { ours, auth0, secret } = pair();
    const ceiling = smallSession();
    ceiling.internal.sessionExpiresAt = nowSeconds() + 10;
    const cookies = [
      await sdk.encrypt(smallSession(), secret, nowSeconds() - 3600),
      await sdkGenerateSessionCookie(ceiling, { secret }),
      await sdkGenerateSessionCookie(smallSession(), { secret: randomSecret() }),
    ];
    for (const value of cookies) {
      const jar = [{ name: '__session', value }];
      expect(await auth0.getSession(request(jar))).toBeNull();
      expect(ours.getSession(jar)).toBeNull();
    }
  });

  test('another custom domain: the SDK\'s SessionDomainMismatchError, its name, code and message', async () => {
    const { ours, auth0, secret } = pair();
    const foreign = smallSession();
    foreign.internal.mcd = { domain: 'other.example.invalid', issuer: 'https://other.example.invalid/' };
    const jar = [{ name: '__session', value: await sdkGenerateSessionCookie(foreign, { secret }) }];
    const [mine, theirs] = [await caught(() => ours.getSession(jar)), await caught(() => auth0.getSession(request(jar)))];
    expect({ name: mine.name, code: mine.code, message: mine.message }).toStrictEqual({ name: theirs.name, code: theirs.code, message: theirs.message });
    expect([mine.name, mine.code]).toStrictEqual(['SessionDomainMismatchError', 'session_domain_mismatch']);
    // The same session reads where it was created.
    foreign.internal.mcd.domain = DOMAIN;
    const home = [{ name: '__session', value: await sdkGenerateSessionCookie(foreign, { secret }) }];
    expect(ours.getSession(home)).toStrictEqual(await auth0.getSession(request(home)));
  });
});

describe('updateSession: auth0.updateSession(request, response, session) in one crossing', () => {
  test('the SDK\'s Set-Cookie list, the request\'s cookies after it, and the session it stored', async () => {
    const { ours, auth0, secret } = pair();
    for (const [kind, jar] of await sdkJars(secret, DOMAIN)) {
      const current = await auth0.getSession(request(jar));
      // The caller's internal is replaced by the current one's, as the SDK does.
      const changed = { ...current, user: { ...current.user, nickname: `n-${randomHex(3)}` }, internal: { sid: 'ignored', createdAt: 1 } };
      const [req, res] = [request(jar), NextResponse.next()];
      const now = nowSeconds();
      jest.spyOn(Date, 'now').mockReturnValue(now * 1000);
      await auth0.updateSession(req, res, deepClone(changed));
      const done = ours.updateSession(jar, deepClone(changed), { now });
      Date.now.mockRestore();

      expect({ kind, set: done.cookies.length > 0 }).toStrictEqual({ kind, set: true });
      await expectSameWrite(done.cookies, sdkEntries(res.cookies), secret, '__session');
      // The header lines too, values apart (each side's IV is its own).
      const shape = (line) => line.replace(/^([^=]*)=[^;]*/, '$1=…');
      expect(done.cookies.map((c) => shape(serializeSetCookie(c, { now })))).toStrictEqual(res.headers.getSetCookie().map(shape));
      // What the SDK leaves on request.cookies for read-after-write: the same names; the session's own values
      // are the ones just set, everything else as it was.
      expect(done.requestCookies.map((c) => c.name)).toStrictEqual(req.cookies.getAll().map((c) => c.name));
      const set = new Map(done.cookies.filter((c) => c.value).map((c) => [c.name, c.value]));
      for (const { name, value } of done.requestCookies) {
        expect(value).toBe(set.get(name) ?? req.cookies.get(name).value);
      }
      expect(done.session).toStrictEqual(deepClone({ ...changed, internal: current.internal }));
      expect(ours.getSession(done.requestCookies)).toStrictEqual({ ...done.session, exp: expect.any(Number) });
    }
  });

  test('the SDK\'s refusals: no session, no session data, another custom domain; a Promise named as one', async () => {
    const { ours, auth0, secret } = pair();
    const theirs = await caught(() => auth0.updateSession(request([]), NextResponse.next(), smallSession()));
    const mine = await caught(() => ours.updateSession(null, smallSession()));
    expect({ code: mine.code, message: mine.message }).toStrictEqual({ code: 'ERR_NOT_AUTHENTICATED', message: theirs.message });

    const jar = [{ name: '__session', value: await sdkGenerateSessionCookie(smallSession(), { secret }) }];
    for (const missing of [undefined, null]) {
      const error = await caught(() => ours.updateSession(jar, missing));
      expect({ code: error.code, message: error.message }).toStrictEqual({ code: 'ERR_INVALID_ARG_VALUE', message: 'The session data is missing.' });
    }
    const promised = await caught(() => ours.updateSession(jar, Promise.resolve(smallSession())));
    expect({ code: promised.code, message: promised.message }).toStrictEqual({
      code: 'ERR_INVALID_ARG_TYPE',
      message: 'session is a Promise: did you forget `await`? Pass what it resolves to',
    });
    const foreign = smallSession();
    foreign.internal.mcd = { domain: 'other.example.invalid', issuer: 'https://other.example.invalid/' };
    const other = [{ name: '__session', value: await sdkGenerateSessionCookie(foreign, { secret }) }];
    const mismatch = await caught(() => ours.updateSession(other, smallSession()));
    expect([mismatch.name, mismatch.code]).toStrictEqual(['SessionDomainMismatchError', 'session_domain_mismatch']);
  });
});

test('deleteSession: the SDK store\'s delete, line for line', async () => {
  const { ours, secret } = pair();
  for (const [kind, jar] of await sdkJars(secret, DOMAIN)) {
    const res = new sdk.ResponseCookies(new Headers());
    await new StatelessSessionStore({ secret }).delete(new sdk.RequestCookies(new Headers({ cookie: header(jar) })), res);
    expect({ kind, deletions: ours.deleteSession(jar) }).toStrictEqual({ kind, deletions: sdkEntries(res) });
  }
});

test('a Promise where the cookie jar belongs is named, as Next.js 15 made cookies() async', async () => {
  const { ours } = pair();
  const promise = Promise.resolve(new sdk.RequestCookies(new Headers()));
  for (const call of [() => ours.getSession(promise), () => ours.updateSession(promise, smallSession()), () => ours.deleteSession(promise)]) {
    const error = await caught(call);
    expect({ code: error.code, message: error.message }).toStrictEqual({
      code: 'ERR_INVALID_ARG_TYPE',
      message: 'cookies is a Promise: did you forget `await cookies()`? Pass what it resolves to',
    });
  }
});

test('what is no cookie jar at all is refused with what to pass instead', async () => {
  const { ours } = pair();
  const refused = (jar) => {
    try {
      ours.getSession(jar);
    } catch (error) {
      return { code: error.code, message: error.message };
    }
    return 'read';
  };
  expect(refused(new Headers({ cookie: 'a=b' }))).toStrictEqual({
    code: 'ERR_INVALID_ARG_TYPE',
    message: "cookies looks like a Headers or Map object: pass headers.get('cookie'), a { name, value } list or an object with getAll()",
  });
  expect(refused(new Map([['a', 'b']])).message).toMatch(/^cookies looks like a Headers or Map object/);
  expect(refused(new NextRequest('https://app.example.test/')).message).toMatch(/^cookies is a request, not its cookies: pass request\.cookies/);
  expect(refused({ getAll() { throw new Error('boom'); } })).toStrictEqual({ code: 'ERR_INVALID_ARG_VALUE', message: 'cookies.getAll() threw: boom' });
  expect(refused({ getAll: () => undefined })).toStrictEqual({ code: 'ERR_INVALID_ARG_TYPE', message: 'cookies.getAll() must return a list' });
  expect(refused({ getAll: () => [{ name: 'a', value: 1n }] })).toStrictEqual({
    code: 'ERR_INVALID_ARG_VALUE',
    message: 'cookies cannot be serialized to JSON: Do not know how to serialize a BigInt',
  });
  expect(refused(42)).toStrictEqual({
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'cookies must be a Cookie header string, a name → value object, a { name, value } list or an object with getAll(), got number',
  });
  expect(refused({})).toBe('read');
});

describe('stateful sessions as data: the SDK\'s Auth0Client over its sessionStore, step by step', () => {
  /** A SessionDataStore over a Map that records its calls; `update` when asked for. */
  function recordingStore(entries, withUpdate) {
    const data = new Map(entries);
    const calls = [];
    const store = {
      data,
      calls,
      get: async (id) => (calls.push(['get', id]), data.has(id) ? deepClone(data.get(id)) : null),
      set: async (id, session) => void (calls.push(['set', id]), data.set(id, deepClone(session))),
      delete: async (id) => void (calls.push(['delete', id]), data.delete(id)),
    };
    if (withUpdate) store.update = async (id, session) => (calls.push(['update', id]), data.has(id) && Boolean(data.set(id, deepClone(session))));
    return store;
  }
  /** What the addon plans, made on `store` (what session-seal/next does with it). */
  async function make(store, calls, session) {
    for (const { method, id, required, background } of calls) {
      const result = await (method === 'set' || method === 'update' ? store[method](id, session) : store[method](id));
      if (background === undefined && required && !result) return false;
    }
    return true;
  }

  test.each([['with update()', true], ['without: get, then set', false]])('%s: the session the SDK reads, and the update it makes: the same store calls, stored session and { id } cookie', async (_label, withUpdate) => {
    const secret = randomSecret();
    const id = randomHex(16);
    const stored = smallSession();
    const jar = [{ name: '__session', value: await sdk.encrypt({ id }, secret, nowSeconds() + 3600) }, { name: 'theme', value: 'dark' }];
    const [mine, theirs] = [recordingStore([[id, stored]], withUpdate), recordingStore([[id, stored]], withUpdate)];
    const auth0 = new Auth0Client({ domain: DOMAIN, clientId: 'client', clientSecret: 'not-used', secret, appBaseUrl: 'http://app.example.test', sessionStore: theirs });
    const ours = new SessionCookies({ secret, auth0Domain: DOMAIN });

    const lookup = ours.lookupSession(jar);
    expect(lookup.id).toBe(id);
    const read = lookup.getSession(await mine.get(lookup.id));
    expect(read).toStrictEqual({ session: await auth0.getSession(request(jar)), storeCalls: [] });

    const changed = { ...read.session, user: { ...read.session.user, nickname: `n-${randomHex(3)}` }, internal: { sid: 'ignored', createdAt: 1 } };
    const [req, res] = [request(jar), NextResponse.next()];
    theirs.calls.length = 0;
    await auth0.updateSession(req, res, deepClone(changed));
    const plan = lookup.updateSession(deepClone(changed), { storeHasUpdate: withUpdate });
    expect(await make(mine, plan.storeCalls, plan.session)).toBe(true);
    // The SDK reads the session once more in its updateSession; the plan's calls are the rest of its calls.
    expect([['get', id], ...plan.storeCalls.map((c) => [c.method, c.id])]).toStrictEqual(theirs.calls);
    expect(mine.data.get(id)).toStrictEqual(theirs.data.get(id));
    expect(plan.session).toStrictEqual(deepClone({ ...changed, internal: stored.internal }));
    const shape = (line) => line.replace(/^([^=]*)=[^;]*/, '$1=…').replace(/Expires=[^;]*/, 'Expires=…');
    expect(plan.cookies.map((c) => shape(serializeSetCookie(c)))).toStrictEqual(res.headers.getSetCookie().map(shape));
    expect((await sdk.decrypt(plan.cookies[0].value, secret)).payload.id).toBe(id);
    // The request's cookies after it: the rolled cookie, the rest as they were (what the SDK leaves).
    expect(plan.requestCookies.map((c) => c.name)).toStrictEqual(req.cookies.getAll().map((c) => c.name));
    expect(ours.lookupSession(plan.requestCookies).id).toBe(id);
  });

  test('signed out meanwhile: the required call finds nothing, and the plan stops there', async () => {
    const secret = randomSecret();
    const id = randomHex(16);
    const jar = [{ name: '__session', value: await sdk.encrypt({ id }, secret, nowSeconds() + 3600) }];
    for (const withUpdate of [true, false]) {
      const store = recordingStore([[id, smallSession()]], withUpdate);
      const lookup = new SessionCookies({ secret }).lookupSession(jar);
      lookup.getSession(await store.get(id));
      store.data.delete(id); // another request signs out
      const plan = lookup.updateSession(smallSession(), { storeHasUpdate: withUpdate });
      expect(await make(store, plan.storeCalls, plan.session)).toBe(false);
      expect({ withUpdate, stored: store.data.has(id), calls: store.calls.map(([m]) => m) }).toStrictEqual({ withUpdate, stored: false, calls: withUpdate ? ['get', 'update'] : ['get', 'get'] });
    }
  });

  test('past the IdP ceiling: no session, and the stored one deleted in the background; no id: nothing to ask; no session: not authenticated', async () => {
    const secret = randomSecret();
    const id = randomHex(16);
    const session = smallSession();
    session.internal.sessionExpiresAt = nowSeconds() + 20;
    const jar = [{ name: '__session', value: await sdk.encrypt({ id }, secret, nowSeconds() + 3600) }];
    const ours = new SessionCookies({ secret });
    const lookup = ours.lookupSession(jar);
    const read = lookup.getSession(session);
    expect(read.session).toBeNull();
    expect(read.storeCalls).toStrictEqual([{ method: 'delete', id, required: false, background: expect.stringContaining('IdP ceiling') }]);
    const error = await caught(() => lookup.updateSession(smallSession()));
    expect({ code: error.code, message: error.message }).toStrictEqual({ code: 'ERR_NOT_AUTHENTICATED', message: 'The user is not authenticated.' });
    const none = ours.lookupSession(null);
    expect(none.id).toBeNull();
    expect(none.getSession(null)).toStrictEqual({ session: null, storeCalls: [] });
  });

  test('deleteStoredSession: the SDK stateful store\'s deletions, and its store call', async () => {
    const secret = randomSecret();
    const id = randomHex(16);
    const header = `__session=${await sdk.encrypt({ id }, secret, nowSeconds() + 3600)}; appSession=old`;
    const theirs = recordingStore([[id, smallSession()]], true);
    const res = new sdk.ResponseCookies(new Headers());
    await new StatefulSessionStore({ secret, store: theirs }).delete(new sdk.RequestCookies(new Headers({ cookie: header })), res);
    const plan = new SessionCookies({ secret }).deleteStoredSession(header);
    expect(plan.cookies).toStrictEqual(sdkEntries(res));
    expect(plan.storeCalls.map((c) => [c.method, c.id])).toStrictEqual(theirs.calls);
  });

  test('a stateful { id } cookie is no session where a stateless one belongs (the SDK\'s stateless store hands { id, exp } over)', async () => {
    const { ours, auth0, secret } = pair();
    const jar = [{ name: '__session', value: await sdk.encrypt({ id: randomHex(16) }, secret, nowSeconds() + 3600) }];
    expect(Object.keys(await auth0.getSession(request(jar))).sort()).toStrictEqual(['exp', 'id']);
    expect(ours.getSession(jar)).toBeNull();
    expect((await caught(() => ours.updateSession(jar, smallSession()))).code).toBe('ERR_NOT_AUTHENTICATED');
  });
});
