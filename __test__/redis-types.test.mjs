// Type-level tests of session-seal/redis: redis-store.ts must compile (the store is the SDK's SessionDataStore,
// method by method, and takes every supported client as its library types it), and redis-store.bad.ts must
// fail with exactly the errors it marks.

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

/**
 * The README's "Stateful sessions on Redis" code block, written out as a module of its own under target/, and
 * compiled in one program with redis-store.ts (tsconfig.redis.json's settings): the setup users copy is checked
 * as they would compile it, for the price of one tsc run.
 */
function writeCombinedProject() {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('Stateful sessions on Redis'));
  const block = /```ts\n([\s\S]*?)```/.exec(section ?? '')?.[1];
  if (!block) throw new Error('README.md has no ts code block under "## Stateful sessions on Redis"');
  const dir = path.join(repoRoot, 'target', 'redis-types');
  fs.mkdirSync(dir, { recursive: true });
  // Next.js apps have @types/node; the type tests do not load it, so `process.env` is declared here.
  fs.writeFileSync(path.join(dir, 'readme.ts'), `declare const process: { env: Record<string, string | undefined> }\n${block}`);
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: path.join(typesDir, 'tsconfig.redis.json'),
      files: [path.join(typesDir, 'redis-store.ts'), 'readme.ts'],
    }),
  );
  return { block, readmeFile: path.join(dir, 'readme.ts') };
}
const { block: readmeBlock, readmeFile } = writeCombinedProject();

// Both compilations start at once; tsc on the client libraries' typings is slow on a busy 2-core machine.
const runs = {
  good: compile(path.join(repoRoot, 'target', 'redis-types', 'tsconfig.json')),
  bad: compile('tsconfig.redis-bad.json'),
};
/** The errors of one file of a run. */
const errorsIn = (run, file) => run.errors.filter((e) => e.includes(path.basename(file)));
const TSC_TIMEOUT = 180_000;

describe('TypeScript: session-seal/redis against the SDK\'s SessionDataStore', () => {
  test('redis-store.ts compiles against the real typings of the SDK, node-redis v4/v5 and ioredis', async () => {
    const run = await runs.good;
    const { files } = run;
    // Every error but the README's (the next test's) counts here; no error at all means tsc exited 0.
    expect(run.errors.filter((e) => !errorsIn(run, readmeFile).includes(e))).toEqual([]);
    if (run.errors.length === 0) expect(run.code).toBe(0);
    // The imports resolved to the real declarations, not to `any`.
    const nm = path.join(repoRoot, 'node_modules');
    expect(files).toContain(path.join(repoRoot, 'redis', 'index.d.ts'));
    expect(files).toContain(path.join(nm, '@auth0', 'nextjs-auth0', 'dist', 'types', 'index.d.ts'));
    expect(files.some((f) => f.startsWith(path.join(nm, 'redis-v4') + path.sep))).toBe(true);
    expect(files.some((f) => f.startsWith(path.join(nm, '@redis', 'client') + path.sep))).toBe(true);
    expect(files.some((f) => f.startsWith(path.join(nm, 'ioredis') + path.sep))).toBe(true);
  }, TSC_TIMEOUT);

  test('the README\'s ten-line setup compiles, importing session-seal/redis by name', async () => {
    expect(readmeBlock).toContain("from 'session-seal/redis'");
    expect(readmeBlock.trim().split('\n').filter((l) => l.trim() && !l.trim().startsWith('//')).length).toBeLessThanOrEqual(10);
    const run = await runs.good;
    expect(errorsIn(run, readmeFile)).toEqual([]);
    expect(run.files).toContain(readmeFile);
    expect(run.files).toContain(path.join(repoRoot, 'redis', 'index.d.ts'));
  }, TSC_TIMEOUT);

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
