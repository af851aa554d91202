// session-seal/redis with the real SDK: `new Auth0Client({ sessionStore })` logs users in through its own routes
// (a local tenant answers through `customFetch`), serves the sessions the store holds, rolls them, signs them out,
// and its back-channel logout route, given logout tokens signed by the tenant's JWKS, removes them. And when
// Redis is down or silent, the SDK's calls fail with the store's coded error instead of hanging.

import { describe, test, expect, beforeAll, afterAll } from '@jest/globals';
import { createRequire } from 'node:module';
import { Auth0Client } from '@auth0/nextjs-auth0/server';
import { RedisServer, startRelay, serverAvailable } from '../scripts/lib/redis-servers.mjs';
import {
  CLIENT_KINDS, connectClient, closeClient, createRedisSessionStore, raw, SERVER_SETUP_TIMEOUT,
} from './helpers/redis-clients.mjs';
import { createFakeIdp, appRequest, backchannelLogout, randomSub } from './helpers/fake-idp.mjs';
import { loadSdk, typicalSession, randomSecret, randomHex, nowSeconds, deepClone } from './helpers/fixtures.mjs';

const require = createRequire(import.meta.url);
const { KeyLayout, DEFAULT_PREFIX, DEFAULT_SHARDS } = require('../redis/keys.js');
const layout = new KeyLayout(DEFAULT_PREFIX, DEFAULT_SHARDS);


let server;
let sdk;
beforeAll(async () => {
  if (!serverAvailable('redis')) throw new Error('redis-server is not installed and could not be installed with apt-get');
  server = await RedisServer.start();
  sdk = await loadSdk();
}, SERVER_SETUP_TIMEOUT);
afterAll(async () => server?.stop());

/** The session id inside an SDK stateful cookie (read with the SDK's own decrypt). */
const idIn = async (cookie, secret) => (await sdk.decrypt(cookie, secret)).payload.id;

describe.each(CLIENT_KINDS)('Auth0Client({ sessionStore }) with %s', (kind) => {
  let client;
  let idp;
  let secret;
  let store;
  let auth0;
  const calls = [];
  beforeAll(async () => {
    client = await connectClient(kind, server.port);
    idp = await createFakeIdp();
    secret = randomSecret();
    store = createRedisSessionStore({ client, secret });
    // The SDK calls the store through this object; the wrapper only records which methods it used.
    const spy = Object.fromEntries(
      ['get', 'set', 'update', 'delete', 'deleteByLogoutToken'].map((m) => [m, (...args) => (calls.push(m), store[m](...args))]),
    );
    auth0 = new Auth0Client({ ...idp.clientOptions(), secret, sessionStore: spy });
  });
  afterAll(async () => closeClient(client));

  test('a real login through /auth/login and /auth/callback stores the session sealed; getSession serves it', async () => {
    const sub = randomSub();
    const email = `${randomHex(5)}@example.com`;
    const { cookie, grant } = await idp.login(auth0, { sub, claims: { email, name: 'Zoë Test' } });
    const id = await idIn(cookie, secret);
    const session = await auth0.getSession(appRequest('/', cookie));
    expect(session.user).toMatchObject({ sub, email, name: 'Zoë Test' });
    expect(session.tokenSet).toMatchObject({ accessToken: grant.accessToken, refreshToken: grant.refreshToken });
    expect(session.internal.sid).toBe(grant.sid);
    expect(await store.get(id)).toStrictEqual(session);
    // What Redis holds is sealed: none of it in clear.
    const value = String(await raw(client, ['GET', layout.session(id)]));
    for (const secretText of [sub, email, grant.sid, grant.accessToken.slice(8, 40), grant.refreshToken.slice(8), session.tokenSet.idToken.slice(40, 80), 'Zoë']) {
      expect(value).not.toContain(secretText);
    }
  });

  test('a session written through the store is served by the SDK for a cookie holding its id', async () => {
    const session = typicalSession();
    delete session.internal.mcd; // static mode: one domain
    delete session.internal.sessionExpiresAt;
    delete session.user.session_expiry;
    const id = randomHex(16);
    await store.set(id, session);
    const cookie = await sdk.encrypt({ id }, secret, nowSeconds() + 3600);
    expect(await auth0.getSession(appRequest('/', cookie))).toStrictEqual(deepClone(session));
    // A cookie for an id the store does not hold: no session.
    const unknown = await sdk.encrypt({ id: randomHex(16) }, secret, nowSeconds() + 3600);
    expect(await auth0.getSession(appRequest('/', unknown))).toBeNull();
  });

  test('the middleware rolls the session through update(); /auth/logout deletes it from Redis', async () => {
    const { cookie } = await idp.login(auth0, { sub: randomSub() });
    const id = await idIn(cookie, secret);
    calls.length = 0;
    const response = await auth0.middleware(appRequest('/dashboard', cookie));
    expect(calls).toStrictEqual(expect.arrayContaining(['get', 'update']));
    expect(response.cookies.get('__session')).toBeDefined();
    expect(await idIn(response.cookies.get('__session').value, secret)).toBe(id);
    expect(Number(await raw(client, ['TTL', layout.session(id)]))).toBeGreaterThan(0);

    const logout = await auth0.middleware(appRequest('/auth/logout', cookie));
    expect(logout.status).toBeGreaterThanOrEqual(300);
    expect(calls).toContain('delete');
    expect(await raw(client, ['EXISTS', layout.session(id)])).toBe(0);
    expect(await auth0.getSession(appRequest('/', cookie))).toBeNull();
  });

  test('the back-channel logout route removes the sessions a signed logout token names, and only those', async () => {
    const sub = randomSub();
    const laptop = await idp.login(auth0, { sub });
    const phone = await idp.login(auth0, { sub });
    const someoneElse = await idp.login(auth0, { sub: randomSub() });
    const alive = async () =>
      Promise.all([laptop, phone, someoneElse].map(async (l) => (await auth0.getSession(appRequest('/', l.cookie))) !== null));
    expect(await alive()).toStrictEqual([true, true, true]);

    // Refused by the SDK before the store is asked: a token signed by another key (jose's error escapes the
    // SDK's route, 4.30.0 does not turn it into a 400), and one of another issuer (403).
    const { privateKey: foreign } = await idp.otherKey();
    await expect(backchannelLogout(auth0, await idp.logoutToken({ sub, signingKey: foreign }))).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
    let response = await backchannelLogout(auth0, await idp.logoutToken({ sub, iss: 'https://other-tenant.example.com/' }));
    expect(response.status).toBe(403);
    expect(await alive()).toStrictEqual([true, true, true]);

    // sub + sid (what Auth0 sends): that IdP session only.
    expect(calls).not.toContain('deleteByLogoutToken');
    calls.length = 0;
    response = await backchannelLogout(auth0, await idp.logoutToken({ sub, sid: laptop.grant.sid }));
    expect(response.status).toBe(204);
    expect(calls).toStrictEqual(['deleteByLogoutToken']);
    expect(await alive()).toStrictEqual([false, true, true]);
    // sub alone: every session of the user.
    response = await backchannelLogout(auth0, await idp.logoutToken({ sub }));
    expect(response.status).toBe(204);
    expect(await alive()).toStrictEqual([false, false, true]);
    expect(await raw(client, ['EXISTS', layout.session(await idIn(phone.cookie, secret))])).toBe(0);
  });
});

describe('Redis down or unreachable: a clear error in bounded time, and the SDK\'s request fails cleanly', () => {
  // Each case waits for the store's deadline (1 s here); the Jest timeout is only the hang guard.
  const STORE_TIMEOUT_MS = 1000;
  const CASE_TIMEOUT = 60_000;
  const failure = { code: expect.stringMatching(/^ERR_STORE_(TIMEOUT|COMMAND)$/), message: expect.stringMatching(/^session store: /) };

  /** What every case checks once Redis cannot answer: the store, getSession, and the middleware all reject. */
  async function expectCleanFailure(store, secret, idp) {
    const auth0 = new Auth0Client({ ...idp.clientOptions(), secret, sessionStore: store });
    const cookie = await sdk.encrypt({ id: randomHex(16) }, secret, nowSeconds() + 3600);
    // All at once: each waits out the same deadline.
    await Promise.all([
      expect(store.get(randomHex(16))).rejects.toMatchObject(failure),
      expect(store.set(randomHex(16), typicalSession())).rejects.toMatchObject(failure),
      expect(store.update(randomHex(16), typicalSession())).rejects.toMatchObject(failure),
      expect(store.delete(randomHex(16))).rejects.toMatchObject(failure),
      expect(store.deleteByLogoutToken({ sub: randomSub() })).rejects.toMatchObject(failure),
      expect(auth0.getSession(appRequest('/', cookie))).rejects.toMatchObject(failure),
      expect(auth0.middleware(appRequest('/dashboard', cookie))).rejects.toMatchObject(failure),
    ]);
  }

  test.each(CLIENT_KINDS)('%s: redis-server stopped under a connected client', async (kind) => {
    const doomed = await RedisServer.start();
    const client = await connectClient(kind, doomed.port);
    const secret = randomSecret();
    const store = createRedisSessionStore({ client, secret, timeout: STORE_TIMEOUT_MS });
    const id = randomHex(16);
    await store.set(id, typicalSession());
    expect(await store.get(id)).not.toBeNull();
    await doomed.stop();
    try {
      await expectCleanFailure(store, secret, await createFakeIdp());
    } finally {
      await closeClient(client);
    }
  }, CASE_TIMEOUT);

  test.each(CLIENT_KINDS)('%s: a network path that goes silent (connection open, no answer)', async (kind) => {
    const relay = await startRelay(server.port);
    const client = await connectClient(kind, relay.port);
    const secret = randomSecret();
    const store = createRedisSessionStore({ client, secret, timeout: STORE_TIMEOUT_MS });
    const id = randomHex(16);
    await store.set(id, typicalSession());
    relay.blackhole();
    try {
      await expect(store.get(id)).rejects.toMatchObject({ code: 'ERR_STORE_TIMEOUT', message: expect.stringContaining(`within ${STORE_TIMEOUT_MS} ms`) });
      await expectCleanFailure(store, secret, await createFakeIdp());
    } finally {
      await closeClient(client);
      await relay.stop();
    }
  }, CASE_TIMEOUT);

  test('a client that was never connected: ERR_STORE_COMMAND with the client\'s own reason', async () => {
    const { createClient } = require('redis');
    const client = createClient({ socket: { host: '127.0.0.1', port: server.port } });
    const secret = randomSecret();
    const store = createRedisSessionStore({ client, secret, timeout: STORE_TIMEOUT_MS });
    await expect(store.get(randomHex(16))).rejects.toMatchObject({
      code: 'ERR_STORE_COMMAND',
      message: expect.stringMatching(/^session store: Redis GET failed: .*closed/i),
    });
    await expectCleanFailure(store, secret, await createFakeIdp());
  }, CASE_TIMEOUT);
});
