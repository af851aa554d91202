// The documentation cannot drift from the API: every TypeScript and JavaScript code block of every Markdown
// file in the repository is compiled with strict tsc, against this package's own typings (`session-seal`,
// `session-seal/next`, resolved through its exports map), Next.js's (the repository's devDependency, 15.5:
// the v3 SDK the vectors come from takes no later peer; the example app builds on 16), React's and Node's. A
// block whose first line is a comment naming a file (`// app/page.tsx`) is written as that file, so blocks of
// one document import each other as an app's files do (`@/lib/session` is the app root, as create-next-app
// sets it up); other blocks are files of their own. Pseudo-code goes in ```text blocks. The README's first
// screen and size are checked too.
//
// And the docs' files are BUILT, as `next build` builds them (next-docs-harness.mjs): on what create-next-app
// writes, with no AUTH0_SECRET and no Redis reachable, every lib/ module imported by a route so that the build
// evaluates it. Documents whose files do not collide share a build. The README's app is built, served and
// logged into by e2e/next-readme.test.mjs. (Not in the WebAssembly run of this suite: a build exercises the
// documents, not the binding.)

import { describe, test, expect, beforeAll, afterAll } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../scripts/lib/repo.mjs';
import { codeBlocks, prepareSkeleton, writeApp, buildApp, routeKinds } from './e2e/next-docs-harness.mjs';

const tsc = path.join(repoRoot, 'node_modules', '.bin', 'tsc');
const outRoot = path.join(repoRoot, 'target', 'doc-blocks');
const SKIP_DIRS = new Set(['node_modules', 'target', '.git', '.next', 'corpus', 'artifacts', '.tools']);

/** Every Markdown file of the repository, relative to its root. */
function markdownFiles(dir = repoRoot) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return SKIP_DIRS.has(e.name) ? [] : markdownFiles(path.join(dir, e.name));
    return e.name.endsWith('.md') ? [path.relative(repoRoot, path.join(dir, e.name))] : [];
  });
}

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    noEmit: true,
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'Bundler',
    jsx: 'react-jsx',
    lib: ['dom', 'dom.iterable', 'esnext'],
    allowJs: true,
    checkJs: true,
    skipLibCheck: true,
    esModuleInterop: true,
    types: ['node'],
    paths: { '@/*': ['./*'] },
  },
  include: ['**/*'],
};

/** Writes a document's blocks into their own project under target/doc-blocks and compiles it. */
function compile(name, blocks) {
  const dir = path.join(outRoot, name.replace(/[\\/]/g, '__'));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const seen = new Map();
  for (const { file, code, line } of blocks) {
    if (seen.has(file)) throw new Error(`${name}: the blocks at lines ${seen.get(file)} and ${line} both name ${file}`);
    seen.set(file, line);
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), code);
  }
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  return new Promise((resolve) => {
    execFile(tsc, ['-p', dir, '--listFiles', '--pretty', 'false'], { cwd: dir, timeout: 120_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const lines = `${stdout}${stderr}`.split('\n').filter(Boolean);
      // An error's file is the block's file; say which line of the document that block starts at.
      const errors = lines
        .filter((l) => /error TS\d+/.test(l))
        .map((l) => {
          const file = l.split('(')[0];
          return `${name} (block at line ${seen.get(file) ?? '?'}): ${l}`;
        });
      resolve({ code: error ? error.code : 0, errors, files: lines.filter((l) => path.isAbsolute(l.trim())).map((l) => path.resolve(l.trim())) });
    });
  });
}

const docs = markdownFiles()
  .map((name) => [name, codeBlocks(fs.readFileSync(path.join(repoRoot, name), 'utf8'))])
  .filter(([, blocks]) => blocks.length > 0);
// All compilations start at once; each test awaits its own.
const runs = Object.fromEntries(docs.map(([name, blocks]) => [name, compile(name, blocks)]));
const broken = compile('a-broken-example.md', codeBlocks("```ts\n// app/x.ts\nimport { createSessions } from 'session-seal/next'\nexport const s = createSessions({ secret: 42 })\n```\n"));

describe('every TS/JS code block of the documentation compiles under strict tsc', () => {
  test('the README and docs/nextjs.md are among the documents checked', () => {
    const names = docs.map(([name]) => name);
    expect(names).toStrictEqual(expect.arrayContaining(['README.md', path.join('docs', 'nextjs.md')]));
  });

  test.each(docs.map(([name, blocks]) => [name, blocks.length]))('%s (%i blocks)', async (name) => {
    const { errors, code } = await runs[name];
    expect(errors).toStrictEqual([]);
    expect(code).toBe(0);
  }, 120_000);

  test('the README\'s imports resolve to this package\'s typings (not to `any`), and a wrong example fails', async () => {
    const { files } = await runs['README.md'];
    expect(files).toContain(path.join(repoRoot, 'next', 'index.d.ts'));
    expect(files).toContain(path.join(repoRoot, 'index.d.ts'));
    const { errors } = await broken;
    expect(errors).toStrictEqual([expect.stringMatching(/app\/x\.ts\(3,\d+\): error TS2322: Type 'number' is not assignable/)]);
  }, 120_000);
});

describe('the README is for users first', () => {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

  test('at most 12 KB', () => {
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(12 * 1024);
  });

  test('first screen: what it is, install, the ten-line Next.js setup with session-seal/next, compatibility; then usage, then links', () => {
    const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings.slice(0, 5)).toStrictEqual(['Install', 'Next.js in ten lines', 'Compatibility', 'Usage by router', 'Documentation']);
    const intro = readme.slice(0, readme.indexOf('## Install'));
    expect(intro).toMatch(/@auth0\/nextjs-auth0/);
    const setup = readme.slice(readme.indexOf('## Next.js in ten lines'), readme.indexOf('## Compatibility'));
    expect(setup).toContain("from 'session-seal/next'");
    const code = codeBlocks(setup).flatMap((b) => b.code.split('\n')).filter((l) => l.trim() && !l.trim().startsWith('//'));
    expect(code.length).toBeLessThanOrEqual(10);
    expect(readme).toMatch(/npm run setup/);
    expect(readme).toMatch(/npm test/);
  });
});

describe('the docs\' settings say what a new user needs to notice', () => {
  test('docs/nextjs.md\'s settings table names the process warning a short secret gets, by the code the addon gives it', () => {
    const script = "process.on('warning', (w) => console.log(w.code)); new (require('./index.js').SessionCookies)({ secret: 'short' })";
    const code = execFileSync(process.execPath, ['-e', script], { cwd: repoRoot, encoding: 'utf8', env: { PATH: process.env.PATH } }).trim();
    expect(code).toMatch(/^[A-Z_]+$/);
    const nextjs = fs.readFileSync(path.join(repoRoot, 'docs', 'nextjs.md'), 'utf8');
    const secretRow = nextjs.split('\n').find((line) => line.startsWith('| `secret`'));
    expect(secretRow).toContain(code);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The docs' apps, built

const BUILD_MS = 420_000; // one `next build`: 20-60 s here, several times that on a busy machine; bounds a hang
const BUILT = docs.filter(([name, blocks]) => name !== 'README.md' && blocks.some((b) => b.named));

/** Documents whose named files do not collide share one app (and one build), in the order they are listed. */
function groups() {
  const out = [];
  for (const [name, blocks] of BUILT) {
    const files = blocks.filter((b) => b.named).map((b) => b.file);
    const group = out.find((g) => files.every((f) => !g.files.has(f)));
    if (group) {
      group.names.push(name);
      group.blocks.push(...blocks);
      files.forEach((f) => group.files.add(f));
    } else out.push({ names: [name], blocks: [...blocks], files: new Set(files) });
  }
  return out;
}

if (process.env.SESSION_SEAL_EXPECT_BINDING !== 'wasm32-wasi') {
  describe('the docs\' files build as `next build` builds an app: no AUTH0_SECRET, no Redis reachable', () => {
    let release;
    beforeAll(async () => {
      release = await prepareSkeleton({ lockMs: 600_000, installMs: 300_000 });
    }, 900_000);
    afterAll(() => release?.());

    test('every document with an app\'s files is built, the README by the e2e suite that serves it', () => {
      expect(BUILT.map(([name]) => name)).toStrictEqual(expect.arrayContaining([path.join('docs', 'nextjs.md'), path.join('docs', 'redis.md'), path.join('docs', 'with-session-seal.md')]));
      // The status route of docs/with-session-seal.md is among them (its build checks that it is dynamic).
      expect(docs.find(([name]) => name === path.join('docs', 'with-session-seal.md'))[1].map((b) => b.file)).toContain('app/api/session-seal/route.ts');
      expect(fs.readFileSync(path.join(repoRoot, '__test__', 'e2e', 'next-readme.test.mjs'), 'utf8')).toMatch(/codeBlocks\(fs\.readFileSync\(path\.join\(repoRoot, 'README\.md'\)/);
    });

    test.each(groups().map((g) => [g.names.join(' + '), g]))('%s', async (_label, group) => {
      const app = writeApp(`docs-${group.names.length}`, group.blocks);
      try {
        const output = await buildApp(app.dir, { timeoutMs: BUILD_MS });
        const kinds = routeKinds(output);
        if (app.written.some((f) => f.startsWith('lib/'))) expect(kinds['/docs-modules']).toBeDefined();
        // A route that shows what the process has done must render on each request, not at build time.
        if (app.written.includes('app/api/session-seal/route.ts')) expect(kinds['/api/session-seal']).toBe('ƒ');
      } finally {
        app.remove();
      }
    }, BUILD_MS);
  });
}
