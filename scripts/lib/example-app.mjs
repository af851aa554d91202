// The example apps under examples/: installing one (npm ci from its lockfile, skipped when current; only
// the session-seal copy re-made when the repository's package changed) and holding it for one run at a time.

import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { acquireLock, run } from './processes.mjs';
import { repoRoot } from './repo.mjs';

/** This system as the platform packages name it: the loader's own answer. */
export const { detectSystem } = createRequire(import.meta.url)('../../load-error.js');

const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/**
 * The addon, built if missing or older than its sources (scripts/ensure-built.mjs): `npm test` has built it
 * already, a direct Jest run or a benchmark may not have. `timeoutMs` bounds the build.
 * @param {number} [timeoutMs]
 */
export function ensureBuilt(timeoutMs) {
  const built = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'ensure-built.mjs')], { cwd: repoRoot, stdio: 'inherit', timeout: timeoutMs });
  if (built.status !== 0) throw new Error('scripts/ensure-built.mjs failed');
}

/** Environment for an example's processes: no Jest leftovers, no telemetry, plus `extra`. */
export function exampleEnv(extra = {}) {
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...extra };
  for (const key of Object.keys(env)) if (key.startsWith('JEST_') || key === 'NODE_OPTIONS' || env[key] === undefined) delete env[key];
  return env;
}

/** Every file under `dir`, recursively. */
export function walk(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/**
 * The example installs session-seal as a copy of the repository's package (`install-links`), so it goes
 * stale whenever the package changes: every file of the copy must equal the repository's, and every file the
 * package publishes must be in it. The addon is not one of them (see placePlatformPackage).
 */
function installedCopyIsCurrent(appDir) {
  const copy = path.join(appDir, 'node_modules', 'session-seal');
  if (!fs.existsSync(path.join(copy, 'package.json'))) return false;
  for (const file of walk(copy)) {
    const original = path.join(repoRoot, path.relative(copy, file));
    if (!fs.existsSync(original) || sha256(original) !== sha256(file)) return false;
  }
  const published = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).files;
  const dirs = published.filter((entry) => entry.endsWith('/')).map((entry) => entry.slice(0, -1));
  for (const dir of dirs) {
    for (const file of walk(path.join(repoRoot, dir))) {
      if (!fs.existsSync(path.join(copy, path.relative(repoRoot, file)))) return false;
    }
  }
  return true;
}

/**
 * The published package ships no binary: npm installs it from the one platform package that fits this system
 * (`session-seal-linux-x64-gnu`, …), beside session-seal in node_modules, where the loader finds it. An
 * example gets that package the same way, made of npm/<platform>/package.json and the freshly built addon,
 * so Next.js bundles, traces and loads the binary from where a user's install has it. Returns its path.
 */
export function placePlatformPackage(appDir) {
  const { key } = detectSystem();
  const addon = path.join(repoRoot, `session-seal.${key}.node`);
  const manifest = path.join(repoRoot, 'npm', key, 'package.json');
  if (!fs.existsSync(addon) || !fs.existsSync(manifest)) throw new Error(`no ${path.basename(addon)} with a platform package under npm/${key}: run \`npm run build\``);
  const dir = path.join(appDir, 'node_modules', `session-seal-${key}`);
  fs.mkdirSync(dir, { recursive: true });
  for (const from of [manifest, addon]) {
    const dest = path.join(dir, path.basename(from));
    if (!fs.existsSync(dest) || sha256(dest) !== sha256(from)) fs.copyFileSync(from, dest);
  }
  return dir;
}

/** Installs the example at `appDir`; returns what it did ('npm ci', 'session-seal re-copied', 'install current'). */
export async function installExample(appDir, timeoutMs) {
  const stampFile = path.join(appDir, 'node_modules', '.session-seal-e2e-stamp');
  const stamp = ['package.json', 'package-lock.json', '.npmrc'].map((f) => sha256(path.join(appDir, f))).join(' ');
  const env = exampleEnv();
  delete env.NODE_ENV; // npm ci must install devDependencies (typescript, @types/*) for `next build`
  let did;
  if (!(fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp)) {
    did = 'npm ci';
    await run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: appDir, env, timeoutMs });
    fs.writeFileSync(stampFile, stamp);
  } else if (!installedCopyIsCurrent(appDir)) {
    did = 'session-seal re-copied';
    fs.rmSync(path.join(appDir, 'node_modules', 'session-seal'), { recursive: true, force: true });
    await run('npm', ['install', '--no-audit', '--no-fund', '--no-save'], { cwd: appDir, env, timeoutMs });
  } else {
    did = 'install current';
  }
  if (!installedCopyIsCurrent(appDir)) throw new Error(`${appDir}/node_modules/session-seal differs from the repository after install`);
  placePlatformPackage(appDir);
  return did;
}

/**
 * One run at a time per example: installing, building and serving it all use its directory. Waits (bounded)
 * for another process's run to end; returns the release function.
 */
export function lockExample(appDir, timeoutMs) {
  return acquireLock(path.join(appDir, '.e2e.lock'), timeoutMs);
}
