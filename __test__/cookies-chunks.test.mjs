// The cookie layer's Set-Cookie wire against the real @auth0/nextjs-auth0 4.30.0: planChunkedCookie is the
// SDK's setChunkedCookie (same list, header lines, byte count and request header, into every kind of prior
// jar), and serializeSetCookie writes the SDK's header lines (shared fixtures: helpers/cookies.mjs).

import { describe, test, expect } from '@jest/globals';
import { createRequire } from 'node:module';
import { loadAddon } from './helpers/fixtures.mjs';
import {
  cookieSuite,
  sdk,
  DAY,
  realNow,
  randomSecret,
  randomText,
  freeze,
  makeSession,
  SIZES,
  PRIOR_JARS,
  STORE_CONFIGS,
  requestCookies,
  sdkEntries,
  unheldSweeps,
  browserApply,
} from './helpers/cookies.mjs';

const require = createRequire(import.meta.url);
const cookiePackage = require('cookie');
const { SessionCookies, planChunkedCookie, serializeSetCookie } = loadAddon();

cookieSuite();

// ---------------------------------------------------------------------------------------------------
// setChunkedCookie, exactly: the same JWE into the same jar
// ---------------------------------------------------------------------------------------------------

const CHUNK_OPTIONS = [
  ['store defaults', { httpOnly: true, sameSite: 'lax', secure: false, path: '/', maxAge: DAY }],
  ['custom', { httpOnly: true, sameSite: 'strict', secure: true, path: '/app', domain: 'example.com', maxAge: 3600 }],
  ['transient', { httpOnly: true, sameSite: 'lax', secure: false, path: '/', maxAge: DAY, transient: true }],
  ['empty path, not httpOnly', { httpOnly: false, sameSite: 'none', secure: true, path: '', maxAge: 60 }],
];

describe('planChunkedCookie is the SDK setChunkedCookie', () => {
  describe.each(SIZES)('%s session', (_label, make) => {
    test.each(PRIOR_JARS)('into a jar with %s: same list, header lines, bytes and request header', async (_j, prior) => {
      const secret = randomSecret();
      const jwe = await sdk.encrypt(make(), secret, realNow() + DAY);
      for (const [, options] of CHUNK_OPTIONS) {
        const now = freeze();
        const reqHeaders = new Headers(prior ? { cookie: prior } : {});
        const req = new sdk.RequestCookies(reqHeaders);
        const resHeaders = new Headers();
        const res = new sdk.ResponseCookies(resHeaders);
        const bytes = sdk.setChunkedCookie('__session', jwe, { ...options }, req, res);

        const plan = planChunkedCookie('__session', jwe, options, prior);
        // The SDK also deletes chunk names above __4 the request does not hold (helpers/cookies.mjs).
        const unheld = unheldSweeps(sdkEntries(res), prior, '__session');
        expect(plan.cookies).toStrictEqual(sdkEntries(res).filter((c) => !unheld.has(c.name)));
        expect(browserApply(prior, plan.cookies)).toBe(browserApply(prior, sdkEntries(res)));
        expect(plan.bytes).toBe(bytes);
        expect(plan.requestCookieHeader).toBe(reqHeaders.get('cookie'));
        expect(plan.cookies.map((c) => serializeSetCookie(c, { now: Date.now() / 1000 }))).toStrictEqual(
          resHeaders.getSetCookie().filter((line) => !unheld.has(line.slice(0, line.indexOf('=')))),
        );
        expect(now).toBe(Math.floor(Date.now() / 1000));
      }
    });
  });

  test.each([3499, 3500, 3501, 7000, 7001, 17500, 17501])(
    'a %d-byte value splits where the SDK splits it',
    (length) => {
      const value = randomText(length);
      const req = requestCookies('__session__5=x');
      const res = new sdk.ResponseCookies(new Headers());
      const options = { httpOnly: true, sameSite: 'lax', secure: false, path: '/', maxAge: 5 };
      const bytes = sdk.setChunkedCookie('__session', value, { ...options }, req, res);
      // Absent options are the store's defaults.
      const plan = planChunkedCookie('__session', value, { maxAge: 5 }, '__session__5=x');
      expect(plan.cookies).toStrictEqual(sdkEntries(res));
      expect(plan.bytes).toBe(bytes);
    },
  );

  test('non-ASCII values: byte length decides chunking, UTF-16 units decide the cuts', () => {
    const value = `${'a'.repeat(3000)}${'€'.repeat(300)}`; // 3300 units, 3900 bytes: chunked, one chunk
    const req = requestCookies('');
    const res = new sdk.ResponseCookies(new Headers());
    const bytes = sdk.setChunkedCookie('s', value, { httpOnly: true, sameSite: 'lax', secure: false, path: '/' }, req, res);
    const plan = planChunkedCookie('s', value, {}, '');
    expect(plan.cookies).toStrictEqual(sdkEntries(res));
    expect(plan.bytes).toBe(bytes);
    // A cut through a surrogate pair would hand the SDK a lone surrogate; we refuse it.
    expect(() => planChunkedCookie('s', `${'a'.repeat(3499)}😀😀`, {}, '')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });

  test('a hostile chunk index does not make a billion deletions', () => {
    const plan = planChunkedCookie('__session', 'v', { maxAge: 1 }, '__session__999999999=x; __session__4=y');
    // The session cookie, the fixed range __0 to __4, and the one chunk held above it.
    expect(plan.cookies.map((c) => c.name)).toStrictEqual([
      '__session', '__session__0', '__session__1', '__session__2', '__session__3', '__session__4', '__session__999999999',
    ]);
    expect(plan.cookies.at(-1)).toStrictEqual(expect.objectContaining({ name: '__session__999999999', value: '' }));
    expect(plan.requestCookieHeader).toBe('__session=v');
  });

  test('a stray __session__250 costs one deletion: 7 Set-Cookie lines where the SDK emits 252', async () => {
    const secret = randomSecret();
    const prior = 'theme=dark; __session__250=stray';
    const jwe = await sdk.encrypt(makeSession(), secret, realNow() + DAY);
    const options = { httpOnly: true, sameSite: 'lax', secure: false, path: '/', maxAge: DAY };
    const res = new sdk.ResponseCookies(new Headers());
    sdk.setChunkedCookie('__session', jwe, { ...options }, requestCookies(prior), res);
    expect(res.getAll().length).toBe(252);

    const plan = planChunkedCookie('__session', jwe, options, prior);
    expect(plan.cookies.map((c) => c.name)).toStrictEqual([
      '__session', '__session__0', '__session__1', '__session__2', '__session__3', '__session__4', '__session__250',
    ]);
    // The browser ends up with the same cookies either way.
    expect(browserApply(prior, plan.cookies)).toBe(browserApply(prior, sdkEntries(res)));
    // And so do the store's write, update and sign-out.
    const store = new SessionCookies({ secret });
    const session = makeSession();
    const sealed = store.write(session, null).filter((c) => c.value !== '');
    const jar = `${sealed.map((c) => `${c.name}=${c.value}`).join('; ')}; __session__250=stray`;
    expect(store.write(session, jar).length).toBe(7);
    expect(store.updateSession(jar, session).cookies.length).toBe(7);
    expect(store.clear(jar).length).toBe(7);
    expect(store.deleteSession(jar).length).toBe(7);
  });
});

// ---------------------------------------------------------------------------------------------------
// Set-Cookie lines
// ---------------------------------------------------------------------------------------------------

describe('serializeSetCookie', () => {
  test('every entry of real writes is the SDK header line, and the cookie package parses it back', async () => {
    const secret = randomSecret();
    let checked = 0;
    for (const [, config] of STORE_CONFIGS) {
      const cookies = new SessionCookies({ secret, ...config });
      const now = freeze();
      const list = [
        ...cookies.write(makeSession({ extra: 5000, connections: 2 }), '__FC_3=x; appSession=y; __session__6=z'),
        ...cookies.clear('__session=a; __FC_0=b'),
        ...cookies.writeSessionId(null, now, 'appSession=x').cookies,
      ];
      for (const c of list) {
        const line = serializeSetCookie(c, { now: Date.now() / 1000 });
        const edge = new sdk.ResponseCookies(new Headers());
        edge.set(c.name, c.value, { ...c.options });
        expect(line).toBe(edge.toString());

        const parsed = cookiePackage.parseSetCookie(line);
        expect(parsed.name).toBe(c.name);
        expect(parsed.value).toBe(c.value);
        expect(parsed.httpOnly ?? false).toBe(c.options.httpOnly);
        expect(parsed.secure ?? false).toBe(c.options.secure);
        expect(parsed.path).toBe(c.options.path);
        expect(parsed.domain).toBe(c.options.domain);
        expect(parsed.sameSite).toBe(c.options.sameSite);
        expect(parsed.maxAge).toBe(c.options.maxAge);
        if (c.options.maxAge) expect(parsed.expires.getTime()).toBe((now + c.options.maxAge) * 1000);
        else expect(parsed.expires).toBeUndefined();
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  test("values are URI-encoded as the SDK's ResponseCookies encodes them, and refused names or attributes throw", () => {
    const values = ['a b;c,€ %', '"quoted"', 'x=y&z', '\u00e9\u{1f600}', '!#$&\'()*+/:<>?@[]^`{|}~', '\\ \t'];
    for (const value of values) {
      const c = { name: 'pref', value, options: { httpOnly: false, secure: false, path: '/x y' } };
      const line = serializeSetCookie(c);
      const edge = new sdk.ResponseCookies(new Headers());
      edge.set(c.name, c.value, { ...c.options });
      expect(line).toBe(edge.toString());
      expect(line).not.toContain(value); // every value above needs encoding: the comparison is not of plain text
      expect(cookiePackage.parseSetCookie(line).value).toBe(c.value);
      expect(cookiePackage.parse(line.split(';')[0]).pref).toBe(c.value);
    }
    const c = { name: 'pref', value: values[0], options: { httpOnly: false, secure: false, path: '/x y' } };
    for (const bad of [
      { ...c, name: 'a;b' },
      { ...c, name: '' },
      { ...c, options: { path: '/\r\nSet-Cookie: x=1' } },
      { ...c, options: { domain: 'a;b' } },
      { ...c, options: { sameSite: 'sometimes' } },
    ]) {
      expect(() => serializeSetCookie(bad)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    }
    expect(() => serializeSetCookie({ name: 'a', value: 1 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => serializeSetCookie('a=b')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });
});
