// The repository's own tooling and guides, held true: scripts/ (with its toolbox scripts/lib/) and bench/
// type-check under `tsc --checkJs` and import nothing from __test__ (tests import the toolbox, never the other
// way); every path CONTRIBUTING.md and ARCHITECTURE.md name exists; and no comment points to an audit, an
// issue or a finding instead of giving its reason.

import { describe, test, expect } from '@jest/globals';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../scripts/lib/repo.mjs';

/** Every file under `dir` (relative to the root) whose name matches `pattern`, node_modules and target left out. */
function files(dir, pattern) {
  const full = path.join(repoRoot, dir);
  if (!fs.existsSync(full)) return [];
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return ['node_modules', 'target', '.next'].includes(entry.name) || entry.name.startsWith('.next-') ? [] : files(relative, pattern);
    return pattern.test(entry.name) ? [relative] : [];
  });
}

describe('scripts/ and bench/', () => {
  test('type-check under tsc --checkJs (scripts/tsconfig.json), and compile nothing from __test__', async () => {
    const tsc = path.join(repoRoot, 'node_modules', '.bin', 'tsc');
    const { code, output } = await new Promise((resolve) => {
      execFile(tsc, ['-p', path.join(repoRoot, 'scripts'), '--listFiles', '--pretty', 'false'], { cwd: repoRoot, timeout: 170_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
        resolve({ code: error ? (error.code ?? error.signal) : 0, output: `${stdout}${stderr}` }),
      );
    });
    const errors = output.split('\n').filter((line) => /error TS\d+/.test(line));
    expect(errors).toEqual([]);
    expect(code).toBe(0);
    const compiled = output.split('\n').filter((line) => line.startsWith(repoRoot)).map((line) => path.relative(repoRoot, line));
    expect(compiled).toEqual(expect.arrayContaining(['scripts/lib/processes.mjs', 'bench/run.mjs']));
    expect(compiled.filter((file) => file.startsWith('__test__'))).toEqual([]);
  }, 180_000);

  test('import their helpers from scripts/lib/, never from __test__', () => {
    const importsOfTests = [...files('scripts', /\.m?js$/), ...files('bench', /\.m?js$/)].flatMap((file) =>
      fs.readFileSync(path.join(repoRoot, file), 'utf8').split('\n').flatMap((line, i) => (/__test__\//.test(line) && /\bimport\b|require\(/.test(line) ? [`${file}:${i + 1}`] : [])),
    );
    expect(importsOfTests).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Comments give the reason

/**
 * A pointer where a reason belongs: an audit or its numbered findings, an issue number. (npm's --no-audit is
 * a flag, and zizmor's checks are called audits: neither points anywhere.)
 */
const REFERENCE = /\b(?:the|an|security|design) (?:audit|review)\b|\baudit(?:'s)? (?:finding|[LMHI]\d)|\bfinding [LMHI]\d|\bissue #?\d+|\b[LMHI]\d fix/i;
const SOURCES = /\.(rs|js|mjs|cjs|ts|tsx|toml|yml|sh)$|^run$/;

describe('comments', () => {
  test('no source file points to an audit, a finding or an issue instead of giving the reason', () => {
    const tracked = ['crates', 'src', 'fuzz', 'next', 'redis', 'bin', 'scripts', 'bench', '__test__', 'examples', 'types', '.ci', '.github']
      .flatMap((dir) => files(dir, SOURCES))
      .concat(['index.js', 'load-error.js', 'build.rs', 'Cargo.toml']);
    expect(tracked.length).toBeGreaterThan(150);
    const pointers = tracked.flatMap((file) =>
      fs.readFileSync(path.join(repoRoot, file), 'utf8').split('\n').flatMap((line, i) =>
        REFERENCE.test(line.replace(/--no-audit/g, '')) && file !== '__test__/repo.test.mjs' ? [`${file}:${i + 1}: ${line.trim()}`] : [],
      ),
    );
    expect(pointers).toEqual([]);
  });

  test('the pattern finds the pointers it is for', () => {
    const pointers = ['// (audit finding L1)', '/// see issue 11', '// as the audit found', "// the audit's I3", '// the L4 fix', '// issue #12', '// (security review)'];
    const reasons = ['// npm ci --no-audit'.replace(/--no-audit/g, ''), '// a finding of jose', '// L1 cache', '// issues with the SDK', "// zizmor's offline audits"];
    expect(pointers.filter((line) => !REFERENCE.test(line))).toEqual([]);
    expect(reasons.filter((line) => REFERENCE.test(line))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The guides

/**
 * The paths a guide names: `spans`, its code spans that look like a repository path (a `/` in them, or a file
 * extension), read from any of the BASES below; and `layout`, the entries of its layout block (a fenced block
 * of `path  description` lines, an entry indented under a directory being inside it), read from the root.
 * Package names (`session-seal/next`, `@auth0/…`) and placeholders (`npm/<platform>/`) are not paths.
 */
function namedPaths(text) {
  const looksLikePath = (token) =>
    /^\.?[\w@-][\w.@-]*(\/[\w.@-]+)*\/?$/.test(token) &&
    (token.includes('/') || /\.(rs|js|mjs|cjs|ts|json|toml|md|yml|yaml|lock|svg)$/.test(token)) &&
    !/^(session-seal|@|node:)/.test(token);
  const spans = new Set();
  const layout = new Set();
  for (const [, span] of text.replace(/^```[\s\S]*?^```/gm, '').matchAll(/`([^`\n]+)`/g)) if (looksLikePath(span)) spans.add(span);
  for (const [, info, block] of text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)) {
    if (info !== '') continue; // a layout block has no language
    let parent = '';
    for (const line of block.split('\n')) {
      const entry = /^( *)(\S+)(\s|$)/.exec(line);
      if (!entry || entry[1].length > 2 || !looksLikePath(entry[2])) continue;
      const [, indent, token] = entry;
      if (indent === '' && token.endsWith('/')) parent = token;
      layout.add(indent === '' ? token : path.posix.join(parent, token));
    }
  }
  return { spans: [...spans], layout: [...layout] };
}

// Where a guide's bare names are read from: the root, the core crate, the napi glue, the next/ adapter, and
// the SDK's own dist/ (ARCHITECTURE.md names its server/cookies.js).
const BASES = ['', 'crates/core/src', 'crates/core', 'src', 'next', 'node_modules/@auth0/nextjs-auth0/dist'];
const existsIn = (bases, named) => bases.some((base) => ['', '.rs'].some((ext) => fs.existsSync(path.join(repoRoot, base, named + ext))));

describe('CONTRIBUTING.md and ARCHITECTURE.md', () => {
  test.each(['CONTRIBUTING.md', 'ARCHITECTURE.md'])('every path %s names exists', (doc) => {
    const { spans, layout } = namedPaths(fs.readFileSync(path.join(repoRoot, doc), 'utf8'));
    expect(spans.length + layout.length).toBeGreaterThan(15);
    expect(spans.filter((named) => !existsIn(BASES, named))).toEqual([]);
    expect(layout.filter((named) => !fs.existsSync(path.join(repoRoot, named)))).toEqual([]);
  });

  test('the reader finds spans and layout entries, and leaves package names, placeholders and prose alone', () => {
    const text = [
      'See `scripts/lib/tools.mjs`, `index.js`, `session-seal/next`, `@auth0/nextjs-auth0`, `npm/<platform>/`, `npm test`.',
      '```',
      'crates/core/       the core',
      '  src/aead.rs     AES-GCM',
      '                  continued: not/a/path.rs in prose',
      'fuzz/             targets',
      '```',
    ].join('\n');
    expect(namedPaths(text)).toEqual({ spans: ['scripts/lib/tools.mjs', 'index.js'], layout: ['crates/core/', 'crates/core/src/aead.rs', 'fuzz/'] });
    expect(existsIn(BASES, 'error.rs')).toBe(true);
    expect(existsIn(BASES, 'no-such-file.rs')).toBe(false);
  });
});
