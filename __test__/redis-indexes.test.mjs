// The logout indexes stay bounded, and a logout never blocks Redis. Before this held, `delete(id)` (which the SDK
// calls on every re-login) left both index entries behind, a sid logout left the subject index's, and a logout
// read and deleted a user's whole index in one script: 200,000 re-logins made one EVALSHA of 980 ms.
// Now delete(id) and logouts remove both entries of each session; every write drops a bounded number of expired
// entries and samples its index for entries whose session is gone; a logout reads and deletes a page at a time.

import { describe, test, expect, beforeAll, afterAll } from '@jest/globals';
import { createRequire } from 'node:module';
import { RedisServer, serverKinds, monitor } from '../scripts/lib/redis-servers.mjs';
import {
  connectClient, closeClient, createRedisSessionStore, raw, SERVER_SETUP_TIMEOUT, newSessionId, storedSession,
} from './helpers/redis-clients.mjs';
import { randomSecret, randomHex, loadAddon } from './helpers/fixtures.mjs';

const require = createRequire(import.meta.url);
const { KeyLayout, DEFAULT_PREFIX, DEFAULT_SHARDS } = require('../redis/keys.js');
const { StoreCipher } = loadAddon();

// The two large cases write tens of thousands of sessions: a minute or so on a busy shared machine.
const LARGE_CASE_TIMEOUT = 300_000;
/** Entries a logout reads per command (redis/store.js PAGE): no command of a logout does more than this. */
const PAGE = 64;
/** What the bound allows beyond the live sessions: the index size from which writes sample (scripts.js). */
const SAMPLE_FROM = 8;

const layout = new KeyLayout(DEFAULT_PREFIX, DEFAULT_SHARDS);
const sessionOf = (sub, sid) => storedSession({ sub, sid });

/** Runs `task(i)` for i < n, `width` at a time. */
async function inBatches(n, width, task) {
  for (let i = 0; i < n; i += width) await Promise.all(Array.from({ length: Math.min(width, n - i) }, (_, j) => task(i + j)));
}

describe.each(serverKinds())('on %s', (flavour) => {
  let server;
  let client;
  let secret;
  let store;
  let cipher;
  beforeAll(async () => {
    server = await RedisServer.start({ flavour });
    client = await connectClient('node-redis v5', server.port);
    secret = randomSecret();
    store = createRedisSessionStore({ client, secret });
    cipher = new StoreCipher({ secret });
  }, SERVER_SETUP_TIMEOUT);
  afterAll(async () => {
    if (client) await closeClient(client);
    await server?.stop();
  });

  /** The entries of an index in each shard. */
  async function shardSizes(index, value) {
    const [tag] = cipher.indexTags(index, value);
    const sizes = [];
    for (let shard = 0; shard < DEFAULT_SHARDS; shard++) sizes.push(Number(await raw(client, ['ZCARD', layout.index(shard, index, tag)])));
    return sizes;
  }

  /** The entries of `sub`'s index and of `sid`'s, summed over the shards. */
  async function indexSizes({ sub, sid }) {
    const total = async (index, value) => (await shardSizes(index, value)).reduce((a, b) => a + b, 0);
    return { sub: await total('sub', sub), sid: sid === undefined ? 0 : await total('sid', sid) };
  }

  test('delete(id) removes the session and both its index entries', async () => {
    const sub = `auth0|${randomHex(8)}`;
    const [kept, gone] = [sessionOf(sub), sessionOf(sub)];
    const [keptId, goneId] = [newSessionId(), newSessionId()];
    await store.set(keptId, kept);
    await store.set(goneId, gone);
    expect(await indexSizes({ sub, sid: gone.internal.sid })).toStrictEqual({ sub: 2, sid: 1 });
    await store.delete(goneId);
    expect(await store.get(goneId)).toBeNull();
    expect(await indexSizes({ sub, sid: gone.internal.sid })).toStrictEqual({ sub: 1, sid: 0 });
    expect(await indexSizes({ sub, sid: kept.internal.sid })).toStrictEqual({ sub: 1, sid: 1 });
  });

  test('a logout removes its sessions from both indexes, by sid and by sub', async () => {
    const sub = `auth0|${randomHex(8)}`;
    const sid = randomHex(12);
    const sessions = [sessionOf(sub, sid), sessionOf(sub, sid), sessionOf(sub)];
    const ids = sessions.map(() => newSessionId());
    for (const [i, s] of sessions.entries()) await store.set(ids[i], s);
    expect(await indexSizes({ sub, sid })).toStrictEqual({ sub: 3, sid: 2 });
    await store.deleteByLogoutToken({ sid });
    expect(await indexSizes({ sub, sid })).toStrictEqual({ sub: 1, sid: 0 });
    const last = sessions[2].internal.sid;
    await store.deleteByLogoutToken({ sub });
    expect(await indexSizes({ sub, sid: last })).toStrictEqual({ sub: 0, sid: 0 });
    expect(await store.get(ids[2])).toBeNull();
  });

  test('20,000 re-logins of one user with one sid leave each index at most the live sessions plus a small constant', async () => {
    const sub = `auth0|${randomHex(8)}`;
    const sid = randomHex(12);
    // 16 devices, each signing in again 1,250 times the way the SDK does it: delete the old id, set a new one.
    const DEVICES = 16;
    const current = Array.from({ length: DEVICES }, () => null);
    await inBatches(20_000, DEVICES, async (i) => {
      const device = i % DEVICES;
      if (current[device]) await store.delete(current[device]);
      current[device] = newSessionId();
      await store.set(current[device], sessionOf(sub, sid));
    });
    const sizes = await indexSizes({ sub, sid });
    expect(sizes.sub).toBeGreaterThanOrEqual(DEVICES);
    expect(sizes.sub).toBeLessThanOrEqual(DEVICES + SAMPLE_FROM);
    expect(sizes.sid).toBeLessThanOrEqual(DEVICES + SAMPLE_FROM);
    expect((await store.listSessions({ sub })).length).toBe(DEVICES);
  }, LARGE_CASE_TIMEOUT);

  test('entries of sessions that vanished behind the store are dropped by later writes, a bounded number each', async () => {
    const sub = `auth0|${randomHex(8)}`;
    const sessions = Array.from({ length: 400 }, () => [newSessionId(), sessionOf(sub)]);
    await inBatches(sessions.length, 16, (i) => store.set(...sessions[i]));
    // 300 of them evicted (or deleted by hand): their keys go, their entries stay.
    const [gone, live] = [sessions.slice(0, 300), sessions.slice(300)];
    for (const [id] of gone) await raw(client, ['DEL', layout.session(id)]);
    expect((await indexSizes({ sub })).sub).toBe(400);
    const liveIn = (shard) => live.filter(([id]) => layout.shardOf(id) === shard).length;
    // The live sessions keep being used: each write samples its shard's index, and drops the entries of gone
    // sessions among those it sampled, down to a few beyond the live ones.
    for (let round = 0; round < 6; round++) for (const [id, session] of live) await store.update(id, session);
    const sizes = await shardSizes('sub', sub);
    for (const [shard, size] of sizes.entries()) {
      if (liveIn(shard) > 0) expect(size).toBeLessThanOrEqual(Math.max(liveIn(shard), SAMPLE_FROM));
    }
    // With each dropped subject entry, its twin in the sid index went too.
    const [tag] = cipher.indexTags('sub', sub);
    let dropped = 0;
    let twins = 0;
    for (const [id, session] of gone) {
      const members = await raw(client, ['ZRANGE', layout.index(layout.shardOf(id), 'sub', tag), '0', '-1']);
      if (members.some((m) => m.endsWith(`.${id}`))) continue;
      dropped += 1;
      twins += (await indexSizes({ sub, sid: session.internal.sid })).sid;
    }
    expect(dropped).toBeGreaterThan(150);
    expect(twins).toBe(0);
    // A listing sees every shard: what is left of the gone sessions goes with it.
    expect(await store.listSessions({ sub })).toHaveLength(live.length);
    expect((await indexSizes({ sub })).sub).toBe(live.length);
  }, LARGE_CASE_TIMEOUT);

  /**
   * A user with `count` sessions of one sid that are gone (their keys deleted behind the store, as the store used
   * to leave them) and one live session: returns its claims and the live session's id.
   */
  async function staleUser(count) {
    const sub = `auth0|${randomHex(8)}`;
    const sid = randomHex(12);
    const ids = Array.from({ length: count }, () => newSessionId());
    await inBatches(count, 32, (i) => store.set(ids[i], sessionOf(sub, sid)));
    const liveId = newSessionId();
    await store.set(liveId, sessionOf(sub, sid));
    await inBatches(count, 256, (i) => raw(client, ['DEL', layout.session(ids[i])]));
    expect(await indexSizes({ sub, sid })).toStrictEqual({ sub: count + 1, sid: count + 1 });
    return { sub, sid, liveId };
  }

  test('a logout of a user with many stale entries removes them all, and no command of it works on more than a page (MONITOR)', async () => {
    const { sub, sid, liveId } = await staleUser(3_000);
    const watch = await monitor(server.port);
    try {
      await store.deleteByLogoutToken({ sub, sid });
    } finally {
      watch.stop();
    }
    expect(await store.get(liveId)).toBeNull();
    expect(await indexSizes({ sub, sid })).toStrictEqual({ sub: 0, sid: 0 });
    const commands = watch.commands().filter((c) => c.client !== 'lua');
    const reads = commands.filter((c) => c.args[0].toUpperCase() === 'ZRANGEBYSCORE');
    const removals = commands.filter((c) => c.args[0].toUpperCase() === 'EVALSHA');
    expect(reads.length).toBeGreaterThanOrEqual(3_000 / PAGE);
    expect(removals.length).toBeGreaterThanOrEqual(3_000 / PAGE);
    for (const { args } of reads) expect(Number(args[6])).toBeLessThanOrEqual(PAGE);
    // A removal names, per session, its key and at most three index entries.
    for (const { args } of removals) expect(Number(args[2])).toBeLessThanOrEqual(PAGE * 4);
  }, LARGE_CASE_TIMEOUT);

  // SLOWLOG records each command with its arguments. Its durations are wall time on a shared machine (a command
  // the scheduler pauses looks slow too), so this test holds the logout to what makes it fast, the work each
  // command is given, and `npm run bench:redis -- --logout` reports the durations. The unpaged logout this
  // replaced was one script over the whole index: ~50 ms for these 10,000 entries, 980 ms for 200,000.
  test('a logout of a user with 10,000 stale entries: SLOWLOG shows every command it ran working on a page at most', async () => {
    const { sub, sid, liveId } = await staleUser(10_000);
    let logged;
    try {
      await raw(client, ['CONFIG', 'SET', 'slowlog-log-slower-than', '0']);
      await raw(client, ['CONFIG', 'SET', 'slowlog-max-len', '100000']);
      await raw(client, ['SLOWLOG', 'RESET']);
      await store.deleteByLogoutToken({ sub, sid });
      logged = (await raw(client, ['SLOWLOG', 'GET', '-1'])).map(([, , , args]) => args.map(String));
    } finally {
      await raw(client, ['CONFIG', 'SET', 'slowlog-log-slower-than', '10000']);
      await raw(client, ['CONFIG', 'SET', 'slowlog-max-len', '128']);
    }
    expect(await store.get(liveId)).toBeNull();
    expect(await indexSizes({ sub, sid })).toStrictEqual({ sub: 0, sid: 0 });
    // The CONFIG SET that switched the log on is its first entry; what the logout sent follows.
    const sent = logged.filter(([name]) => !['CONFIG', 'SLOWLOG'].includes(name.toUpperCase()));
    const reads = sent.filter(([name]) => name.toUpperCase() === 'ZRANGEBYSCORE');
    const removals = sent.filter(([name]) => name.toUpperCase() === 'EVALSHA' || name.toUpperCase() === 'EVAL');
    expect(reads.length).toBeGreaterThanOrEqual(10_000 / PAGE);
    expect(removals.length).toBeGreaterThanOrEqual(10_000 / PAGE);
    for (const args of reads) expect(Number(args[6])).toBeLessThanOrEqual(PAGE);
    // A removal names, per session, its key and at most three index entries.
    for (const args of removals) expect(Number(args[2])).toBeLessThanOrEqual(PAGE * 4);
    // Redis also logs the commands a script runs (DEL, ZREM): each of those names a page's worth at most. SLOWLOG
    // keeps 32 arguments of a command and counts the rest in its last one.
    const argCount = (args) => {
      const more = /^\.\.\. \((\d+) more arguments\)$/.exec(args.at(-1));
      return more ? args.length - 1 + Number(more[1]) : args.length;
    };
    for (const args of sent.filter((a) => !reads.includes(a) && !removals.includes(a))) {
      expect(argCount(args)).toBeLessThanOrEqual(PAGE * 4 + 2);
    }
  }, LARGE_CASE_TIMEOUT);
});
