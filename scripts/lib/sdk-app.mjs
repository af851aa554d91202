// examples/sdk-app, built and served the ways an app is: for the e2e suite (__test__/e2e/sdk-app.test.mjs) and
// `npm run bench:next`. Two variants of the same app: `sealed` (its next.config wraps the config with
// withSessionSeal) and `plain` (SDK_APP_WITHOUT_SESSION_SEAL=1: the same app without it). Builds go to their
// own dist directories so that both variants and both bundlers sit side by side, and a build is skipped when
// a stamp of everything it depends on is unchanged (never the case on a fresh clone, such as CI's).

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Jar, request } from './browser.mjs';
import { ensureBuilt, exampleEnv, installExample, lockExample, placePlatformPackage, walk } from './example-app.mjs';
import { run, startDetached, killGroup, freePort, waitUntilReady, firstLine } from './processes.mjs';
import { repoRoot } from './repo.mjs';

export const appDir = path.join(repoRoot, 'examples', 'sdk-app');
const nextBin = path.join(appDir, 'node_modules', 'next', 'dist', 'bin', 'next');

export const CLIENT_ID = 'sdk-app';
export const CLIENT_SECRET = crypto.randomBytes(24).toString('hex');

/**
 * The dist directory of a variant's build (`dev`: the dev server's); `sdk`: built with another SDK release
 * than the one the example's lockfile installs, named by its role (`oldest`, `between`), not its version:
 * Next.js lists each dist directory's types in tsconfig.json, which must not change from run to run.
 */
export const distDir = (variant, build, sdk) => `.next-${variant}-${build}${sdk ? `-sdk-${sdk}` : ''}`;

/**
 * The SDK releases the e2e suite runs the app on: the oldest and the newest verified (next/sdk-versions.json;
 * the example's lockfile installs the newest), and between them the newest release of a shape neither has.
 */
export function e2eReleases() {
  const { verified } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'next', 'sdk-versions.json'), 'utf8'));
  const list = Object.keys(verified);
  const [oldest, newest] = [list[0], list[list.length - 1]];
  const others = list.filter((v) => verified[v] !== verified[oldest] && verified[v] !== verified[newest]);
  return { oldest, between: others[others.length - 1] ?? list[Math.floor(list.length / 2)], newest, shapes: verified };
}

/** The SDK the example's lockfile installs. */
export const sdkDir = path.join(appDir, 'node_modules', '@auth0', 'nextjs-auth0');
export const installedSdk = () => JSON.parse(fs.readFileSync(path.join(sdkDir, 'package.json'), 'utf8')).version;

/**
 * Puts another SDK release in place of the installed one (its package from the npm registry: the same
 * cache npm run check:sdk-versions fills), as npm would install it: its dependencies are the installed
 * ones, which the verified releases declare alike. Until the returned function restores the original, the
 * install stamp is gone, so a run that dies in between leaves the example to be installed afresh.
 */
export function useSdkRelease(version, releaseDir) {
  const stamp = path.join(appDir, 'node_modules', '.session-seal-e2e-stamp');
  const savedStamp = fs.readFileSync(stamp, 'utf8');
  const kept = path.join(appDir, 'node_modules', '.session-seal-sdk-installed');
  fs.rmSync(stamp);
  if (!fs.existsSync(kept)) fs.renameSync(sdkDir, kept);
  fs.rmSync(sdkDir, { recursive: true, force: true });
  fs.cpSync(releaseDir, sdkDir, { recursive: true });
  if (installedSdk() !== version) throw new Error(`${sdkDir} holds ${installedSdk()}, not ${version}`);
  return () => {
    fs.rmSync(sdkDir, { recursive: true, force: true });
    fs.renameSync(kept, sdkDir);
    fs.writeFileSync(stamp, savedStamp);
  };
}

/** Builds, ensures the addon, takes the example's lock and installs it. Returns the release function. */
export async function prepare({ lockMs, installMs, log }) {
  ensureBuilt();
  const release = await lockExample(appDir, lockMs);
  try {
    log?.(`install: ${await installExample(appDir, installMs)}`);
  } catch (error) {
    release();
    throw error;
  }
  return release;
}

/** The environment of a variant's `next` processes (`sdk`: built with another SDK release, not standalone). */
function variantEnv(variant, build, extra = {}, sdk = undefined) {
  return exampleEnv({
    NODE_ENV: build === 'dev' ? 'development' : 'production',
    SDK_APP_DIST_DIR: distDir(variant, build, sdk),
    SDK_APP_WITHOUT_SESSION_SEAL: variant === 'plain' ? '1' : undefined,
    SDK_APP_STANDALONE: build === 'turbopack' && !sdk ? '1' : undefined,
    ...extra,
  });
}

/** Everything a build depends on: the app's sources, session-seal, the SDK, and the variant. */
function buildStamp(variant, build) {
  const hash = crypto.createHash('sha256').update(`${variant} ${build}\n`);
  const sources = ['app', 'pages', 'lib', 'proxy.ts', 'next.config.mjs', 'tsconfig.json', 'package-lock.json'];
  const files = sources.flatMap((s) => (fs.statSync(path.join(appDir, s)).isDirectory() ? walk(path.join(appDir, s)) : [path.join(appDir, s)]));
  files.push(...walk(path.join(appDir, 'node_modules', 'session-seal')), ...walk(placePlatformPackage(appDir)), path.join(sdkDir, 'package.json'));
  for (const file of files.sort()) hash.update(`${path.relative(appDir, file)}\n`).update(fs.readFileSync(file));
  return hash.digest('hex');
}

/**
 * `next build` of one variant: `turbopack` (with `output: 'standalone'`, so the one build serves both
 * `next start` and the standalone server) or `webpack` (`next build --webpack`). The build never sees a
 * real secret or tenant: placeholders, as in a CI build.
 */
/**
 * @param {string} variant
 * @param {string} build
 * @param {{ timeoutMs: number, typecheck?: boolean, sdk?: string }} options
 */
export async function buildVariant(variant, build, { timeoutMs, typecheck = true, sdk }) {
  const stampFile = path.join(appDir, distDir(variant, build, sdk), '.session-seal-build-stamp');
  const stamp = buildStamp(variant, build);
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) return 'current';
  fs.rmSync(path.join(appDir, distDir(variant, build, sdk)), { recursive: true, force: true });
  const env = variantEnv(variant, build, {
    AUTH0_DOMAIN: 'example.invalid',
    AUTH0_CLIENT_ID: 'build-placeholder',
    AUTH0_CLIENT_SECRET: 'build-placeholder',
    AUTH0_SECRET: 'build-time-placeholder-secret-not-used-0000',
    APP_BASE_URL: 'http://127.0.0.1:3000',
    SDK_APP_SKIP_TYPECHECK: typecheck ? undefined : '1',
  }, sdk);
  const output = await run(process.execPath, [nextBin, 'build', ...(build === 'webpack' ? ['--webpack'] : [])], { cwd: appDir, env, timeoutMs });
  fs.writeFileSync(stampFile, stamp);
  return output;
}

/**
 * The local OIDC provider (oidc-provider.mjs) with redirect URIs for every app base URL given.
 * Returns `{ issuer, stop }`.
 */
export async function startProvider(appBases, { timeoutMs }) {
  const client = {
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    redirect_uris: appBases.map((base) => `${base}/auth/callback`),
    post_logout_redirect_uris: appBases,
  };
  const child = startDetached(process.execPath, [path.join(repoRoot, 'scripts', 'lib', 'oidc-provider.mjs')], {
    cwd: repoRoot,
    env: exampleEnv({ OIDC_CLIENT: JSON.stringify(client) }),
  });
  const { issuer } = JSON.parse(await firstLine(child, timeoutMs));
  return { issuer, child, stop: () => killGroup(child) };
}

/**
 * Starts one server of a variant: `start` (`next start` on the Turbopack or webpack build), `standalone`
 * (the Turbopack build's standalone output, copied to a temporary directory, `node server.js`) or `dev`
 * (`next dev`). `wrap` runs the
 * command under another (e.g. `taskset -c 0`). Returns `{ base, child, stop }` once a route answers.
 */
/**
 * @param {{ variant: string, build: string, mode: string, issuer: string, secret: string, port?: number,
 *   env?: Record<string, string>, wrap?: string[], readyMs: number, sdk?: string }} options
 */
export async function startApp({ variant, build, mode, issuer, secret, port, env = {}, wrap = [], readyMs, sdk }) {
  port ??= await freePort();
  const base = `http://127.0.0.1:${port}`;
  const runtime = {
    AUTH0_DOMAIN: issuer.replace(/\/$/, ''),
    AUTH0_CLIENT_ID: CLIENT_ID,
    AUTH0_CLIENT_SECRET: CLIENT_SECRET,
    AUTH0_SECRET: secret,
    APP_BASE_URL: base,
    PORT: String(port),
    HOSTNAME: '127.0.0.1',
    ...env,
  };
  let args;
  let cwd = appDir;
  let copy;
  if (mode === 'standalone') {
    // Deployed as a standalone output is: copied out of the app (whose node_modules it would otherwise
    // resolve from) and run on its own.
    copy = fs.mkdtempSync(path.join(os.tmpdir(), 'session-seal-standalone-'));
    fs.cpSync(path.join(appDir, distDir(variant, build), 'standalone'), copy, { recursive: true, verbatimSymlinks: true });
    cwd = copy;
    args = [path.join(cwd, 'server.js')];
  } else {
    args = [nextBin, mode, '-H', '127.0.0.1', '-p', String(port)];
  }
  const command = [...wrap, process.execPath, ...args];
  const child = startDetached(command[0], command.slice(1), { cwd, env: variantEnv(variant, mode === 'dev' ? 'dev' : build, runtime, sdk) });
  const stop = async () => {
    await killGroup(child);
    if (copy) fs.rmSync(copy, { recursive: true, force: true });
  };
  try {
    // Ready when the status route answers (in dev, once it is compiled).
    await waitUntilReady(child, `${base}/api/status`, { timeoutMs: readyMs, ready: (r) => r.status === 200, what: `${variant} ${mode}` });
  } catch (error) {
    await stop();
    throw error;
  }
  return { base, child, stop };
}

// ---------------------------------------------------------------------------------------------------------
// Logging in

/**
 * Logs in through the SDK's /auth/login and the provider: returns the app's responses to /auth/login and
 * /auth/callback (the provider's own steps are not the app's behaviour); the jar then holds the session.
 */
export async function login(base, jar, { timeoutMs }) {
  const start = await request(`${base}/auth/login`, { jar, timeoutMs });
  const providerJar = new Jar();
  let location = start.location;
  for (let hops = 0; location && !location.startsWith(base); hops++) {
    if (hops > 10) throw new Error(`login: more than 10 redirects at the provider (last: ${location})`);
    const step = await request(location, { jar: providerJar, timeoutMs });
    location = step.location ? new URL(step.location, location).href : null;
    if (!location) throw new Error(`login: the provider answered ${step.status} without a redirect: ${step.text.slice(0, 500)}`);
  }
  if (!location) throw new Error(`login: /auth/login answered ${start.status} without a redirect`);
  const callback = await request(location, { jar, timeoutMs });
  return { start, callback };
}
