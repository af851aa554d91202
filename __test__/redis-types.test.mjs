// Type-level tests of session-seal/redis: redis-store.ts must compile (the store is the SDK's SessionDataStore,
// method by method, and takes every supported client as its library types it), and redis-store.bad.ts must
// fail with exactly the errors it marks. The JavaScript itself is typed by the hand-written redis/index.d.ts (the
// store class implements its interface, the error codes are its union, the options are read as it declares
// them) and passes the check of every shipped file (types.test.mjs); a copy whose declarations drift from the
// code fails that check.
// (The README's and docs/redis.md's code blocks are compiled by docs.test.mjs with the rest of the documentation.)

import { describe, test, expect } from '@jest/globals';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { repoRoot } from '../scripts/lib/repo.mjs';
import { checkJs } from './helpers/typecheck.mjs';

const require = createRequire(import.meta.url);
const addon = require('../index.js');
const { DEFAULT_PREFIX, DEFAULT_SHARDS } = require('../redis/keys.js');

const typesDir = path.join(repoRoot, '__test__', 'types');
const tsc = path.join(repoRoot, 'node_modules', '.bin', 'tsc');

/** `tsc` on a project file (or on the command line's options and files): its errors and the files it read. */
function compile(project, args = ['-p', path.resolve(typesDir, project)]) {
  return new Promise((resolve) => {
    execFile(tsc, [...args, '--listFiles', '--pretty', 'false'], { cwd: repoRoot, timeout: 170_000 }, (error, stdout, stderr) => {
      const lines = `${stdout}${stderr}`.split('\n').filter(Boolean);
      resolve({
        code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
        errors: lines.filter((l) => /error TS\d+/.test(l)),
        files: lines.filter((l) => !/error TS\d+/.test(l) && path.isAbsolute(l.trim())).map((l) => path.resolve(l.trim())),
      });
    });
  });
}

/**
 * A copy of redis/ (and the package typings it imports) under target/, its index.d.ts changed by `drifts`: what
 * the check of the JavaScript against its declarations must catch.
 */
function driftedCopy(drifts) {
  const root = path.join(repoRoot, 'target', 'redis-types-drift');
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(path.join(root, 'redis'), { recursive: true });
  fs.copyFileSync(path.join(repoRoot, 'index.d.ts'), path.join(root, 'index.d.ts'));
  for (const file of fs.readdirSync(path.join(repoRoot, 'redis'))) fs.copyFileSync(path.join(repoRoot, 'redis', file), path.join(root, 'redis', file));
  const declarations = path.join(root, 'redis', 'index.d.ts');
  let text = fs.readFileSync(declarations, 'utf8');
  for (const [from, to] of drifts) {
    if (!text.includes(from)) throw new Error(`redis/index.d.ts no longer has ${from}`);
    text = text.replace(from, to);
  }
  fs.writeFileSync(declarations, text);
  return checkJs(root, ['index.d.ts', ...fs.readdirSync(path.join(root, 'redis')).map((f) => `redis/${f}`)]);
}

// The compilations start at once; tsc on the client libraries' typings is slow on a busy 2-core machine.
const runs = {
  good: compile('tsconfig.redis.json'),
  bad: compile('tsconfig.redis-bad.json'),
};

/** How the copy's declarations drift from the code. */
const DRIFTS = [
  // A listing entry gains a member the code does not fill.
  ['  updatedAt: number | null\n}', '  updatedAt: number | null\n  device: string\n}'],
  // An option the code reads disappears.
  ['  replicas?: number\n', ''],
  // An error code the code throws is no longer declared.
  ["  | 'ERR_STORE_NOT_REPLICATED'\n", ''],
  // A method the store has stops being declared with its signature.
  ['  delete(id: string): Promise<void>', '  delete(id: string): Promise<boolean>'],
];
const TSC_TIMEOUT = 180_000;

describe('TypeScript: session-seal/redis against the SDK\'s SessionDataStore', () => {
  test('redis-store.ts compiles against the real typings of the SDK, node-redis v4/v5/v6 and ioredis', async () => {
    const { code, errors, files } = await runs.good;
    expect(errors).toStrictEqual([]);
    expect(code).toBe(0);
    // The imports resolved to the real declarations, not to `any`.
    const nm = path.join(repoRoot, 'node_modules');
    expect(files).toContain(path.join(repoRoot, 'redis', 'index.d.ts'));
    expect(files).toContain(path.join(nm, '@auth0', 'nextjs-auth0', 'dist', 'types', 'index.d.ts'));
    expect(files.some((f) => f.startsWith(path.join(nm, 'redis-v4') + path.sep))).toBe(true);
    expect(files.some((f) => f.startsWith(path.join(nm, 'redis-v6') + path.sep))).toBe(true);
    expect(files.some((f) => f.startsWith(path.join(nm, '@redis', 'client') + path.sep))).toBe(true);
    expect(files.some((f) => f.startsWith(path.join(nm, 'ioredis') + path.sep))).toBe(true);
  }, TSC_TIMEOUT);

  // The docs suite (docs.test.mjs) compiles every code block of README.md and docs/redis.md; this checks the
  // README's Redis setup is the short one the README promises, and imports the store by its public name.
  test('the README\'s Redis setup is ten lines at most and imports session-seal/redis', () => {
    const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const section = readme.split(/^## /m).find((s) => s.startsWith('Stateful sessions on Redis'));
    const block = /```ts\n([\s\S]*?)```/.exec(section ?? '')?.[1] ?? '';
    expect(block).toContain("from 'session-seal/redis'");
    const lines = block.split('\n').filter((l) => l.trim() && !l.trim().startsWith('//'));
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.length).toBeLessThanOrEqual(10);
  });

  test('redis-store.bad.ts must FAIL, with exactly the errors it marks', async () => {
    const { code, errors } = await runs.bad;
    expect(code).not.toBe(0);
    const source = fs.readFileSync(path.join(typesDir, 'redis-store.bad.ts'), 'utf8').split('\n');
    const expectedLines = source.flatMap((line, i) => (line.includes('EXPECT-ERROR') ? [i + 1] : []));
    expect(expectedLines.length).toBe(5);
    const errorLines = errors.map((e) => {
      const match = /redis-store\.bad\.ts\((\d+),\d+\): error (TS\d+)/.exec(e);
      expect(match).not.toBeNull();
      expect(match[2]).not.toBe('TS2307'); // "cannot find module" would prove nothing
      return Number(match[1]);
    });
    expect([...new Set(errorLines)].sort((a, b) => a - b)).toStrictEqual(expectedLines);
  }, TSC_TIMEOUT);

  test('a copy of redis/ whose declarations drift from its code fails that check, in the code', async () => {
    const { errors } = driftedCopy(DRIFTS);
    expect(errors.length).toBeGreaterThan(0);
    const where = new Set(errors.map((e) => /redis-types-drift[\\/]redis[\\/]([\w.]+)\(/.exec(e)?.[1]));
    // store.js: the listing entry, the option, `delete`'s result; errors.js: the code table; client.js: the code
    // it throws; index.js: the function's declared type.
    expect(where).toStrictEqual(new Set(['store.js', 'errors.js', 'client.js', 'index.js']));
  }, TSC_TIMEOUT);

  test("redis/index.d.ts documents the defaults the code uses", () => {
    const declarations = fs.readFileSync(path.join(repoRoot, 'redis', 'index.d.ts'), 'utf8');
    const documented = (member) => {
      const [, doc] = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*?)\\*/\\s*\\n\\s*${member}\\?:`).exec(declarations) ?? [];
      const value = /\(default (`"[^"]*"`|\d+)/.exec(doc ?? '')?.[1];
      return value?.startsWith('`') ? value.slice(2, -2) : Number(value);
    };
    expect(documented('absoluteDuration')).toBe(addon.DEFAULT_ABSOLUTE_DURATION);
    expect(documented('inactivityDuration')).toBe(addon.DEFAULT_INACTIVITY_DURATION);
    expect(documented('shards')).toBe(DEFAULT_SHARDS);
    expect(documented('prefix')).toBe(DEFAULT_PREFIX);
  });
});
