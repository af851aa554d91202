// What a registry user gets, read from `npm pack --dry-run` (npm's own list of the tarball's files): the
// metadata, the exports map, the files, README links that resolve inside the tarball, and platform package
// directories that are exactly what `napi create-npm-dirs` makes from package.json.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { repoRoot as root } from '../scripts/lib/repo.mjs';

const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
/** The directories behind the subpath exports (`session-seal/next`, …): each is shipped whole. */
const SUBPATHS = ['next', 'redis'];
const packed = JSON.parse(
  spawnSync('npm', ['pack', '--dry-run', '--json'], { cwd: root, encoding: 'utf8' }).stdout,
)[0].files.map((file) => file.path);

describe('package metadata', () => {
  test('repository, homepage, bugs, keywords, MIT license with its LICENSE file', () => {
    expect(manifest.repository).toStrictEqual({ type: 'git', url: expect.stringMatching(/^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/) });
    const repo = manifest.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
    expect(manifest.homepage).toBe(`${repo}#readme`);
    expect(manifest.bugs).toStrictEqual({ url: `${repo}/issues` });
    expect(manifest.keywords).toStrictEqual(expect.arrayContaining(['auth0', 'nextjs', 'session', 'cookie', 'napi-rs']));
    expect(manifest.license).toBe('MIT');
    expect(fs.readFileSync(path.join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /);
    expect(packed).toContain('LICENSE');
  });

  test('the exports map: "." and each subpath with types, require and import, and ./package.json, each a packed file', () => {
    expect(Object.keys(manifest.exports)).toStrictEqual(['.', ...SUBPATHS.map((dir) => `./${dir}`), './next/config', './next/sdk-crypto', './package.json']);
    expect(manifest.exports['./package.json']).toBe('./package.json');
    const targets = [manifest.exports['./package.json'], `./${manifest.main}`, `./${manifest.types}`];
    const leaves = (value) => (typeof value === 'string' ? [value] : Object.values(value).flatMap(leaves));
    for (const [subpath, conditions] of Object.entries(manifest.exports).filter(([key]) => key !== './package.json')) {
      // types first, as TypeScript requires; what loads the addon also sends bundlers to bundled.js.
      const expected = subpath === './next/config' ? ['types', 'require', 'import'] : ['types', 'webpack', 'react-server', 'require', 'import'];
      expect({ subpath, conditions: Object.keys(conditions) }).toStrictEqual({ subpath, conditions: expected });
      targets.push(...leaves(conditions));
    }
    for (const target of targets) expect(packed).toContain(target.replace(/^\.\//, ''));
  });

  test('bundlers resolve what loads the addon to bundled.js (ERR_SESSION_SEAL_BUNDLED), Node.js never does', () => {
    // Node's own resolver, given the conditions each bundler sets for the server code it bundles: webpack
    // ("webpack"), Turbopack and webpack for React Server Components and proxy.ts ("react-server", "module").
    const resolve = (conditions, specifier) =>
      execFileSync(process.execPath, [...conditions.flatMap((c) => ['-C', c]), '-p', `path.relative(process.cwd(), require.resolve(${JSON.stringify(specifier)}))`], { cwd: root, encoding: 'utf8' }).trim();
    for (const specifier of ['session-seal', 'session-seal/next', 'session-seal/redis']) {
      const real = specifier === 'session-seal' ? 'index.js' : path.join(specifier.slice('session-seal/'.length), 'index.js');
      expect({ specifier, node: resolve([], specifier), rsc: resolve(['react-server'], specifier), addons: resolve(['node-addons'], specifier) }).toEqual({ specifier, node: real, rsc: real, addons: real });
      expect({ specifier, webpack: resolve(['webpack'], specifier), turbopack: resolve(['react-server', 'module'], specifier) }).toEqual({ specifier, webpack: 'bundled.js', turbopack: 'bundled.js' });
    }
    const error = (() => {
      try {
        execFileSync(process.execPath, ['-C', 'webpack', '-e', "require('session-seal/next')"], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
      } catch (e) {
        return e.stderr;
      }
      return '';
    })();
    expect(error).toMatch(/code: 'ERR_SESSION_SEAL_BUNDLED'/);
    expect(error).toMatch(/add 'session-seal' to serverExternalPackages/);
  });

  test('`files` packs exactly the loader, its types, the subpath modules, the command, the docs and the license; no binary', () => {
    const expected = [
      'LICENSE', 'README.md', 'package.json', 'index.js', 'index.d.ts', 'binding.js', 'load-error.js', 'bundled.js',
      'SECURITY.md', 'bench/ratios.svg', 'bench/RESULTS.md',
      // The command and the module it imports.
      ...fs.readdirSync(path.join(root, 'bin')).map((name) => `bin/${name}`),
      ...fs.readdirSync(path.join(root, 'docs')).map((name) => `docs/${name}`),
      // Every module of the subpath exports, and the ones they require.
      ...SUBPATHS.flatMap((dir) => fs.readdirSync(path.join(root, dir)).map((name) => `${dir}/${name}`)),
    ];
    expect([...packed].sort()).toStrictEqual([...expected].sort());
    expect(packed.filter((file) => file.endsWith('.node') || file.endsWith('.wasm'))).toStrictEqual([]);
  });

  test('README links and images resolve to files in the tarball (npm shows the README, not the repository)', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^(https?:|mailto:|#)/.test(t));
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) {
      const file = target.split('#')[0].replace(/\/$/, '');
      expect({ link: target, packed: packed.some((p) => p === file || p.startsWith(`${file}/`)) }).toStrictEqual({ link: target, packed: true });
    }
  });
});

describe('platform packages', () => {
  test('npm/<platform>/ is exactly what `napi create-npm-dirs` makes from package.json', () => {
    // napi writes only inside the project: a scratch directory under target/.
    fs.mkdirSync(path.join(root, 'target'), { recursive: true });
    const scratch = fs.mkdtempSync(path.join(root, 'target', 'npm-dirs-'));
    try {
      const result = spawnSync(
        path.join(root, 'node_modules', '.bin', 'napi'),
        ['create-npm-dirs', '--cwd', root, '--npm-dir', path.join(scratch, 'npm')],
        { encoding: 'utf8' },
      );
      expect(result.status).toBe(0);
      const platforms = fs.readdirSync(path.join(scratch, 'npm')).sort();
      expect(fs.readdirSync(path.join(root, 'npm')).sort()).toStrictEqual(platforms);
      expect(platforms).toHaveLength(manifest.napi.targets.length);
      for (const platform of platforms) {
        for (const file of ['package.json', 'README.md']) {
          const made = fs.readFileSync(path.join(scratch, 'npm', platform, file), 'utf8');
          expect({ platform, file, text: fs.readFileSync(path.join(root, 'npm', platform, file), 'utf8') }).toStrictEqual({ platform, file, text: made });
        }
      }
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });

  test('each platform package is named session-seal-<platform>, same version, with os/cpu/libc and its binary as main', () => {
    for (const platform of fs.readdirSync(path.join(root, 'npm'))) {
      const pkg = JSON.parse(fs.readFileSync(path.join(root, 'npm', platform, 'package.json'), 'utf8'));
      expect(pkg.name).toBe(`session-seal-${platform}`);
      expect(pkg.version).toBe(manifest.version);
      if (platform === 'wasm32-wasi') {
        expect(pkg.main).toBe('session-seal.wasi.cjs');
        expect(pkg.files).toStrictEqual(expect.arrayContaining([pkg.main, 'session-seal.wasm32-wasi.wasm', 'wasi-worker.mjs']));
        expect(pkg.cpu).toStrictEqual(['wasm32']);
        expect(Object.keys(pkg.dependencies)).toContain('@napi-rs/wasm-runtime');
      } else {
        expect(pkg.main).toBe(`session-seal.${platform}.node`);
        expect(pkg.files).toStrictEqual([pkg.main]);
        expect(pkg.os).toHaveLength(1);
        expect(pkg.cpu).toHaveLength(1);
        if (platform.startsWith('linux')) expect(pkg.libc).toStrictEqual([platform.endsWith('musl') ? 'musl' : 'glibc']);
      }
    }
  });
});
