// The documentation cannot drift from the API: every TypeScript and JavaScript code block of every Markdown
// file in the repository is compiled with strict tsc, against this package's own typings (`session-seal`,
// `session-seal/next`, resolved through its exports map), Next.js's (the repository's devDependency, 15.5:
// the v3 SDK the vectors come from takes no later peer; the example app builds on 16), React's and Node's. A
// block whose first line is a comment naming a file (`// app/page.tsx`) is written as that file, so blocks of
// one document import each other as an app's files do (`@/lib/session` is the app root, as create-next-app
// sets it up); other blocks are files of their own. Pseudo-code goes in ```text blocks. The README's first
// screen and size are checked too.

import { describe, test, expect } from '@jest/globals';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './helpers/fixtures.mjs';

const tsc = path.join(repoRoot, 'node_modules', '.bin', 'tsc');
const outRoot = path.join(repoRoot, 'target', 'doc-blocks');
const LANGS = { ts: 'ts', typescript: 'ts', tsx: 'tsx', js: 'js', javascript: 'js', mjs: 'mjs', cjs: 'cjs', jsx: 'jsx' };
const SKIP_DIRS = new Set(['node_modules', 'target', '.git', '.next', 'corpus', 'artifacts', '.tools']);

/** Every Markdown file of the repository, relative to its root. */
function markdownFiles(dir = repoRoot) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return SKIP_DIRS.has(e.name) ? [] : markdownFiles(path.join(dir, e.name));
    return e.name.endsWith('.md') ? [path.relative(repoRoot, path.join(dir, e.name))] : [];
  });
}

/** The code blocks of a document that tsc can check: `{ file, code, line }`, named as described above. */
export function codeBlocks(text) {
  const blocks = [];
  const fence = /^```([\w-]*)[^\n]*\n([\s\S]*?)^```[ \t]*$/gm;
  for (let m; (m = fence.exec(text)); ) {
    const ext = LANGS[m[1].toLowerCase()];
    if (!ext) continue;
    const line = text.slice(0, m.index).split('\n').length;
    const named = /^\/\/ ((?:[\w@-]+\/)*[\w@.-]+\.(?:ts|tsx|js|mjs|cjs|jsx))(?:\s|$)/.exec(m[2]);
    blocks.push({ file: named ? named[1] : `block-at-line-${line}.${ext}`, code: m[2], line });
  }
  return blocks;
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
    expect(names).toEqual(expect.arrayContaining(['README.md', path.join('docs', 'nextjs.md')]));
  });

  test.each(docs.map(([name, blocks]) => [name, blocks.length]))('%s (%i blocks)', async (name) => {
    const { errors, code } = await runs[name];
    expect(errors).toEqual([]);
    expect(code).toBe(0);
  }, 120_000);

  test('the README\'s imports resolve to this package\'s typings (not to `any`), and a wrong example fails', async () => {
    const { files } = await runs['README.md'];
    expect(files).toContain(path.join(repoRoot, 'next', 'index.d.ts'));
    expect(files).toContain(path.join(repoRoot, 'index.d.ts'));
    const { errors } = await broken;
    expect(errors).toEqual([expect.stringMatching(/app\/x\.ts\(3,\d+\): error TS2322: Type 'number' is not assignable/)]);
  }, 120_000);
});

describe('the README is for users first', () => {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

  test('at most 12 KB', () => {
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(12 * 1024);
  });

  test('first screen: what it is, install, the ten-line Next.js setup with session-seal/next, compatibility; then usage, then links', () => {
    const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings.slice(0, 5)).toEqual(['Install', 'Next.js in ten lines', 'Compatibility', 'Usage by router', 'Documentation']);
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
