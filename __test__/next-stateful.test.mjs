// Stateful sessions in session-seal/next: `createSessions({ sessionStore })` against the real SDK's stateful mode
// (`new Auth0Client({ sessionStore })`, 4.30.0) configured the same way, in this process. The same jar and the same
// store contents give the same session; updates write the same `{ id }` cookie (name, attributes, Max-Age, the id,
// exp from the rolling rule) and the same store calls, deletions the same cookies and store deletion; the IdP
// ceiling and v3 stored sessions are handled as the SDK handles them. Then both directions on a real redis-server
// with session-seal/redis's store. Without a store, a stateful cookie reads as null, with one process warning.
// Fresh random secrets, ids and sessions on every run.

import { describe, test, expect, beforeAll, afterAll, beforeEach, afterEach, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { repoRoot } from '../scripts/lib/repo.mjs';
import { randomSecret, randomHex, nowSeconds, smallSession, typicalSession, deepClone, asJson, sdkModule } from './helpers/fixtures.mjs';
import { RedisServer, serverAvailable } from '../scripts/lib/redis-servers.mjs';
import { CLIENT_KINDS, connectClient, closeClient, createRedisSessionStore, nodeRedisFor } from './helpers/redis-clients.mjs';

const require = createRequire(import.meta.url);
const { createSessions } = require('../next/index.js');

let Auth0Client;
let NextRequest;
let NextResponse;
let sdk; // server/cookies.js and the stateful store

beforeAll(async () => {
  const cookies = await sdkModule('server/cookies.js');
  const { StatefulSessionStore } = await sdkModule('server/session/stateful-session-store.js');
  sdk = { ...cookies, StatefulSessionStore };
  ({ Auth0Client } = await import('@auth0/nextjs-auth0/server'));
  ({ NextRequest, NextResponse } = await import('next/server.js'));
});

const ENV_KEYS = ['AUTH0_SECRET', 'AUTH0_DOMAIN', 'APP_BASE_URL', 'AUTH0_COOKIE_TRANSIENT', 'AUTH0_COOKIE_DOMAIN', 'NODE_ENV'];
let savedEnv;
beforeEach(() => {
  savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  for (const k of ENV_KEYS) if (k !== 'NODE_ENV') delete process.env[k];
});
afterEach(() => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  jest.restoreAllMocks();
});

const DOMAIN = 'tenant.example.invalid';

/** A SessionDataStore over a Map, recording its calls; `update` only when asked for. */
function mapStore(entries = [], { withUpdate = true } = {}) {
  const data = new Map(entries.map(([id, session]) => [id, deepClone(session)]));
  const calls = [];
  const store = {
    data,
    calls,
    async get(id) {
      calls.push(['get', id]);
      return data.has(id) ? deepClone(data.get(id)) : null;
    },
    async set(id, session) {
      calls.push(['set', id]);
      data.set(id, deepClone(session));
    },
    async delete(id) {
      calls.push(['delete', id]);
      data.delete(id);
    },
  };
  if (withUpdate) {
    store.update = async (id, session) => {
      calls.push(['update', id]);
      if (!data.has(id)) return false;
      data.set(id, deepClone(session));
      return true;
    };
  }
  return store;
}

/** Ours and the SDK's client, same environment and options, each over its own copy of the same store. */
function pair(entries, { env = {}, options = {}, withUpdate = true } = {}) {
  Object.assign(process.env, { AUTH0_SECRET: randomSecret(), AUTH0_DOMAIN: DOMAIN }, env);
  const stores = [mapStore(entries, { withUpdate }), mapStore(entries, { withUpdate })];
  return {
    ours: createSessions({ ...options, sessionStore: stores[0] }),
    auth0: new Auth0Client({ clientId: 'client', clientSecret: 'not-used', ...options, sessionStore: stores[1] }),
    stores,
    secret: process.env.AUTH0_SECRET,
  };
}

const pagesRequest = (cookie) => ({ headers: { host: 'app.example.test', ...(cookie ? { cookie } : {}) }, url: '/api/x' });
function pagesResponse() {
  const headers = new Map();
  return {
    getHeader: (name) => headers.get(name.toLowerCase()),
    setHeader(name, value) {
      headers.set(name.toLowerCase(), value);
      return this;
    },
    lines: () => [headers.get('set-cookie') ?? []].flat(),
  };
}

/** A `Set-Cookie` line: name, attributes (Expires apart: Max-Age from the moment of writing), and the payload it seals. */
async function parsed(line, secret) {
  const [pair, ...rest] = line.split('; ');
  const eq = pair.indexOf('=');
  const value = decodeURIComponent(pair.slice(eq + 1));
  const attrs = Object.fromEntries(rest.map((a) => a.split('=')).map(([k, v]) => [k.toLowerCase(), v ?? true]).filter(([k]) => k !== 'expires'));
  const payload = value ? (await sdk.decrypt(value, secret))?.payload : null;
  return { name: pair.slice(0, eq), attrs, payload };
}

/** Two lists for the same update: names, attributes and the ids they hold; each `exp` is now + Max-Age. */
async function expectSameList(ours, theirs, secret, { before, after }) {
  const [a, b] = [await Promise.all(ours.map((l) => parsed(l, secret))), await Promise.all(theirs.map((l) => parsed(l, secret)))];
  const noExp = (list) => list.map(({ payload, ...rest }) => ({ ...rest, payload: payload && { ...payload, exp: 'exp' } }));
  expect(noExp(a)).toStrictEqual(noExp(b));
  for (const { attrs, payload } of [...a, ...b]) {
    if (!payload) continue;
    expect(payload.exp).toBeGreaterThanOrEqual(before + Number(attrs['max-age']));
    expect(payload.exp).toBeLessThanOrEqual(after + Number(attrs['max-age']));
  }
}

/** A stored session and the SDK's `{ id }` cookie for it. */
async function loggedIn(secret, session = smallSession()) {
  const id = randomHex(16);
  return { id, session, cookie: `__session=${await sdk.encrypt({ id }, secret, nowSeconds() + 3600)}` };
}

describe('createSessions({ sessionStore }) gives the SDK\'s stateful answers', () => {
  test('getSession: the stored session for the { id } cookie (Pages req, NextRequest); none for an unknown id or no cookie', async () => {
    const secret = randomSecret();
    const { id, session, cookie } = await loggedIn(secret);
    process.env.AUTH0_SECRET = secret;
    const { ours, auth0 } = pair([[id, session]], { env: { AUTH0_SECRET: secret } });
    const expected = await auth0.getSession(pagesRequest(cookie));
    expect(expected).toStrictEqual(session);
    expect(await ours.getSession(pagesRequest(cookie))).toStrictEqual(expected);
    expect(await ours.getSession(new NextRequest('https://app.example.test/', { headers: { cookie } }))).toStrictEqual(expected);
    const unknown = `__session=${await sdk.encrypt({ id: randomHex(16) }, secret, nowSeconds() + 3600)}`;
    for (const jar of [unknown, '', '__session=junk']) {
      expect(await auth0.getSession(pagesRequest(jar))).toBeNull();
      expect(await ours.getSession(pagesRequest(jar))).toBeNull();
    }
  });

  test.each([
    ['with update()', { withUpdate: true }],
    ['without update(): get, then set', { withUpdate: false }],
    ['transient cookies, a cookie domain (the id cookie keeps Max-Age, as the SDK writes it)', { withUpdate: true, env: { AUTH0_COOKIE_TRANSIENT: 'true', AUTH0_COOKIE_DOMAIN: 'example.test' } }],
  ])('updateSession(req, res, session) %s: the same { id } cookie, store calls and stored session', async (_label, { withUpdate, env = {} }) => {
    const secret = randomSecret();
    const { id, session, cookie } = await loggedIn(secret);
    const { ours, auth0, stores } = pair([[id, session]], { env: { ...env, AUTH0_SECRET: secret }, withUpdate });
    const changed = { ...session, user: { ...session.user, nickname: `n-${randomHex(3)}` }, internal: { sid: 'ignored', createdAt: 1 } };
    for (const [request, response, lines] of [
      [() => pagesRequest(cookie), pagesResponse, (res) => res.lines()],
      [() => new NextRequest('https://app.example.test/p', { headers: { cookie } }), () => NextResponse.next(), (res) => res.headers.getSetCookie()],
    ]) {
      stores.forEach((s) => (s.calls.length = 0));
      const [mine, theirs] = [response(), response()];
      const before = nowSeconds();
      await ours.updateSession(request(), mine, deepClone(changed));
      await auth0.updateSession(request(), theirs, deepClone(changed));
      const after = nowSeconds();
      expect(lines(mine)).toHaveLength(1);
      await expectSameList(lines(mine), lines(theirs), secret, { before, after });
      expect((await parsed(lines(mine)[0], secret)).payload.id).toBe(id);
      expect(stores[0].calls).toStrictEqual(stores[1].calls);
      expect(stores[0].data.get(id)).toStrictEqual(stores[1].data.get(id));
      expect(stores[0].data.get(id).internal).toStrictEqual(session.internal); // the current session's internal
    }
  });

  test('proxy.ts read-after-write: the request carries the rolled id cookie, as the SDK leaves it', async () => {
    const secret = randomSecret();
    const { id, session, cookie } = await loggedIn(secret);
    const { ours, auth0 } = pair([[id, session]], { env: { AUTH0_SECRET: secret } });
    const requests = [0, 1].map(() => new NextRequest('https://app.example.test/p', { headers: { cookie } }));
    await ours.updateSession(requests[0], NextResponse.next(), { ...session, user: { ...session.user, name: 'x' } });
    await auth0.updateSession(requests[1], NextResponse.next(), { ...session, user: { ...session.user, name: 'x' } });
    expect(requests[0].cookies.getAll().map((c) => c.name)).toStrictEqual(requests[1].cookies.getAll().map((c) => c.name));
    expect(requests[0].cookies.get('__session').value).not.toBe(cookie.slice('__session='.length));
    expect((await ours.getSession(requests[0])).user.name).toBe('x');
  });

  test('a session signed out meanwhile is not written back (update() false, or get() null): no cookie, nothing stored', async () => {
    for (const withUpdate of [true, false]) {
      const secret = randomSecret();
      const { id, session, cookie } = await loggedIn(secret);
      const { ours, auth0, stores } = pair([[id, session]], { env: { AUTH0_SECRET: secret }, withUpdate });
      // The current session is read, then another request signs out before the write.
      for (const store of stores) {
        const get = store.get;
        store.get = async (...args) => {
          const found = await get(...args);
          store.data.delete(id);
          store.get = get;
          return found;
        };
      }
      const [mine, theirs] = [pagesResponse(), pagesResponse()];
      await ours.updateSession(pagesRequest(cookie), mine, deepClone(session));
      await auth0.updateSession(pagesRequest(cookie), theirs, deepClone(session));
      expect({ withUpdate, mine: mine.lines(), stored: stores[0].data.has(id) }).toStrictEqual({ withUpdate, mine: theirs.lines(), stored: false });
    }
  });

  test('no current session: ERR_NOT_AUTHENTICATED with the SDK\'s message, and nothing written', async () => {
    const { ours, auth0, stores } = pair([]);
    const theirs = await auth0.updateSession(pagesRequest(''), pagesResponse(), smallSession()).catch((e) => e);
    const mine = await ours.updateSession(pagesRequest(''), pagesResponse(), smallSession()).catch((e) => e);
    expect({ code: mine.code, message: mine.message }).toStrictEqual({ code: 'ERR_NOT_AUTHENTICATED', message: theirs.message });
    expect(stores[0].calls).toStrictEqual([]);
  });

  test('deleteSession(req, res): the SDK store\'s deletions, and the stored session deleted', async () => {
    const secret = randomSecret();
    const { id, session, cookie } = await loggedIn(secret);
    const { ours, stores } = pair([[id, session]], { env: { AUTH0_SECRET: secret, AUTH0_COOKIE_DOMAIN: 'example.test' } });
    const jar = `${cookie}; appSession=old-v3`;
    const res = pagesResponse();
    await ours.deleteSession(pagesRequest(jar), res);
    const headers = new Headers();
    const theirs = mapStore([[id, session]]);
    await new sdk.StatefulSessionStore({ secret, store: theirs, cookieOptions: { domain: 'example.test' } }).delete(new sdk.RequestCookies(new Headers({ cookie: jar })), new sdk.ResponseCookies(headers));
    expect(res.lines()).toStrictEqual(headers.getSetCookie());
    expect(stores[0].calls).toStrictEqual(theirs.calls);
    expect(stores[0].data.has(id)).toBe(false);
  });

  test('past the IdP ceiling: null, and the stored session deleted, as the SDK does', async () => {
    const secret = randomSecret();
    const session = smallSession();
    session.internal.sessionExpiresAt = nowSeconds() + 20; // within the 30 s leeway
    const { id, cookie } = await loggedIn(secret, session);
    const { ours, auth0, stores } = pair([[id, session]], { env: { AUTH0_SECRET: secret } });
    expect(await auth0.getSession(pagesRequest(cookie))).toBeNull();
    expect(await ours.getSession(pagesRequest(cookie))).toBeNull();
    // Both delete it without holding up the answer: give their promises a moment.
    for (let i = 0; i < 1000 && stores.some((s) => s.data.has(id)); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect([stores[0].data.has(id), stores[1].data.has(id)]).toStrictEqual([false, false]);
  });

  test('a v3 app\'s stored session ({ header, data }) behind a v3 signed appSession cookie: converted, then rolled to a v4 id cookie', async () => {
    const secret = randomSecret();
    const id = randomHex(16);
    const iat = nowSeconds() - 600;
    const stored = { header: { iat, uat: iat, exp: iat + 3600 }, data: { user: { sub: `auth0|${randomHex(4)}`, sid: randomHex(8) }, idToken: 'id.tok.en', accessToken: 'at', accessTokenScope: 'openid', accessTokenExpiresAt: iat + 3600 } };
    const cookie = `appSession=${await sdk.sign('appSession', id, secret)}`;
    const { ours, auth0, stores } = pair([[id, stored]], { env: { AUTH0_SECRET: secret } });
    const expected = await auth0.getSession(pagesRequest(cookie));
    expect(expected.user).toStrictEqual(stored.data.user);
    // As JSON: the SDK's v3 conversion keeps members it set to undefined (refreshToken), which no stored JSON holds.
    expect(await ours.getSession(pagesRequest(cookie))).toStrictEqual(asJson(expected));
    const [mine, theirs] = [pagesResponse(), pagesResponse()];
    await ours.updateSession(pagesRequest(cookie), mine, deepClone(expected));
    await auth0.updateSession(pagesRequest(cookie), theirs, deepClone(expected));
    // A v3 cookie's id is not carried over (the SDK keeps only a v4 cookie's): a new id, stored, and appSession deleted.
    expect(mine.lines().map((l) => l.split('=')[0])).toStrictEqual(['__session', 'appSession']);
    expect(theirs.lines().map((l) => l.split('=')[0])).toStrictEqual(['__session', 'appSession']);
    const newId = (await parsed(mine.lines()[0], secret)).payload.id;
    expect(newId).toMatch(/^[0-9a-f]{32}$/);
    expect(stores[0].data.get(newId)).toStrictEqual(stores[1].data.get((await parsed(theirs.lines()[0], secret)).payload.id));
    expect(stores[0].calls.map(([m]) => m)).toStrictEqual(stores[1].calls.map(([m]) => m));
  });
});

describe('without a sessionStore', () => {
  test('a stateful cookie reads as null, never as { id, exp }, with one process warning naming the option', async () => {
    const secret = randomSecret();
    Object.assign(process.env, { AUTH0_SECRET: secret, AUTH0_DOMAIN: DOMAIN });
    const cookie = `__session=${await sdk.encrypt({ id: randomHex(16) }, secret, nowSeconds() + 3600)}`;
    // For the record: the SDK configured without its store hands the id payload over as the session.
    const auth0 = new Auth0Client({ clientId: 'client', clientSecret: 'not-used' });
    expect(Object.keys(await auth0.getSession(pagesRequest(cookie))).sort()).toStrictEqual(['exp', 'id']);
    const { getSession, updateSession } = createSessions();
    expect(await getSession(pagesRequest(cookie))).toBeNull();
    const error = await updateSession(pagesRequest(cookie), pagesResponse(), smallSession()).catch((e) => e);
    expect(error.code).toBe('ERR_NOT_AUTHENTICATED');
    // A stateless cookie is still read.
    const session = smallSession();
    expect(await getSession(pagesRequest(`__session=${await sdk.encrypt(session, secret, nowSeconds() + 60)}`))).toMatchObject(session);
    // The warning, once per process (a process of its own: this one may have given it already).
    const script = `
      const { createSessions } = require('./next/index.js')
      const { generateStatefulSessionCookie } = require('./index.js')
      const warnings = []
      process.on('warning', (w) => warnings.push({ code: w.code, message: w.message }))
      ;(async () => {
        const cookie = '__session=' + await generateStatefulSessionCookie('${randomHex(16)}', { secret: process.env.AUTH0_SECRET })
        const req = { headers: { cookie } }
        const answers = [await createSessions().getSession(req), await createSessions().getSession(req)]
        setImmediate(() => console.log(JSON.stringify({ answers, warnings })))
      })()`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: repoRoot, encoding: 'utf8', env: { PATH: process.env.PATH, AUTH0_SECRET: secret } });
    const { answers, warnings } = JSON.parse(out.trim().split('\n').pop());
    expect(answers).toStrictEqual([null, null]);
    expect(warnings.map((w) => [w.code, /createSessions\(\{ sessionStore \}\)/.test(w.message)])).toStrictEqual([['SESSION_SEAL_NO_SESSION_STORE', true]]);
  });

  test('a sessionStore that is not a SessionDataStore is refused at once', () => {
    for (const bad of [null, 42, {}, { get() {}, set() {} }, { get() {}, set() {}, delete() {}, update: 1 }]) {
      expect(() => createSessions({ sessionStore: bad })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE', message: expect.stringContaining('SessionDataStore') }));
    }
  });
});

describe('on a real redis-server, with session-seal/redis: both directions with the SDK\'s stateful mode', () => {
  let server;
  beforeAll(async () => {
    if (!serverAvailable('redis')) throw new Error('redis-server is not installed and could not be installed with apt-get');
    server = await RedisServer.start();
  }, 300_000);
  afterAll(async () => server?.stop());

  test.each(CLIENT_KINDS)('%s: the SDK logs in and writes, session-seal reads and rolls, the SDK reads the update; and back', async (kind) => {
    const client = await connectClient(kind, server.port);
    try {
      const secret = randomSecret();
      Object.assign(process.env, { AUTH0_SECRET: secret, AUTH0_DOMAIN: DOMAIN });
      const store = createRedisSessionStore({ client, secret });
      const auth0 = new Auth0Client({ clientId: 'client', clientSecret: 'not-used', sessionStore: store });
      const ours = createSessions({ sessionStore: store });
      // The SDK's login write: a new id, stored, and its cookie.
      const session = typicalSession();
      delete session.internal.mcd;
      delete session.internal.sessionExpiresAt;
      const headers = new Headers();
      await new sdk.StatefulSessionStore({ secret, store }).set(new sdk.RequestCookies(new Headers()), new sdk.ResponseCookies(headers), deepClone(session), true);
      let cookie = headers.getSetCookie()[0].split(';')[0];
      const fromSdk = await auth0.getSession(pagesRequest(cookie));
      expect(await ours.getSession(pagesRequest(cookie))).toStrictEqual(fromSdk);
      // session-seal rolls it (proxy.ts), the SDK reads the update through the rolled cookie.
      const request = new NextRequest('https://app.example.test/p', { headers: { cookie } });
      const response = NextResponse.next();
      await ours.updateSession(request, response, { ...fromSdk, user: { ...fromSdk.user, nickname: 'by-session-seal' } });
      cookie = response.headers.getSetCookie()[0].split(';')[0];
      expect((await auth0.getSession(pagesRequest(cookie))).user.nickname).toBe('by-session-seal');
      // The SDK updates it, session-seal reads that.
      const res = pagesResponse();
      const current = await auth0.getSession(pagesRequest(cookie));
      await auth0.updateSession(pagesRequest(cookie), res, { ...current, user: { ...current.user, nickname: 'by-the-sdk' } });
      cookie = res.lines()[0].split(';')[0];
      expect((await ours.getSession(pagesRequest(cookie))).user.nickname).toBe('by-the-sdk');
      // Sign-out through session-seal: the SDK no longer finds it, nor does the store.
      const id = (await sdk.decrypt(cookie.slice('__session='.length), secret)).payload.id;
      await ours.deleteSession(pagesRequest(cookie), pagesResponse());
      expect(await store.get(id)).toBeNull();
      expect(await auth0.getSession(pagesRequest(cookie))).toBeNull();
    } finally {
      await closeClient(client);
    }
  }, 60_000);

  test.each(CLIENT_KINDS.filter((kind) => kind.startsWith('node-redis')))('%s as the docs\' lib/auth0.ts builds it: nothing at import; connected and keyed on first use; a failed connect tried again', async (kind) => {
    const clients = [];
    let attempts = 0;
    const store = createRedisSessionStore({
      // The docs' `() => createClient({ url }).on('error', …).connect()`, whose first attempt fails.
      client: () => {
        attempts += 1;
        if (attempts === 1) return Promise.reject(new Error('connect ECONNREFUSED (the test\'s first attempt)'));
        const client = nodeRedisFor(kind).createClient({ url: `redis://127.0.0.1:${server.port}` }).on('error', () => {});
        clients.push(client);
        return client.connect();
      },
    });
    try {
      expect(attempts).toBe(0);
      const id = randomHex(16);
      const session = smallSession();
      await expect(store.set(id, session)).rejects.toMatchObject({ code: 'ERR_SECRET_INVALID' }); // no AUTH0_SECRET yet
      process.env.AUTH0_SECRET = randomSecret();
      await expect(store.get(id)).rejects.toMatchObject({ code: 'ERR_STORE_COMMAND', message: expect.stringContaining('ECONNREFUSED') });
      await store.set(id, session);
      expect(await store.get(id)).toStrictEqual(session);
      expect({ attempts, clients: clients.length }).toStrictEqual({ attempts: 2, clients: 1 });
    } finally {
      for (const client of clients) await closeClient(client);
    }
  }, 60_000);
});
