// End to end: withSessionSeal in a real Next.js 16 app that uses @auth0/nextjs-auth0 the ordinary way
// (examples/sdk-app: auth0.middleware in proxy.ts with rolling sessions, getSession in App Router routes and a
// server component, a Pages Router API route, updateSession) against a local OIDC provider (oidc-provider).
//
// The same app is built twice, with withSessionSeal (`sealed`) and without (`plain`), and served four ways:
// `next start` on the Turbopack build, `next start` on the webpack build, the standalone server of the
// Turbopack build (built with `output: 'standalone'`, so one build serves both), and `next dev`. Each server
// runs one scripted visit — login → callback → session reads (rolling) → a chunked session update → bad,
// expired and A256KW cookies → logout — and every status code and normalised Set-Cookie list of the sealed
// app must equal the plain app's. The counters of sdkCryptoStatus() prove the native path served; the
// kill-switch is tested on the Turbopack build. (The self-test's fallback and the decrypt equivalence in
// both throwOnJWEErrors modes are tested with the rewritten SDK module itself in sdk-crypto.test.mjs: no
// app can make a self-test fail without a back door.)
//
// The example installs the newest verified SDK release. The same app then runs, built with Turbopack and
// served by `next start`, on the oldest verified release and on one between them of another shape
// (e2eReleases): each is first checked as `npm run check:sdk-versions` checks it, put in place of the
// installed SDK, and the visit's transcript compared with and without withSessionSeal.
//
// Loopback only; every build, start and request is bounded; servers are killed whole, pass or fail.

import { describe, test, expect, beforeAll, afterAll } from '@jest/globals';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomSecret, nowSeconds, flipChar } from '../helpers/fixtures.mjs';
import { Jar, parseSetCookie, request } from '../../scripts/lib/browser.mjs';
import { detectSystem } from '../../scripts/lib/example-app.mjs';
import { freePort } from '../../scripts/lib/processes.mjs';
import { repoRoot } from '../../scripts/lib/repo.mjs';
import { appDir, distDir, prepare, buildVariant, startProvider, startApp, login, e2eReleases, installedSdk, useSdkRelease } from '../../scripts/lib/sdk-app.mjs';
import { checkRelease, fetchRelease, verifiedNext } from '../../scripts/check-sdk-versions.mjs';

// Time budget (2 shared cores; typical figures in brackets). Install [0-30 s]; four builds [40-90 s each];
// each server start [1-5 s, dev 5-20 s] and its visit [2-5 s, dev 20-60 s while routes compile]. Each
// limit is generous; the suite as a whole is bounded by SETUP_MS plus the per-mode limits.
const SETUP_MS = 600_000; // beforeAll: addon, lock, install, 4 builds, provider
const LOCK_MS = 120_000;
const INSTALL_MS = 150_000;
const BUILD_MS = 240_000; // one `next build`
const READY_MS = 60_000; // a production server answering
const DEV_READY_MS = 180_000; // `next dev` compiling the proxy and the status route
const REQUEST_MS = 30_000;
const DEV_REQUEST_MS = 120_000; // a route's first compile in dev
const MODE_MS = 420_000; // both servers of one mode: start, visit, stop

const MODES = [
  { name: 'next build (Turbopack) + next start', build: 'turbopack', mode: 'start' },
  { name: 'next build --webpack + next start', build: 'webpack', mode: 'start' },
  { name: "output: 'standalone' (Turbopack build) + server.js", build: 'turbopack', mode: 'standalone' },
  { name: 'next dev (Turbopack)', build: 'dev', mode: 'dev' },
];

const releases = e2eReleases();
/** The releases the app also runs on, beside the one its lockfile installs (the newest). */
const OTHER_RELEASES = [releases.oldest, releases.between];

let sdk; // the real SDK's cookie functions (the repository's devDependency): decrypts what the servers set
let provider;
let release;
const ports = new Map(); // `${variant} ${mode index}` and 'kill-switch' → the port its server will use
const secret = randomSecret();
const padding = crypto.randomBytes(4_500).toString('base64url'); // grows the session past one cookie
const timings = [];
const lap = (() => {
  let last = Date.now();
  return (what) => {
    timings.push(`${what} ${((Date.now() - last) / 1000).toFixed(1)} s`);
    last = Date.now();
  };
})();

beforeAll(async () => {
  sdk = await import(pathToFileURL(path.join(repoRoot, 'node_modules', '@auth0', 'nextjs-auth0', 'dist', 'server', 'cookies.js')).href);
  release = await prepare({ lockMs: LOCK_MS, installMs: INSTALL_MS, log: lap });
  lap('addon, lock, install');
  // The two variants of one bundler build side by side (a build leaves a core idle much of the time). The
  // app's TypeScript is checked by the first sealed build; the others skip the identical check.
  for (const build of ['turbopack', 'webpack']) {
    const outputs = await Promise.all(
      ['sealed', 'plain'].map((variant) => buildVariant(variant, build, { timeoutMs: BUILD_MS, typecheck: variant === 'sealed' && build === 'turbopack' })),
    );
    lap(`build sealed + plain, ${build}${outputs.every((o) => o === 'current') ? ' (current)' : ''}`);
  }
  // The provider must know every redirect URI: the servers' ports are chosen now.
  for (const variant of ['sealed', 'plain']) for (const i of MODES.keys()) ports.set(`${variant} ${i}`, await freePort());
  ports.set('kill-switch', await freePort());
  for (const version of OTHER_RELEASES) for (const variant of ['sealed', 'plain']) ports.set(`${variant} sdk ${version}`, await freePort());
  provider = await startProvider([...ports.values()].map((port) => `http://127.0.0.1:${port}`), { timeoutMs: 30_000 });
  lap('provider');
}, SETUP_MS);

afterAll(async () => {
  await provider?.stop();
  release?.();
  if (timings.length) console.log(`sdk-app e2e: ${timings.join(' · ')}`);
}, 30_000);

// ---------------------------------------------------------------------------------------------------------
// One visit, and its normalised transcript

/**
 * The same visit to any server of the app: every response of the app, in order. Cookies the test makes
 * itself (expired, tampered, A256KW) are sealed by the real SDK under the server's secret.
 */
async function visit(base, timeoutMs) {
  const steps = [];
  const step = async (name, pathname, options = {}) => {
    const response = await request(base + pathname, { timeoutMs, ...options });
    steps.push({ name, ...response });
    return response;
  };
  const jar = new Jar();
  await step('no session yet', '/api/session', { jar });
  const { start, callback } = await login(base, jar, { timeoutMs });
  steps.push({ name: 'GET /auth/login', ...start }, { name: 'GET /auth/callback', ...callback });
  const { json } = await step('getSession (route handler, through the rolling proxy)', '/api/session', { jar });
  await step('getSession (route handler, outside the proxy)', '/api/direct/session', { jar });
  await step('getSession (Pages Router API route)', '/api/pages-session', { jar });
  await step('getSession (server component)', '/profile', { jar });
  await step('proxy only (rolling session)', '/api/ping', { jar });
  await step('the SDK\'s /auth/profile', '/auth/profile', { jar });
  await step('updateSession: the session grows into chunks', '/api/update', { jar, method: 'POST', body: { padding } });
  await step('getSession of the chunked session', '/api/session', { jar });

  // Cookies no browser would send: each in a jar of its own.
  const session = json?.session ?? {};
  const sealed = (exp, headers) => sdk.encrypt({ ...session, exp: undefined }, secret, exp, headers);
  const chunks = [...jar.cookies].filter(([name]) => /^__session__\d+$/.test(name));
  // A chunk is a slice of the JWE text: one character of the second slice changed (ciphertext, in a session
  // this size).
  const tampered = chunks.map(([name, value], i) => [name, i === 1 ? flipChar(value, 100) : value]);
  await step('a tampered chunk', '/api/session', { jar: new Jar(tampered) });
  await step('an expired cookie', '/api/session', { jar: new Jar([['__session', await sealed(nowSeconds() - 3600)]]) });
  await step('a cookie sealed under another secret', '/api/session', {
    jar: new Jar([['__session', await sdk.encrypt({ ...session, exp: undefined }, randomSecret(), nowSeconds() + 600)]]),
  });
  // Only the secret's holder can make one; the SDK's jose reads it, and so does the sealed app (through the
  // SDK's own decrypt, to which session-seal hands algorithms it does not implement).
  await step('a cookie sealed with alg A256KW', '/api/direct/session', { jar: new Jar([['__session', await sealed(nowSeconds() + 600, { alg: 'A256KW' })]]) });
  await step('GET /auth/logout', '/auth/logout', { jar });
  await step('after logout', '/api/session', { jar });
  return steps;
}

/** A value's shape: every string and number replaced by its type (tokens, times and ids differ per login). */
function shape(value) {
  if (Array.isArray(value)) return value.map(shape);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'user' ? v : shape(v)]));
  return typeof value === 'string' || typeof value === 'number' ? typeof value : value;
}

/**
 * Set-Cookie lines made comparable between two servers: a JWE value becomes the shape of what the SDK's
 * own decrypt reads from it (so every cookie either server sets is also proven readable by the SDK); the
 * transaction cookie's random state leaves its name; `Expires` goes; `Max-Age` keeps 0 and the rest is
 * compared apart (`maxAge`).
 */
async function readable(value) {
  const opened = await sdk.decrypt(value, secret);
  return opened ? `JWE ${JSON.stringify(shape(opened.payload))}` : 'a JWE the SDK cannot read';
}

/** A response's Set-Cookie list, normalised line by line; chunks (`__session__N`) are read joined, in order. */
async function normaliseSetCookies(lines) {
  const chunks = [];
  const out = [];
  for (const line of lines) {
    const { name, value, attrs } = parseSetCookie(line);
    let shown = value;
    if (/^__session__\d+$/.test(name) && value) {
      chunks[Number(name.slice('__session__'.length))] = value;
      shown = '<chunk>';
    } else if (value.split('.').length === 5) shown = await readable(value);
    const kept = Object.entries(attrs)
      .filter(([key]) => key !== 'expires')
      .map(([key, v]) => (key === 'max-age' && v !== '0' ? 'max-age>0' : v === true ? key : `${key}=${v}`));
    out.push(`${name.replace(/^__txn_.+$/, '__txn_<state>')}=${shown}; ${kept.sort().join('; ')}`);
  }
  if (chunks.length) out.push(`the chunks joined: ${await readable(chunks.join(''))}`);
  return out;
}

/** The app's origin and the provider's, and the per-login query values, out of a redirect. */
function normaliseLocation(location, base) {
  if (!location) return null;
  const url = new URL(location, base);
  for (const key of ['state', 'nonce', 'code_challenge', 'code', 'id_token_hint']) if (url.searchParams.has(key)) url.searchParams.set(key, `<${key}>`);
  return url.href.replaceAll(encodeURIComponent(base), '<app>').replaceAll(base, '<app>').replaceAll(provider.issuer.replace(/\/$/, ''), '<idp>');
}

async function transcript(steps, base) {
  return Promise.all(
    steps.map(async ({ name, status, setCookie, location, json, text }) => ({
      name,
      status,
      setCookie: await normaliseSetCookies(setCookie),
      location: normaliseLocation(location, base),
      body: json !== undefined ? shape(json) : (/id="(signed-in|signed-out)"/.exec(text)?.[1] ?? `${text.length} characters`),
    })),
  );
}

/** The Max-Age of each positive-Max-Age cookie per step, for the comparison apart from the transcript. */
const maxAges = (steps) =>
  steps.flatMap(({ setCookie }) => setCookie.map(parseSetCookie).filter((c) => c.attrs['max-age'] && c.attrs['max-age'] !== '0').map((c) => Number(c.attrs['max-age'])));

async function statusOf(base, timeoutMs) {
  return (await request(`${base}/api/status`, { timeoutMs })).json;
}

/** Starts a server (built with the `sdk` release, when given), makes the visit, reads the status, stops it (always). */
async function serve(variant, { build, mode }, port, env = {}, sdk = undefined) {
  const dev = mode === 'dev';
  const server = await startApp({ variant, build, mode, issuer: provider.issuer, secret, port, env, readyMs: dev ? DEV_READY_MS : READY_MS, sdk });
  try {
    const steps = await visit(server.base, dev ? DEV_REQUEST_MS : REQUEST_MS);
    const status = await statusOf(server.base, REQUEST_MS);
    return { base: server.base, steps, status, output: () => server.child.output };
  } finally {
    await server.stop();
  }
}

/** Lines of a server's log that report an error (the SDK's own warnings for this http:// setup aside). */
const errorLines = (output) => output.split('\n').filter((l) => /⨯|\bError\b|unhandled|self-test failed/i.test(l));

// ---------------------------------------------------------------------------------------------------------

const plainRuns = []; // by mode index, for the kill-switch comparison

describe.each(MODES.map((m, i) => [m.name, { ...m, index: i }]))('%s', (_name, mode) => {
  const runs = {};
  beforeAll(async () => {
    for (const variant of ['sealed', 'plain']) {
      runs[variant] = await serve(variant, mode, ports.get(`${variant} ${mode.index}`));
      lap(`${mode.build} ${mode.mode} ${variant}`);
    }
    plainRuns[mode.index] = runs.plain;
  }, MODE_MS);

  test('the visit works: login, callback, rolling session, chunks, refusals, A256KW, logout', () => {
    const byName = Object.fromEntries(runs.sealed.steps.map((s) => [s.name, s]));
    expect(byName['no session yet'].status).toBe(401);
    expect(byName['GET /auth/login'].status).toBe(307);
    expect(byName['GET /auth/callback'].status).toBe(307);
    expect(byName['getSession (route handler, through the rolling proxy)'].json.session.user.sub).toBe('user-1');
    expect(byName['getSession (Pages Router API route)'].json.session.user.sub).toBe('user-1');
    expect(byName['getSession (server component)'].text).toContain('id="signed-in"');
    // Rolling: the proxy re-seals the session cookie on a request that does not read it.
    expect(byName['proxy only (rolling session)'].setCookie.some((l) => /^__session=ey/.test(l))).toBe(true);
    expect(byName['getSession of the chunked session'].setCookie.filter((l) => /^__session__\d+=[^;]/.test(l)).length).toBeGreaterThanOrEqual(2);
    expect(byName['getSession of the chunked session'].json.session.user.padding).toBe(padding);
    for (const bad of ['a tampered chunk', 'an expired cookie', 'a cookie sealed under another secret']) expect(byName[bad].status).toBe(401);
    expect(byName['a cookie sealed with alg A256KW'].status).toBe(200);
    expect(byName['GET /auth/logout'].status).toBe(307);
    expect(byName['after logout'].status).toBe(401);
  });

  test('every status code and normalised Set-Cookie list equals the app without withSessionSeal', async () => {
    const sealed = await transcript(runs.sealed.steps, runs.sealed.base);
    const plain = await transcript(runs.plain.steps, runs.plain.base);
    expect(sealed).toStrictEqual(plain);
    // The positive Max-Age values (rolling expiry) agree too, within the seconds between the two visits.
    const [a, b] = [maxAges(runs.sealed.steps), maxAges(runs.plain.steps)];
    expect(a.length).toBe(b.length);
    a.forEach((value, i) => expect(Math.abs(value - b[i])).toBeLessThanOrEqual(120));
  });

  test('sdkCryptoStatus(): the sealed app served the SDK natively, the plain app never loaded the rewrite', () => {
    const { status } = runs.sealed;
    expect(status).toMatchObject({ active: true, reason: 'native', sdkVersion: '4.30.0' });
    expect(status.selfTestsPassed).toBeGreaterThanOrEqual(1);
    // Every login seals a transaction and a session; every request through the proxy opens and re-seals.
    expect(status.calls.encrypt).toBeGreaterThanOrEqual(8);
    expect(status.calls.decrypt).toBeGreaterThanOrEqual(10);
    // The A256KW cookie went to the SDK's own decrypt: the one kind of call handed back in this visit.
    expect(status.fallbacks).toStrictEqual({ encrypt: 0, decrypt: 1 });
    expect(runs.sealed.output()).toMatch(/session-seal: @auth0\/nextjs-auth0 4\.30\.0 cookie crypto runs natively \(self-test passed\)/);
    // Nothing but withSessionSeal brings session-seal into the app (its status route loads it out of the
    // bundler's sight): without it, a standalone build does not even contain the package.
    const plainStatus = runs.plain.status;
    if (mode.mode === 'standalone') expect(plainStatus.reason).toBe('session-seal-not-found');
    else expect(plainStatus).toStrictEqual({ active: false, reason: 'not-installed', sdkVersion: null, selfTestsPassed: 0, calls: { encrypt: 0, decrypt: 0 }, fallbacks: { encrypt: 0, decrypt: 0 } });
  });

  test('no errors in either server\'s log', () => {
    expect(errorLines(runs.sealed.output())).toStrictEqual([]);
    expect(errorLines(runs.plain.output())).toStrictEqual([]);
  });
});

describe('the kill-switch: SESSION_SEAL_SDK_CRYPTO=off on the sealed Turbopack build', () => {
  let off;
  beforeAll(async () => {
    off = await serve('sealed', MODES[0], ports.get('kill-switch'), { SESSION_SEAL_SDK_CRYPTO: 'off' });
    lap('kill-switch');
  }, MODE_MS);

  test('the SDK keeps its own crypto: status "disabled", no native call, one log line saying so', () => {
    expect(off.status).toMatchObject({ active: false, reason: 'disabled', calls: { encrypt: 0, decrypt: 0 } });
    expect(off.output()).toMatch(/session-seal: @auth0\/nextjs-auth0 cookie crypto runs on the SDK's JavaScript \(SESSION_SEAL_SDK_CRYPTO=off\)/);
  });

  test('and the app behaves exactly as without withSessionSeal', async () => {
    const plain = plainRuns[0];
    expect(await transcript(off.steps, off.base)).toStrictEqual(await transcript(plain.steps, plain.base));
  });
});

test('the standalone output holds session-seal and its platform package only because of withSessionSeal', () => {
  const modules = (variant) => path.join(appDir, distDir(variant, 'turbopack'), 'standalone', 'node_modules');
  // The addon ships in the platform package (session-seal-linux-x64-gnu, …), never in session-seal itself.
  const { key } = detectSystem();
  const [addon, platformPackage] = [`session-seal.${key}.node`, `session-seal-${key}`];
  expect(fs.existsSync(path.join(modules('sealed'), 'session-seal', 'index.js'))).toBe(true);
  expect(fs.readdirSync(path.join(modules('sealed'), 'session-seal')).filter((f) => f.endsWith('.node'))).toStrictEqual([]);
  expect(fs.readdirSync(path.join(modules('sealed'), platformPackage)).sort()).toStrictEqual([addon, 'package.json'].sort());
  expect(fs.existsSync(path.join(modules('plain'), 'session-seal'))).toBe(false);
  expect(fs.existsSync(path.join(modules('plain'), platformPackage))).toBe(false);
});

test('the example installs the newest verified SDK release, so the suites above run on it', () => {
  expect(installedSdk()).toBe(releases.newest);
  expect(OTHER_RELEASES).not.toContain(releases.newest);
});

describe.each([
  [releases.oldest, releases.shapes[releases.oldest], 'oldest'],
  [releases.between, releases.shapes[releases.between], 'between'],
])('@auth0/nextjs-auth0 %s (shape %s, the %s verified release) in place of the installed SDK', (version, _shape, role) => {
  const runs = {};
  let check;
  let restore;
  beforeAll(async () => {
    // What npm run check:sdk-versions proves for the release, proven again here: its shape, and the
    // rewritten module's self-test and decrypt cases against the release's own, with its own jose.
    check = checkRelease(version, verifiedNext());
    restore = useSdkRelease(version, fetchRelease(version));
    lap(`sdk ${version}: check, in place`);
    await Promise.all(['sealed', 'plain'].map((variant) => buildVariant(variant, 'turbopack', { timeoutMs: BUILD_MS, typecheck: false, sdk: role })));
    lap(`sdk ${version}: build sealed + plain`);
    for (const variant of ['sealed', 'plain']) runs[variant] = await serve(variant, MODES[0], ports.get(`${variant} sdk ${version}`), {}, role);
    lap(`sdk ${version}: serve`);
  }, SETUP_MS);
  afterAll(() => restore?.());

  test('npm run check:sdk-versions\'s checks pass: the shape it was verified with, the self-test, every decrypt case', () => {
    expect(check).toMatchObject({ version, verdict: 'verified', variant: releases.shapes[version], reason: null });
    expect(check.selfTest).toMatch(/^passed \(\d+ decrypt cases equal\)$/);
  });

  test('login → callback → rolling proxy → chunked session → logout, on the native path', () => {
    const byName = Object.fromEntries(runs.sealed.steps.map((s) => [s.name, s]));
    expect(byName['GET /auth/login'].status).toBe(307);
    expect(byName['GET /auth/callback'].status).toBe(307);
    expect(byName['getSession (route handler, through the rolling proxy)'].json.session.user.sub).toBe('user-1');
    expect(byName['getSession (server component)'].text).toContain('id="signed-in"');
    expect(byName['proxy only (rolling session)'].setCookie.some((l) => /^__session=ey/.test(l))).toBe(true);
    expect(byName['getSession of the chunked session'].json.session.user.padding).toBe(padding);
    expect(byName['GET /auth/logout'].status).toBe(307);
    expect(byName['after logout'].status).toBe(401);
    const { status } = runs.sealed;
    expect(status).toMatchObject({ active: true, reason: 'native', sdkVersion: version });
    expect(status.calls.encrypt).toBeGreaterThanOrEqual(8);
    expect(status.calls.decrypt).toBeGreaterThanOrEqual(10);
    expect(runs.sealed.output()).toContain(`session-seal: @auth0/nextjs-auth0 ${version} cookie crypto runs natively (self-test passed)`);
  });

  test('every status code and normalised Set-Cookie list equals the same app without withSessionSeal', async () => {
    expect(await transcript(runs.sealed.steps, runs.sealed.base)).toStrictEqual(await transcript(runs.plain.steps, runs.plain.base));
    const [a, b] = [maxAges(runs.sealed.steps), maxAges(runs.plain.steps)];
    expect(a.length).toBe(b.length);
    a.forEach((value, i) => expect(Math.abs(value - b[i])).toBeLessThanOrEqual(120));
  });
});
