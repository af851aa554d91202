// Mistakes TypeScript would catch but JavaScript (or a cast) lets through get a clear, coded error instead of a
// silent `null` or a cookie that lives 56,000 years: a Promise where a cookie jar belongs (`cookies()` without
// `await`), a request where its cookies belong, milliseconds where seconds since the epoch belong. With the
// real Next.js objects (`next/server`'s NextRequest, the edge-runtime RequestCookies `cookies()` returns).

import { describe, test, expect, beforeAll } from '@jest/globals';
import { createRequire } from 'node:module';
import { randomSecret, nowSeconds, smallSession } from './helpers/fixtures.mjs';

const require = createRequire(import.meta.url);
const addon = require('../index.js');
const { SessionCookies, SessionCipher, planChunkedCookie, generateSessionCookie, generateStatefulSessionCookie } = addon;

let NextRequest;
let RequestCookies;
beforeAll(async () => {
  ({ NextRequest } = await import('next/server.js'));
  ({ RequestCookies } = await import('next/dist/compiled/@edge-runtime/cookies/index.js'));
});

/** What a call throws (or rejects with): `{ code, message }`, or 'no error' and the result. */
async function outcome(call) {
  try {
    return { result: await call() };
  } catch (error) {
    return { code: error.code, message: error.message };
  }
}

/** Every method of the cookie layer that takes a cookie jar, called with `jar`. */
function jarTakers(jar) {
  const store = new SessionCookies({ secret: randomSecret() });
  return [
    ['read', () => store.read(jar)],
    ['inspect', () => store.inspect(jar)],
    ['write', () => store.write(smallSession(), jar)],
    ['writeWithBudget', () => store.writeWithBudget(smallSession(), jar)],
    ['clear', () => store.clear(jar)],
    ['readSessionId', () => store.readSessionId(jar)],
    ['writeSessionId', () => store.writeSessionId(null, nowSeconds(), jar)],
    ['clearSessionId', () => store.clearSessionId(jar)],
    ['planChunkedCookie', () => planChunkedCookie('__session', 'v', {}, jar)],
  ];
}

describe('a Promise where a cookie jar belongs: "did you forget `await cookies()`?"', () => {
  test('every method that takes a jar, with a Promise of the jar Next.js cookies() resolves to', async () => {
    const promise = Promise.resolve(new RequestCookies(new Headers({ cookie: 'a=b' })));
    for (const [name, call] of jarTakers(promise)) {
      expect({ name, ...(await outcome(call)) }).toStrictEqual({ name, code: 'ERR_INVALID_ARG_TYPE', message: expect.stringContaining('did you forget `await cookies()`?') });
    }
  });
});

describe('a request where its cookies belong: pointed to request.cookies', () => {
  test.each([
    ['a NextRequest (proxy.ts)', () => new NextRequest('https://app.example.test/', { headers: { cookie: '__session=x' } })],
    ['a Request (a route handler\'s argument)', () => new Request('https://app.example.test/', { headers: { cookie: '__session=x' } })],
    ['a Pages Router / Node.js req', () => ({ method: 'GET', url: '/', headers: { cookie: '__session=x', host: 'a' }, cookies: { __session: 'x' } })],
  ])('%s', async (_label, make) => {
    for (const [name, call] of jarTakers(make())) {
      expect({ name, ...(await outcome(call)) }).toStrictEqual({ name, code: 'ERR_INVALID_ARG_TYPE', message: expect.stringContaining('request.cookies') });
    }
  });

  test('what is a jar is still read: request.cookies, a name → value object (with a cookie named "headers"), a header', () => {
    const secret = randomSecret();
    const store = new SessionCookies({ secret });
    const value = store.write(smallSession(), null)[0].value;
    const request = new NextRequest('https://app.example.test/', { headers: { cookie: `__session=${value}` } });
    expect(store.read(request.cookies)).not.toBeNull();
    expect(store.read({ __session: value, headers: 'a cookie called headers' })).not.toBeNull();
    expect(store.read(`__session=${value}`)).not.toBeNull();
  });
});

describe('milliseconds where seconds since the epoch belong: ERR_INVALID_ARG_VALUE', () => {
  const ms = () => Date.now() + 3_600_000;
  test.each([
    ['SessionCipher.seal', () => new SessionCipher({ secret: randomSecret() }).seal(smallSession(), ms())],
    ['SessionCipher.sealPayload', () => new SessionCipher({ secret: randomSecret() }).sealPayload({ id: 'x' }, ms())],
    ['SessionCipher.unseal options.now', () => new SessionCipher({ secret: randomSecret() }).unseal('a.b.c.d.e', { now: Date.now() })],
    ['SessionCookies.write options.now', () => new SessionCookies({ secret: randomSecret() }).write(smallSession(), null, { now: Date.now() })],
    ['SessionCookies.read options.now', () => new SessionCookies({ secret: randomSecret() }).read(null, { now: Date.now() })],
    ['SessionCookies.writeSessionId createdAt', () => new SessionCookies({ secret: randomSecret() }).writeSessionId('id', Date.now(), null)],
    ['generateSessionCookie config.now', () => generateSessionCookie(smallSession(), { secret: randomSecret(), now: Date.now() })],
    ['generateStatefulSessionCookie config.now', () => generateStatefulSessionCookie('id', { secret: randomSecret(), now: Date.now() })],
  ])('%s', async (_label, call) => {
    expect(await outcome(call)).toStrictEqual({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('seconds since the epoch') });
  });

  test('seconds are taken, up to the year 5000', () => {
    const cipher = new SessionCipher({ secret: randomSecret() });
    for (const expiresAt of [nowSeconds() + 3600, 1e10, 95_000_000_000]) {
      expect(cipher.unseal(cipher.seal(smallSession(), expiresAt), { now: nowSeconds() }).exp).toBe(expiresAt);
    }
  });
});
