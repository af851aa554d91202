// Apps made of the documentation's code blocks, built as `next build` builds an app: docs.test.mjs builds the
// docs' files this way, and next-readme.test.mjs builds the README's and serves it, logging in.
//
// A block whose first line is a comment naming a file (`// app/page.tsx`) is that file of the app, verbatim. The
// files go onto examples/create-next-app (what create-next-app writes, plus the README's setup) in a
// temporary directory outside the repository, as a new app stands on its own (inside it, Next.js would take the
// repository's lockfile for the workspace root); its node_modules are the skeleton's, installed once and linked
// file by file. The builds see no AUTH0_* variable and no reachable Redis, as a Docker or CI build does not.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exampleEnv, installExample, lockExample } from '../../scripts/lib/example-app.mjs';
import { run } from '../../scripts/lib/processes.mjs';
import { repoRoot } from '../../scripts/lib/repo.mjs';

export const skeletonDir = path.join(repoRoot, 'examples', 'create-next-app');

const LANGS = { ts: 'ts', typescript: 'ts', tsx: 'tsx', js: 'js', javascript: 'js', mjs: 'mjs', cjs: 'cjs', jsx: 'jsx' };

/** The code blocks of a Markdown text that tsc can check: `{ file, code, line, named }`. */
export function codeBlocks(text) {
  const blocks = [];
  const fence = /^```([\w-]*)[^\n]*\n([\s\S]*?)^```[ \t]*$/gm;
  for (let m; (m = fence.exec(text)); ) {
    const ext = LANGS[m[1].toLowerCase()];
    if (!ext) continue;
    const line = text.slice(0, m.index).split('\n').length;
    const named = /^\/\/ ((?:[\w@-]+\/)*[\w@.-]+\.(?:ts|tsx|js|mjs|cjs|jsx))(?:\s|$)/.exec(m[2]);
    blocks.push({ file: named ? named[1] : `block-at-line-${line}.${ext}`, code: m[2], line, named: Boolean(named) });
  }
  return blocks;
}

/** The skeleton's own files (not its installed packages): each app starts from them. */
const SKELETON_FILES = ['package.json', 'package-lock.json', '.npmrc', 'tsconfig.json', 'next.config.ts', 'app/layout.tsx', 'app/page.tsx'];

/** Installs the skeleton (npm ci when its lockfile changed) and holds it; returns the release function. */
export async function prepareSkeleton({ lockMs, installMs }) {
  const release = await lockExample(skeletonDir, lockMs);
  try {
    await installExample(skeletonDir, installMs);
  } catch (error) {
    release();
    throw error;
  }
  return release;
}

/** The skeleton's node_modules in `dir`: hard links where the system makes them (cp -al), else a copy. */
function linkModules(dir) {
  const from = path.join(skeletonDir, 'node_modules');
  const to = path.join(dir, 'node_modules');
  if (process.platform === 'linux' && spawnSync('cp', ['-al', from, to]).status === 0) return;
  fs.rmSync(to, { recursive: true, force: true });
  fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true });
}

/**
 * A new app in a temporary directory: the skeleton's files with the named `blocks` written over them (`replace`:
 * other text for some of them), and its packages. `route`: also a route that imports every module under lib/,
 * as an app's routes import them, so that the build evaluates them (Next.js evaluates route modules while it
 * collects page data). Returns `{ dir, written, remove }`.
 */
export function writeApp(name, blocks, { route = true, replace = {} } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `session-seal-${name}-`));
  const write = (file, text) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  for (const file of SKELETON_FILES) write(file, fs.readFileSync(path.join(skeletonDir, file), 'utf8'));
  const written = [];
  for (const { file, code, named } of blocks) {
    if (!named) continue;
    write(file, replace[file] ?? code);
    written.push(file);
  }
  const libs = written.filter((file) => /^lib\/.*\.tsx?$/.test(file));
  if (route && libs.length) {
    const imports = libs.map((file, i) => `import * as m${i} from '@/${file.replace(/\.tsx?$/, '')}'`);
    write(
      'app/docs-modules/route.ts',
      `${imports.join('\n')}\n\n// The documents' lib/ modules, imported as an app's routes import them.\nexport function GET() {\n  return Response.json([${libs.map((_, i) => `Object.keys(m${i})`).join(', ')}])\n}\n`,
    );
  }
  linkModules(dir);
  return { dir, written, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The app's own `next` command. */
export const nextBin = (dir) => path.join(dir, 'node_modules', 'next', 'dist', 'bin', 'next');

/** `next build` of an app: no secret, no tenant, Redis at a closed port. Resolves with its output. */
export function buildApp(dir, { args = [], env = {}, timeoutMs }) {
  const buildEnv = exampleEnv({ NODE_ENV: 'production', REDIS_URL: 'redis://127.0.0.1:1', ...env });
  for (const key of Object.keys(buildEnv)) if (/^(AUTH0_|APP_BASE_URL$|NAPI_RS_|SESSION_SEAL_)/.test(key) && !(key in env)) delete buildEnv[key];
  return run(process.execPath, [nextBin(dir), 'build', ...args], { cwd: dir, env: buildEnv, timeoutMs });
}

/** The route table `next build` prints: `{ '/path': '○' | '◐' | 'ƒ' | … }`. */
export function routeKinds(output) {
  const kinds = {};
  for (const m of output.matchAll(/^[┌├└]\s+(\S)\s+(\/\S*)/gm)) kinds[m[2]] = m[1];
  return kinds;
}
