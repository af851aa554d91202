// What reaches the disk, and what survives a crash: a redis-server with AOF on, killed with SIGKILL and started
// again on the same files, still serves every session and every logout index; and neither the AOF nor an RDB
// snapshot holds a byte of a session in clear (no sub, e-mail, sid or token substring) — a check proven able to
// fail by a plaintext control written beside the sealed sessions.

import { describe, test, expect, beforeAll, afterAll } from '@jest/globals';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { RedisServer, serverAvailable } from '../scripts/lib/redis-servers.mjs';
import {
  CLIENT_KINDS, connectClient, closeClient, createRedisSessionStore, raw, SERVER_SETUP_TIMEOUT,
} from './helpers/redis-clients.mjs';
import { typicalSession, randomSecret, randomHex, deepClone } from './helpers/fixtures.mjs';

const require = createRequire(import.meta.url);
const { KeyLayout, DEFAULT_PREFIX, DEFAULT_SHARDS } = require('../redis/keys.js');
const layout = new KeyLayout(DEFAULT_PREFIX, DEFAULT_SHARDS);


// Plain-text AOF (no RDB preamble) and uncompressed RDB, so a plaintext would show as it is; fsync on every write.
const PERSISTENCE = ['--appendonly', 'yes', '--appendfsync', 'always', '--aof-use-rdb-preamble', 'no', '--rdbcompression', 'no'];

/** Every file under `dir`, concatenated. */
function bytesUnder(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    out.push(entry.isDirectory() ? bytesUnder(full) : fs.readFileSync(full));
  }
  return Buffer.concat(out);
}

/** The substrings of a session that must never be on disk in clear. */
function secretsOf(session) {
  const { user, tokenSet, internal } = session;
  return [
    user.sub, user.email, internal.sid,
    tokenSet.accessToken.slice(20, 52), tokenSet.idToken.slice(40, 72), tokenSet.refreshToken.slice(4, 36),
  ].filter(Boolean);
}

let server;
beforeAll(async () => {
  if (!serverAvailable('redis')) throw new Error('redis-server is not installed and could not be installed with apt-get');
  server = await RedisServer.start({ args: PERSISTENCE });
}, SERVER_SETUP_TIMEOUT);
afterAll(async () => server?.stop());

describe('on disk and across a crash', () => {
  const secret = randomSecret();
  const written = []; // [kind, id, session]

  test.each(CLIENT_KINDS)('%s writes 20 sessions', async (kind) => {
    const client = await connectClient(kind, server.port);
    try {
      const store = createRedisSessionStore({ client, secret });
      for (let i = 0; i < 20; i++) {
        const [id, session] = [randomHex(16), typicalSession()];
        await store.set(id, session);
        written.push([kind, id, session]);
      }
    } finally {
      await closeClient(client);
    }
  });

  test('neither the AOF nor an RDB snapshot holds a session in clear; a plaintext control is found', async () => {
    const client = await connectClient('node-redis v5', server.port);
    const control = typicalSession();
    try {
      // The control: one session stored as the plain JSON a naive store would write.
      await raw(client, ['SET', `control:${randomHex(4)}`, JSON.stringify(control)]);
      await raw(client, ['SAVE']);
    } finally {
      await closeClient(client);
    }
    const disk = bytesUnder(server.dir);
    expect(fs.readdirSync(server.dir)).toStrictEqual(expect.arrayContaining(['dump.rdb', 'appendonlydir']));
    for (const text of secretsOf(control)) expect(disk.includes(Buffer.from(text))).toBe(true);
    expect(written).toHaveLength(20 * CLIENT_KINDS.length);
    for (const [, , session] of written) {
      for (const text of secretsOf(session)) expect(disk.includes(Buffer.from(text))).toBe(false);
    }
  });

  test('SIGKILL, restart on the same AOF: every session is back, and the logout indexes still work', async () => {
    await server.kill('SIGKILL');
    await server.restart(); // replays the AOF before it answers PING
    const client = await connectClient('ioredis', server.port);
    try {
      const store = createRedisSessionStore({ client, secret });
      for (const [, id, session] of written) expect(await store.get(id)).toStrictEqual(deepClone(session));
      const [, id, session] = written[0];
      await store.deleteByLogoutToken({ sid: session.internal.sid });
      expect(await store.get(id)).toBeNull();
      // The expiry came back with them.
      for (const [, other] of written.slice(1, 6)) expect(Number(await raw(client, ['TTL', layout.session(other)]))).toBeGreaterThan(0);
    } finally {
      await closeClient(client);
    }
  }, SERVER_SETUP_TIMEOUT);
});
