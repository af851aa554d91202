// End to end, in a real Next.js 16 server: examples/next-app (cacheComponents, proxy.ts, a server component in
// <Suspense>, route handlers, Pages Router API routes, all on `session-seal/next`) beside the real
// @auth0/nextjs-auth0 4.30.0, under a fresh random AUTH0_SECRET per server. It is built with no secret in its
// environment, then run four ways, each with its own cookie settings from the SDK's environment variables:
//
//   1. `next build` (Turbopack, with `output: 'standalone'`) + `next start`
//   2. the same build's standalone server (`node .next/standalone/server.js`), https APP_BASE_URL
//   3. `next build --webpack` + `next start`, no APP_BASE_URL (the SDK then forces Secure in production)
//   4. `next dev`, transient cookies
//
// In each: the README's first combination, a rolling proxy.ts before a server component (in <Suspense>) and a
// server action on the same route, reading and updating the session (and the same through the SDK's own calls);
// sessions minted by the SDK (with and without `tokenSet`), written by its store (three chunks or more, a
// connection-token cookie), v3 cookies, are read identically by getSession in route handlers, the Pages Router,
// a server component and proxy.ts, and by the SDK; updates (route handler, Pages Router, proxy.ts rolling, a
// server action) give the SDK's own Set-Cookie list and the SDK reads them; bad cookies are refused by
// all; no token reaches the browser; misuse gets a coded error; and within one request (next-request-cases.mjs)
// no session cookie goes out cacheable, every reader sees the request's own update, and a render reads the
// session once. One build per mode serves all its tests.

import { describe, test, expect, beforeAll, afterAll, jest } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomSecret, randomHex, randomB64u, randomJwt, randomV3Session, smallSession, typicalSession as anyTypicalSession, loadVectors, nowSeconds, deepClone, asJson } from '../helpers/fixtures.mjs';
import { requestCases } from './next-request-cases.mjs';
import { appDir, sdkDist, acquireLock, releaseLock, installApp, buildApp, startServer, request as httpRequest } from './next-harness.mjs';
import { applySetCookies, cookieHeader, parseSetCookie } from '../../scripts/lib/browser.mjs';
import { ensureBuilt } from '../../scripts/lib/example-app.mjs';

// Typically: install 0-30 s, each build 20-100 s, a server ready in 1-2 s, each request well under a second
// (dev: a route compiles on its first request, a few seconds); on a busy shared machine several times that.
// The limits are far above any honest run: they bound a hang, they never judge speed.
const PREPARE_MS = 540_000; // the lock (another run of this file in the same tree), the addon, the install
const BUILD_MS = 360_000;
const READY_MS = 120_000;
const DOMAIN = 'example.invalid'; // the app's AUTH0_DOMAIN: sessions of another custom domain are refused

const MODES = [
  { key: 'turbopack', title: 'next build (Turbopack) + next start', build: [], buildEnv: { NEXT_OUTPUT: 'standalone' }, serve: 'start', env: { APP_BASE_URL: 'http://127.0.0.1:3000' }, cookie: { secure: false, sameSite: 'lax' } },
  { key: 'standalone', title: "output: 'standalone' (node .next/standalone/server.js), https APP_BASE_URL", serve: 'standalone', env: { APP_BASE_URL: 'https://app.session-seal.test', AUTH0_COOKIE_SAME_SITE: 'strict', AUTH0_COOKIE_DOMAIN: 'session-seal.test' }, cookie: { secure: true, sameSite: 'strict', domain: 'session-seal.test' } },
  { key: 'webpack', title: 'next build --webpack + next start, no APP_BASE_URL', build: ['--webpack'], buildEnv: {}, serve: 'start', env: {}, cookie: { secure: true, sameSite: 'lax' } },
  { key: 'dev', title: 'next dev, AUTH0_COOKIE_TRANSIENT=true', serve: 'dev', env: { AUTH0_COOKIE_TRANSIENT: 'true' }, cookie: { secure: false, sameSite: 'lax', transient: true } },
];

const timings = [];
let sdk; // the real SDK, in this process: encrypt, decrypt, RequestCookies, ResponseCookies, StatelessSessionStore, generateSessionCookie

beforeAll(async () => {
  const started = Date.now();
  const importDist = (file) => import(pathToFileURL(path.join(sdkDist, file)).href); // one at a time (Jest's ESM loader)
  const cookies = await importDist('server/cookies.js');
  const { StatelessSessionStore } = await importDist('server/session/stateless-session-store.js');
  const { generateSessionCookie } = await importDist('testing/generate-session-cookie.js');
  sdk = { ...cookies, StatelessSessionStore, generateSessionCookie };
  ensureBuilt(PREPARE_MS);
  await acquireLock(300_000);
  const what = await installApp(PREPARE_MS);
  timings.push(`install (${what}) ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, PREPARE_MS);

afterAll(() => {
  releaseLock();
  if (timings.length) console.log(`next-app e2e: ${timings.join(' · ')}`);
});

test('the example is written the Next.js 16 way: proxy.ts, cacheComponents, no route segment config, session-seal/next', () => {
  const sources = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (['node_modules', '.next'].includes(e.name)) continue;
      const file = path.join(dir, e.name);
      if (e.isDirectory()) walk(file);
      else if (/\.(ts|tsx|mjs)$/.test(e.name) && e.name !== 'next-env.d.ts') sources.push([path.relative(appDir, file), fs.readFileSync(file, 'utf8')]);
    }
  };
  walk(appDir);
  const names = sources.map(([name]) => name);
  expect(names).toContain('proxy.ts');
  expect(names).not.toContain('middleware.ts');
  expect(sources.filter(([, text]) => /export const (dynamic|runtime)\b/.test(text)).map(([name]) => name)).toStrictEqual([]); // F1
  expect(names).toContain('next.config.ts'); // what create-next-app writes
  expect(sources.find(([name]) => name === 'next.config.ts')[1]).toMatch(/cacheComponents: true/);
  expect(sources.find(([name]) => name === 'lib/session.ts')[1]).toMatch(/from 'session-seal\/next'/);
});

// ---------------------------------------------------------------------------------------------------------
// Sessions and jars

const typicalSession = () => {
  const session = anyTypicalSession();
  if (session.internal.mcd) session.internal.mcd = { ...session.internal.mcd, domain: DOMAIN };
  return session;
};

/** A session that seals to three chunks or more: a typical one with more access tokens. */
function sessionOfAtLeast(bytes) {
  const session = typicalSession();
  session.accessTokens = [];
  while (JSON.stringify(session).length < bytes) {
    session.accessTokens.push({ accessToken: randomJwt(700), audience: `https://${randomHex(4)}.api.example.com/`, expiresAt: nowSeconds() + 3600, scope: 'read:things write:things' });
  }
  return session;
}

const flip = (text, index) => text.slice(0, index) + (text[index] === 'A' ? 'B' : 'A') + text.slice(index + 1);
/** One character of the ciphertext changed: the GCM tag no longer verifies. */
const tamper = (cookie) => {
  const parts = cookie.split('.');
  parts[3] = flip(parts[3], Math.floor(parts[3].length / 2));
  return parts.join('.');
};

// ---------------------------------------------------------------------------------------------------------

for (const mode of MODES) {
  describe(mode.title, () => {
    const dev = mode.serve === 'dev';
    const REQUEST_MS = dev ? 180_000 : 60_000; // dev compiles a route on its first request
    const TEST_MS = dev ? 600_000 : 180_000;
    let server;
    let secret;
    let buildOutput = '';

    beforeAll(async () => {
      let started = Date.now();
      if (mode.build) {
        // As in a Docker or CI build: no AUTH0_SECRET, AUTH0_DOMAIN or APP_BASE_URL at all (F5).
        buildOutput = await buildApp(mode.build, mode.buildEnv, BUILD_MS);
        timings.push(`${mode.key} build ${((Date.now() - started) / 1000).toFixed(1)} s`);
        started = Date.now();
      }
      secret = randomSecret();
      server = await startServer(mode.serve, { AUTH0_SECRET: secret, AUTH0_DOMAIN: DOMAIN, ...mode.env }, READY_MS);
      timings.push(`${mode.key} ready ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }, BUILD_MS + READY_MS + 10_000);

    afterAll(async () => {
      if (server) await server.stop();
    }, 60_000); // a SIGTERM, 5 s of grace, a SIGKILL: the limit only bounds a hang

    const request = (pathname, options = {}) => httpRequest(server.base, pathname, { ...options, timeoutMs: REQUEST_MS });
    const store = () => new sdk.StatelessSessionStore({ secret, cookieOptions: mode.cookie });
    /** The SDK's store reading a jar, in this process. */
    const sdkRead = (jar) => store().get(new sdk.RequestCookies(new Headers({ cookie: cookieHeader(jar) })));
    /** The jar a browser keeps after the SDK's store writes `session` into an empty one. */
    async function sdkWritten(session) {
      const headers = new Headers();
      const warn = jest.spyOn(console, 'warn').mockImplementation(() => {}); // its once-per-process size warning
      try {
        await store().set(new sdk.RequestCookies(new Headers()), new sdk.ResponseCookies(headers), deepClone(session));
      } finally {
        warn.mockRestore();
      }
      return applySetCookies([], headers.getSetCookie());
    }

    /**
     * Every reader answers 200 with the same session: getSession() in a route handler, getSession(req) in the
     * Pages Router and the SDK's auth0.getSession() (as digests: no token leaves the server); the user routes,
     * the server component and proxy.ts too. Returns the session as the SDK reads it in this process.
     */
    async function readEverywhere(jar) {
      const expected = await sdkRead(jar);
      expect(expected).not.toBeNull();
      const digests = {};
      for (const pathname of ['/api/e2e/sdk-digest', '/api/e2e/digest', '/api/e2e/pages-digest']) {
        const r = await request(pathname, { jar });
        expect({ pathname, status: r.status, error: r.json?.error }).toStrictEqual({ pathname, status: 200, error: undefined });
        digests[pathname] = r.json.digest;
      }
      expect(digests['/api/e2e/digest']).toBe(digests['/api/e2e/sdk-digest']);
      expect(digests['/api/e2e/pages-digest']).toBe(digests['/api/e2e/sdk-digest']);
      const user = JSON.parse(JSON.stringify(expected.user));
      for (const pathname of ['/api/me', '/api/pages/me']) {
        const r = await request(pathname, { jar });
        expect({ pathname, status: r.status, user: r.json?.user }).toStrictEqual({ pathname, status: 200, user });
      }
      const page = await request('/', { jar });
      expect(page.status).toBe(200);
      expect(page.text).toContain('Signed in as');
      expect(page.text).not.toContain('Not signed in');
      expect((await request('/protected', { jar })).status).toBe(200);
      return expected;
    }

    /** Every reader refuses: 401 (the SDK and getSession with the same error code, if any), proxy.ts too. */
    async function refusedEverywhere(jar, error) {
      for (const pathname of ['/api/e2e/sdk-digest', '/api/e2e/digest', '/api/e2e/pages-digest']) {
        const r = await request(pathname, { jar });
        expect({ pathname, status: r.status, error: r.json?.error }).toStrictEqual({ pathname, status: 401, error });
      }
      if (!error) {
        for (const pathname of ['/api/me', '/api/pages/me', '/protected']) {
          expect({ pathname, status: (await request(pathname, { jar })).status }).toStrictEqual({ pathname, status: 401 });
        }
        const page = await request('/', { jar });
        expect(page.text).toContain('Not signed in');
      }
    }

    /** The attributes every session cookie of this mode carries, from the SDK's environment variables. */
    function expectModeAttributes(lines) {
      for (const line of lines) {
        const { attrs } = parseSetCookie(line);
        expect({ line: line.slice(0, 40), secure: attrs.secure === true, samesite: attrs.samesite, domain: attrs.domain, httponly: attrs.httponly }).toStrictEqual({
          line: line.slice(0, 40),
          secure: mode.cookie.secure,
          samesite: mode.cookie.sameSite,
          domain: mode.cookie.domain,
          httponly: true,
        });
      }
    }

    /**
     * Two Set-Cookie lists for the same update are the same list: the same names (in the same order, unless
     * `anyOrder`), every attribute (Max-Age too; Expires is Max-Age from the moment of writing), and values that
     * open to the same payload, `exp` within the moments around the requests.
     */
    async function expectSameUpdate(ours, theirs, { before, after, anyOrder = false }) {
      const byName = (x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0);
      const a = ours.map(parseSetCookie).sort(anyOrder ? byName : () => 0);
      const b = theirs.map(parseSetCookie).sort(anyOrder ? byName : () => 0);
      expect(a.map((c) => c.name)).toStrictEqual(b.map((c) => c.name));
      const withoutExpires = ({ expires, ...rest }) => rest;
      expect(a.map((c) => withoutExpires(c.attrs))).toStrictEqual(b.map((c) => withoutExpires(c.attrs)));
      expect(a.map((c) => c.value === '')).toStrictEqual(b.map((c) => c.value === ''));
      /** The payloads of the cookies a list sets: the session (whole, or its chunks in order), then each __FC_i. */
      const opened = async (cookies) => {
        const set = cookies.filter((c) => c.value !== '');
        const chunk = (c) => Number(/^__session__(\d+)$/.exec(c.name)?.[1] ?? -1);
        const whole = set.find((c) => c.name === '__session');
        const session = whole ? whole.value : set.filter((c) => chunk(c) >= 0).sort((x, y) => chunk(x) - chunk(y)).map((c) => c.value).join('');
        const values = [session, ...set.filter((c) => /^__FC_\d+$/.test(c.name)).map((c) => c.value)];
        return Promise.all(values.map(async (v) => (await sdk.decrypt(v, secret)).payload));
      };
      const [mine, sdks] = [await opened(a), await opened(b)];
      const maxAge = Number(a.find((c) => c.value !== '')?.attrs['max-age'] ?? 86400);
      for (const payload of [...mine, ...sdks]) {
        expect(payload.exp).toBeGreaterThanOrEqual(before + maxAge);
        expect(payload.exp).toBeLessThanOrEqual(after + maxAge);
      }
      const noExp = (list) => list.map(({ exp, ...rest }) => rest);
      expect(noExp(mine)).toStrictEqual(noExp(sdks));
    }

    test('built with no AUTH0_SECRET in the environment (F5), the running server reads sessions with the secret it was started with', async () => {
      if (mode.build) {
        expect(buildOutput).toMatch(/[◐]\s+\/\n/); // the page is partially prerendered: its shell at build time (F1, F2)
      }
      const jar = [{ name: '__session', value: await sdk.generateSessionCookie(smallSession(), { secret }) }];
      await readEverywhere(jar);
    }, TEST_MS);

    describe('every reader gives the SDK\'s answer', () => {
      test('SDK generateSessionCookie with a tokenSet, and without one (F3)', async () => {
        await readEverywhere([{ name: '__session', value: await sdk.generateSessionCookie(typicalSession(), { secret }) }]);
        const user = { sub: `auth0|${randomHex(6)}`, name: `No Tokens ${randomHex(3)}` };
        const read = await readEverywhere([{ name: '__session', value: await sdk.generateSessionCookie({ user }, { secret }) }]);
        expect(read.tokenSet).toBeUndefined();
        expect(read.user).toStrictEqual(user);
      }, TEST_MS);

      test('a session of three chunks or more and a __FC_0 connection-token cookie, written by the SDK\'s store (F4)', async () => {
        const session = sessionOfAtLeast(7_000);
        session.connectionTokenSets = [{ accessToken: randomB64u(120), expiresAt: nowSeconds() + 3600, connection: 'google-oauth2' }];
        const jar = await sdkWritten(session);
        expect(jar.filter((c) => /^__session__\d+$/.test(c.name)).length).toBeGreaterThanOrEqual(3);
        expect(jar.map((c) => c.name)).toContain('__FC_0');
        const read = await readEverywhere(jar);
        expect(read.connectionTokenSets).toHaveLength(1);
      }, TEST_MS);

      test('v3 appSession cookies (the stored vectors, and a chunked one) sealed by the SDK under this run\'s secret', async () => {
        for (const vector of loadVectors('v3-legacy-cookies.json').vectors) {
          const cookie = await sdk.encrypt(deepClone(vector.session), secret, vector.header.exp, vector.header);
          // (the SDK's read as JSON: its v3 conversion leaves `undefined` members, see fixtures.mjs's asJson)
          expect(asJson(await readEverywhere([{ name: 'appSession', value: cookie }]))).toStrictEqual(vector.expected.normalized);
        }
        const v3 = randomV3Session('full');
        v3.user.padding = randomB64u(4_000);
        const iat = nowSeconds() - 3600;
        const cookie = await sdk.encrypt(v3, secret, iat + 7200, { iat, uat: iat + 5, exp: iat + 7200 });
        const jar = [];
        for (let i = 0; i * 3000 < cookie.length; i++) jar.push({ name: `appSession.${i}`, value: cookie.slice(i * 3000, (i + 1) * 3000) });
        expect(jar.length).toBeGreaterThanOrEqual(2);
        await readEverywhere(jar);
      }, TEST_MS);

      test('refused by all: tampered (plain and chunked), expired, another secret, past the IdP ceiling, another custom domain', async () => {
        await refusedEverywhere([{ name: '__session', value: tamper(await sdk.generateSessionCookie(smallSession(), { secret })) }]);
        const chunks = await sdkWritten(sessionOfAtLeast(7_000));
        chunks[1] = { ...chunks[1], value: flip(chunks[1].value, 100) };
        await refusedEverywhere(chunks);
        await refusedEverywhere([{ name: '__session', value: await sdk.encrypt(smallSession(), secret, nowSeconds() - 3600) }]);
        await refusedEverywhere([{ name: '__session', value: await sdk.generateSessionCookie(smallSession(), { secret: randomSecret() }) }]);
        const ceiling = smallSession();
        ceiling.internal.sessionExpiresAt = nowSeconds() + 20; // within the SDK's 30 s leeway
        await refusedEverywhere([{ name: '__session', value: await sdk.generateSessionCookie(ceiling, { secret }) }]);
        const foreign = smallSession();
        foreign.internal.mcd = { domain: 'other-tenant.example.com', issuer: 'https://other-tenant.example.com/' };
        await refusedEverywhere([{ name: '__session', value: await sdk.generateSessionCookie(foreign, { secret }) }], 'session_domain_mismatch');
      }, TEST_MS);
    });

    describe('updates write the SDK\'s own Set-Cookie list, and the SDK reads them', () => {
      /** Jars to update: SDK-minted (small; without tokenSet, F3), SDK-written chunks with __FC_0, v3. */
      async function jars() {
        const chunked = sessionOfAtLeast(7_000);
        chunked.connectionTokenSets = [{ accessToken: randomB64u(120), expiresAt: nowSeconds() + 3600, connection: 'github' }];
        const v3 = randomV3Session('full');
        const iat = nowSeconds() - 600;
        return [
          ['SDK-minted', [{ name: '__session', value: await sdk.generateSessionCookie(smallSession(), { secret }) }]],
          ['SDK-minted without tokenSet', [{ name: '__session', value: await sdk.generateSessionCookie({ user: { sub: `auth0|${randomHex(6)}` } }, { secret }) }]],
          ['three chunks and __FC_0', await sdkWritten(chunked)],
          ['v3 appSession', [{ name: 'appSession', value: await sdk.encrypt(v3, secret, iat + 3600, { iat, uat: iat, exp: iat + 3600 }) }]],
        ];
      }

      /** Sends the same request to our route and the SDK's; both lists, and the moments around them. */
      async function both(ours, theirs, jar, body) {
        const method = body === undefined ? 'GET' : 'POST';
        const before = nowSeconds();
        const a = await request(ours, { jar, method, body });
        const b = await request(theirs, { jar, method, body });
        const after = nowSeconds();
        expect({ ours: a.status, theirs: b.status, body: a.status === 200 ? '' : a.text }).toStrictEqual({ ours: 200, theirs: 200, body: '' });
        return { ours: a.setCookie, theirs: b.setCookie, before, after };
      }

      test('proxy.ts rolling, updateSession(request, response, session): the list auth0.updateSession writes in proxy.ts', async () => {
        for (const [kind, jar] of await jars()) {
          const { ours, theirs, before, after } = await both('/protected', '/sdk-protected', jar);
          expect({ kind, cookies: ours.length > 0 }).toStrictEqual({ kind, cookies: true });
          expectModeAttributes(ours);
          await expectSameUpdate(ours, theirs, { before, after });
          await readEverywhere(applySetCookies(jar, ours));
        }
      }, TEST_MS);

      test('Pages Router, updateSession(req, res, session): the list auth0.updateSession(req, res, session) writes', async () => {
        for (const [kind, jar] of await jars()) {
          const changes = { nickname: `pages-${randomHex(3)}` };
          const { ours, theirs, before, after } = await both('/api/pages/touch', '/api/e2e/pages-sdk-touch', jar, changes);
          expect({ kind, cookies: ours.length > 0 }).toStrictEqual({ kind, cookies: true });
          expectModeAttributes(ours);
          await expectSameUpdate(ours, theirs, { before, after });
          expect((await readEverywhere(applySetCookies(jar, ours))).user).toMatchObject(changes);
        }
      }, TEST_MS);

      test('route handler, updateSession(session) through next/headers: the same list as the SDK\'s store writes', async () => {
        for (const [kind, jar] of await jars()) {
          const changes = { nickname: `app-${randomHex(3)}` };
          // The SDK's store list for the same update is the one its Pages Router path writes (separate
          // request and response jars); see the next test for what its App Router path writes. Next.js's
          // cookies() lists the names the request had first, in the request's order: the order differs, and
          // between different names it means nothing to a browser.
          const { ours, theirs, before, after } = await both('/api/touch', '/api/e2e/pages-sdk-touch', jar, changes);
          expect({ kind, cookies: ours.length > 0 }).toStrictEqual({ kind, cookies: true });
          expectModeAttributes(ours);
          await expectSameUpdate(ours, theirs, { before, after, anyOrder: true });
          expect((await readEverywhere(applySetCookies(jar, ours))).user).toMatchObject(changes);
        }
      }, TEST_MS);

      if (mode.key === 'turbopack') {
        test('for the record: the SDK\'s own App Router updateSession(session) writes the cookie back without HttpOnly, SameSite or Max-Age (4.30.0)', async () => {
          // It passes Next.js's cookies() as both its request and response jar, so its read-after-write
          // `reqCookies.set(name, value)` replaces the Set-Cookie it just wrote. session-seal writes the store's list.
          const jar = [{ name: '__session', value: await sdk.generateSessionCookie(smallSession(), { secret }) }];
          const theirs = (await request('/api/e2e/sdk-touch', { jar, method: 'POST', body: {} })).setCookie.map(parseSetCookie);
          const ours = (await request('/api/touch', { jar, method: 'POST', body: {} })).setCookie.map(parseSetCookie);
          expect(theirs.find((c) => c.name === '__session').attrs).toStrictEqual({ path: '/' });
          expect(ours.find((c) => c.name === '__session').attrs).toMatchObject({ path: '/', httponly: true, samesite: 'lax', 'max-age': '86400' });
        }, TEST_MS);
      }

      test('sign-out, deleteSession(): the deletions of the SDK\'s store', async () => {
        const chunked = sessionOfAtLeast(7_000);
        chunked.connectionTokenSets = [{ accessToken: randomB64u(100), expiresAt: nowSeconds() + 3600, connection: 'slack' }];
        const jar = [...(await sdkWritten(chunked)), { name: 'appSession', value: 'stale-v3' }];
        const r = await request('/api/logout', { jar, method: 'POST' });
        expect(r.status).toBe(204);
        const headers = new Headers();
        await store().delete(new sdk.RequestCookies(new Headers({ cookie: cookieHeader(jar) })), new sdk.ResponseCookies(headers));
        // In any order: Next.js's cookies() lists the names the request had first (see above).
        const strip = (lines) => lines.map(parseSetCookie).sort((x, y) => (x.name < y.name ? -1 : 1));
        expect(strip(r.setCookie)).toStrictEqual(strip(headers.getSetCookie()));
        await refusedEverywhere(applySetCookies(jar, r.setCookie));
      }, TEST_MS);

      test('without a session: 401, no Set-Cookie', async () => {
        for (const pathname of ['/api/touch', '/api/pages/touch']) {
          const r = await request(pathname, { method: 'POST', body: { name: 'x' } });
          expect({ pathname, status: r.status, setCookie: r.setCookie }).toStrictEqual({ pathname, status: 401, setCookie: [] });
        }
        expect((await request('/protected')).setCookie).toStrictEqual([]);
      }, TEST_MS);
    });

    describe('the README\'s first combination: a rolling proxy.ts before a server component (in Suspense) and a server action', () => {
      /** The server component's text, as the HTML carries it (React separates text parts with comments). */
      const profile = (html) => /<p id="profile">([\s\S]*?)<\/p>/.exec(html)?.[1].replace(/<!-- -->/g, '');
      /** Submits the page's form as a browser without JavaScript does: its action's id and fields, to the page's URL. */
      async function submit(pathname, jar, html, fields) {
        const id = /name="(\$ACTION_ID_[0-9a-f]+)"/.exec(html)?.[1];
        expect(id).toBeDefined();
        const form = new FormData();
        form.append(id, '');
        for (const [key, value] of Object.entries(fields)) form.append(key, value);
        const response = await fetch(server.base + pathname, { method: 'POST', body: form, headers: { cookie: cookieHeader(jar), origin: server.base }, redirect: 'manual', signal: AbortSignal.timeout(REQUEST_MS) });
        return { status: response.status, text: await response.text(), setCookie: response.headers.getSetCookie() };
      }

      for (const [pathname, reader] of [['/dashboard', 'session-seal/next'], ['/sdk-dashboard', 'the SDK\'s own getSession/updateSession']]) {
        test(`${pathname}, ${reader}: the page shows the rolled session, the action renames the user, the SDK reads the result`, async () => {
          const session = smallSession();
          session.user.name = `Reader ${randomHex(4)}`;
          let jar = [{ name: '__session', value: await sdk.generateSessionCookie(session, { secret }) }];
          const page = await request(pathname, { jar });
          expect({ status: page.status, profile: profile(page.text) }).toStrictEqual({ status: 200, profile: `Signed in as ${session.user.name}.` });
          expect(page.setCookie.filter((line) => line.startsWith('__session='))).not.toStrictEqual([]); // rolled by the proxy
          jar = applySetCookies(jar, page.setCookie);
          expect((await sdkRead(jar)).user.name).toBe(session.user.name);
          const renamed = `Renamed ${randomHex(4)}`;
          const action = await submit(pathname, jar, page.text, { name: renamed });
          expect({ status: action.status, profile: profile(action.text) }).toStrictEqual({ status: 200, profile: `Signed in as ${renamed}.` });
          jar = applySetCookies(jar, action.setCookie);
          expect((await sdkRead(jar)).user).toStrictEqual({ ...JSON.parse(JSON.stringify(session.user)), name: renamed });
          expect(profile((await request(pathname, { jar })).text)).toBe(`Signed in as ${renamed}.`);
          if (mode.build) expect(buildOutput).toMatch(new RegExp(`[◐]\\s+${pathname}\\n`)); // its shell prerendered
        }, TEST_MS);
      }

      test('no session: proxy.ts sends the browser to /auth/login, as the README\'s does', async () => {
        const r = await request('/dashboard', {});
        expect({ status: r.status, location: new URL(r.location ?? '/', server.base).pathname }).toStrictEqual({ status: 307, location: '/auth/login' });
      }, TEST_MS);
    });

    test('nothing token-bearing reaches the browser (F8): pages, user routes and updates answer with the user only', async () => {
      const session = typicalSession();
      session.user.name = `Page Reader ${randomHex(4)}`; // plain text, as the page renders it
      const jar = [{ name: '__session', value: await sdk.generateSessionCookie(deepClone(session), { secret }) }];
      const secrets = [session.tokenSet.accessToken, session.tokenSet.idToken, session.tokenSet.refreshToken, session.internal.sid].filter(Boolean);
      const bodies = [];
      for (const [pathname, method] of [['/', 'GET'], ['/dashboard', 'GET'], ['/api/me', 'GET'], ['/api/pages/me', 'GET'], ['/protected', 'GET'], ['/api/touch', 'POST'], ['/api/pages/touch', 'POST']]) {
        const r = await request(pathname, { jar, method, body: method === 'POST' ? {} : undefined });
        expect({ pathname, status: r.status }).toStrictEqual({ pathname, status: 200 });
        bodies.push([pathname, r.text]);
      }
      expect(bodies[0][1]).toContain(session.user.name);
      for (const [pathname, text] of bodies) {
        expect({ pathname, leaked: secrets.filter((s) => text.includes(s)).length }).toStrictEqual({ pathname, leaked: 0 });
      }
    }, TEST_MS);

    test('misuse gets a coded error, not a silent null: a forgotten await, a request for a jar, milliseconds for seconds', async () => {
      const answer = async (which) => (await request(`/api/e2e/misuse?case=${which}`)).json;
      expect(await answer('read-promise')).toMatchObject({ threw: true, code: 'ERR_INVALID_ARG_TYPE', message: expect.stringContaining('did you forget `await cookies()`?') });
      expect(await answer('read-request')).toMatchObject({ threw: true, code: 'ERR_INVALID_ARG_TYPE', message: expect.stringContaining('request.cookies') });
      expect(await answer('seal-millis')).toMatchObject({ threw: true, code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('seconds since the epoch') });
      expect(await answer('get-session-promise')).toMatchObject({ threw: true, code: 'ERR_INVALID_ARG_TYPE', message: expect.stringContaining('did you forget `await`?') });
    }, TEST_MS);

    // Within one request: Cache-Control, read-your-writes, one read per request (next-request-cases.mjs).
    requestCases({ mode, request, server: () => server, secret: () => secret, sdk: () => sdk, sdkRead, buildOutput: () => buildOutput, requestMs: REQUEST_MS, testMs: TEST_MS });

    test('the server stayed healthy: no error in its log', () => {
      const errors = server.output().split('\n').filter((l) => /⨯|\bError\b|unhandled/i.test(l));
      expect(errors).toStrictEqual([]);
    });
  });
}
