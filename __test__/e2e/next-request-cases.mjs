// The next-app e2e's cases about one request (registered by next-app.test.mjs in each of its modes, on the
// server that mode built and started):
//
// - never a cacheable session cookie: pages prerendered at build time (app/dashboard/about, whole, and
//   app/dashboard/news, ISR) behind the rolling proxy.ts come with `Cache-Control: private, no-store`, as do
//   the Pages Router's update and a route handler's own Response; beside them, for the record, what Next.js
//   sends itself (a server action, a route handler writing through cookies()) and what the SDK's
//   updateSession and auth0.middleware() leave on the same kind of page;
// - read-your-writes: what proxy.ts writes into the session is what every getSession() of the request
//   reads (server components, a server action, a route handler, a Pages Router API route), and an update in
//   an action or handler is what its later getSession() reads; and, for the record, which of them Next.js
//   reaches by itself when the request headers updateSession forwards are taken off;
// - one read per request: four getSession() calls in three server components read the cookie once, counted
//   on session-seal/next's `session-seal:next:read` diagnostics channel (lib/reads.ts).

import { test, expect, describe } from '@jest/globals';
import { randomHex, smallSession } from '../helpers/fixtures.mjs';
import { applySetCookies, cookieHeader } from '../../scripts/lib/browser.mjs';

const NO_STORE = 'private, no-store';
// `next dev` replaces the header of every page and action response with its own, so that a browser's back
// button never shows a page from before an edit.
const DEV_PAGES = 'no-store';

/**
 * @param {object} ctx
 * @param {{ key: string, serve: string, build?: string[] }} ctx.mode
 * @param {(pathname: string, options?: object) => Promise<any>} ctx.request  the harness's request on this mode's server
 * @param {() => { base: string }} ctx.server
 * @param {() => string} ctx.secret
 * @param {() => any} ctx.sdk  the SDK's modules, in this process
 * @param {(jar: object[]) => Promise<any>} ctx.sdkRead  the SDK's store reading a jar
 * @param {() => string} ctx.buildOutput
 * @param {number} ctx.requestMs
 * @param {number} ctx.testMs
 */
export function requestCases({ mode, request, server, secret, sdk, sdkRead, buildOutput, requestMs, testMs }) {
  const built = mode.serve !== 'dev';
  const signedIn = async (name = `Reader ${randomHex(4)}`) => {
    const session = smallSession();
    session.user.name = name;
    return { session, jar: [{ name: '__session', value: await sdk().generateSessionCookie(session, { secret: secret() }) }] };
  };
  const sessionLines = (lines) => lines.filter((line) => /^__session=[^;]/.test(line));
  /** The request headers proxy.ts forwards must never reach the browser: they carry the cookie header. */
  const forwardingHeaders = (headers) => [...headers.keys()].filter((name) => name.startsWith('x-middleware-'));

  /** Submits a page's form as a browser without JavaScript does: its action's id and fields, to the page's URL. */
  async function submit(pathname, jar, html, fields, headers = {}) {
    const id = /name="(\$ACTION_ID_[0-9a-f]+)"/.exec(html)?.[1];
    expect(id).toBeDefined();
    const form = new FormData();
    form.append(id, '');
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    const response = await fetch(server().base + pathname, { method: 'POST', body: form, headers: { cookie: cookieHeader(jar), origin: server().base, ...headers }, redirect: 'manual', signal: AbortSignal.timeout(requestMs) });
    return { status: response.status, text: await response.text(), setCookie: response.headers.getSetCookie(), headers: response.headers };
  }

  describe('never a cacheable session cookie', () => {
    test('pages prerendered at build time (whole, and ISR) behind the rolling proxy.ts: the response that sets the session cookie says private, no-store', async () => {
      if (mode.build) {
        expect(buildOutput()).toMatch(/[○]\s+\/dashboard\/about\n/); // prerendered whole at build time
        expect(buildOutput()).toMatch(/[○]\s+\/dashboard\/news\s+1m\b/); // and regenerated at most once a minute
      }
      const { jar } = await signedIn();
      for (const [pathname, id] of [['/dashboard/about', 'about'], ['/dashboard/news', 'news']]) {
        const page = await request(pathname, { jar });
        expect({ pathname, status: page.status, page: page.text.includes(`id="${id}"`), rolled: sessionLines(page.setCookie).length }).toEqual({ pathname, status: 200, page: true, rolled: 1 });
        expect({ pathname, cacheControl: page.headers.get('cache-control') }).toEqual({ pathname, cacheControl: built ? NO_STORE : DEV_PAGES });
        expect(forwardingHeaders(page.headers)).toEqual([]);
        // The page itself is served from what the build prerendered; only the proxy's header is per request.
        if (built) expect({ pathname, cache: page.headers.get('x-nextjs-cache') }).toEqual({ pathname, cache: 'HIT' });
      }
    }, testMs);

    test('the Pages Router\'s res and a route handler\'s own Response: private, no-store; through next/headers, Next.js\'s own header, recorded', async () => {
      const { jar, session } = await signedIn();
      const pages = await request('/api/pages/touch', { jar, method: 'POST', body: {} });
      const own = await request('/api/e2e/touch-response', { jar, method: 'POST', body: {} });
      for (const [route, r] of [['pages', pages], ['own Response', own]]) {
        expect({ route, status: r.status, set: sessionLines(r.setCookie).length, cacheControl: r.headers.get('cache-control') }).toEqual({ route, status: 200, set: 1, cacheControl: NO_STORE });
      }
      // A route handler that writes through cookies() returns its own Response, and next/headers offers no
      // way to add a header to it: Next.js sends none (docs/nextjs.md says to pass the Response instead).
      const viaHeaders = await request('/api/touch', { jar, method: 'POST', body: {} });
      expect({ set: sessionLines(viaHeaders.setCookie).length, cacheControl: viaHeaders.headers.get('cache-control') }).toEqual({ set: 1, cacheControl: null });
      const logout = await request('/api/logout', { jar, method: 'POST' });
      expect({ status: logout.status, deleted: logout.setCookie.some((l) => l.startsWith('__session=;')), cacheControl: logout.headers.get('cache-control') }).toEqual({ status: 204, deleted: true, cacheControl: null });
      // A server action's response: Next.js marks every one no-store itself.
      const page = await request('/dashboard', { jar });
      const action = await submit('/dashboard', applySetCookies(jar, page.setCookie), page.text, { name: session.user.name });
      expect({ status: action.status, set: sessionLines(action.setCookie).length > 0, cacheControl: action.headers.get('cache-control') }).toEqual({ status: 200, set: true, cacheControl: built ? 'no-cache, no-store, max-age=0, must-revalidate' : DEV_PAGES });
    }, testMs);

    if (built) {
      test('for the record: the SDK\'s updateSession in proxy.ts leaves the prerendered page\'s s-maxage=31536000 on the response that sets the cookie; its auth0.middleware() says no-store', async () => {
        const { jar } = await signedIn();
        const viaUpdate = await request('/sdk-dashboard/about', { jar });
        expect({ status: viaUpdate.status, rolled: sessionLines(viaUpdate.setCookie).length, cacheControl: viaUpdate.headers.get('cache-control') }).toEqual({ status: 200, rolled: 1, cacheControl: 's-maxage=31536000' });
        const viaMiddleware = await request('/sdk-middleware', { jar });
        expect({
          status: viaMiddleware.status,
          rolled: sessionLines(viaMiddleware.setCookie).length,
          cacheControl: viaMiddleware.headers.get('cache-control'),
          pragma: viaMiddleware.headers.get('pragma'),
          expires: viaMiddleware.headers.get('expires'),
        }).toEqual({ status: 200, rolled: 1, cacheControl: 'private, no-cache, no-store, must-revalidate, max-age=0', pragma: 'no-cache', expires: '0' });
        // The same page without a session: Next.js's own header for it, no cookie.
        const anonymous = await request('/sdk-middleware');
        expect({ status: anonymous.status, set: anonymous.setCookie, cacheControl: anonymous.headers.get('cache-control') }).toEqual({ status: 200, set: [], cacheControl: 's-maxage=31536000' });
      }, testMs);
    }
  });

  describe('read-your-writes: the request sees its own update', () => {
    const marked = (mark) => ({ 'x-e2e-mark': mark });

    test('proxy.ts\'s update is what a route handler, a Pages Router API route and the server components of the same request read', async () => {
      const { jar, session } = await signedIn();
      expect((await sdkRead(jar)).user.proxied).toBeUndefined();
      for (const pathname of ['/api/e2e/proxied', '/api/e2e/proxied/pages']) {
        const mark = `m-${randomHex(4)}`;
        const r = await request(pathname, { jar, headers: marked(mark) });
        expect({ pathname, status: r.status, proxied: r.json?.proxied, cacheControl: r.headers.get('cache-control'), forwarding: forwardingHeaders(r.headers) }).toEqual({ pathname, status: 200, proxied: mark, cacheControl: NO_STORE, forwarding: [] });
        expect((await sdkRead(applySetCookies(jar, r.setCookie))).user).toStrictEqual({ ...JSON.parse(JSON.stringify(session.user)), proxied: mark });
      }
      const mark = `m-${randomHex(4)}`;
      const page = await request('/e2e/proxied', { jar, headers: marked(mark) });
      const text = (id) => new RegExp(`<p id="${id}">([^<]*(?:<!-- -->[^<]*)*)</p>`).exec(page.text)?.[1].replace(/<!-- -->/g, '');
      expect({ status: page.status, first: text('first'), second: text('second'), third: text('third') }).toEqual({ status: 200, first: mark, second: `${mark} ${mark}`, third: mark });
    }, testMs);

    test('an update in a route handler, a Pages Router API route and a server action is what their later getSession() reads', async () => {
      const { jar } = await signedIn();
      for (const pathname of ['/api/e2e/proxied', '/api/e2e/proxied/pages']) {
        const [mark, updated] = [`m-${randomHex(4)}`, `u-${randomHex(4)}`];
        const r = await request(pathname, { jar, method: 'POST', body: { mark: updated }, headers: marked(mark) });
        expect({ pathname, status: r.status, proxied: r.json?.proxied, updated: r.json?.updated }).toEqual({ pathname, status: 200, proxied: mark, updated });
        expect((await sdkRead(applySetCookies(jar, r.setCookie))).user).toMatchObject({ proxied: mark, updated });
        // Two reads: before the update, and after it (the first is not reused once the cookies changed).
        if (pathname === '/api/e2e/proxied') expect(r.json.reads).toBe(2);
      }
      const mark = `m-${randomHex(4)}`;
      const page = await request('/e2e/proxied', { jar, headers: marked(mark) });
      const rolled = applySetCookies(jar, page.setCookie);
      const [actionMark, name] = [`a-${randomHex(4)}`, `Renamed ${randomHex(4)}`];
      const action = await submit('/e2e/proxied', rolled, page.text, { name }, marked(actionMark));
      expect(action.status).toBe(200);
      // The action read the proxy's update of its own request, wrote, and read back its own write.
      expect((await sdkRead(applySetCookies(rolled, action.setCookie))).user).toMatchObject({ proxied: actionMark, actionSaw: actionMark, name, actionReadBack: name });
    }, testMs);

    test('for the record: without the request headers updateSession forwards, Next.js passes the proxy\'s update to pages and server actions, not to route handlers or Pages Router API routes', async () => {
      const { jar } = await signedIn();
      const native = (mark) => ({ ...marked(mark), 'x-e2e-native': '1' });
      const seen = {};
      for (const pathname of ['/api/e2e/proxied', '/api/e2e/proxied/pages']) {
        const r = await request(pathname, { jar, headers: native(`m-${randomHex(4)}`) });
        expect({ pathname, status: r.status, rolled: sessionLines(r.setCookie).length }).toEqual({ pathname, status: 200, rolled: 1 });
        seen[pathname] = r.json.proxied;
      }
      const mark = `m-${randomHex(4)}`;
      const page = await request('/e2e/proxied', { jar, headers: native(mark) });
      seen.page = /<p id="first">([^<]*)<\/p>/.exec(page.text)?.[1];
      const actionMark = `a-${randomHex(4)}`;
      const action = await submit('/e2e/proxied', applySetCookies(jar, page.setCookie), page.text, { name: 'n' }, native(actionMark));
      seen.action = (await sdkRead(applySetCookies(applySetCookies(jar, page.setCookie), action.setCookie))).user.actionSaw;
      expect(seen).toEqual({ '/api/e2e/proxied': null, '/api/e2e/proxied/pages': null, page: mark, action: actionMark });
    }, testMs);
  });

  test('one read per request: four getSession() calls in three server components of one render read the cookie once', async () => {
    const { jar } = await signedIn();
    const page = await request('/e2e/proxied', { jar, headers: { 'x-e2e-mark': 'counted' } });
    expect(page.status).toBe(200);
    expect(/<p id="reads">(\d+)<\/p>/.exec(page.text)?.[1]).toBe('1');
  }, testMs);
}
