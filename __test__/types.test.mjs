// Type-level tests: compiles the .ts files in __test__/types with the project's TypeScript and checks that
// the good ones compile, and that the deliberately bad one fails with exactly the errors it marks.

import { describe, test, expect } from '@jest/globals';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './helpers/fixtures.mjs';

const typesDir = path.join(repoRoot, '__test__', 'types');
const tsc = path.join(repoRoot, 'node_modules', '.bin', 'tsc');

/** Runs tsc on a project file: { code, output, files } (files: what --listFiles says was compiled). */
function compile(project) {
  return new Promise((resolve) => {
    execFile(tsc, ['-p', path.join(typesDir, project), '--listFiles', '--pretty', 'false'], { cwd: repoRoot, timeout: 90_000 }, (error, stdout, stderr) => {
      const lines = `${stdout}${stderr}`.split('\n').filter(Boolean);
      resolve({
        code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
        output: lines.filter((l) => /error TS\d+/.test(l) || /^\s/.test(l)).join('\n'),
        errors: lines.filter((l) => /error TS\d+/.test(l)),
        files: lines.filter((l) => !/error TS\d+/.test(l) && path.isAbsolute(l.trim())).map((l) => path.resolve(l.trim())),
      });
    });
  });
}

// All three compilations start at once, in parallel; each test awaits its own.
const runs = Object.fromEntries(['tsconfig.json', 'tsconfig.bad.json', 'tsconfig.dropin.json', 'tsconfig.next.json'].map((p) => [p, compile(p)]));
const run = (project) => runs[project];

describe('TypeScript: our typings against the SDK\'s', () => {
  test('session-data.ts compiles: the SessionData family is identical, unseal returns SessionData | null', async () => {
    const { code, output, files } = await run('tsconfig.json');
    expect(output).toBe('');
    expect(code).toBe(0);
    // The imports really resolved to our index.d.ts and the SDK's types (not to `any`).
    expect(files).toContain(path.join(repoRoot, 'index.d.ts'));
    expect(files).toContain(path.join(repoRoot, 'node_modules', '@auth0', 'nextjs-auth0', 'dist', 'types', 'index.d.ts'));
  }, 90_000);

  test('session-data.bad.ts must FAIL, with exactly the errors it marks (the check can fail)', async () => {
    const { code, errors } = await run('tsconfig.bad.json');
    expect(code).not.toBe(0);
    const source = fs.readFileSync(path.join(typesDir, 'session-data.bad.ts'), 'utf8').split('\n');
    const expectedLines = source.flatMap((line, i) => (line.includes('EXPECT-ERROR') ? [i + 1] : []));
    expect(expectedLines.length).toBeGreaterThanOrEqual(3);
    const errorLines = errors.map((e) => {
      const match = /session-data\.bad\.ts\((\d+),\d+\): error (TS\d+)/.exec(e);
      expect(match).not.toBeNull(); // no error anywhere else (e.g. an unresolved import)
      expect(match[2]).not.toBe('TS2307'); // "cannot find module" would prove nothing
      return Number(match[1]);
    });
    expect([...new Set(errorLines)].sort((a, b) => a - b)).toEqual(expectedLines);
  }, 90_000);

  test('dropin-signatures.ts compiles: our encrypt/decrypt can stand in for the SDK\'s server/cookies functions', async () => {
    const { code, output } = await run('tsconfig.dropin.json');
    expect(output).toBe('');
    expect(code).toBe(0);
  }, 90_000);

  test('next.ts compiles: session-seal/next takes the requests and responses Next.js and Node hand an app, CookieInput takes req.cookies under strict TypeScript, and what is neither is refused', async () => {
    const { code, output, files } = await run('tsconfig.next.json');
    expect(output).toBe('');
    expect(code).toBe(0);
    expect(files).toContain(path.join(repoRoot, 'next', 'index.d.ts'));
    expect(files).toContain(path.join(repoRoot, 'node_modules', 'next', 'dist', 'server', 'web', 'spec-extension', 'request.d.ts'));
    // The file holds @ts-expect-error lines: an unneeded one fails the compilation, so the refusals are checked.
    expect(fs.readFileSync(path.join(typesDir, 'next.ts'), 'utf8').match(/@ts-expect-error/g).length).toBeGreaterThanOrEqual(7);
  }, 90_000);
});
