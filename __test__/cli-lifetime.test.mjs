// The `session-seal` command minting what tests of an app need beyond a fresh cookie: cookies that have already
// expired (`--max-age 0`, `--max-age -60`, `--expires-at`), and stateful test sessions written into a real
// redis-server the way session-seal/redis stores them, which the real SDK (`Auth0Client({ sessionStore })`)
// then serves for the printed cookie. Fresh random secrets, users and ids on every run.

import { describe, test, expect, beforeAll, afterAll, jest } from '@jest/globals';
import { createRequire } from 'node:module';
import { Auth0Client } from '@auth0/nextjs-auth0/server';
import { NextRequest } from 'next/server.js';
import { randomHex, nowSeconds } from './helpers/fixtures.mjs';
import { CLI_TIMEOUT_MS, cliSuite, HOUR, sdk, secret, run, expectFailure, expectSuccess, parseReport, randomSub } from './helpers/cli.mjs';
import { RedisServer, serverAvailable } from '../scripts/lib/redis-servers.mjs';

const require = createRequire(import.meta.url);
const { createClient } = require('redis');
const { createRedisSessionStore } = require('../redis/index.js');

jest.setTimeout(CLI_TIMEOUT_MS);
cliSuite();

describe('expired cookies', () => {
  test.each([
    ['--max-age -60', ['--max-age', '-60'], -60],
    ['--max-age=-60', ['--max-age=-60'], -60],
    ['--max-age 0', ['--max-age', '0'], 0],
    ['--expires-at, an hour ago', ['--expires-at', 'PAST'], -HOUR],
  ])('generate %s: exp where it was asked for; the SDK and inspect refuse it as expired', async (_label, args, offset) => {
    const key = secret();
    const before = nowSeconds();
    const past = String(before - HOUR);
    const result = await run(['generate', '--sub', randomSub(), ...args.map((a) => (a === 'PAST' ? past : a))], { env: { AUTH0_SECRET: key } });
    const after = nowSeconds();
    expectSuccess(result);
    const cookie = result.stdout.trim();
    // Opened at the moment it expires, it is the session the SDK's helper makes.
    const { payload } = await sdk.decrypt(cookie, key, { currentDate: new Date((before + offset) * 1000) });
    expect(payload.exp).toBeGreaterThanOrEqual(offset === -HOUR ? Number(past) : before + offset);
    expect(payload.exp).toBeLessThanOrEqual(offset === -HOUR ? Number(past) : after + offset);
    expect(payload.internal).toStrictEqual({ sid: 'auth0-sid', createdAt: expect.any(Number) });
    // Now, once past the 15 s tolerance, it is expired: the SDK reads nothing, inspect says why.
    if (offset < -15) {
      expect(await sdk.decrypt(cookie, key)).toBeNull();
      const inspected = await run(['inspect'], { input: cookie, env: { AUTH0_SECRET: key } });
      expectFailure(inspected, 1, 'ERR_JWT_EXPIRED');
    }
  });

  test('seal --max-age -60 and --stateful --max-age -60: expired too; --set-cookie with an expired lifetime, or both options, is bad usage', async () => {
    const key = secret();
    const session = { user: { sub: randomSub() }, tokenSet: { accessToken: 'at', expiresAt: nowSeconds() + 60 }, internal: { sid: 's', createdAt: nowSeconds() } };
    const sealed = await run(['seal', '--max-age', '-60'], { input: JSON.stringify(session), env: { AUTH0_SECRET: key } });
    expectSuccess(sealed);
    expect(await sdk.decrypt(sealed.stdout.trim(), key)).toBeNull();
    const id = randomHex(16);
    const stateful = await run(['generate', '--stateful', '--id', id, '--max-age', '-60'], { env: { AUTH0_SECRET: key } });
    expectSuccess(stateful);
    expect(await sdk.decrypt(stateful.stdout.trim(), key)).toBeNull();
    const { payload } = await sdk.decrypt(stateful.stdout.trim(), key, { currentDate: new Date((nowSeconds() - 120) * 1000) });
    expect(payload.id).toBe(id);
    for (const args of [['generate', '--sub', 'x', '--max-age', '-1', '--set-cookie'], ['generate', '--sub', 'x', '--max-age', '5', '--expires-at', '5'], ['generate', '--sub', 'x', '--expires-at', 'soon']]) {
      expectFailure(await run(args, { env: { AUTH0_SECRET: key } }), 2, 'ERR_USAGE');
    }
  });
});

describe('stateful test sessions, written into a store', () => {
  let server;
  let client;
  beforeAll(async () => {
    if (!serverAvailable('redis')) throw new Error('redis-server is not installed and could not be installed with apt-get');
    server = await RedisServer.start();
    client = await createClient({ url: `redis://127.0.0.1:${server.port}` }).on('error', () => {}).connect();
  }, 300_000);
  afterAll(async () => {
    client?.destroy();
    await server?.stop();
  });

  test('generate --stateful --sub … --redis URL: the SDK, on session-seal/redis, serves the session for the printed cookie', async () => {
    const key = secret();
    const sub = randomSub();
    const before = nowSeconds();
    const result = await run(['generate', '--stateful', '--sub', sub, '--name', 'Stateful Sam', '--redis', `redis://127.0.0.1:${server.port}`], { env: { AUTH0_SECRET: key } });
    expectSuccess(result);
    const report = parseReport(await run(['inspect', '--json'], { input: result.stdout, env: { AUTH0_SECRET: key } }));
    expect(report.format).toBe('stateful-id');
    expect(report.payload.exp).toBeGreaterThanOrEqual(before + HOUR);
    const auth0 = new Auth0Client({ domain: 'example.invalid', clientId: 'c', clientSecret: 's', secret: key, sessionStore: createRedisSessionStore({ client, secret: key }) });
    const session = await auth0.getSession(new NextRequest('https://app.example.test/', { headers: { cookie: `__session=${result.stdout.trim()}` } }));
    expect(session.user).toStrictEqual({ sub, name: 'Stateful Sam' });
    expect(session.internal).toStrictEqual({ sid: 'auth0-sid', createdAt: expect.any(Number) });
    expect(session.tokenSet.accessToken).toStrictEqual(expect.any(String));
  });

  test('--prefix and --shards lay the keys out as the app\'s store does; --id picks the id', async () => {
    const key = secret();
    const id = randomHex(16);
    const result = await run(['generate', '--stateful', '--id', id, '--sub', randomSub(), '--redis', `redis://127.0.0.1:${server.port}`, '--prefix', 'app1:', '--shards', '4'], { env: { AUTH0_SECRET: key } });
    expectSuccess(result);
    expect(await createRedisSessionStore({ client, secret: key, prefix: 'app1:', shards: 4 }).get(id)).toStrictEqual(expect.objectContaining({ internal: expect.any(Object) }));
    expect(await createRedisSessionStore({ client, secret: key }).get(id)).toBeNull();
  });

  test('a user without a store, a store without a user, or an unreachable Redis: a clear error', async () => {
    const key = secret();
    expectFailure(await run(['generate', '--stateful', '--sub', randomSub()], { env: { AUTH0_SECRET: key } }), 2, 'ERR_USAGE');
    expectFailure(await run(['generate', '--stateful', '--redis', 'redis://127.0.0.1:1'], { env: { AUTH0_SECRET: key } }), 2, 'ERR_USAGE');
    expectFailure(await run(['generate', '--sub', randomSub(), '--redis', 'redis://127.0.0.1:1'], { env: { AUTH0_SECRET: key } }), 2, 'ERR_USAGE');
    const unreachable = await run(['generate', '--stateful', '--sub', randomSub(), '--redis', 'redis://127.0.0.1:1'], { env: { AUTH0_SECRET: key } });
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr).toMatch(/^session-seal: \S+: could not store the session in redis:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/);
    expect(unreachable.stdout).toBe('');
  });
});
