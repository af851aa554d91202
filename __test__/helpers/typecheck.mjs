// The one type check of the shipped JavaScript: `tsc --allowJs --checkJs --strict` with the project's own
// TypeScript, in process, resolving as Node does (CommonJS .js, ESM .mjs). types.test.mjs runs it on every
// .js/.mjs/.cjs file package.json ships, with the .d.ts files it ships (which the code is typed by); it and
// redis-types.test.mjs run it on copies whose declarations drift, to show that it fails then.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { repoRoot } from '../../scripts/lib/repo.mjs';

const require = createRequire(import.meta.url);
const ts = require('typescript');

/** Every file package.json ships (its "files", folders walked), relative to the root, `/`-separated. */
export function shippedFiles() {
  const { files } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const out = [];
  const walk = (rel) => {
    const abs = path.join(repoRoot, rel);
    if (!fs.existsSync(abs)) return;
    if (fs.statSync(abs).isDirectory()) for (const entry of fs.readdirSync(abs).sort()) walk(path.join(rel, entry));
    else out.push(rel.split(path.sep).join('/'));
  };
  for (const entry of files) walk(entry.replace(/\/$/, ''));
  return out;
}

/**
 * The shipped JavaScript (binding.js aside: napi-rs generates it, with the index.d.ts that types it) and the
 * shipped declarations.
 */
export function shipped() {
  const files = shippedFiles();
  return {
    js: files.filter((f) => /\.[cm]?js$/.test(f) && f !== 'binding.js'),
    dts: files.filter((f) => f.endsWith('.d.ts')),
  };
}

const OPTIONS = {
  allowJs: true,
  checkJs: true,
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  types: ['node'],
};

// The libraries' declarations (Node's, Next.js's, the Redis clients') parse the same for every check of a run.
const sourceFiles = new Map();

/**
 * The check on `files` (relative to `root`): `errors` in those files, as tsc prints them (the libraries they
 * import are read for their types, not judged), and `checked`, the files of the list the program held.
 */
export function checkJs(root, files) {
  const host = ts.createCompilerHost(OPTIONS);
  const parse = host.getSourceFile;
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const key = `${fileName}\0${JSON.stringify(languageVersion)}`;
    if (!sourceFiles.has(key)) sourceFiles.set(key, parse.call(host, fileName, languageVersion, ...rest));
    return sourceFiles.get(key);
  };
  const roots = files.map((f) => path.join(root, f));
  const program = ts.createProgram({ rootNames: roots, options: OPTIONS, host });
  const ours = program.getSourceFiles().filter((f) => roots.includes(path.resolve(f.fileName)));
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...ours.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]),
  ];
  return {
    errors: diagnostics.map((d) => ts.formatDiagnostic(d, host).trim()),
    checked: ours.map((f) => path.relative(root, path.resolve(f.fileName)).split(path.sep).join('/')).sort(),
  };
}
