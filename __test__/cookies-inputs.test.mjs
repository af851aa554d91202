// The stored vectors of vectors/cookie-jars.json (jars the real SDK wrote and read), and what SessionCookies
// accepts as arguments: every CookieInput form, bad arguments as coded errors, bad cookies never (shared
// fixtures: helpers/cookies.mjs).

import { describe, test, expect } from '@jest/globals';
import { loadAddon, loadVectors } from './helpers/fixtures.mjs';
import {
  cookieSuite,
  sdk,
  normalizeStatelessSession,
  DAY,
  randomSecret,
  makeSession,
  requestCookies,
} from './helpers/cookies.mjs';

const { SessionCookies, planChunkedCookie } = loadAddon();

cookieSuite();

// ---------------------------------------------------------------------------------------------------
// The stored vectors
// ---------------------------------------------------------------------------------------------------

const vectors = loadVectors('cookie-jars.json');
const VECTOR_NOW = 1_795_000_000;

describe('cookie-jars.json', () => {
  test('the vectors are there', () => {
    expect(vectors.jars.length).toBeGreaterThanOrEqual(7);
    expect(vectors.v3SignedStatefulCookies.length).toBeGreaterThanOrEqual(2);
  });

  test.each(vectors.jars.map((j) => [j.name, j]))('%s', async (_name, jar) => {
    const cookies = new SessionCookies({ secret: jar.secret });
    const currentDate = new Date(VECTOR_NOW * 1000);
    if (jar.setCookie) {
      const plan = planChunkedCookie('__session', jar.jwe, { maxAge: DAY }, jar.priorCookieHeader);
      expect(plan.cookies).toStrictEqual(jar.setCookie.map(({ name, value, ...options }) => ({ name, value, options })));
      expect(plan.requestCookieHeader).toBe(jar.cookieHeaderAfter);
      const expected = normalizeStatelessSession(await sdk.decrypt(jar.jwe, jar.secret, { currentDate }));
      expect(cookies.read(jar.cookieHeaderAfter, { now: VECTOR_NOW })).toStrictEqual(expected);
      expect(expected).toStrictEqual(expect.objectContaining(jar.session));
    } else if (jar.readBack === null) {
      expect(cookies.read(jar.cookieHeader, { now: VECTOR_NOW })).toBeNull();
      expect(sdk.getChunkedCookie('__session', requestCookies(jar.cookieHeader))).toBeUndefined();
    } else {
      expect(jar.readBackEqualsJwe).toBe(true);
      expect(sdk.getChunkedCookie('appSession', requestCookies(jar.cookieHeader), true)).toBe(jar.jwe);
      const expected = normalizeStatelessSession(await sdk.decrypt(jar.jwe, jar.secret, { currentDate }));
      expect(cookies.read(jar.cookieHeader, { now: VECTOR_NOW })).toStrictEqual(expected);
    }
  });

  test.each(vectors.v3SignedStatefulCookies.map((v) => [v.id, v]))('v3 signed stateful cookie %s', async (_id, v) => {
    const cookies = new SessionCookies({ secret: v.secret });
    expect(cookies.readSessionId(`${v.cookieName}=${v.cookieValue}`)).toBe(v.verifiesTo);
    expect(await sdk.verifySigned(v.cookieName, v.cookieValue, v.secret)).toBe(v.verifiesTo);
  });
});

// ---------------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------------

describe('arguments', () => {
  test('every CookieInput form gives the same result; null and undefined are no cookies', () => {
    const secret = randomSecret();
    const cookies = new SessionCookies({ secret });
    const value = cookies.write(makeSession(), '')[0].value;
    const header = `theme=dark; __session=${value}; n=%20x`;
    const req = requestCookies(header);
    const forms = [header, req, req.getAll(), Object.fromEntries(req.getAll().map((c) => [c.name, c.value])), { getAll: () => req.getAll() }];
    const expected = cookies.read(header);
    expect(expected).not.toBeNull();
    for (const form of forms) {
      expect(cookies.read(form)).toStrictEqual(expected);
      expect(cookies.clear(form)).toStrictEqual(cookies.clear(header));
    }
    expect(cookies.read(undefined)).toBeNull();
    expect(cookies.read(null)).toBeNull();
    expect(cookies.clear(undefined)).toStrictEqual(cookies.clear(''));
  });

  test("a cookie named like serde_json's raw-value marker is a cookie like any other", () => {
    // serde_json's Value would take this member for embedded JSON and read the jar out of its value.
    const secret = randomSecret();
    const cookies = new SessionCookies({ secret });
    const value = cookies.write(makeSession(), '')[0].value;
    const marker = '$serde_json::private::RawValue';
    expect(cookies.read({ [marker]: JSON.stringify({ __session: value }) })).toBeNull();
    expect(cookies.read([{ name: marker, value: JSON.stringify([{ name: '__session', value }]) }])).toBeNull();
    expect(cookies.read({ [marker]: 'x', __session: value })).toStrictEqual(cookies.read({ __session: value }));
  });

  test('bad arguments throw coded errors; bad cookies never do', () => {
    const secret = randomSecret();
    const cookies = new SessionCookies({ secret });
    const code = (fn) => {
      try {
        fn();
      } catch (e) {
        return e.code;
      }
      return 'no error';
    };
    expect(code(() => new SessionCookies())).toBe('ERR_INVALID_ARG_TYPE');
    expect(code(() => new SessionCookies({}))).toBe('ERR_SECRET_INVALID');
    expect(code(() => new SessionCookies({ secret, cookieName: 'a b' }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(code(() => new SessionCookies({ secret, cookieOptions: { sameSite: 'maybe' } }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(code(() => new SessionCookies({ secret, cookieOptions: { domain: 'a;b' } }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(code(() => new SessionCookies({ secret, absoluteDuration: -1 }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(code(() => new SessionCookies({ secret, rolling: 'yes' }))).toBe('ERR_INVALID_ARG_TYPE');
    expect(code(() => cookies.read(42))).toBe('ERR_INVALID_ARG_TYPE');
    expect(code(() => cookies.read([{ name: 'a', value: 1 }]))).toBe('ERR_INVALID_ARG_TYPE');
    expect(code(() => cookies.read({ getAll() { throw new Error('boom'); } }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(code(() => cookies.read(new Headers({ cookie: 'a=b' })))).toBe('ERR_INVALID_ARG_TYPE');
    expect(code(() => cookies.read(new Map([['a', 'b']])))).toBe('ERR_INVALID_ARG_TYPE');
    expect(cookies.read({})).toBeNull(); // an empty name → value object is just no cookies
    expect(code(() => cookies.read('', { now: 'later' }))).toBe('ERR_INVALID_ARG_TYPE');
    expect(code(() => cookies.write({ user: {} }, ''))).toBe('ERR_SESSION_INVALID');
    expect(code(() => cookies.write(makeSession(), '', { validate: 'no' }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(code(() => cookies.write(makeSession(), '', { validate: 1 }))).toBe('ERR_INVALID_ARG_TYPE');
    expect(code(() => cookies.writeSessionId(5, 0, ''))).toBe('ERR_INVALID_ARG_TYPE');
    expect(code(() => cookies.writeSessionId('', 0, ''))).toBe('ERR_INVALID_ARG_VALUE');
    expect(code(() => cookies.writeSessionId(null, 'x', ''))).toBe('ERR_INVALID_ARG_TYPE');

    const huge = `a=${'x'.repeat(1 << 20)}`;
    expect(cookies.read(huge)).toBeNull();
    expect(cookies.readSessionId(huge)).toBeNull();
    expect(code(() => cookies.clear(huge))).toBe('ERR_INPUT_TOO_LARGE');

    for (const header of ['__session=%', '__session=a.b.c.d.e', '__session__0=x; __session__2=y', 'appSession=x.y', '__session=' + 'A'.repeat(70000)]) {
      expect(cookies.read(header)).toBeNull();
      expect(cookies.readSessionId(header)).toBeNull();
    }
  });
});
