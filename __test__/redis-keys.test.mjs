// Every key a store script touches is one of its KEYS, never a name the script builds: so a client's key prefix
// (ioredis `keyPrefix`), ACL key patterns and Redis Cluster all see every key the store uses. Before this held, a
// back-channel logout through ioredis with `keyPrefix` deleted a key that did not exist and left the session valid.
// Checked three ways, on each server kind: MONITOR shows no script touching a key it did not declare, with every
// client library; every operation works through ioredis with `keyPrefix` (single node, and a cluster, braced
// prefix or not) and leaves no key outside the prefix; and it works for an ACL user confined to that prefix.

import { describe, test, expect, beforeAll, afterAll } from '@jest/globals';
import { createRequire } from 'node:module';
import { RedisServer, startCluster, serverKinds, monitor, HOST } from '../scripts/lib/redis-servers.mjs';
import {
  CLIENT_KINDS, connectClient, connectCluster, closeClient, createRedisSessionStore, raw, SERVER_SETUP_TIMEOUT, newSessionId, storedSession,
} from './helpers/redis-clients.mjs';
import { randomSecret, randomHex, deepClone } from './helpers/fixtures.mjs';

const require = createRequire(import.meta.url);
const { Redis, Cluster } = require('ioredis');


const sessionOf = (sub, sid) => storedSession({ sub, sid });

/**
 * Every operation of the store, each checked: set, get, update, delete, both kinds of logout, listing, rotation
 * (a read that seals again under the newest secret) and the writes that sample an index for entries to drop.
 * `makeStore(options)` builds a store on the client under test.
 */
async function exercise(makeStore) {
  const [secret, older] = [randomSecret(), randomSecret()];
  const store = makeStore({ secret });
  const sub = `auth0|${randomHex(8)}`;
  const devices = { laptop: sessionOf(sub), phone: sessionOf(sub), tablet: sessionOf(sub) };
  const ids = Object.fromEntries(Object.keys(devices).map((name) => [name, newSessionId()]));
  for (const [name, session] of Object.entries(devices)) await store.set(ids[name], session);
  for (const [name, session] of Object.entries(devices)) expect(await store.get(ids[name])).toStrictEqual(deepClone(session));
  expect(await store.update(ids.laptop, devices.laptop)).toBe(true);
  const sids = async () => (await store.listSessions({ sub })).map((s) => s.sid).sort();
  expect(await sids()).toStrictEqual(Object.values(devices).map((s) => s.internal.sid).sort());

  await store.deleteByLogoutToken({ sub, sid: devices.laptop.internal.sid });
  expect(await store.get(ids.laptop)).toBeNull();
  await store.delete(ids.phone);
  expect(await store.get(ids.phone)).toBeNull();
  expect(await sids()).toStrictEqual([devices.tablet.internal.sid]);
  await store.deleteByLogoutToken({ sub });
  expect(await store.get(ids.tablet)).toBeNull();
  expect(await sids()).toStrictEqual([]);

  // Rotation: written under the older secret, read (and sealed again) under the newest, then logged out.
  const other = sessionOf(`auth0|${randomHex(8)}`);
  const otherId = newSessionId();
  await makeStore({ secret: older }).set(otherId, other);
  const rotated = makeStore({ secret: [secret, older] });
  expect(await rotated.get(otherId)).toStrictEqual(other);
  expect(await store.get(otherId)).toStrictEqual(other); // sealed again under the newest
  await store.deleteByLogoutToken({ sid: other.internal.sid });
  expect(await rotated.get(otherId)).toBeNull();

  // More than a few sessions of one user: each write samples the index (and drops what is gone).
  const many = Array.from({ length: 12 }, () => [newSessionId(), sessionOf(sub)]);
  for (const [id, session] of many) await store.set(id, session);
  await store.delete(many[0][0]);
  for (const [id, session] of many.slice(1, 4)) expect(await store.update(id, session)).toBe(true);
  expect(await store.listSessions({ sub })).toHaveLength(11);
  await store.deleteByLogoutToken({ sub });
  expect(await store.listSessions({ sub })).toStrictEqual([]);
}

/**
 * The script commands (MONITOR's `lua` lines) that touch a key their script did not declare: a script's
 * commands follow its EVAL/EVALSHA line, whose KEYS are `numkeys` arguments after the script.
 */
function undeclaredKeys(commands) {
  const bad = [];
  let declared = null;
  for (const { client, args } of commands) {
    if (client !== 'lua') {
      const name = args[0].toUpperCase();
      declared = name === 'EVAL' || name === 'EVALSHA' ? new Set(args.slice(3, 3 + Number(args[2]))) : null;
    } else if (!declared?.has(args[1])) {
      bad.push(args.slice(0, 2));
    }
  }
  return bad;
}

/** How many commands the scripts ran (a check over none would prove nothing). */
const scriptCommands = (commands) => commands.filter((c) => c.client === 'lua').length;

test('the MONITOR check finds a script command on a key its script did not declare', () => {
  const commands = [
    { client: '127.0.0.1:1', args: ['EVALSHA', 'f00', '1', 'app:sess:{1}:p:tag', 'now'] },
    { client: 'lua', args: ['ZRANGE', 'app:sess:{1}:p:tag', '0', '-1'] },
    { client: 'lua', args: ['DEL', 'sess:{1}:s:id'] },
    { client: '127.0.0.1:1', args: ['GET', 'app:sess:{1}:s:id'] },
  ];
  expect(undeclaredKeys(commands)).toStrictEqual([['DEL', 'sess:{1}:s:id']]);
  expect(undeclaredKeys(commands.slice(0, 2))).toStrictEqual([]);
});

describe.each(serverKinds())('on %s', (flavour) => {
  describe('a single node', () => {
    let server;
    let inspector; // an unprefixed client that looks under the store
    beforeAll(async () => {
      server = await RedisServer.start({ flavour });
      inspector = await connectClient('node-redis v5', server.port);
    }, SERVER_SETUP_TIMEOUT);
    afterAll(async () => {
      if (inspector) await closeClient(inspector);
      await server?.stop();
    });

    test.each([...CLIENT_KINDS, 'ioredis with keyPrefix'])('%s: no script touches a key it did not declare (MONITOR)', async (kind) => {
      const prefixed = kind === 'ioredis with keyPrefix';
      const client = prefixed
        ? new Redis({ host: HOST, port: server.port, keyPrefix: `m${randomHex(3)}:` })
        : await connectClient(kind, server.port);
      const watch = await monitor(server.port);
      try {
        await exercise((options) => createRedisSessionStore({ client, ...options }));
        const commands = watch.commands();
        expect(scriptCommands(commands)).toBeGreaterThan(50);
        expect(undeclaredKeys(commands)).toStrictEqual([]);
      } finally {
        watch.stop();
        await closeClient(client);
      }
    });

    test('ioredis keyPrefix: every operation works, and every key the store leaves carries the prefix', async () => {
      const keyPrefix = `app${randomHex(3)}:`;
      const client = new Redis({ host: HOST, port: server.port, keyPrefix });
      try {
        await exercise((options) => createRedisSessionStore({ client, ...options }));
        // Sessions left behind, so that there are keys to look at.
        const store = createRedisSessionStore({ client, secret: randomSecret(), prefix: 'own:' });
        await store.set(newSessionId(), sessionOf(`auth0|${randomHex(8)}`));
        const keys = await raw(inspector, ['KEYS', `*own:*`]);
        expect(keys.length).toBeGreaterThanOrEqual(3);
        for (const key of keys) expect(key.startsWith(`${keyPrefix}own:{`)).toBe(true);
      } finally {
        client.disconnect();
      }
    });

    test('an ACL user confined to its prefix (~app:*) can do everything the store does', async () => {
      const [user, password, keyPrefix] = [`u${randomHex(4)}`, randomHex(16), `acl${randomHex(3)}:`];
      await raw(inspector, ['ACL', 'SETUSER', user, 'on', `>${password}`, `~${keyPrefix}*`, '+@all']);
      const client = new Redis({ host: HOST, port: server.port, username: user, password, keyPrefix });
      try {
        // The control: the same user may not touch a key outside its pattern, from a script either.
        await expect(client.call('EVAL', "return redis.call('GET', 'sess:{1}:s:x')", '0')).rejects.toThrow(/NOPERM|no permissions|can't access/i);
        await exercise((options) => createRedisSessionStore({ client, ...options }));
      } finally {
        client.disconnect();
        await raw(inspector, ['ACL', 'DELUSER', user]);
      }
    });
  });

  describe('a three-master cluster', () => {
    let cluster;
    beforeAll(async () => {
      cluster = await startCluster({ flavour, masters: 3 });
    }, SERVER_SETUP_TIMEOUT);
    afterAll(async () => {
      await cluster?.stop();
    });

    // Without braces the shards' hash tags spread the sessions over the masters; with braces the client's
    // prefix is the hash tag of every key: everything works, but on one master.
    test.each(['app:', '{app}:'])('ioredis Cluster with keyPrefix "%s": every operation works', async (shape) => {
      const keyPrefix = shape.replace('app', `app${randomHex(3)}`);
      const client = new Cluster(cluster.rootNodes, { keyPrefix, lazyConnect: true });
      await client.connect();
      try {
        await exercise((options) => createRedisSessionStore({ client, ...options }));
        const store = createRedisSessionStore({ client, secret: randomSecret() });
        await Promise.all(Array.from({ length: 32 }, () => store.set(newSessionId(), sessionOf(`auth0|${randomHex(8)}`))));
        const masters = [];
        for (const node of cluster.nodes) {
          const keys = (await node.cli('--scan', '--pattern', `${keyPrefix.replace(/[{}]/g, '\\$&')}*`)).split('\n').filter(Boolean);
          if (keys.length) masters.push(node.port);
        }
        expect(masters.length).toBe(shape.startsWith('{') ? 1 : cluster.nodes.length);
      } finally {
        client.disconnect();
      }
    });

    test.each(CLIENT_KINDS)('%s cluster client: no script touches a key it did not declare (MONITOR on every master)', async (kind) => {
      const client = await connectCluster(kind, cluster.rootNodes);
      const watches = await Promise.all(cluster.nodes.map((node) => monitor(node.port)));
      try {
        await exercise((options) => createRedisSessionStore({ client, ...options }));
        const perNode = watches.map((w) => w.commands());
        expect(perNode.reduce((n, commands) => n + scriptCommands(commands), 0)).toBeGreaterThan(50);
        for (const commands of perNode) expect(undeclaredKeys(commands)).toStrictEqual([]);
      } finally {
        for (const w of watches) w.stop();
        await closeClient(client);
      }
    });
  });
});
