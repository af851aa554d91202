// What the store's failures carry, and which failures it keeps to itself. A read that finds a session sealed under
// an older secret seals it again; that re-seal failing, however it fails (the core refusing, the client throwing
// before it returns a promise, rejecting, or never answering), never fails the read. And no error, cause or log
// line carries a session id, a sealed value, a key name or a token: clients attach the command they failed
// (ioredis keeps `command.args`), so the store passes on a copy of the client's error without it.

import { describe, test, expect, beforeAll, afterAll, jest } from '@jest/globals';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import util from 'node:util';
import { RedisServer, serverKinds } from '../scripts/lib/redis-servers.mjs';
import {
  CLIENT_KINDS, connectClient, closeClient, createRedisSessionStore, raw, SERVER_SETUP_TIMEOUT, newSessionId, storedSession,
} from './helpers/redis-clients.mjs';
import { typicalSession, smallSession, randomSecret, randomHex, nowSeconds, loadAddon } from './helpers/fixtures.mjs';

const require = createRequire(import.meta.url);
const { KeyLayout, DEFAULT_PREFIX, DEFAULT_SHARDS } = require('../redis/keys.js');
const { StoreCipher } = loadAddon();

const layout = new KeyLayout(DEFAULT_PREFIX, DEFAULT_SHARDS);
/** Every sealed value starts with its header, `{"alg":"dir",…`, in base64url. */
const SEALED_VALUE_START = Buffer.from('{"alg":"dir"').toString('base64url').slice(0, 14);

function sessionOf(sub) {
  const session = storedSession({ sub, session: typicalSession() });
  delete session.user.session_expiry;
  return session;
}

/**
 * A stored value made with node:crypto, as the store's format has it (docs/redis.md): what an older version of
 * the store, with laxer checks, could have written. The store's own sealing refuses such sessions.
 */
function sealWithoutChecks(secret, id, session, exp) {
  const header = Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM', typ: 'session-seal-store', id, exp })).toString('base64url');
  const key = Buffer.from(crypto.hkdfSync('sha256', secret, Buffer.alloc(0), 'session-seal store value v1', 32));
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(header, 'ascii'));
  const body = Buffer.concat([cipher.update(JSON.stringify(session), 'utf8'), cipher.final()]);
  return [header, '', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/**
 * `client`, with its commands named by `matches` failing the way `fail` says: 'throws' (before any promise),
 * 'rejects', or 'hangs' (never answers).
 */
function failing(client, matches, fail) {
  const broken = (name) => {
    if (fail === 'throws') throw new Error(`${name} broke`);
    if (fail === 'rejects') return Promise.reject(new Error(`${name} broke`));
    return new Promise(() => {});
  };
  return new Proxy(client, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (property === 'call') return (...args) => (matches(args[0]) ? broken(args[0]) : value.apply(target, args));
      if (property === 'sendCommand') return (args, ...rest) => (matches(args[0]) ? broken(args[0]) : value.call(target, args, ...rest));
      return value.bind(target);
    },
  });
}
const isScript = (name) => /^EVAL/i.test(String(name));

/** Every string an error holds, however deep (own properties, hidden ones, causes), and how Node prints it. */
function everythingIn(err) {
  const seen = new Set();
  const out = [String(err), util.inspect(err, { depth: 12, showHidden: true })];
  const walk = (value, depth) => {
    if (value === null || value === undefined || depth > 12) return;
    if (typeof value !== 'object' && typeof value !== 'function') return void out.push(String(value));
    if (seen.has(value)) return;
    seen.add(value);
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (descriptor && 'value' in descriptor) walk(descriptor.value, depth + 1);
    }
  };
  walk(err, 0);
  return out.join('\n');
}

/** Whatever the process writes to its console, stderr and warnings while `work` runs. */
async function logsDuring(work) {
  const lines = [];
  const spies = ['log', 'info', 'warn', 'error', 'debug', 'trace'].map((m) =>
    jest.spyOn(console, m).mockImplementation((...args) => void lines.push(util.format(...args))),
  );
  spies.push(jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true)));
  spies.push(jest.spyOn(process, 'emitWarning').mockImplementation((w) => void lines.push(String(w))));
  try {
    await work();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines.join('\n');
}

describe.each(serverKinds())('on %s', (flavour) => {
  let server;
  let inspector;
  beforeAll(async () => {
    server = await RedisServer.start({ flavour });
    inspector = await connectClient('node-redis v5', server.port);
  }, SERVER_SETUP_TIMEOUT);
  afterAll(async () => {
    if (inspector) await closeClient(inspector);
    await server?.stop();
  });

  describe.each(CLIENT_KINDS)('with %s', (kind) => {
    let client;
    beforeAll(async () => {
      client = await connectClient(kind, server.port);
    });
    afterAll(async () => closeClient(client));

    /** A session stored under `older`, read by a store whose newest secret is another. */
    async function storedUnderOlderSecret(session, value) {
      const [older, newest] = [randomSecret(), randomSecret()];
      const id = newSessionId();
      const sealed = value ?? new StoreCipher({ secret: older }).seal(id, session).value;
      await raw(inspector, ['SET', layout.session(id), value ? value(older, id) : sealed, 'EX', '600']);
      return { id, older, newest };
    }

    test('a session that opens under an older secret but cannot be sealed again is still read', async () => {
      const session = smallSession();
      session.user.sub = 'u'.repeat(70_000); // over the 64 KiB an index tag takes: the store cannot write it
      session.internal = { sid: randomHex(12), createdAt: nowSeconds() };
      const { id, older, newest } = await storedUnderOlderSecret(session, (secret, id) =>
        sealWithoutChecks(secret, id, session, nowSeconds() + 600),
      );
      const before = await raw(inspector, ['GET', layout.session(id)]);
      expect(await createRedisSessionStore({ client, secret: [newest, older] }).get(id)).toStrictEqual(session);
      expect(await raw(inspector, ['GET', layout.session(id)])).toBe(before);
    });

    test.each(['throws', 'rejects', 'hangs'])('a re-seal whose write %s does not fail the read', async (fail) => {
      const session = sessionOf();
      const { id, older, newest } = await storedUnderOlderSecret(session);
      const before = await raw(inspector, ['GET', layout.session(id)]);
      const store = createRedisSessionStore({ client: failing(client, isScript, fail), secret: [newest, older], timeout: 500 });
      expect(await store.get(id)).toStrictEqual(session);
      expect(await raw(inspector, ['GET', layout.session(id)])).toBe(before);
      // And with the client working, the same read seals it again under the newest secret.
      expect(await createRedisSessionStore({ client, secret: [newest, older] }).get(id)).toStrictEqual(session);
      expect(await raw(inspector, ['GET', layout.session(id)])).not.toBe(before);
    });

    test('no error, cause or log line carries a session id, a sealed value, a key or a token', async () => {
      const secret = randomSecret();
      const store = createRedisSessionStore({ client, secret, timeout: 1000 });
      const cipher = new StoreCipher({ secret });
      const session = sessionOf();
      const id = newSessionId();
      const [subTag] = cipher.indexTags('sub', session.user.sub);
      const subjectIndex = layout.index(layout.shardOf(id), 'sub', subTag);
      const secrets = [
        id, layout.session(id), subjectIndex, subTag, SEALED_VALUE_START, session.user.sub, session.user.email,
        session.internal.sid, session.tokenSet.accessToken.slice(10, 40), session.tokenSet.refreshToken.slice(4, 30),
        session.tokenSet.idToken.slice(30, 60),
      ].filter(Boolean);
      const errors = [];
      const expectFailure = async (call) => {
        const err = await call().then(
          () => null,
          (e) => e,
        );
        expect(err).not.toBeNull();
        expect(err.code).toMatch(/^ERR_STORE_(COMMAND|TIMEOUT)$/);
        errors.push(err);
      };
      const logs = await logsDuring(async () => {
        // A key of the wrong type under the session's name: GET and the scripts fail inside Redis.
        await raw(inspector, ['HSET', layout.session(id), 'not', 'a session']);
        await expectFailure(() => store.get(id));
        await expectFailure(() => store.delete(id));
        await raw(inspector, ['DEL', layout.session(id)]);
        // An index of the wrong type: the write script fails with the sealed value among its arguments, and
        // the logout's read fails on it.
        await raw(inspector, ['SET', subjectIndex, 'not an index']);
        await expectFailure(() => store.set(id, session));
        await expectFailure(() => store.update(id, session));
        // (One shard, so that the logout and the listing read that index first.)
        const shards = createRedisSessionStore({ client, secret, shards: 1 });
        const onlyIndex = new KeyLayout(DEFAULT_PREFIX, 1).index(0, 'sub', subTag);
        await raw(inspector, ['SET', onlyIndex, 'not an index']);
        await expectFailure(() => shards.deleteByLogoutToken({ sub: session.user.sub }));
        await expectFailure(() => shards.listSessions({ sub: session.user.sub }));
        await raw(inspector, ['DEL', subjectIndex, onlyIndex]);
      });
      expect(errors.length).toBe(6);
      // The failures name what failed, from the client's own words.
      expect(errors[0].message).toMatch(/^session store: Redis GET failed: .*WRONGTYPE/);
      expect(errors[2].message).toMatch(/^session store: Redis EVAL(SHA)? failed: .*WRONGTYPE/);
      for (const err of errors) {
        const text = everythingIn(err);
        for (const secretText of secrets) expect([err.message, text.includes(secretText)]).toStrictEqual([err.message, false]);
      }
      for (const secretText of secrets) expect(logs.includes(secretText)).toBe(false);
    });

    test('a closed client: every call fails with a coded error that carries nothing of the session', async () => {
      const closed = await connectClient(kind, server.port, { reconnect: false });
      await closeClient(closed);
      const store = createRedisSessionStore({ client: closed, secret: randomSecret(), timeout: 1000 });
      const session = sessionOf();
      const id = newSessionId();
      const calls = [
        () => store.get(id), () => store.set(id, session), () => store.update(id, session), () => store.delete(id),
        () => store.deleteByLogoutToken({ sub: session.user.sub }), () => store.listSessions({ sub: session.user.sub }),
      ];
      for (const call of calls) {
        const err = await call().then(() => null, (e) => e);
        expect(err?.code).toMatch(/^ERR_STORE_(COMMAND|TIMEOUT)$/);
        const text = everythingIn(err);
        for (const secretText of [id, session.user.sub, session.internal.sid, SEALED_VALUE_START]) expect(text.includes(secretText)).toBe(false);
      }
    });
  });
});
