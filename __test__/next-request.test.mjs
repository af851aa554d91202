// session-seal/next within one request, in this process with Next.js's own NextRequest/NextResponse: a response
// that carries a session cookie is marked `Cache-Control: private, no-store` (unless the app opts out); an
// update in proxy.ts is forwarded to the rest of the request through the request headers a
// `NextResponse.next({ request: { headers } })` carries, and only on a response that continues the request;
// the Pages Router's `req` reads its own update; a request reads its session once, however often it asks,
// and again after its cookies change. What a running Next.js server makes of it is the e2e suite's
// (e2e/next-app.test.mjs). Fresh random secrets and sessions on every run.

import { describe, test, expect, beforeAll, beforeEach, afterEach, jest } from '@jest/globals';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../scripts/lib/repo.mjs';
import { randomSecret, randomHex, smallSession } from './helpers/fixtures.mjs';

const require = createRequire(import.meta.url);
const { createSessions } = require('../next/index.js');

let NextRequest;
let NextResponse;
let generateSessionCookie;

beforeAll(async () => {
  ({ generateSessionCookie } = await import(pathToFileURL(path.join(repoRoot, 'node_modules/@auth0/nextjs-auth0/dist/testing/generate-session-cookie.js')).href));
  ({ NextRequest, NextResponse } = await import('next/server.js'));
});

let savedSecret;
beforeEach(() => {
  savedSecret = process.env.AUTH0_SECRET;
  jest.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  if (savedSecret === undefined) delete process.env.AUTH0_SECRET;
  else process.env.AUTH0_SECRET = savedSecret;
  jest.restoreAllMocks();
});

/** A fresh secret, our functions under it, and the `Cookie` header of a session the SDK minted under it. */
async function setup(options = {}) {
  const secret = randomSecret();
  const session = smallSession();
  session.user.name = `Reader ${randomHex(4)}`;
  const cookie = `theme=dark; __session=${await generateSessionCookie(session, { secret })}`;
  return { sessions: createSessions({ secret, ...options }), session, cookie };
}

const nextRequest = (cookie, headers = {}) => new NextRequest('https://app.example.test/dashboard', { headers: { cookie, 'x-tenant': 'acme', ...headers } });
const pagesRequest = (cookie) => ({ headers: { host: 'app.example.test', cookie } });
function pagesResponse() {
  const headers = new Map();
  return { getHeader: (name) => headers.get(name.toLowerCase()), setHeader: (name, value) => headers.set(name.toLowerCase(), value) };
}
const renamed = (session) => ({ ...session, user: { ...session.user, name: `Renamed ${randomHex(4)}` } });

describe('Cache-Control: a response carrying a session cookie is private, no-store', () => {
  test('updateSession and deleteSession on NextResponse, Response and the Pages Router\'s res; any earlier value replaced', async () => {
    const { sessions, session, cookie } = await setup();
    const responses = [
      ['NextResponse.next()', () => NextResponse.next()],
      ['NextResponse.next(), public before', () => NextResponse.next({ headers: { 'cache-control': 'public, max-age=3600' } })],
      ['Response', () => new Response(null, { headers: { 'cache-control': 'public, s-maxage=60' } })],
    ];
    for (const [kind, make] of responses) {
      for (const call of ['update', 'delete']) {
        const res = make();
        if (call === 'update') await sessions.updateSession(nextRequest(cookie), res, renamed(session));
        else await sessions.deleteSession(nextRequest(cookie), res);
        expect({ kind, call, cookies: res.headers.getSetCookie().length > 0, cacheControl: res.headers.get('cache-control') }).toEqual({ kind, call, cookies: true, cacheControl: 'private, no-store' });
      }
    }
    for (const call of ['update', 'delete']) {
      const res = pagesResponse();
      res.setHeader('Cache-Control', 'public, max-age=60');
      if (call === 'update') await sessions.updateSession(pagesRequest(cookie), res, renamed(session));
      else await sessions.deleteSession(pagesRequest(cookie), res);
      expect({ call, cookies: res.getHeader('set-cookie').length > 0, cacheControl: res.getHeader('cache-control') }).toEqual({ call, cookies: true, cacheControl: 'private, no-store' });
    }
  });

  test('noStore: false leaves Cache-Control to the app; a refused update and a read touch nothing', async () => {
    const { sessions, session, cookie } = await setup({ noStore: false });
    const res = NextResponse.next({ headers: { 'cache-control': 'public, max-age=3600' } });
    await sessions.updateSession(nextRequest(cookie), res, renamed(session));
    expect(res.headers.getSetCookie().length).toBeGreaterThan(0);
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
    const pages = pagesResponse();
    await sessions.deleteSession(pagesRequest(cookie), pages);
    expect(pages.getHeader('cache-control')).toBeUndefined();

    const marked = await setup();
    const untouched = NextResponse.next();
    await expect(marked.sessions.updateSession(nextRequest('theme=dark'), untouched, session)).rejects.toMatchObject({ code: 'ERR_NOT_AUTHENTICATED' });
    await marked.sessions.getSession(nextRequest(marked.cookie));
    expect({ cacheControl: untouched.headers.get('cache-control'), cookies: untouched.headers.getSetCookie() }).toEqual({ cacheControl: null, cookies: [] });
  });
});

describe('proxy.ts: the update goes on to the rest of the request', () => {
  /** The request headers Next.js gives the app after the proxy's response, as it applies them. */
  function forwarded(res) {
    const listed = res.headers.get('x-middleware-override-headers');
    if (listed === null) return null;
    return Object.fromEntries(listed.split(',').map((name) => [name, res.headers.get(`x-middleware-request-${name}`)]));
  }

  test('NextResponse.next(): every request header kept, the cookie header the one after the write, which reads as the update', async () => {
    const { sessions, session, cookie } = await setup();
    const request = nextRequest(cookie);
    const response = NextResponse.next();
    const changed = renamed(session);
    await sessions.updateSession(request, response, changed);
    const headers = forwarded(response);
    expect(headers).toEqual(Object.fromEntries(request.headers));
    expect(headers['x-tenant']).toBe('acme');
    expect(headers.cookie).toBe(request.headers.get('cookie'));
    expect(headers.cookie).not.toBe(cookie);
    expect(headers.cookie).toMatch(/^theme=dark; /);
    // What a Pages Router API route then reads from req.headers.cookie:
    expect((await sessions.getSession(pagesRequest(headers.cookie))).user.name).toBe(changed.user.name);
  });

  test('NextResponse.next({ request: { headers } }): the app\'s own request headers kept as it set them, the cookie header added', async () => {
    const { sessions, session, cookie } = await setup();
    const request = nextRequest(cookie);
    const own = new Headers(request.headers);
    own.set('x-user-plan', 'pro');
    own.delete('x-tenant');
    const response = NextResponse.next({ request: { headers: own } });
    await sessions.updateSession(request, response, renamed(session));
    expect(forwarded(response)).toEqual({ ...Object.fromEntries(own), cookie: request.headers.get('cookie') });
  });

  test('deleteSession(request, NextResponse.next()): the request and the rest of it have no session, other cookies kept', async () => {
    const { sessions, cookie } = await setup();
    const request = nextRequest(cookie);
    const response = NextResponse.next();
    await sessions.deleteSession(request, response);
    expect(forwarded(response).cookie).toBe('theme=dark');
    expect(await sessions.getSession(request)).toBeNull();
    expect(await sessions.getSession(pagesRequest(forwarded(response).cookie))).toBeNull();
  });

  test('a response that does not continue the request (JSON, a redirect) carries no request header: HttpOnly cookies stay out of it', async () => {
    const { sessions, session, cookie } = await setup();
    for (const response of [NextResponse.json({ ok: true }), NextResponse.redirect('https://app.example.test/elsewhere'), new Response(null)]) {
      await sessions.updateSession(nextRequest(cookie), response, renamed(session));
      expect(response.headers.getSetCookie().length).toBeGreaterThan(0);
      expect([...response.headers.keys()].filter((name) => name.startsWith('x-middleware-request') || name === 'x-middleware-override-headers')).toEqual([]);
    }
  });

  test('the Pages Router\'s req reads its own update: its Cookie header, other cookies kept', async () => {
    const { sessions, session, cookie } = await setup();
    const req = pagesRequest(cookie);
    expect((await sessions.getSession(req)).user.name).toBe(session.user.name);
    const changed = renamed(session);
    await sessions.updateSession(req, pagesResponse(), changed);
    expect(req.headers.cookie).toMatch(/^theme=dark; __session=/);
    expect((await sessions.getSession(req)).user.name).toBe(changed.user.name);
  });
});

describe('one read per request', () => {
  /** Counts the reads getSession publishes, by what it read (a request, or a cookies() jar). */
  function countReads() {
    const counts = new Map();
    const onRead = ({ cookies }) => counts.set(cookies, (counts.get(cookies) ?? 0) + 1);
    subscribe('session-seal:next:read', onRead);
    return { of: (key) => counts.get(key) ?? 0, stop: () => unsubscribe('session-seal:next:read', onRead) };
  }

  test('repeated and concurrent getSession of one request read once, and answer the same object; another request reads its own', async () => {
    const { sessions, session, cookie } = await setup();
    const reads = countReads();
    try {
      for (const req of [nextRequest(cookie), pagesRequest(cookie)]) {
        const all = [...(await Promise.all([0, 1, 2].map(() => sessions.getSession(req)))), await sessions.getSession(req)];
        expect(all[0].user.name).toBe(session.user.name);
        expect(all.every((s) => s === all[0])).toBe(true);
        expect(reads.of(req)).toBe(1);
      }
      const other = pagesRequest(cookie);
      await sessions.getSession(other);
      expect(reads.of(other)).toBe(1);
    } finally {
      reads.stop();
    }
  });

  test('an update of the request, or any change of its cookies, is read: the earlier answer is not reused', async () => {
    const { sessions, session, cookie } = await setup();
    const reads = countReads();
    try {
      const req = nextRequest(cookie);
      expect((await sessions.getSession(req)).user.name).toBe(session.user.name);
      const changed = renamed(session);
      await sessions.updateSession(req, NextResponse.next(), changed);
      expect((await sessions.getSession(req)).user.name).toBe(changed.user.name);
      expect(reads.of(req)).toBe(2);
      req.cookies.delete('__session'); // the app's own change of the jar
      expect(await sessions.getSession(req)).toBeNull();
      expect(reads.of(req)).toBe(3);
      await sessions.getSession(req);
      expect(reads.of(req)).toBe(3);
    } finally {
      reads.stop();
    }
  });

  test('a stateful read that failed is tried again; one that answered is kept, until an update of the request', async () => {
    const secret = randomSecret();
    const stored = new Map();
    let failures = 1;
    const store = {
      get: async (id) => {
        if (failures-- > 0) throw new Error('store unavailable');
        return stored.get(id) ?? null;
      },
      set: async (id, data) => void stored.set(id, data),
      delete: async (id) => void stored.delete(id),
    };
    const sessions = createSessions({ secret, sessionStore: store });
    const session = smallSession();
    const id = randomHex(16);
    stored.set(id, session);
    const { SessionCookies } = require('../index.js');
    const [{ value }] = new SessionCookies({ secret }).writeSessionId(id, session.internal.createdAt, null).cookies.filter((c) => c.value !== '');
    const req = pagesRequest(`__session=${value}`);
    const reads = countReads();
    try {
      await expect(sessions.getSession(req)).rejects.toThrow('store unavailable');
      expect((await sessions.getSession(req)).user).toStrictEqual(session.user);
      await sessions.getSession(req);
      expect(reads.of(req)).toBe(2);
      const changed = renamed(session);
      await sessions.updateSession(req, pagesResponse(), changed);
      expect((await sessions.getSession(req)).user.name).toBe(changed.user.name); // the same id cookie, a new session
      expect(reads.of(req)).toBe(3);
    } finally {
      reads.stop();
    }
  });
});
