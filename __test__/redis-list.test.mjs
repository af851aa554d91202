// A user's sessions, listed and revoked: `listSessions({ sub })` shows each live session of that user as
// `{ sid, createdAt, expiresAt, updatedAt }` (never its id, a bearer credential, nor any token), read through the
// user's index a shard at a time, each read within one slot; `deleteByLogoutToken({ sub, sid })` signs one device
// out, `deleteByLogoutToken({ sub })` all of them. On a single node and on a cluster, each server kind, each client.

import { describe, test, expect, beforeAll, afterAll } from '@jest/globals';
import { createRequire } from 'node:module';
import { RedisServer, startCluster, serverKinds } from '../scripts/lib/redis-servers.mjs';
import {
  CLIENT_KINDS, connectClient, connectCluster, closeClient, createRedisSessionStore, raw, SERVER_SETUP_TIMEOUT, newSessionId, storedSession,
} from './helpers/redis-clients.mjs';
import { typicalSession, randomSecret, randomHex, nowSeconds } from './helpers/fixtures.mjs';

const require = createRequire(import.meta.url);
const { KeyLayout, DEFAULT_PREFIX, DEFAULT_SHARDS } = require('../redis/keys.js');

const layout = new KeyLayout(DEFAULT_PREFIX, DEFAULT_SHARDS);

function sessionOf(sub, age) {
  const session = storedSession({ sub, age, session: typicalSession() });
  delete session.user.session_expiry;
  return session;
}

/** The listing's behaviour, through a connected client (single node or cluster). */
function listing(getClient) {
  test('each live session of the user, with what is safe to show, most recently active first', async () => {
    const client = getClient();
    const store = createRedisSessionStore({ client, secret: randomSecret() });
    const sub = `auth0|${randomHex(8)}`;
    const devices = { laptop: sessionOf(sub, 7200), phone: sessionOf(sub, 600), tablet: sessionOf(sub, 60) };
    const ids = {};
    const before = nowSeconds();
    for (const [name, session] of Object.entries(devices)) await store.set((ids[name] = newSessionId()), session);
    await store.set(newSessionId(), sessionOf(`auth0|${randomHex(8)}`, 10)); // someone else's
    const after = nowSeconds();

    const listed = await store.listSessions({ sub });
    expect(listed).toHaveLength(3);
    for (const entry of listed) {
      expect(Object.keys(entry).sort()).toStrictEqual(['createdAt', 'expiresAt', 'sid', 'updatedAt']);
      const [name, session] = Object.entries(devices).find(([, s]) => s.internal.sid === entry.sid);
      expect(entry.createdAt).toBe(session.internal.createdAt);
      expect(entry.updatedAt).toBeGreaterThanOrEqual(before);
      expect(entry.updatedAt).toBeLessThanOrEqual(after);
      // The end is the one Redis expires the session at: the SDK's inactivity duration from its write.
      expect(entry.expiresAt).toBe(entry.updatedAt + 86_400);
      const ttl = Number(await raw(client, ['TTL', layout.session(ids[name])]));
      expect(Math.abs(entry.expiresAt - nowSeconds() - ttl)).toBeLessThanOrEqual(2);
    }
    const order = listed.map((s) => s.updatedAt);
    expect(order).toStrictEqual([...order].sort((a, b) => b - a));
    // Nothing that would let anyone use a session: no id, no token, no claim.
    const shown = JSON.stringify(listed);
    for (const [name, session] of Object.entries(devices)) {
      for (const text of [ids[name], session.tokenSet.accessToken.slice(0, 24), session.tokenSet.refreshToken.slice(0, 24), session.user.email]) {
        expect(shown).not.toContain(text);
      }
    }
  });

  test('one device signed out by its sid, then all of them; sessions gone behind the store are not listed', async () => {
    const client = getClient();
    const store = createRedisSessionStore({ client, secret: randomSecret() });
    const sub = `auth0|${randomHex(8)}`;
    const sessions = Array.from({ length: 4 }, (_, i) => [newSessionId(), sessionOf(sub, 100 * i)]);
    for (const [id, session] of sessions) await store.set(id, session);
    const sids = async () => (await store.listSessions({ sub })).map((s) => s.sid).sort();
    const sidOf = ([, session]) => session.internal.sid;

    await store.deleteByLogoutToken({ sub, sid: sidOf(sessions[0]) });
    expect(await store.get(sessions[0][0])).toBeNull();
    expect(await sids()).toStrictEqual(sessions.slice(1).map(sidOf).sort());
    // Evicted, or deleted by hand: not listed, and its index entry goes.
    await raw(client, ['DEL', layout.session(sessions[1][0])]);
    expect(await sids()).toStrictEqual(sessions.slice(2).map(sidOf).sort());
    await store.deleteByLogoutToken({ sub });
    expect(await sids()).toStrictEqual([]);
    for (const [id] of sessions) expect(await store.get(id)).toBeNull();
  });

  test('after a secret rotation each session is listed once, read or not since', async () => {
    const client = getClient();
    const [older, newest] = [randomSecret(), randomSecret()];
    const sub = `auth0|${randomHex(8)}`;
    const [read, unread] = [[newSessionId(), sessionOf(sub, 60)], [newSessionId(), sessionOf(sub, 30)]];
    const before = createRedisSessionStore({ client, secret: older });
    for (const [id, session] of [read, unread]) await before.set(id, session);
    const rotated = createRedisSessionStore({ client, secret: [newest, older] });
    expect(await rotated.get(read[0])).toStrictEqual(read[1]); // sealed again, and its entries moved
    const sids = (await rotated.listSessions({ sub })).map((s) => s.sid).sort();
    expect(sids).toStrictEqual([read[1].internal.sid, unread[1].internal.sid].sort());
    // Under the newest secret alone, only the one sealed again is readable.
    expect((await createRedisSessionStore({ client, secret: newest }).listSessions({ sub })).map((s) => s.sid)).toStrictEqual([read[1].internal.sid]);
  });

  test('a query without a sub is refused with a coded error', async () => {
    const store = createRedisSessionStore({ client: getClient(), secret: randomSecret() });
    for (const query of [undefined, null, {}, { sub: '' }, { sub: 5 }]) {
      await expect(store.listSessions(query)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    }
  });
}

describe.each(serverKinds())('on %s', (flavour) => {
  describe('a single node', () => {
    let server;
    beforeAll(async () => {
      server = await RedisServer.start({ flavour });
    }, SERVER_SETUP_TIMEOUT);
    afterAll(async () => server?.stop());

    describe.each(CLIENT_KINDS)('with %s', (kind) => {
      let client;
      beforeAll(async () => {
        client = await connectClient(kind, server.port);
      });
      afterAll(async () => closeClient(client));
      listing(() => client);
    });
  });

  describe('a three-master cluster', () => {
    let cluster;
    beforeAll(async () => {
      cluster = await startCluster({ flavour, masters: 3 });
    }, SERVER_SETUP_TIMEOUT);
    afterAll(async () => cluster?.stop());

    describe.each(CLIENT_KINDS)('with the %s cluster client', (kind) => {
      let client;
      beforeAll(async () => {
        client = await connectCluster(kind, cluster.rootNodes);
      });
      afterAll(async () => closeClient(client));
      listing(() => client);
    });

    test('a user\'s sessions on every master are listed; each read stays within one slot', async () => {
      const client = await connectCluster('ioredis', cluster.rootNodes);
      try {
        const store = createRedisSessionStore({ client, secret: randomSecret() });
        const sub = `auth0|${randomHex(8)}`;
        const ids = Array.from({ length: 48 }, newSessionId);
        expect(new Set(ids.map((id) => layout.shardOf(id))).size).toBeGreaterThan(DEFAULT_SHARDS / 2);
        await Promise.all(ids.map((id, i) => store.set(id, sessionOf(sub, i))));
        // A command across slots would fail with CROSSSLOT: the listing reads each shard on its own.
        expect(await store.listSessions({ sub })).toHaveLength(48);
      } finally {
        await closeClient(client);
      }
    });
  });
});
