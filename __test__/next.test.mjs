// session-seal/next in this process, against the real @auth0/nextjs-auth0 4.30.0 Auth0Client configured the
// same way: the same environment gives the same cookie settings; getSession(req) gives the SDK's answer;
// updateSession(req, res, session) in the Pages Router and with NextRequest/NextResponse writes the SDK's
// Set-Cookie list; deleteSession the SDK store's deletions; misuse gets coded errors. (The next/headers forms
// need a running Next.js: the e2e suite runs them.) Fresh random secrets and sessions on every run.

import { describe, test, expect, beforeAll, beforeEach, afterEach, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { repoRoot } from '../scripts/lib/repo.mjs';
import { randomSecret, randomHex, randomJwt, randomV3Session, nowSeconds, deepClone, SESSION_SIZES, smallSession, sdkModule } from './helpers/fixtures.mjs';

const require = createRequire(import.meta.url);
const { createSessions } = require('../next/index.js');
const { SessionCookies } = require('../index.js');

let Auth0Client;
let NextRequest;
let NextResponse;
let sdk; // server/cookies.js, the store, generateSessionCookie

beforeAll(async () => {
  const cookies = await sdkModule('server/cookies.js');
  const { StatelessSessionStore } = await sdkModule('server/session/stateless-session-store.js');
  const { generateSessionCookie } = await sdkModule('testing/generate-session-cookie.js');
  sdk = { ...cookies, StatelessSessionStore, generateSessionCookie };
  ({ Auth0Client } = await import('@auth0/nextjs-auth0/server'));
  ({ NextRequest, NextResponse } = await import('next/server.js'));
});

// Each test sets the environment it needs; nothing of the machine's AUTH0_* leaks in.
const ENV_KEYS = ['AUTH0_SECRET', 'AUTH0_DOMAIN', 'APP_BASE_URL', 'AUTH0_COOKIE_SECURE', 'AUTH0_COOKIE_SAME_SITE', 'AUTH0_COOKIE_PATH', 'AUTH0_COOKIE_DOMAIN', 'AUTH0_COOKIE_TRANSIENT', 'NEXT_PUBLIC_BASE_PATH', 'NODE_ENV'];
let savedEnv;
beforeEach(() => {
  savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  for (const k of ENV_KEYS) if (k !== 'NODE_ENV') delete process.env[k];
  jest.spyOn(console, 'warn').mockImplementation(() => {}); // the SDK's size and chunk warnings
  jest.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  jest.restoreAllMocks();
});

const DOMAIN = 'tenant.example.invalid';

/** Our functions and the SDK's client, configured from the same environment and options. */
function pair(env = {}, options = {}) {
  Object.assign(process.env, { AUTH0_SECRET: randomSecret(), AUTH0_DOMAIN: DOMAIN }, env);
  const auth0 = new Auth0Client({ clientId: 'client', clientSecret: 'not-used', ...options });
  return { ours: createSessions(options), auth0, secret: options.secret ?? process.env.AUTH0_SECRET };
}

/** The Pages Router's `req` and `res`, as far as either library touches them. */
const pagesRequest = (cookie) => ({ headers: { host: 'app.example.test', ...(cookie ? { cookie } : {}) }, url: '/api/x' });
function pagesResponse(initial) {
  const headers = new Map(initial ? [['set-cookie', initial]] : []);
  return {
    getHeader: (name) => headers.get(name.toLowerCase()),
    setHeader(name, value) {
      headers.set(name.toLowerCase(), value);
      return this;
    },
    lines: () => [headers.get('set-cookie') ?? []].flat(),
  };
}
const header = (jar) => jar.map((c) => `${c.name}=${c.value}`).join('; ');

/** A `Set-Cookie` line: name, value, attributes without Expires (which is Max-Age from the moment of writing). */
function parse(line) {
  const [pair, ...rest] = line.split('; ');
  const eq = pair.indexOf('=');
  const attrs = Object.fromEntries(rest.map((a) => a.split('=')).map(([k, v]) => [k.toLowerCase(), v ?? true]).filter(([k]) => k !== 'expires'));
  return { name: pair.slice(0, eq), value: decodeURIComponent(pair.slice(eq + 1)), attrs };
}

/** The payloads a list sets (the session, joined from its chunks, then each __FC_i), `exp` apart. */
async function payloads(lines, secret, name = '__session') {
  const set = lines.map(parse).filter((c) => c.value !== '');
  const chunk = (c) => (c.name.startsWith(`${name}__`) ? Number(c.name.slice(name.length + 2)) : -1);
  const whole = set.find((c) => c.name === name);
  const session = whole ? whole.value : set.filter((c) => chunk(c) >= 0).sort((a, b) => chunk(a) - chunk(b)).map((c) => c.value).join('');
  const values = [session, ...set.filter((c) => /^__FC_\d+$/.test(c.name)).map((c) => c.value)];
  return Promise.all(values.map(async (v) => ({ ...(await sdk.decrypt(v, secret)).payload, exp: 'exp' })));
}

/** The same update: names in order, every attribute, and values opening to the same payloads. */
async function expectSameList(ours, theirs, secret, name) {
  expect(ours.map(parse).map(({ name, attrs }) => ({ name, attrs }))).toStrictEqual(theirs.map(parse).map(({ name, attrs }) => ({ name, attrs })));
  expect(await payloads(ours, secret, name)).toStrictEqual(await payloads(theirs, secret, name));
}

/** Jars to read and update: SDK-minted (typical; without tokenSet), SDK-written chunks with __FC_0, v3. */
async function jars(secret) {
  const out = [];
  for (const [label, make] of SESSION_SIZES) {
    const session = make();
    if (session.internal.mcd) session.internal.mcd.domain = DOMAIN;
    if (session.connectionTokenSets) session.connectionTokenSets = session.connectionTokenSets.slice(0, 1);
    const headers = new Headers();
    await new sdk.StatelessSessionStore({ secret }).set(new sdk.RequestCookies(new Headers()), new sdk.ResponseCookies(headers), deepClone(session));
    out.push([`${label}, written by the SDK's store`, headers.getSetCookie().map(parse).filter((c) => c.value).map(({ name, value }) => ({ name, value }))]);
  }
  out.push(['generateSessionCookie({ user }), no tokenSet', [{ name: '__session', value: await sdk.generateSessionCookie({ user: { sub: `auth0|${randomHex(5)}` } }, { secret }) }]]);
  const iat = nowSeconds() - 600;
  out.push(['v3 appSession', [{ name: 'appSession', value: await sdk.encrypt(randomV3Session('full'), secret, iat + 3600, { iat, uat: iat, exp: iat + 3600 }) }]]);
  return out;
}

// ---------------------------------------------------------------------------------------------------------

describe('nothing is read at import', () => {
  test('importing and createSessions() need no secret; the first call rejects with ERR_SECRET_INVALID', async () => {
    const { getSession, updateSession, deleteSession } = createSessions();
    const req = pagesRequest('__session=x');
    for (const call of [() => getSession(req), () => updateSession(req, pagesResponse(), smallSession()), () => deleteSession(req, pagesResponse())]) {
      const error = await call().catch((e) => e);
      expect({ code: error.code, message: error.message }).toStrictEqual({ code: 'ERR_SECRET_INVALID', message: expect.stringContaining('AUTH0_SECRET') });
    }
    // Once it is there, the same functions work: it is read on use.
    process.env.AUTH0_SECRET = randomSecret();
    await expect(getSession(req)).resolves.toBeNull();
  });

  test('`session-seal/next` resolves through the package exports for require and import, named exports included', () => {
    const script = "const a = require('session-seal/next'); import('session-seal/next').then((b) => console.log(typeof a.createSessions, typeof b.createSessions))";
    expect(execFileSync(process.execPath, ['-e', script], { cwd: repoRoot, encoding: 'utf8', env: { PATH: process.env.PATH } }).trim()).toBe('function function');
  });
});

describe('cookie settings: the environment and options decide as in the SDK\'s Auth0Client', () => {
  const CASES = [
    ['no settings', {}],
    ['AUTH0_COOKIE_SECURE=true', { AUTH0_COOKIE_SECURE: 'true' }],
    ['APP_BASE_URL http', { APP_BASE_URL: 'http://app.example.test' }],
    ['APP_BASE_URL https beats AUTH0_COOKIE_SECURE=false', { APP_BASE_URL: 'https://app.example.test', AUTH0_COOKIE_SECURE: 'false' }],
    ['APP_BASE_URL list, all https', { APP_BASE_URL: 'https://a.example.test, https://b.example.test' }],
    ['APP_BASE_URL list, one http', { APP_BASE_URL: 'https://a.example.test,http://b.example.test' }],
    ['production without APP_BASE_URL', { NODE_ENV: 'production' }],
    ['production with an http APP_BASE_URL', { NODE_ENV: 'production', APP_BASE_URL: 'http://app.example.test' }],
    ['SameSite, path, domain, transient', { AUTH0_COOKIE_SAME_SITE: 'strict', AUTH0_COOKIE_PATH: '/app', AUTH0_COOKIE_DOMAIN: 'example.test', AUTH0_COOKIE_TRANSIENT: 'true' }],
    ['SameSite none, NEXT_PUBLIC_BASE_PATH', { AUTH0_COOKIE_SAME_SITE: 'none', NEXT_PUBLIC_BASE_PATH: '/base' }],
    ['options over the environment', { AUTH0_COOKIE_SECURE: 'true', AUTH0_COOKIE_PATH: '/env' }, { session: { cookie: { secure: false, path: '/opt', name: 'appsess', sameSite: 'strict' }, rolling: false, absoluteDuration: 7200 } }],
    ['appBaseUrl option, secret option', {}, { appBaseUrl: 'https://opt.example.test', secret: randomSecret(), session: { inactivityDuration: 600 } }],
  ];

  test.each(CASES)('%s: updateSession(req, res, session) writes the list auth0.updateSession writes', async (_label, env, options = {}) => {
    const { ours, auth0, secret } = pair(env, options);
    const name = options.session?.cookie?.name ?? '__session';
    const jar = [{ name, value: await sdk.encrypt(smallSession(), secret, nowSeconds() + 3600) }];
    const session = await auth0.getSession(pagesRequest(header(jar)));
    expect(await ours.getSession(pagesRequest(header(jar)))).toStrictEqual(session);
    const [mine, theirs] = [pagesResponse(), pagesResponse()];
    await ours.updateSession(pagesRequest(header(jar)), mine, { ...session, user: { ...session.user, n: 1 } });
    await auth0.updateSession(pagesRequest(header(jar)), theirs, { ...session, user: { ...session.user, n: 1 } });
    expect(mine.lines().length).toBeGreaterThan(0);
    await expectSameList(mine.lines(), theirs.lines(), secret, name);
  });

  test('production without APP_BASE_URL and AUTH0_COOKIE_SECURE=false is refused, as the SDK refuses it (on the first call, not at import)', async () => {
    Object.assign(process.env, { AUTH0_SECRET: randomSecret(), NODE_ENV: 'production', AUTH0_COOKIE_SECURE: 'false' });
    expect(() => new Auth0Client({ domain: DOMAIN, clientId: 'c', clientSecret: 's' })).toThrow('Session cookies must be marked secure in production');
    const { getSession } = createSessions();
    const error = await getSession(pagesRequest('')).catch((e) => e);
    expect({ code: error.code, message: error.message }).toStrictEqual({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('Session cookies must be marked secure in production') });
  });
});

describe('getSession(req): the SDK\'s answer', () => {
  test('Pages Router req and NextRequest, for every kind of jar', async () => {
    const { ours, auth0, secret } = pair();
    for (const [kind, jar] of await jars(secret)) {
      const expected = await auth0.getSession(pagesRequest(header(jar)));
      expect({ kind, found: expected !== null }).toStrictEqual({ kind, found: true });
      expect(await ours.getSession(pagesRequest(header(jar)))).toStrictEqual(expected);
      const request = new NextRequest('https://app.example.test/x', { headers: { cookie: header(jar) } });
      expect(await ours.getSession(request)).toStrictEqual(await auth0.getSession(request));
      // A plain Request (a route handler's argument) reads the same.
      expect(await ours.getSession(new Request('https://app.example.test/x', { headers: { cookie: header(jar) } }))).toStrictEqual(expected);
    }
  });

  test('refusals: none, expired, the IdP ceiling; another custom domain throws the SDK\'s session_domain_mismatch', async () => {
    const { ours, auth0, secret } = pair();
    expect(await ours.getSession(pagesRequest(''))).toBeNull();
    const expired = await sdk.encrypt(smallSession(), secret, nowSeconds() - 3600);
    const ceiling = smallSession();
    ceiling.internal.sessionExpiresAt = nowSeconds() + 10;
    for (const cookie of [expired, await sdk.generateSessionCookie(ceiling, { secret })]) {
      expect(await auth0.getSession(pagesRequest(`__session=${cookie}`))).toBeNull();
      expect(await ours.getSession(pagesRequest(`__session=${cookie}`))).toBeNull();
    }
    const foreign = smallSession();
    foreign.internal.mcd = { domain: 'other.example.invalid', issuer: 'https://other.example.invalid/' };
    const req = pagesRequest(`__session=${await sdk.generateSessionCookie(foreign, { secret })}`);
    const [mine, theirs] = [await ours.getSession(req).catch((e) => e), await auth0.getSession(req).catch((e) => e)];
    expect({ code: mine.code, name: mine.name, message: mine.message }).toStrictEqual({ code: theirs.code, name: theirs.name, message: theirs.message });
    expect(mine.code).toBe('session_domain_mismatch');
  });
});

describe('updateSession and deleteSession write the SDK\'s Set-Cookie lists', () => {
  test('Pages Router: updateSession(req, res, session), every kind of jar', async () => {
    const { ours, auth0, secret } = pair();
    for (const [kind, jar] of await jars(secret)) {
      const session = await auth0.getSession(pagesRequest(header(jar)));
      const changed = { ...session, user: { ...session.user, nickname: `n-${randomHex(3)}` }, internal: { sid: 'ignored', createdAt: 1 } };
      const [mine, theirs] = [pagesResponse(), pagesResponse()];
      await ours.updateSession(pagesRequest(header(jar)), mine, deepClone(changed));
      await auth0.updateSession(pagesRequest(header(jar)), theirs, deepClone(changed));
      expect({ kind, lines: mine.lines().length > 0 }).toStrictEqual({ kind, lines: true });
      await expectSameList(mine.lines(), theirs.lines(), secret);
    }
  });

  /** A session read back with each `exp` a write stamps replaced by a marker, for comparing two writes. */
  const maskExps = (session) => ({
    ...session,
    exp: 'exp',
    ...(Array.isArray(session.connectionTokenSets)
      ? { connectionTokenSets: session.connectionTokenSets.map((set) => ('exp' in set ? { ...set, exp: 'exp' } : set)) }
      : {}),
  });
  /** Every `exp` a write stamps on the session it reads back, in order. */
  const expsOf = (session) => [session.exp ?? 0, ...(session.connectionTokenSets ?? []).filter((set) => 'exp' in set).map((set) => set.exp)];

  test('proxy.ts: updateSession(NextRequest, NextResponse, session), and read-after-write on request.cookies', async () => {
    const { ours, auth0, secret } = pair();
    for (const [kind, jar] of await jars(secret)) {
      const requests = [0, 1].map(() => new NextRequest('https://app.example.test/protected', { headers: { cookie: header(jar) } }));
      const responses = [NextResponse.next(), NextResponse.next()];
      const session = await auth0.getSession(requests[1]);
      const changed = { ...session, user: { ...session.user, nickname: `p-${randomHex(3)}` } };
      const before = nowSeconds();
      await ours.updateSession(requests[0], responses[0], deepClone(changed));
      await auth0.updateSession(requests[1], responses[1], deepClone(changed));
      const after = nowSeconds();
      expect({ kind, lines: responses[0].headers.getSetCookie().length > 0 }).toStrictEqual({ kind, lines: true });
      await expectSameList(responses[0].headers.getSetCookie(), responses[1].headers.getSetCookie(), secret);
      // The request's cookies after the write: the same names as the SDK leaves, and the update reads back.
      expect(requests[0].cookies.getAll().map((c) => c.name)).toStrictEqual(requests[1].cookies.getAll().map((c) => c.name));
      expect((await ours.getSession(requests[0])).user).toStrictEqual(JSON.parse(JSON.stringify(changed.user)));
      // Each write reads its own clock for every `exp` it writes (the session's, and each connection token set's
      // in its own cookie): the same session, and each pair of `exp` no further apart than the seconds that
      // passed between the writes (a second boundary can fall between them on a slow machine).
      const [mineRead, theirsRead] = [await ours.getSession(requests[0]), await auth0.getSession(requests[1])];
      expect(maskExps(mineRead)).toStrictEqual(maskExps(theirsRead));
      const [mineExps, theirExps] = [expsOf(mineRead), expsOf(theirsRead)];
      expect(mineExps.length).toBe(theirExps.length);
      mineExps.forEach((exp, i) => expect(Math.abs(exp - theirExps[i])).toBeLessThanOrEqual(after - before));
    }
  });

  test('a plain Response gets the lines on its headers; the Pages Router keeps the Set-Cookie lines it already had', async () => {
    const { ours, auth0, secret } = pair();
    const jar = [{ name: '__session', value: await sdk.generateSessionCookie(smallSession(), { secret }) }];
    const session = await auth0.getSession(pagesRequest(header(jar)));
    const response = new Response(null);
    await ours.updateSession(new Request('https://app.example.test/', { headers: { cookie: header(jar) } }), response, session);
    const theirs = pagesResponse();
    await auth0.updateSession(pagesRequest(header(jar)), theirs, session);
    await expectSameList(response.headers.getSetCookie(), theirs.lines(), secret);
    const res = pagesResponse('theme=dark; Path=/');
    await ours.updateSession(pagesRequest(header(jar)), res, session);
    expect(res.lines()[0]).toBe('theme=dark; Path=/');
    await expectSameList(res.lines().slice(1), theirs.lines(), secret);
  });

  test('deleteSession(req, res): the deletions of the SDK store\'s delete', async () => {
    const { ours, secret } = pair({ AUTH0_COOKIE_DOMAIN: 'example.test', APP_BASE_URL: 'https://example.test' });
    for (const [kind, jar] of await jars(secret)) {
      const res = pagesResponse();
      await ours.deleteSession(pagesRequest(header(jar)), res);
      const headers = new Headers();
      const store = new sdk.StatelessSessionStore({ secret, cookieOptions: { secure: true, domain: 'example.test' } });
      await store.delete(new sdk.RequestCookies(new Headers({ cookie: header(jar) })), new sdk.ResponseCookies(headers));
      expect({ kind, lines: res.lines().map(parse) }).toStrictEqual({ kind, lines: headers.getSetCookie().map(parse) });
    }
  });

  test('no session: the SDK\'s errors ("The user is not authenticated.", "The session data is missing."), coded', async () => {
    const { ours, auth0 } = pair();
    const theirs = await auth0.updateSession(pagesRequest(''), pagesResponse(), smallSession()).catch((e) => e);
    const mine = await ours.updateSession(pagesRequest(''), pagesResponse(), smallSession()).catch((e) => e);
    expect({ code: mine.code, message: mine.message }).toStrictEqual({ code: 'ERR_NOT_AUTHENTICATED', message: theirs.message });
    const missing = await ours.updateSession(pagesRequest(''), pagesResponse(), undefined).catch((e) => e);
    expect({ code: missing.code, message: missing.message }).toStrictEqual({ code: 'ERR_INVALID_ARG_VALUE', message: 'The session data is missing.' });
  });
});

describe('misuse gets a coded error', () => {
  test('a Promise, a cookie jar, or no request at all where a request belongs', async () => {
    const { ours } = pair();
    const cases = [
      [Promise.resolve(new sdk.RequestCookies(new Headers())), 'did you forget `await`?'],
      [new sdk.RequestCookies(new Headers()), 'takes a request, not a cookie jar'],
      [42, 'takes a request'],
    ];
    for (const [value, words] of cases) {
      const error = await ours.getSession(value).catch((e) => e);
      expect({ code: error.code, message: error.message }).toStrictEqual({ code: 'ERR_INVALID_ARG_TYPE', message: expect.stringContaining(words) });
    }
    const jar = [{ name: '__session', value: await sdk.generateSessionCookie(smallSession(), { secret: process.env.AUTH0_SECRET }) }];
    const badResponse = await ours.updateSession(pagesRequest(header(jar)), {}, smallSession()).catch((e) => e);
    expect({ code: badResponse.code, message: badResponse.message }).toStrictEqual({ code: 'ERR_INVALID_ARG_TYPE', message: expect.stringContaining('the response must be') });
    const promised = await ours.updateSession(pagesRequest(header(jar)), pagesResponse(), Promise.resolve(smallSession())).catch((e) => e);
    expect({ code: promised.code, message: promised.message }).toStrictEqual({ code: 'ERR_INVALID_ARG_TYPE', message: expect.stringContaining('did you forget `await`?') });
  });
});

test('a session SessionCookies writes in chunks is read back whole by getSession(req)', async () => {
  const { ours, secret } = pair();
  const session = smallSession();
  session.accessTokens = Array.from({ length: 6 }, () => ({ accessToken: randomJwt(900), audience: `https://${randomHex(3)}.example/`, expiresAt: nowSeconds() + 60 }));
  const cookies = new SessionCookies({ secret }).write(session, null).filter((c) => c.value).map(({ name, value }) => ({ name, value }));
  expect(cookies.length).toBeGreaterThanOrEqual(3);
  expect((await ours.getSession(pagesRequest(header(cookies)))).accessTokens).toStrictEqual(session.accessTokens);
});
