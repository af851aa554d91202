// CI's own rules, held by tests: no focused test (`.only`, `fit`, `fdescribe`) anywhere under __test__, which
// would quietly skip its neighbours; and scripts/ci-totals.mjs, CI's last line, counts skipped tests and fails
// on any that .ci/allowed-skips does not name, on a failure, and on a Jest run that left no results.

import { describe, test, expect } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../scripts/lib/repo.mjs';
import { ALLOWLIST, parseAllowlist, skipKey, totals } from '../scripts/ci-totals.mjs';

// Built from parts so that this file does not match itself.
const WORD = ['on', 'ly'].join('');
const ONLY = `.${WORD}`;
const FOCUSED = new RegExp(String.raw`\b(?:test|it|describe)(?:\.(?:each|concurrent|failing))*\.${WORD}\b|\b(?:fit|fdescribe)\s*\(`);

/** Every JavaScript and TypeScript file under `dir`, node_modules left out. */
function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(full);
    return /\.(?:m|c)?[jt]s$/.test(entry.name) ? [full] : [];
  });
}

/** `[file, line number, line]` for each focused test in the files. */
function focusedTests(files) {
  return files.flatMap((file) =>
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) => (FOCUSED.test(line) ? [[path.relative(repoRoot, file), i + 1, line.trim()]] : [])),
  );
}

describe('no focused tests', () => {
  test('no file under __test__ focuses a test', () => {
    const files = sources(path.join(repoRoot, '__test__'));
    expect(files.length).toBeGreaterThan(40);
    expect(focusedTests(files)).toEqual([]);
  });

  test('the scan finds every way Jest has to focus a test, and nothing else', () => {
    const focused = [`test${ONLY}('a', f)`, `it${ONLY}('a', f)`, `describe${ONLY}('a', f)`, `test.concurrent${ONLY}('a', f)`,
      `describe${ONLY}.each([1])('a', f)`, `test.each${ONLY}([1])('a', f)`, `f${"it('a', f)"}`, `f${"describe ('a', f)"}`];
    const plain = ["test('a', f)", "test.skip('a', f)", "profit('a')", 'describe.each([1])', "const only = 'x'", 'list.only'];
    expect(focused.filter((line) => !FOCUSED.test(line))).toEqual([]);
    expect(plain.filter((line) => FOCUSED.test(line))).toEqual([]);
  });
});

/** A Jest JSON result as `--json` writes it, for tests at `file` with the given statuses. */
function results(file, statuses, { runtimeErrors = 0 } = {}) {
  const count = (status) => statuses.filter(([s]) => s === status).length;
  return {
    numPassedTests: count('passed'),
    numFailedTests: count('failed'),
    numPendingTests: count('pending'),
    numTodoTests: count('todo'),
    numRuntimeErrorTestSuites: runtimeErrors,
    testResults: [{ name: path.join(repoRoot, file), assertionResults: statuses.map(([status, fullName]) => ({ status, fullName })) }],
  };
}

describe("CI's totals line (scripts/ci-totals.mjs)", () => {
  const file = '__test__/example.test.mjs';
  const run = (statuses, options) => ({ file: 'target/jest-results.json', results: results(file, statuses, options) });

  test('counts passed, failed and skipped (todo included), and names a skip the allowlist lacks', () => {
    const outcome = totals([run([['passed', 'a'], ['failed', 'b'], ['pending', 'c d'], ['todo', 'e']])], new Set());
    expect(outcome.line).toBe('1 passed, 1 failed, 2 skipped');
    expect(outcome.problems).toEqual([
      `target/jest-results.json: pending and not on .ci/allowed-skips: ${file} › c d`,
      `target/jest-results.json: todo and not on .ci/allowed-skips: ${file} › e`,
    ]);
  });

  test('a skip the allowlist names is counted, and is no problem', () => {
    const allowed = parseAllowlist(`# why\n\n  ${file} › c d  \n`);
    expect([...allowed]).toEqual([`${file} › c d`]);
    const outcome = totals([run([['passed', 'a'], ['pending', 'c d']])], allowed);
    expect(outcome).toEqual(expect.objectContaining({ line: '1 passed, 0 failed, 1 skipped', problems: [] }));
  });

  test('a run without results and a suite that failed to run count as failures', () => {
    const outcome = totals([{ file: 'target/jest-wasm.json', results: null }, run([['passed', 'a']], { runtimeErrors: 1 })], new Set());
    expect(outcome.line).toBe('1 passed, 2 failed, 0 skipped');
    expect(outcome.problems).toEqual(['target/jest-wasm.json is missing: that Jest run did not finish']);
  });

  test('the script prints the line last and exits 1 on an unlisted skip, 0 when all passed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'session-seal-ci-totals-'));
    try {
      const write = (name, statuses) => {
        fs.writeFileSync(path.join(dir, name), JSON.stringify(results(file, statuses)));
        return path.join(dir, name);
      };
      const script = path.join(repoRoot, 'scripts', 'ci-totals.mjs');
      const skipped = spawnSync(process.execPath, [script, write('a.json', [['passed', 'a'], ['pending', 'planted skip']])], { encoding: 'utf8' });
      expect(skipped.status).toBe(1);
      expect(skipped.stdout.trim().split('\n').pop()).toBe('1 passed, 0 failed, 1 skipped');
      expect(skipped.stderr).toContain(`${file} › planted skip`);
      const clean = spawnSync(process.execPath, [script, write('b.json', [['passed', 'a'], ['passed', 'b']])], { encoding: 'utf8' });
      expect([clean.status, clean.stdout.trim()]).toEqual([0, '2 passed, 0 failed, 0 skipped']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the allowlist's entries name test files that exist", () => {
    const entries = [...parseAllowlist(fs.readFileSync(ALLOWLIST, 'utf8'))];
    expect(entries.filter((entry) => !entry.includes(' › ') || !fs.existsSync(path.join(repoRoot, entry.split(' › ')[0])))).toEqual([]);
    expect(entries.length).toBeLessThanOrEqual(10);
    expect(skipKey(path.join(repoRoot, '__test__', 'x.test.mjs'), 'a b')).toBe('__test__/x.test.mjs › a b');
  });
});
