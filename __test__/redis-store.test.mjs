// session-seal/redis against a real redis-server (single node), through each supported client library:
// round trips, expiry, binding to the id, domain separation from cookies (both directions, with the real SDK),
// secret rotation, back-channel logout semantics, argument checks. Sessions and secrets are fresh every run.

import { describe, test, expect, beforeAll, afterAll } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { RedisServer, serverAvailable } from '../scripts/lib/redis-servers.mjs';
import {
  CLIENT_KINDS, connectClient, closeClient, createRedisSessionStore, raw, SERVER_SETUP_TIMEOUT, newSessionId, storedSession,
} from './helpers/redis-clients.mjs';
import {
  loadAddon,
  loadSdk,
  typicalSession,
  randomSecret,
  randomHex,
  nowSeconds,
  deepClone,
} from './helpers/fixtures.mjs';
import { repoRoot } from '../scripts/lib/repo.mjs';

const require = createRequire(import.meta.url);
const { KeyLayout, DEFAULT_PREFIX, DEFAULT_SHARDS } = require('../redis/keys.js');
const { SessionCipher } = loadAddon();


let server;
let sdk;
beforeAll(async () => {
  if (!serverAvailable('redis')) throw new Error('redis-server is not installed and could not be installed with apt-get');
  server = await RedisServer.start();
  sdk = await loadSdk();
}, SERVER_SETUP_TIMEOUT);
afterAll(async () => {
  await server?.stop();
});

const layout = new KeyLayout(DEFAULT_PREFIX, DEFAULT_SHARDS);
/** A stored session, created 10 seconds ago unless `age` says otherwise. */
const sessionOf = ({ age = 10, ...rest } = {}) => storedSession({ age, ...rest });

describe.each(CLIENT_KINDS)('with %s', (kind) => {
  let client;
  let secret;
  let store;
  beforeAll(async () => {
    client = await connectClient(kind, server.port);
    secret = randomSecret();
    store = createRedisSessionStore({ client, secret });
  });
  afterAll(async () => {
    await closeClient(client);
  });

  test('set then get gives the session back exactly (random ~3 KB sessions, Unicode included)', async () => {
    for (let i = 0; i < 8; i++) {
      const id = newSessionId();
      const session = typicalSession();
      await store.set(id, session);
      expect(await store.get(id)).toStrictEqual(deepClone(session));
    }
    expect(await store.get(newSessionId())).toBeNull();
  });

  test('update writes only an existing session; delete removes it', async () => {
    const id = newSessionId();
    const first = sessionOf();
    expect(await store.update(id, first)).toBe(false);
    expect(await store.get(id)).toBeNull();
    await store.set(id, first);
    const second = { ...first, user: { ...first.user, name: 'changed' } };
    expect(await store.update(id, second)).toBe(true);
    expect(await store.get(id)).toStrictEqual(second);
    await store.delete(id);
    expect(await store.get(id)).toBeNull();
    expect(await store.update(id, second)).toBe(false);
    await store.delete(id); // deleting what is gone is fine
  });

  test('64 concurrent callers each read back their own session', async () => {
    const entries = Array.from({ length: 64 }, () => [newSessionId(), typicalSession()]);
    await Promise.all(entries.map(([id, s]) => store.set(id, s)));
    const read = await Promise.all(entries.map(([id]) => store.get(id)));
    read.forEach((s, i) => expect(s).toStrictEqual(deepClone(entries[i][1])));
  });

  test('Redis expires the value with the session: rolling, absolute, IdP ceiling; an ended session is removed', async () => {
    const ttl = async (id) => Number(await raw(client, ['TTL', layout.session(id)]));
    const expectTtl = async (id, expected) => {
      const seconds = await ttl(id);
      // The store computed `expected` from its clock a moment before Redis counted: never more, a little less.
      expect(seconds).toBeLessThanOrEqual(expected);
      expect(seconds).toBeGreaterThan(expected - 30);
    };
    let id = newSessionId();
    await store.set(id, sessionOf({ age: 10 }));
    await expectTtl(id, 86_400); // the SDK's defaults: inactivity 1 day comes before absolute 3 days

    const short = createRedisSessionStore({ client, secret, absoluteDuration: 3600, inactivityDuration: 600 });
    id = newSessionId();
    await short.set(id, sessionOf({ age: 3300 }));
    await expectTtl(id, 300); // createdAt + absolute comes first
    id = newSessionId();
    await short.set(id, sessionOf({ age: 100 }));
    await expectTtl(id, 600); // now + inactivity comes first

    const fixed = createRedisSessionStore({ client, secret, absoluteDuration: 3600, inactivityDuration: 600, rolling: false });
    id = newSessionId();
    await fixed.set(id, sessionOf({ age: 100 }));
    await expectTtl(id, 3500);

    id = newSessionId();
    const ceiling = sessionOf();
    ceiling.internal.sessionExpiresAt = nowSeconds() + 120;
    await store.set(id, ceiling);
    await expectTtl(id, 120);

    // A session past its absolute duration is not written, and the stored one is removed.
    id = newSessionId();
    await short.set(id, sessionOf({ age: 100 }));
    expect(await short.get(id)).not.toBeNull();
    await short.set(id, sessionOf({ age: 4000 }));
    expect(await raw(client, ['EXISTS', layout.session(id)])).toBe(0);
    expect(await short.get(id)).toBeNull();
    expect(await short.update(id, sessionOf({ age: 4000 }))).toBe(false);
  });

  test('a value is bound to its session id: copied under another id it does not open', async () => {
    const [a, b] = [newSessionId(), newSessionId()];
    const session = typicalSession();
    await store.set(a, session);
    const value = await raw(client, ['GET', layout.session(a)]);
    await raw(client, ['SET', layout.session(b), value, 'EX', '600']);
    expect(await store.get(b)).toBeNull();
    expect(await store.get(a)).toStrictEqual(deepClone(session));
  });

  test('a tampered value, or one sealed under another secret, does not open', async () => {
    const id = newSessionId();
    await store.set(id, typicalSession());
    const value = String(await raw(client, ['GET', layout.session(id)]));
    const at = 40 + Math.floor(Math.random() * (value.length - 60));
    const flipped = value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1);
    await raw(client, ['SET', layout.session(id), flipped, 'EX', '600']);
    expect(await store.get(id)).toBeNull();
    await raw(client, ['SET', layout.session(id), value, 'EX', '600']);
    expect(await store.get(id)).not.toBeNull();
    expect(await createRedisSessionStore({ client, secret: randomSecret() }).get(id)).toBeNull();
  });

  test('domain separation: a stored value is no cookie, and a cookie is no stored value (real SDK)', async () => {
    const id = newSessionId();
    const session = typicalSession();
    await store.set(id, session);
    const value = String(await raw(client, ['GET', layout.session(id)]));
    // The stored value, presented as a session cookie under the same secret: neither the SDK nor session-seal reads it.
    expect(await sdk.decrypt(value, secret)).toBeNull();
    expect(new SessionCipher({ secret }).unseal(value)).toBeNull();
    // A real cookie of the same session (and a stateful { id } cookie), stored as the value: the store refuses both.
    const exp = nowSeconds() + 3600;
    for (const cookie of [await sdk.encrypt(session, secret, exp), await sdk.encrypt({ id }, secret, exp)]) {
      expect((await sdk.decrypt(cookie, secret)).payload).toBeDefined(); // a valid cookie…
      await raw(client, ['SET', layout.session(id), cookie, 'EX', '600']);
      expect(await store.get(id)).toBeNull(); // …but not a stored session
    }
  });

  test('secret rotation: read with any, write with the first, re-seal an old value when it is read', async () => {
    const [oldSecret, newSecret] = [randomSecret(), randomSecret()];
    const before = createRedisSessionStore({ client, secret: oldSecret });
    const rotated = createRedisSessionStore({ client, secret: [newSecret, oldSecret] });
    const onlyNew = createRedisSessionStore({ client, secret: newSecret });
    const [id, unread] = [newSessionId(), newSessionId()];
    const session = sessionOf();
    const other = sessionOf();
    await before.set(id, session);
    await before.set(unread, other);
    const oldValue = String(await raw(client, ['GET', layout.session(id)]));
    const ttlBefore = Number(await raw(client, ['TTL', layout.session(id)]));
    expect(await onlyNew.get(id)).toBeNull();

    expect(await rotated.get(id)).toStrictEqual(session); // opened with the older secret…
    const newValue = String(await raw(client, ['GET', layout.session(id)]));
    expect(newValue).not.toBe(oldValue); // …and sealed again under the newest
    expect(await onlyNew.get(id)).toStrictEqual(session);
    expect(await before.get(id)).toBeNull();
    const ttlAfter = Number(await raw(client, ['TTL', layout.session(id)]));
    expect(ttlAfter).toBeGreaterThan(0);
    expect(ttlAfter).toBeLessThanOrEqual(ttlBefore); // the TTL was kept, not reset

    // The re-sealed session is indexed under the newest secret too: a logout without the old secret finds it.
    await onlyNew.deleteByLogoutToken({ sub: session.user.sub });
    expect(await rotated.get(id)).toBeNull();
    // A session not read since the rotation is found through the older secret's index.
    await rotated.deleteByLogoutToken({ sid: other.internal.sid });
    expect(await before.get(unread)).toBeNull();
  });

  test('deleteByLogoutToken: sid, sub, sid with sub, and iss filtering (OIDC Back-Channel Logout 2.4)', async () => {
    const issuerA = `https://${randomHex(4)}.auth.example.com/`;
    const issuerB = `https://${randomHex(4)}.auth.example.com/`;
    const sub = `auth0|${randomHex(8)}`;
    const sessions = {
      laptop: sessionOf({ sub, issuer: issuerA }),
      phone: sessionOf({ sub, issuer: issuerA }),
      tablet: sessionOf({ sub, issuer: issuerA }),
      otherTenant: sessionOf({ sub, issuer: issuerB }),
      noIssuer: sessionOf({ sub }),
      otherUser: sessionOf({ issuer: issuerA }),
    };
    // An issuer known only from the ID token's `iss` (no MCD metadata), written without the trailing slash.
    const idTokenIssuer = sessionOf({ sub });
    const claims = Buffer.from(JSON.stringify({ iss: issuerA.slice(0, -1), sub })).toString('base64url');
    idTokenIssuer.tokenSet.idToken = `eyJhbGciOiJSUzI1NiJ9.${claims}.${randomHex(32)}`;
    sessions.idTokenIssuer = idTokenIssuer;
    const ids = Object.fromEntries(Object.keys(sessions).map((name) => [name, newSessionId()]));
    for (const [name, s] of Object.entries(sessions)) await store.set(ids[name], s);
    const alive = async () => {
      const out = [];
      for (const name of Object.keys(sessions)) if (await store.get(ids[name])) out.push(name);
      return out.sort();
    };
    const all = Object.keys(sessions).sort();

    // A sid with another user's sub deletes nothing; an unknown sid deletes nothing.
    await store.deleteByLogoutToken({ sid: sessions.laptop.internal.sid, sub: sessions.otherUser.user.sub, iss: issuerA });
    await store.deleteByLogoutToken({ sid: randomHex(12) });
    expect(await alive()).toStrictEqual(all);
    // A sid of issuer A, claimed by issuer B: nothing.
    await store.deleteByLogoutToken({ sid: sessions.laptop.internal.sid, sub, iss: issuerB });
    expect(await alive()).toStrictEqual(all);
    // sid + sub + iss: that one session only.
    await store.deleteByLogoutToken({ sid: sessions.laptop.internal.sid, sub, iss: issuerA });
    expect(await alive()).toStrictEqual(all.filter((n) => n !== 'laptop'));
    // sid alone.
    await store.deleteByLogoutToken({ sid: sessions.phone.internal.sid });
    expect(await alive()).toStrictEqual(all.filter((n) => !['laptop', 'phone'].includes(n)));
    // sub + iss A: the user's sessions of issuer A (MCD or ID token), and the one of unknown issuer; not issuer B's.
    await store.deleteByLogoutToken({ sub, iss: issuerA });
    expect(await alive()).toStrictEqual(['otherTenant', 'otherUser']);
    // sub without iss: every session of the user.
    await store.deleteByLogoutToken({ sub });
    expect(await alive()).toStrictEqual(['otherUser']);
    // Neither sub nor sid: nothing to do.
    await store.deleteByLogoutToken({ iss: issuerA });
    expect(await alive()).toStrictEqual(['otherUser']);
  });

  test('a logout reaches sessions in every shard', async () => {
    const sub = `auth0|${randomHex(8)}`;
    const ids = Array.from({ length: 64 }, newSessionId);
    expect(new Set(ids.map((id) => layout.shardOf(id))).size).toBeGreaterThan(DEFAULT_SHARDS / 2);
    await Promise.all(ids.map((id) => store.set(id, sessionOf({ sub }))));
    await store.deleteByLogoutToken({ sub });
    for (const id of ids) expect(await store.get(id)).toBeNull();
  });
});

describe('what is stored under the keys', () => {
  let client;
  beforeAll(async () => {
    client = await connectClient('node-redis v5', server.port);
  });
  afterAll(async () => closeClient(client));

  test('every key of a session shares its shard\'s hash tag; no sub or sid appears in a key name', async () => {
    const prefix = `t${randomHex(4)}:`;
    const store = createRedisSessionStore({ client, secret: randomSecret(), prefix, shards: 4 });
    const id = newSessionId();
    const session = sessionOf();
    await store.set(id, session);
    const own = new KeyLayout(prefix, 4);
    const shardPrefix = own.shardPrefix(own.shardOf(id));
    expect(await raw(client, ['EXISTS', own.session(id)])).toBe(1);
    // Our own test-only listing (the store never lists keys): the session and its two index keys, one shard.
    const keys = (await raw(client, ['KEYS', `${prefix}*`])).sort();
    expect(keys).toHaveLength(3);
    for (const key of keys) {
      expect(key.startsWith(shardPrefix)).toBe(true);
      expect(key).not.toContain(session.user.sub);
      expect(key).not.toContain(session.internal.sid);
    }
    // Index entries expire with the sessions they list.
    const sessionTtl = Number(await raw(client, ['TTL', own.session(id)]));
    for (const key of keys) {
      const ttl = Number(await raw(client, ['TTL', key]));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(sessionTtl + 1);
    }
  });
});

describe('the native StoreCipher under the store', () => {
  const { StoreCipher } = loadAddon();
  const header = (value) => JSON.parse(Buffer.from(value.split('.')[0], 'base64url').toString('utf8'));

  test('a value is a dir/A256GCM JWE under HKDF(secret, "session-seal store value v1"), opened here by node:crypto', () => {
    const secret = randomSecret();
    const id = newSessionId();
    const session = typicalSession();
    const now = nowSeconds();
    const sealed = new StoreCipher({ secret }).seal(id, session, { now });
    const value = sealed.value;
    expect(header(value)).toStrictEqual({ alg: 'dir', enc: 'A256GCM', typ: 'session-seal-store', id, exp: sealed.expiresAt, iat: now });
    expect(sealed.ttl).toBe(sealed.expiresAt - now);
    const [h, encryptedKey, iv, ciphertext, tag] = value.split('.');
    expect(encryptedKey).toBe('');
    const key = Buffer.from(crypto.hkdfSync('sha256', secret, Buffer.alloc(0), 'session-seal store value v1', 32));
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(h, 'ascii'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plaintext = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
    expect(plaintext.toString('utf8')).toBe(JSON.stringify(session));
  });

  test('open enforces the id, the end and the secret with coded errors; entries and tags are per secret', () => {
    const [secret, older] = [randomSecret(), randomSecret()];
    const cipher = new StoreCipher({ secret: [secret, older] });
    const id = newSessionId();
    const session = sessionOf();
    const now = nowSeconds();
    const { value, expiresAt, entries } = cipher.seal(id, session, { now });
    expect(expiresAt).toBe(now + 86_400);
    expect(cipher.open(id, value)).toStrictEqual({ session, keyIndex: 0, expiresAt, updatedAt: now });
    // Opened by an older secret: what to write back comes with it.
    const rotated = new StoreCipher({ secret: [randomSecret(), secret] }).open(id, value);
    expect(rotated.keyIndex).toBe(1);
    expect(rotated.reseal.stale).toStrictEqual(entries);
    const codeOf = (fn) => {
      try {
        fn();
        return 'no error';
      } catch (err) {
        return err.code;
      }
    };
    expect(codeOf(() => cipher.open(newSessionId(), value))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
    // Redis would have dropped it; a value restored from an old backup still does not open past its end.
    expect(codeOf(() => cipher.open(id, value, { now: expiresAt }))).toBe('ERR_JWT_EXPIRED');
    expect(codeOf(() => new StoreCipher({ secret: randomSecret() }).open(id, value))).toBe('ERR_JWE_DECRYPTION_FAILED');
    expect(codeOf(() => cipher.seal(id, { user: {} }))).toBe('ERR_SESSION_INVALID');
    expect(codeOf(() => cipher.indexTags('email', 'x'))).toBe('ERR_INVALID_ARG_VALUE');
    expect(codeOf(() => cipher.indexTags('sub', 5))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => cipher.open(id, 'x'.repeat(2 ** 20 + 1)))).toBe('ERR_INPUT_TOO_LARGE');
    const tags = cipher.indexTags('sub', session.user.sub);
    expect(tags).toHaveLength(2);
    expect(tags[0]).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new StoreCipher({ secret: older }).indexTags('sub', session.user.sub)).toStrictEqual([tags[1]]);
    // A write's entries: the newest secret's tags; each entry names the other index's tag.
    const sidTag = cipher.indexTags('sid', session.internal.sid)[0];
    expect(entries).toStrictEqual([
      { index: 'sub', tag: tags[0], member: `.${sidTag}.${id}` },
      { index: 'sid', tag: sidTag, member: `.${tags[0]}.${id}` },
    ]);
    expect(cipher.entriesOf(id, value)).toStrictEqual(entries);
    expect(codeOf(() => cipher.logoutTargets({ sub: 'u' }, 0, 'members'))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => cipher.logoutTargets({ sub: 'u' }, 0, Array(1001).fill('')))).toBe('ERR_INPUT_TOO_LARGE');
    expect(codeOf(() => cipher.logoutIndex({ sid: 5 }))).toBe('ERR_INVALID_ARG_TYPE');
    expect(cipher.logoutIndex({ sub: '', sid: null, iss: 'https://issuer.example/' })).toBeNull();
  });

  test('the value\'s end is the Redis TTL', async () => {
    const client = await connectClient('ioredis', server.port);
    try {
      const store = createRedisSessionStore({ client, secret: randomSecret(), absoluteDuration: 3600, inactivityDuration: 900 });
      const id = newSessionId();
      await store.set(id, sessionOf({ age: 60 }));
      const value = await raw(client, ['GET', layout.session(id)]);
      const ttl = Number(await raw(client, ['TTL', layout.session(id)]));
      const { exp, iat } = header(value);
      expect(exp - iat).toBe(900);
      expect(exp - nowSeconds()).toBeLessThanOrEqual(900);
      expect(Math.abs(exp - nowSeconds() - ttl)).toBeLessThanOrEqual(2);
    } finally {
      await closeClient(client);
    }
  });
});

describe('arguments', () => {
  let client;
  beforeAll(async () => {
    client = await connectClient('node-redis v5', server.port);
  });
  afterAll(async () => closeClient(client));

  const codeOf = (fn) => {
    try {
      fn();
    } catch (err) {
      return err.code;
    }
    return 'no error';
  };

  test('bad options are refused with coded errors, and the secret is never echoed', () => {
    const secret = randomSecret();
    expect(codeOf(() => createRedisSessionStore())).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => createRedisSessionStore({ secret }))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => createRedisSessionStore({ client: { get() {} }, secret }))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => createRedisSessionStore({ client, secret: '' }))).toBe('ERR_SECRET_INVALID');
    expect(codeOf(() => createRedisSessionStore({ client, secret: [] }))).toBe('ERR_SECRET_INVALID');
    expect(codeOf(() => createRedisSessionStore({ client, secret: [secret, ''] }))).toBe('ERR_SECRET_INVALID');
    expect(codeOf(() => createRedisSessionStore({ client, secret, prefix: 'a{b}:' }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(codeOf(() => createRedisSessionStore({ client, secret, prefix: 5 }))).toBe('ERR_INVALID_ARG_TYPE');
    for (const shards of [0, 1.5, 1025, '4']) {
      expect(codeOf(() => createRedisSessionStore({ client, secret, shards }))).toBe('ERR_INVALID_ARG_VALUE');
    }
    for (const name of ['absoluteDuration', 'inactivityDuration']) {
      for (const value of [0, -1, Infinity, NaN]) {
        expect(codeOf(() => createRedisSessionStore({ client, secret, [name]: value }))).toBe('ERR_INVALID_ARG_VALUE');
      }
      expect(codeOf(() => createRedisSessionStore({ client, secret, [name]: '60' }))).toBe('ERR_INVALID_ARG_TYPE');
    }
    expect(codeOf(() => createRedisSessionStore({ client, secret, rolling: 'yes' }))).toBe('ERR_INVALID_ARG_TYPE');
    for (const timeout of [0, -5, 2.5, 2 ** 31]) {
      expect(codeOf(() => createRedisSessionStore({ client, secret, timeout }))).toBe('ERR_INVALID_ARG_VALUE');
    }
    for (const replicas of [-1, 1.5, 65, '1']) {
      expect(codeOf(() => createRedisSessionStore({ client, secret, replicas }))).toBe('ERR_INVALID_ARG_VALUE');
    }
    try {
      createRedisSessionStore({ client, secret: [secret, ''] });
    } catch (err) {
      expect(err.message).not.toContain(secret);
    }
  });

  test('bad ids, sessions and logout tokens reject with coded errors; ids up to 256 bytes work', async () => {
    const store = createRedisSessionStore({ client, secret: randomSecret() });
    for (const id of [undefined, null, 42, {}]) {
      await expect(store.get(id)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    }
    for (const id of ['', 'x'.repeat(257), 'é'.repeat(129)]) {
      for (const call of [() => store.get(id), () => store.set(id, sessionOf()), () => store.update(id, sessionOf()), () => store.delete(id)]) {
        await expect(call()).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
      }
    }
    // The longest id the store takes is the longest the native cipher binds (256 bytes of UTF-8).
    for (const id of ['x'.repeat(256), 'é'.repeat(128)]) {
      await store.set(id, sessionOf());
      expect(await store.get(id)).not.toBeNull();
    }
    await expect(store.set(newSessionId(), null)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(store.update(newSessionId(), 'session')).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(store.deleteByLogoutToken(null)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(store.deleteByLogoutToken({ sub: 5 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(store.deleteByLogoutToken({ sid: 's', iss: {} })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
  });
});

describe('a store made before Redis or the secret is there (next build imports the app with neither)', () => {
  test('client given as a function: called on the first command, again after a failed one; secret from AUTH0_SECRET on the first call', async () => {
    const secret = randomSecret();
    const before = process.env.AUTH0_SECRET;
    delete process.env.AUTH0_SECRET;
    let calls = 0;
    let client;
    try {
      const store = createRedisSessionStore({
        client: async () => {
          calls += 1;
          if (calls === 1) throw new Error('ECONNREFUSED');
          client = await connectClient('node-redis v5', server.port);
          return client;
        },
      });
      expect(calls).toBe(0);
      const id = newSessionId();
      await expect(store.get(id)).rejects.toMatchObject({ code: 'ERR_STORE_COMMAND', message: expect.stringContaining('could not be had') });
      expect(await store.get(id)).toBeNull(); // connected now, on the second attempt
      expect(calls).toBe(2);
      // No secret anywhere: the first call that needs one says so.
      await expect(store.set(id, sessionOf())).rejects.toMatchObject({ code: 'ERR_SECRET_INVALID' });
      process.env.AUTH0_SECRET = secret;
      const later = createRedisSessionStore({ client: () => client });
      const session = sessionOf();
      await later.set(id, session);
      expect(await createRedisSessionStore({ client, secret }).get(id)).toStrictEqual(session);
      expect(calls).toBe(2);
      await expect(createRedisSessionStore({ client: () => ({ get() {} }) }).get(id)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    } finally {
      if (before === undefined) delete process.env.AUTH0_SECRET;
      else process.env.AUTH0_SECRET = before;
      if (client) await closeClient(client);
    }
  });
});

describe('the subpath export', () => {
  test('`session-seal/redis` loads by name from CommonJS and from ESM (named export seen by Node\'s ESM import)', () => {
    const script = (body) => execFileSync(process.execPath, ['--input-type=module', '-e', body], { cwd: repoRoot, encoding: 'utf8' }).trim();
    expect(script(`import { createRedisSessionStore } from 'session-seal/redis'; console.log(typeof createRedisSessionStore)`)).toBe('function');
    expect(script(`import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { createRequire } from 'node:module'; const r = createRequire(process.cwd() + '/'); ` +
      `console.log(Object.keys(r('session-seal/redis')).join())`)).toBe('createRedisSessionStore');
  });
});

describe('no command lists the keyspace', () => {
  test('the whole suite ran without KEYS or SCAN from the store (INFO commandstats, Lua included)', async () => {
    const client = await connectClient('node-redis v5', server.port);
    try {
      const stats = String(await raw(client, ['INFO', 'commandstats']));
      expect(stats).toMatch(/cmdstat_evalsha:calls=\d+/); // the counters are real: the store's scripts ran
      // The one KEYS call is this suite's own listing above ("what is stored under the keys"), not the store's.
      expect(stats).toMatch(/cmdstat_keys:calls=1,/);
      expect(stats).not.toMatch(/cmdstat_scan:/);
    } finally {
      await closeClient(client);
    }
  });
});
