// withSessionSeal at config time, and the fingerprint it relies on: the installed SDK must be a verified
// release (next/sdk-versions.json) and its `dist/server/cookies.js` must have the shape that release was
// verified with (each replaced signature exactly once, the exact text of encrypt and decrypt); anything else
// is left alone by the loader. The verified list, the shapes and the docs' table agree with each other.
// The config must merge into the app's own Turbopack rules, webpack function and package lists, never
// replace them.

import { describe, test, expect, beforeEach, afterEach, afterAll, jest } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { repoRoot } from '../scripts/lib/repo.mjs';

const require = createRequire(import.meta.url);
const rewrite = require('../next/sdk-rewrite.js');
const variants = require('../next/sdk-variants.js');
const loader = require('../next/sdk-loader.js');
const { withSessionSeal } = require('../next/config.js');

const sdkDir = path.join(repoRoot, 'node_modules', '@auth0', 'nextjs-auth0');
const cookiesFile = path.join(sdkDir, 'dist', 'server', 'cookies.js');
const installed = JSON.parse(fs.readFileSync(path.join(sdkDir, 'package.json'), 'utf8')).version;
const source = fs.readFileSync(cookiesFile, 'utf8');
// Fake SDK installs live outside the repository, so no stale copy is ever seen by Jest's module map.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'session-seal-sdk-config-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Runs the loader as a bundler would, collecting its warnings. */
function runLoader(text, resourcePath = cookiesFile, options = { sdkVersion: installed }) {
  const warnings = [];
  const output = loader.call({ resourcePath, getOptions: () => options, emitWarning: (e) => warnings.push(e.message) }, text);
  return { output, warnings };
}

let warn;
beforeEach(() => {
  warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());

describe('the fingerprint of the installed SDK', () => {
  test(`@auth0/nextjs-auth0 ${installed} is a verified release (${rewrite.verifiedSummary()})`, () => {
    expect(rewrite.isVerifiedVersion(installed)).toBe(true);
  });

  test('its dist/server/cookies.js has the shape it was verified with: each signature once, encrypt and decrypt to the byte', () => {
    const variant = variants.verifiedVariant(installed);
    expect(variants.identify(source)).toStrictEqual({ variant });
    const { signatures, fingerprint } = variants.VARIANTS[variant];
    for (const signature of Object.values(signatures)) expect(source.split(signature).length - 1).toBe(1);
    expect(variants.fingerprint(source, signatures)).toBe(fingerprint);
  });

  test('the loader rewrites it: the originals kept under other names, encrypt and decrypt exported once each', () => {
    const { output, warnings } = runLoader(source);
    expect(warnings).toStrictEqual([]);
    expect(output).not.toBe(source);
    expect(output.match(/^export async function encrypt\(/gm)).toHaveLength(1);
    expect(output.match(/^export async function decrypt\(/gm)).toHaveLength(1);
    expect(output).toContain('async function sessionSeal$sdkEncrypt(payload, secret, expiration, additionalHeaders) {');
    expect(output).toContain('async function sessionSeal$sdkDecrypt(cookieValue, secret, options, throwOnJWEErrors) {');
    expect(output).toContain('import(/* webpackIgnore: true */ /* turbopackIgnore: true */ "session-seal/next/sdk-crypto")');
    expect(output).toContain(`install(sessionSeal$originals, ${JSON.stringify({ sdkVersion: installed, variant: variants.verifiedVariant(installed) })})`);
    // Everything else in the file is untouched.
    expect(output.startsWith(source.slice(0, source.indexOf('export async function encrypt')))).toBe(true);
    expect(output).toContain(source.slice(source.indexOf('const signingSecret')));
    // Rewriting twice is refused: the loader must never stack.
    expect(rewrite.rewriteCookiesModule(output, { sdkVersion: installed })).toStrictEqual({ ok: false, reason: 'the file is already rewritten' });
  });
});

describe('the loader leaves any other file alone, with a warning', () => {
  const { encrypt, decrypt } = variants.VARIANTS[variants.verifiedVariant(installed)].signatures;
  const unknownShape = /left alone: its encrypt and decrypt match none of the shapes session-seal knows/;
  test.each([
    ['encrypt renamed', source.replace(encrypt, encrypt.replace('encrypt(', 'encryptCookie(')), unknownShape],
    ['decrypt gained a parameter', source.replace(decrypt, decrypt.replace('throwOnJWEErrors)', 'throwOnJWEErrors, extra)')), unknownShape],
    ['decrypt declared twice', `${source}\n${decrypt}}\n`, unknownShape],
    // The signatures kept, one more error code turned into null: the fingerprint tells it apart.
    ['decrypt\'s body changed under the same signature', source.replace('e.code === "ERR_JWE_INVALID"', 'e.code === "ERR_JWE_INVALID" || e.code === "ERR_JWT_CLAIM_VALIDATION_FAILED"'), unknownShape],
    ['a key derivation constant changed', source.replace('const ENCRYPTION_INFO = "JWE CEK";', 'const ENCRYPTION_INFO = "JWE CEK v2";'), /left alone: the file lacks `const ENCRYPTION_INFO = "JWE CEK";`/],
    ['an empty file', '', /left alone: the file lacks `const ENC = "A256GCM";`/],
  ])('%s', (_name, text, reason) => {
    expect(text).not.toBe(source);
    const { output, warnings } = runLoader(text);
    expect(output).toBe(text);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(reason);
    expect(warnings[0]).toMatch(/@auth0\/nextjs-auth0 keeps its own cookie crypto$/);
  });

  test('the file of an earlier release under a verified version number: not the shape that release was verified with', () => {
    // 4.13.0's decrypt turns only an expired cookie into null; a file with 4.30.0's text claiming 4.13.0 is refused.
    expect(variants.verifiedVariant('4.13.0')).not.toBe(variants.verifiedVariant(installed));
    expect(rewrite.rewriteCookiesModule(source, { sdkVersion: '4.13.0' })).toStrictEqual({
      ok: false,
      reason: `its encrypt and decrypt have the shape of ${variants.verifiedVariant(installed)}, not that of ${variants.verifiedVariant('4.13.0')} with which 4.13.0 was verified`,
    });
  });

  test('a cookies.js whose package.json says a version outside the range', () => {
    const dir = path.join(scratch, '@auth0', 'nextjs-auth0');
    fs.mkdirSync(path.join(dir, 'dist', 'server'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: '@auth0/nextjs-auth0', version: '4.31.0' }));
    const file = path.join(dir, 'dist', 'server', 'cookies.js');
    const { output, warnings } = runLoader(source, file);
    expect(output).toBe(source);
    expect(warnings).toStrictEqual([
      expect.stringMatching(/left alone: @auth0\/nextjs-auth0 4\.31\.0: it is not among the releases verified by this session-seal \(4\.13\.0 to 4\.30\.0\)/),
    ]);
  });

  test.each([
    ['4.30.0', true],
    ['4.13.0', true],
    ['4.14.1', true],
    ['4.30.7', false], // a release not published when the list was made: verified only once checked
    ['4.12.1', false],
    ['4.31.0', false],
    ['5.0.0', false],
    ['4.0.0-beta.14', false],
    ['4.30', false],
    [undefined, false],
  ])('version %s verified: %s', (version, verified) => {
    expect(rewrite.isVerifiedVersion(version)).toBe(verified);
  });
});

describe('the verified list (next/sdk-versions.json, written by npm run check:sdk-versions)', () => {
  const { versions } = variants;
  test('every verified release names a known shape, every refused one its reason, none is both', () => {
    const verified = Object.entries(versions.verified);
    expect(verified.length).toBeGreaterThan(1);
    for (const [, variant] of verified) expect(Object.keys(variants.VARIANTS)).toContain(variant);
    for (const [version, reason] of Object.entries(versions.refused)) expect({ version, reason: typeof reason === 'string' && reason.length > 0 }).toStrictEqual({ version, reason: true });
    // No release is both verified and refused.
    expect(Object.keys(versions.verified).filter((v) => Object.hasOwn(versions.refused, v))).toStrictEqual([]);
  });

  test('the Next.js it was verified on is the one examples/sdk-app builds with', () => {
    const app = JSON.parse(fs.readFileSync(path.join(repoRoot, 'examples', 'sdk-app', 'package.json'), 'utf8'));
    expect(versions.nextjs).toBe(app.dependencies.next);
  });

  test('docs/with-session-seal.md shows exactly this list', async () => {
    const { docsTable, DOCS_START, DOCS_END } = await import('../scripts/check-sdk-versions.mjs');
    const docs = fs.readFileSync(path.join(repoRoot, 'docs', 'with-session-seal.md'), 'utf8');
    expect(docs.slice(docs.indexOf(DOCS_START) + DOCS_START.length, docs.indexOf(DOCS_END)).trim()).toBe(docsTable(versions));
  });

  test('check:sdk-versions reads the peer ranges the SDK uses, and refuses to guess at others', async () => {
    const { satisfies } = await import('../scripts/check-sdk-versions.mjs');
    expect(satisfies('16.4.6', '^14.2.35 || ~15.0.7 || ~15.5.9 || ^16.0.10')).toBe(true);
    expect(satisfies('16.4.6', '^14.2.25 || ^15.2.3')).toBe(false);
    expect(satisfies('15.5.2', '~15.5.9')).toBe(false);
    expect(satisfies('15.5.9', '~15.5.9')).toBe(true);
    expect(() => satisfies('16.4.6', '>=14 <17')).toThrow(/cannot read the range/);
  });
});

// ---------------------------------------------------------------------------------------------------------

const ourRule = (config) => config.turbopack.rules['*.js'].at(-1);
const serverContext = { isServer: true, nextRuntime: 'nodejs', dev: false };

describe('withSessionSeal merges into the app\'s config', () => {
  test('a bare config: loader rules for both bundlers, the package lists, the tracing of session-seal', () => {
    const config = withSessionSeal({}, { dir: repoRoot });
    expect(config.serverExternalPackages).toStrictEqual(['session-seal']);
    expect(config.transpilePackages).toStrictEqual(['@auth0/nextjs-auth0']);
    expect(config.turbopack.rules['*.js']).toStrictEqual([
      {
        condition: { all: ['node', { path: rewrite.COOKIES_PATH }] },
        loaders: [{ loader: require.resolve('../next/sdk-loader.js'), options: { sdkVersion: installed } }],
      },
    ]);
    // session-seal's own directory, relative to the app's (here the repository is both).
    expect(config.outputFileTracingIncludes).toStrictEqual({ '/*': ['./**/*'] });
    const webpackConfig = config.webpack({ module: { rules: [] } }, serverContext);
    expect(webpackConfig.module.rules).toStrictEqual([
      { test: rewrite.COOKIES_PATH, enforce: 'pre', use: [{ loader: require.resolve('../next/sdk-loader.js'), options: { sdkVersion: installed } }] },
    ]);
    expect(warn).not.toHaveBeenCalled();
  });

  test('the path condition matches the SDK file in npm, pnpm and Windows layouts, and nothing else', () => {
    for (const p of [
      '/app/node_modules/@auth0/nextjs-auth0/dist/server/cookies.js',
      '/app/node_modules/.pnpm/@auth0+nextjs-auth0@4.30.0_next@16.4.6/node_modules/@auth0/nextjs-auth0/dist/server/cookies.js',
      'C:\\app\\node_modules\\@auth0\\nextjs-auth0\\dist\\server\\cookies.js',
    ]) expect(rewrite.COOKIES_PATH.test(p)).toBe(true);
    for (const p of [
      '/app/node_modules/@auth0/nextjs-auth0/dist/server/cookies.js.map',
      '/app/node_modules/@auth0/nextjs-auth0/dist/client/cookies.js',
      '/app/lib/cookies.js',
      '/app/node_modules/other/dist/server/cookies.js',
    ]) expect(rewrite.COOKIES_PATH.test(p)).toBe(false);
  });

  test('the app\'s own rules, packages, webpack function and tracing are kept', () => {
    const userWebpack = jest.fn((webpackConfig) => {
      webpackConfig.module.rules.push({ test: /\.svg$/, use: ['svgr'] });
      return webpackConfig;
    });
    const config = withSessionSeal(
      {
        reactStrictMode: true,
        serverExternalPackages: ['sharp', 'session-seal'],
        transpilePackages: ['ui-kit'],
        turbopack: {
          root: '/somewhere',
          resolveAlias: { underscore: 'lodash' },
          rules: { '*.svg': { loaders: ['svgr'], as: '*.js' }, '*.js': { loaders: ['my-js-loader'], condition: 'browser' } },
        },
        outputFileTracingIncludes: { '/*': ['./data/**/*'], '/api/x': ['./x/**'] },
        webpack: userWebpack,
      },
      { dir: repoRoot },
    );
    expect(config.reactStrictMode).toBe(true);
    expect(config.serverExternalPackages).toStrictEqual(['sharp', 'session-seal']);
    expect(config.transpilePackages).toStrictEqual(['ui-kit', '@auth0/nextjs-auth0']);
    expect(config.turbopack.root).toBe('/somewhere');
    expect(config.turbopack.resolveAlias).toStrictEqual({ underscore: 'lodash' });
    expect(config.turbopack.rules['*.svg']).toStrictEqual({ loaders: ['svgr'], as: '*.js' });
    expect(config.turbopack.rules['*.js']).toStrictEqual([{ loaders: ['my-js-loader'], condition: 'browser' }, ourRule(config)]);
    expect(config.outputFileTracingIncludes['/api/x']).toStrictEqual(['./x/**']);
    expect(config.outputFileTracingIncludes['/*']).toStrictEqual(['./data/**/*', './**/*']);
    const webpackConfig = config.webpack({ module: { rules: [] } }, serverContext);
    expect(userWebpack).toHaveBeenCalledTimes(1);
    expect(webpackConfig.module.rules.map((r) => String(r.test))).toStrictEqual(['/\\.svg$/', String(rewrite.COOKIES_PATH)]);
  });

  test('webpack: the rule goes to the Node.js server compilation only (not Edge, not the browser)', () => {
    const config = withSessionSeal({}, { dir: repoRoot });
    for (const context of [
      { isServer: true, nextRuntime: 'edge' },
      { isServer: false, nextRuntime: undefined },
    ]) expect(config.webpack({ module: { rules: [] } }, context).module.rules).toStrictEqual([]);
  });

  test('a config function (phase, context) is wrapped and awaited', async () => {
    const wrapped = withSessionSeal(async (phase) => ({ env: { PHASE: phase } }), { dir: repoRoot });
    expect(typeof wrapped).toBe('function');
    const config = await wrapped('phase-production-build', { defaultConfig: {} });
    expect(config.env).toStrictEqual({ PHASE: 'phase-production-build' });
    expect(ourRule(config).loaders[0].options).toStrictEqual({ sdkVersion: installed });
  });
});

describe('withSessionSeal refuses, with one warning, and leaves the SDK alone', () => {
  const refused = (config) => {
    expect(config.turbopack?.rules?.['*.js']).toBeUndefined();
    expect(config.webpack).toBeUndefined();
    expect(config.transpilePackages).toBeUndefined();
    expect(config.serverExternalPackages).toContain('session-seal');
    expect(warn).toHaveBeenCalledTimes(1);
    return warn.mock.calls[0][0];
  };

  test('an SDK outside the verified versions', () => {
    const dir = path.join(scratch, 'app');
    const sdk = path.join(dir, 'node_modules', '@auth0', 'nextjs-auth0');
    fs.mkdirSync(path.join(sdk, 'dist', 'server'), { recursive: true });
    fs.writeFileSync(path.join(sdk, 'package.json'), JSON.stringify({ name: '@auth0/nextjs-auth0', version: '4.31.2', exports: { './server': './dist/server/index.js' } }));
    fs.writeFileSync(path.join(sdk, 'dist', 'server', 'index.js'), '');
    expect(refused(withSessionSeal({}, { dir }))).toBe(
      'session-seal: withSessionSeal leaves @auth0/nextjs-auth0 on its own cookie crypto: @auth0/nextjs-auth0 4.31.2: it is not among the releases verified by this session-seal (4.13.0 to 4.30.0)',
    );
  });

  test('no SDK installed', () => {
    const dir = path.join(scratch, 'empty');
    fs.mkdirSync(dir, { recursive: true });
    // The repository's own node_modules would be found walking up: resolve from the filesystem root instead.
    expect(refused(withSessionSeal({}, { dir: path.parse(dir).root }))).toMatch(/@auth0\/nextjs-auth0 is not installed$/);
  });

  test('the SDK in serverExternalPackages (the bundler never sees its files)', () => {
    expect(refused(withSessionSeal({ serverExternalPackages: ['@auth0/nextjs-auth0'] }, { dir: repoRoot }))).toMatch(/is in serverExternalPackages/);
  });

  test('{ enabled: false }', () => {
    expect(refused(withSessionSeal({}, { enabled: false, dir: repoRoot }))).toMatch(/\{ enabled: false \}/);
  });

  test('SESSION_SEAL_SDK_CRYPTO=off at build time', () => {
    const saved = process.env.SESSION_SEAL_SDK_CRYPTO;
    process.env.SESSION_SEAL_SDK_CRYPTO = 'off';
    try {
      expect(refused(withSessionSeal({}, { dir: repoRoot }))).toMatch(/SESSION_SEAL_SDK_CRYPTO=off at build time$/);
    } finally {
      if (saved === undefined) delete process.env.SESSION_SEAL_SDK_CRYPTO;
      else process.env.SESSION_SEAL_SDK_CRYPTO = saved;
    }
  });
});
