// Type-level tests: compiles the .ts files in __test__/types with the project's TypeScript and checks that
// the good ones compile, and that the deliberately bad one fails with exactly the errors it marks. Then the
// one check of the shipped JavaScript: every .js/.mjs/.cjs file package.json ships passes `tsc --checkJs
// --strict` together with the hand-written .d.ts files it ships, which the code is typed by (so a
// declaration that drifts from the code fails here, as a drifted copy shows).

import { describe, test, expect } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { repoRoot } from '../scripts/lib/repo.mjs';
import { shipped, checkJs } from './helpers/typecheck.mjs';

const require = createRequire(import.meta.url);
const ts = require('typescript'); // the project's own TypeScript (devDependency), as `tsc` would run it

const typesDir = path.join(repoRoot, '__test__', 'types');

// The projects compile the same ~560 declaration files (ours, the SDK's, Next's, React's): parsed once and
// shared, the compilations cost a fraction of as many `tsc` runs. The projects share one base config, so a
// file parses the same way for each.
const sourceFiles = new Map();

/**
 * Compiles a project file in process, as `tsc -p` does (`getPreEmitDiagnostics`: options, syntax, types):
 * { code, output, errors, files } (files: every source file in the program, as `tsc --listFiles` lists them).
 */
function compile(project) {
  const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } };
  const config = ts.getParsedCommandLineOfConfigFile(path.join(typesDir, project), {}, host);
  const compilerHost = ts.createCompilerHost(config.options);
  const parse = compilerHost.getSourceFile;
  compilerHost.getSourceFile = (fileName, languageVersion, ...rest) => {
    const key = `${fileName}\0${JSON.stringify(languageVersion)}`;
    if (!sourceFiles.has(key)) sourceFiles.set(key, parse.call(compilerHost, fileName, languageVersion, ...rest));
    return sourceFiles.get(key);
  };
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, host: compilerHost, configFileParsingDiagnostics: config.errors });
  const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.formatDiagnostic(d, compilerHost).trim());
  return {
    code: errors.length ? 1 : 0,
    output: errors.join('\n'),
    errors,
    files: program.getSourceFiles().map((f) => path.resolve(f.fileName)),
  };
}

// Each compilation runs synchronously in its test: seconds on an idle machine, several times that on a busy
// one. The limits below only bound a hang.
const COMPILE_MS = 180_000;

describe('TypeScript: our typings against the SDK\'s', () => {
  test('session-data.ts compiles: the SessionData family is identical, unseal returns SessionData | null', () => {
    const { code, output, files } = compile('tsconfig.json');
    expect(output).toBe('');
    expect(code).toBe(0);
    // The imports really resolved to our index.d.ts and the SDK's types (not to `any`).
    expect(files).toContain(path.join(repoRoot, 'index.d.ts'));
    expect(files).toContain(path.join(repoRoot, 'node_modules', '@auth0', 'nextjs-auth0', 'dist', 'types', 'index.d.ts'));
  }, COMPILE_MS);

  test('session-data.bad.ts must FAIL, with exactly the errors it marks (the check can fail)', () => {
    const { code, errors } = compile('tsconfig.bad.json');
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
    expect([...new Set(errorLines)].sort((a, b) => a - b)).toStrictEqual(expectedLines);
  }, COMPILE_MS);

  test('dropin-signatures.ts compiles: our encrypt/decrypt can stand in for the SDK\'s server/cookies functions', () => {
    const { code, output } = compile('tsconfig.dropin.json');
    expect(output).toBe('');
    expect(code).toBe(0);
  }, COMPILE_MS);

  test('next.ts compiles: session-seal/next takes the requests and responses Next.js and Node hand an app, CookieInput takes req.cookies under strict TypeScript, and what is neither is refused', () => {
    const { code, output, files } = compile('tsconfig.next.json');
    expect(output).toBe('');
    expect(code).toBe(0);
    expect(files).toContain(path.join(repoRoot, 'next', 'index.d.ts'));
    expect(files).toContain(path.join(repoRoot, 'node_modules', 'next', 'dist', 'server', 'web', 'spec-extension', 'request.d.ts'));
    // The file holds @ts-expect-error lines: an unneeded one fails the compilation, so the refusals are checked.
    expect(fs.readFileSync(path.join(typesDir, 'next.ts'), 'utf8').match(/@ts-expect-error/g).length).toBeGreaterThanOrEqual(7);
  }, COMPILE_MS);

  test('with-session-seal.ts compiles: withSessionSeal and sdkCryptoStatus through the exports map (its @ts-expect-error lines must fail)', () => {
    const { code, output, files } = compile('tsconfig.with-session-seal.json');
    expect(output).toBe('');
    expect(code).toBe(0);
    for (const file of ['config.d.ts', 'index.d.ts', 'sdk-crypto.d.ts']) expect(files).toContain(path.join(repoRoot, 'next', file));
  }, COMPILE_MS);
});

describe('the shipped JavaScript type-checks: tsc --checkJs --strict, typed by the shipped .d.ts files', () => {
  test('every .js/.mjs/.cjs file package.json ships, with every .d.ts it ships, has no error', () => {
    // The list comes from package.json, so a file added there is checked without being named here.
    const { js: SHIPPED_JS, dts: SHIPPED_DTS } = shipped();
    for (const file of ['index.js', 'load-error.js', 'bundled.js', 'next/index.js', 'next/config.js', 'redis/store.js', 'bin/session-seal.mjs']) {
      expect(SHIPPED_JS).toContain(file);
    }
    for (const file of ['index.d.ts', 'next/index.d.ts', 'next/config.d.ts', 'redis/index.d.ts']) expect(SHIPPED_DTS).toContain(file);
    const { errors, checked } = checkJs(repoRoot, [...SHIPPED_JS, ...SHIPPED_DTS]);
    expect(errors).toEqual([]);
    // Each one was in the program (a root TypeScript would drop is not checked at all).
    expect(checked).toEqual([...SHIPPED_JS, ...SHIPPED_DTS].sort());
  }, COMPILE_MS);

  test('declarations of next/ that drift from the code fail the check, in the code (the check can fail)', () => {
    const root = path.join(repoRoot, 'target', 'types-drift');
    fs.rmSync(root, { recursive: true, force: true });
    fs.mkdirSync(root, { recursive: true });
    fs.cpSync(path.join(repoRoot, 'next'), path.join(root, 'next'), { recursive: true });
    fs.copyFileSync(path.join(repoRoot, 'index.d.ts'), path.join(root, 'index.d.ts'));
    const drift = (file, changes) => {
      let text = fs.readFileSync(path.join(root, file), 'utf8');
      for (const [from, to] of changes) {
        expect(text).toContain(from);
        text = text.replace(from, to);
      }
      fs.writeFileSync(path.join(root, file), text);
    };
    drift('next/index.d.ts', [
      // A declared export the code does not have.
      ['export declare function createSessions', 'export declare function signOutEverywhere(): Promise<void>\nexport declare function createSessions'],
      // An answer of another type than the code gives.
      ['getSession(req?: RequestLike): Promise<SessionData | null>', 'getSession(req?: RequestLike): Promise<SessionData>'],
      // An option the code reads, no longer declared.
      ['  maxCookieBytes?: number\n', ''],
    ]);
    // A constant of another value, and an export the code lacks.
    drift('next/sdk-crypto.d.ts', [["KILL_SWITCH: 'SESSION_SEAL_SDK_CRYPTO'", "KILL_SWITCH: 'SESSION_SEAL_CRYPTO'"]]);
    drift('next/config.d.ts', [['export declare function withSessionSeal(nextConfig?', 'export declare const SDK_RANGE: string\nexport declare function withSessionSeal(nextConfig?']]);
    const files = ['index.d.ts', ...['index', 'config', 'sdk-crypto'].flatMap((m) => [`next/${m}.js`, `next/${m}.d.ts`])];
    const { errors } = checkJs(root, files);
    const at = errors.map((e) => {
      const match = /^(next\/[\w-]+\.js)\((\d+),\d+\): error TS\d+/.exec(path.relative(root, e));
      expect(match).not.toBeNull(); // every error is in the code, none in the declarations
      return `${match[1]}: ${fs.readFileSync(path.join(root, match[1]), 'utf8').split('\n')[Number(match[2]) - 1].trim()}`;
    });
    expect(at).toEqual(expect.arrayContaining([
      expect.stringMatching(/^next\/index\.js: const exportsAsDeclared/),
      expect.stringMatching(/^next\/index\.js: .*maxCookieBytes/),
      expect.stringMatching(/^next\/index\.js: return \{ getSession, updateSession, deleteSession \}/),
      expect.stringMatching(/^next\/sdk-crypto\.js: const exportsAsDeclared/),
      expect.stringMatching(/^next\/config\.js: const exportsAsDeclared/),
    ]));
  }, COMPILE_MS);
});
