// The README alone makes a working app: its files, taken verbatim from its code blocks (by their `// path`
// comment), on what create-next-app writes (examples/create-next-app), built with `next build` as a CI or Docker
// build runs it (no AUTH0_* variable, no Redis reachable), served with `next start`, and used as a person would:
// the protected page sends them to the SDK's login, a local OpenID provider (oidc-provider.mjs) signs them in,
// the page (a server component in Suspense, behind the rolling proxy.ts) greets them, its server action renames
// them, the route handler, the Pages Router route and the SDK's own /auth/profile all see the new name, and the
// SDK's logout ends it. And the one line the README asks for in next.config.ts, forgotten: the build stops on
// ERR_SESSION_SEAL_BUNDLED, which names it, with Turbopack and with webpack.

import { describe, test, expect, beforeAll, afterAll } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { randomSecret, randomHex } from '../helpers/fixtures.mjs';
import { Jar, request } from '../../scripts/lib/browser.mjs';
import { exampleEnv } from '../../scripts/lib/example-app.mjs';
import { startDetached, killGroup, freePort, waitUntilReady } from '../../scripts/lib/processes.mjs';
import { repoRoot } from '../../scripts/lib/repo.mjs';
import { startProvider, CLIENT_ID, CLIENT_SECRET } from '../../scripts/lib/sdk-app.mjs';
import { codeBlocks, prepareSkeleton, writeApp, buildApp, routeKinds, nextBin } from './next-docs-harness.mjs';

// Bounds on hangs, never judges of speed: an install 10-60 s, a build 20-60 s here (several times that on a busy
// machine), a server ready in seconds, a request well under one.
const SETUP_MS = 900_000;
const BUILD_MS = 420_000;
const READY_MS = 120_000;
const REQUEST_MS = 60_000;

const blocks = codeBlocks(fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8'));
// The one change to the README's files: the test's OpenID provider is plain http on localhost, which the SDK
// accepts only with `allowInsecureRequests` (a real tenant is https, and the README's `new Auth0Client()` is all).
const auth0File = blocks.find((b) => b.file === 'lib/auth0.ts').code;
const forTheTestProvider = { 'lib/auth0.ts': auth0File.replace('new Auth0Client()', 'new Auth0Client({ allowInsecureRequests: true })') };
const timings = [];
let release;
let app;
let buildOutput;

beforeAll(async () => {
  let started = Date.now();
  const lap = (what) => {
    timings.push(`${what} ${((Date.now() - started) / 1000).toFixed(1)} s`);
    started = Date.now();
  };
  const built = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'ensure-built.mjs')], { cwd: repoRoot, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('scripts/ensure-built.mjs failed');
  release = await prepareSkeleton({ lockMs: 600_000, installMs: 300_000 });
  lap('install');
  app = writeApp('readme', blocks, { replace: forTheTestProvider });
  buildOutput = await buildApp(app.dir, { timeoutMs: BUILD_MS });
  lap('build');
}, SETUP_MS);

afterAll(() => {
  app?.remove();
  release?.();
  if (timings.length) console.log(`README app: ${timings.join(' · ')}`);
});

test('the app is the README\'s files: the setup, proxy.ts, a page with its server action, a route handler, a Pages Router route', () => {
  expect(app.written).toStrictEqual(expect.arrayContaining(['next.config.ts', 'lib/auth0.ts', 'lib/session.ts', 'proxy.ts', 'app/dashboard/page.tsx', 'app/dashboard/actions.ts', 'app/api/me/route.ts', 'pages/api/profile.ts']));
  for (const file of app.written) {
    const text = blocks.find((b) => b.file === file).code;
    expect({ file, text: fs.readFileSync(path.join(app.dir, file), 'utf8') }).toStrictEqual({ file, text: forTheTestProvider[file] ?? text });
  }
  expect(forTheTestProvider['lib/auth0.ts']).not.toBe(auth0File); // the replacement took
  const kinds = routeKinds(buildOutput);
  expect({ dashboard: kinds['/dashboard'], me: kinds['/api/me'] }).toStrictEqual({ dashboard: '◐', me: 'ƒ' }); // the page's shell prerendered
});

describe('served: login, the protected page, its server action, sign-out', () => {
  let provider;
  let server;
  let base;
  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    provider = await startProvider([base], { timeoutMs: 30_000 });
    const env = exampleEnv({
      NODE_ENV: 'production',
      AUTH0_DOMAIN: provider.issuer.replace(/\/$/, ''),
      AUTH0_CLIENT_ID: CLIENT_ID,
      AUTH0_CLIENT_SECRET: CLIENT_SECRET,
      AUTH0_SECRET: randomSecret(),
      APP_BASE_URL: base,
    });
    server = startDetached(process.execPath, [nextBin(app.dir), 'start', '-H', '127.0.0.1', '-p', String(port)], { cwd: app.dir, env });
    await waitUntilReady(server, `${base}/api/me`, { timeoutMs: READY_MS, ready: (r) => r.status === 401, what: 'next start' });
  }, READY_MS + 60_000);
  afterAll(async () => {
    await killGroup(server);
    await provider?.stop();
  }, 60_000);

  /** The greeting the page renders (React separates its text parts with comments). */
  const greeting = (html) => /<p>Signed in as (?:<!-- -->)?([^<]*)<\/p>/.exec(html)?.[1];

  test('a visit from sign-in to sign-out', async () => {
    const jar = new Jar();
    const get = (pathname) => request(base + pathname, { jar, timeoutMs: REQUEST_MS });

    // Not signed in: proxy.ts sends the browser to the SDK's login, which sends it to the provider.
    const guarded = await get('/dashboard');
    expect({ status: guarded.status, location: guarded.location }).toStrictEqual({ status: 307, location: expect.stringContaining('/auth/login?returnTo=%2Fdashboard') });
    let location = new URL(guarded.location, base).href;
    const providerJar = new Jar();
    for (let hops = 0; !location.startsWith(`${base}/auth/callback`); hops++) {
      expect(hops).toBeLessThan(12);
      const step = await request(location, { jar: location.startsWith(base) ? jar : providerJar, timeoutMs: REQUEST_MS });
      expect({ location, redirect: step.status >= 300 && step.status < 400 }).toStrictEqual({ location, redirect: true });
      location = new URL(step.location, location).href;
    }
    const callback = await get(location.slice(base.length));
    expect({ status: callback.status, location: callback.location }).toStrictEqual({ status: 307, location: expect.stringMatching(/\/dashboard$/) });

    // Signed in: the server component greets the user behind the rolling proxy.ts, which sends a fresh cookie.
    const page = await get('/dashboard');
    expect({ status: page.status, greeting: greeting(page.text) }).toStrictEqual({ status: 200, greeting: 'Ada Lovelace' });
    expect(page.setCookie.some((line) => line.startsWith('__session='))).toBe(true);

    // The form's server action renames the user; the page it renders, and every reader after it, see the name.
    const name = `Grace ${randomHex(3)}`;
    const id = /name="(\$ACTION_ID_[0-9a-f]+)"/.exec(page.text)?.[1];
    expect(id).toBeDefined();
    const form = new FormData();
    form.append(id, '');
    form.append('name', name);
    const action = await fetch(`${base}/dashboard`, { method: 'POST', body: form, headers: { cookie: jar.header(), origin: base }, redirect: 'manual', signal: AbortSignal.timeout(REQUEST_MS) });
    const actionText = await action.text();
    jar.apply(action.headers.getSetCookie());
    expect({ status: action.status, greeting: greeting(actionText) }).toStrictEqual({ status: 200, greeting: name });
    expect(greeting((await get('/dashboard')).text)).toBe(name);
    const me = await get('/api/me');
    expect({ status: me.status, name: me.json?.user?.name, tokens: /accessToken|idToken|refreshToken/.test(me.text) }).toStrictEqual({ status: 200, name, tokens: false });
    expect((await get('/api/profile')).json?.user?.name).toBe(name);
    expect((await get('/auth/profile')).json?.name).toBe(name); // the SDK's own route reads what session-seal wrote

    // The SDK's logout ends the session; the page is guarded again.
    const logout = await get('/auth/logout');
    expect(logout.status).toBeGreaterThanOrEqual(300);
    expect((await get('/dashboard')).status).toBe(307);
    expect((await get('/api/me')).status).toBe(401);
  }, 180_000);

  test('the server stayed healthy: no error in its log', () => {
    expect(server.output.split('\n').filter((l) => /⨯|\bError\b|unhandled/i.test(l))).toStrictEqual([]);
  });
});

describe('the README\'s line left out of next.config.ts: the build says what is missing', () => {
  const config = blocks.find((b) => b.file === 'next.config.ts').code;
  const without = config.replace(/,?\s*serverExternalPackages: \['session-seal'\]/, '');

  // The README's setup and its route handler are enough for the bundler to meet session-seal.
  const setup = blocks.filter((b) => ['next.config.ts', 'lib/session.ts', 'app/api/me/route.ts'].includes(b.file));

  test.each([['Turbopack', []], ['webpack', ['--webpack']]])('%s: ERR_SESSION_SEAL_BUNDLED, naming serverExternalPackages', async (_bundler, args) => {
    expect(setup).toHaveLength(3);
    expect(without).not.toMatch(/serverExternalPackages: \[/);
    const broken = writeApp('readme-bundled', setup, { replace: { 'next.config.ts': without } });
    try {
      const error = await buildApp(broken.dir, { args, timeoutMs: BUILD_MS }).then(() => null, (e) => e);
      expect(error?.message).toMatch(/session-seal was bundled, and its native addon \(a \.node file\) cannot be bundled: add 'session-seal' to serverExternalPackages/);
      expect(error.message).not.toMatch(/non-ecmascript placeable asset|Module parse failed/);
    } finally {
      broken.remove();
    }
  }, BUILD_MS);
});
