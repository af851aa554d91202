// The machinery of the Next.js e2e suite (next-app.test.mjs): installing examples/next-app, building it,
// running it (`next start`, the standalone server, `next dev`) on 127.0.0.1 and a free port, and talking
// to it over HTTP (processes, locks, the install and the browser's cookies come from the toolbox,
// scripts/lib/). Every child runs in its own process group, killed whole; every step has its own bound, and
// none is a speed assertion: the bounds only keep a stuck step from hanging CI.

import fs from 'node:fs';
import path from 'node:path';
import { cookieHeader, request as browserRequest } from '../../scripts/lib/browser.mjs';
import { installExample, lockExample } from '../../scripts/lib/example-app.mjs';
import { freePort, killGroup, run, startDetached, waitUntilReady } from '../../scripts/lib/processes.mjs';
import { repoRoot } from '../../scripts/lib/repo.mjs';

export const appDir = path.join(repoRoot, 'examples', 'next-app');
export const sdkDist = path.join(repoRoot, 'node_modules', '@auth0', 'nextjs-auth0', 'dist');
const nextBin = path.join(appDir, 'node_modules', 'next', 'dist', 'bin', 'next');

/** The example's environment: none of Jest's, no telemetry, and no AUTH0_* but what a step passes. */
export function appEnv(extra = {}) {
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  for (const key of Object.keys(env)) {
    if (key.startsWith('JEST_') || key === 'NODE_OPTIONS' || key === 'NODE_ENV' || key.startsWith('AUTH0_') || key === 'APP_BASE_URL' || key === 'NEXT_OUTPUT') delete env[key];
  }
  return { ...env, ...extra };
}

// ---------------------------------------------------------------------------------------------------------
// Install

/** `npm ci` when the example's lockfile changed; otherwise only a stale session-seal copy is replaced. */
export const installApp = (timeoutMs) => installExample(appDir, timeoutMs);

let releaseExample = () => {};
/** One run at a time per work tree: `npm ci`, `next build` and the servers all use examples/next-app. */
export async function acquireLock(timeoutMs) {
  releaseExample = await lockExample(appDir, timeoutMs);
}

export function releaseLock() {
  releaseExample();
}

// ---------------------------------------------------------------------------------------------------------
// Build and serve

/** `next build` with extra arguments (`--webpack`) and environment; resolves with its output. */
export function buildApp(args, env, timeoutMs) {
  // A previous run's `next dev` leaves route types under .next/dev, which the build type-checks: routes since
  // removed or renamed would fail it.
  fs.rmSync(path.join(appDir, '.next', 'dev'), { recursive: true, force: true });
  return run(process.execPath, [nextBin, 'build', ...args], { cwd: appDir, env: appEnv({ NODE_ENV: 'production', ...env }), timeoutMs });
}

/**
 * Starts the app: `start` (`next start`), `standalone` (`node .next/standalone/server.js`, as a Docker image
 * runs it) or `dev` (`next dev`). Ready once `/api/me` answers 401 (no cookie); fails at once if it exits.
 */
export async function startServer(how, env, timeoutMs) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const serverEnv = appEnv({ NODE_ENV: how === 'dev' ? 'development' : 'production', PORT: String(port), HOSTNAME: '127.0.0.1', ...env });
  const [args, cwd] = {
    start: [[nextBin, 'start', '-H', '127.0.0.1', '-p', String(port)], appDir],
    dev: [[nextBin, 'dev', '-H', '127.0.0.1', '-p', String(port)], appDir],
    standalone: [[path.join(appDir, '.next', 'standalone', 'server.js')], path.join(appDir, '.next', 'standalone')],
  }[how];
  const child = startDetached(process.execPath, args, { cwd, env: serverEnv });
  const server = { base, output: () => child.output, stop: () => killGroup(child) };
  try {
    // (in dev, /api/me answers only once the route is compiled)
    await waitUntilReady(child, `${base}/api/me`, { timeoutMs, ready: (r) => r.status === 401, what: `${how} server` });
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

// ---------------------------------------------------------------------------------------------------------
// HTTP

/**
 * One request with the cookies of `jar` (`{ name, value }` entries) and any extra request headers; the
 * response's cookies are not applied.
 */
export function request(base, pathname, { jar, method = 'GET', body, headers, timeoutMs }) {
  return browserRequest(base + pathname, { cookie: jar?.length ? cookieHeader(jar) : undefined, method, body, headers, timeoutMs });
}
