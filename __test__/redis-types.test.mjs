// Type-level tests of session-seal/redis: redis-store.ts must compile (the store is the SDK's SessionDataStore,
// method by method, and takes every supported client as its library types it), and redis-store.bad.ts must
// fail with exactly the errors it marks. (The README's and docs/redis.md's code blocks are compiled by
// docs.test.mjs with the rest of the documentation.)

import { describe, test, expect } from '@jest/globals';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './helpers/fixtures.mjs';

const typesDir = path.join(repoRoot, '__test__', 'types');
const tsc = path.join(repoRoot, 'node_modules', '.bin', 'tsc');

function compile(project) {
  return new Promise((resolve) => {
    execFile(tsc, ['-p', path.resolve(typesDir, project), '--listFiles', '--pretty', 'false'], { cwd: repoRoot, timeout: 170_000 }, (error, stdout, stderr) => {
      const lines = `${stdout}${stderr}`.split('\n').filter(Boolean);
      resolve({
        code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
        errors: lines.filter((l) => /error TS\d+/.test(l)),
        files: lines.filter((l) => !/error TS\d+/.test(l) && path.isAbsolute(l.trim())).map((l) => path.resolve(l.trim())),
      });
    });
  });
}

// Both compilations start at once; tsc on the client libraries' typings is slow on a busy 2-core machine.
const runs = { good: compile('tsconfig.redis.json'), bad: compile('tsconfig.redis-bad.json') };
const TSC_TIMEOUT = 180_000;

describe('TypeScript: session-seal/redis against the SDK\'s SessionDataStore', () => {
  test('redis-store.ts compiles against the real typings of the SDK, node-redis v4/v5/v6 and ioredis', async () => {
    const { code, errors, files } = await runs.good;
    expect(errors).toEqual([]);
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
    expect(expectedLines.length).toBe(4);
    const errorLines = errors.map((e) => {
      const match = /redis-store\.bad\.ts\((\d+),\d+\): error (TS\d+)/.exec(e);
      expect(match).not.toBeNull();
      expect(match[2]).not.toBe('TS2307'); // "cannot find module" would prove nothing
      return Number(match[1]);
    });
    expect([...new Set(errorLines)].sort((a, b) => a - b)).toEqual(expectedLines);
  }, TSC_TIMEOUT);
});
