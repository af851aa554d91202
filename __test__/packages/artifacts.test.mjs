// Every binary build:all left, checked for what it is: its file type (ELF x86-64/aarch64, Mach-O x86_64/arm64,
// PE32+, WebAssembly), the newest glibc symbol version of the gnu builds (2.17 at most), no glibc at all in
// the musl builds. build:all clears a target's output before building it, so a file here is this run's.
// On a developer's machine a target not built is reported as skipped, never as passed; in CI (`CI=true`,
// where build:all builds every target this machine can) a missing one fails. Only win32-x64-msvc, which the
// release workflow alone builds, is not checked here.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from '@jest/globals'
import { artifactPath, TARGETS, WORKFLOW_ONLY } from '../../scripts/build-all.mjs'
import { sh } from '../../scripts/lib/packages.mjs'
import { repoRoot as root } from '../../scripts/lib/repo.mjs'

const FILE_TYPE = {
  'linux-x64-gnu': /ELF 64-bit LSB shared object, x86-64/,
  'linux-arm64-gnu': /ELF 64-bit LSB shared object, ARM aarch64/,
  'linux-x64-musl': /ELF 64-bit LSB shared object, x86-64/,
  'linux-arm64-musl': /ELF 64-bit LSB shared object, ARM aarch64/,
  'darwin-x64': /Mach-O 64-bit x86_64 dynamically linked shared library/,
  'darwin-arm64': /Mach-O 64-bit arm64 dynamically linked shared library/,
  'win32-x64-msvc': /PE32\+ executable \(DLL\).*x86-64/,
  'win32-x64-gnu': /PE32\+ executable \(DLL\).*x86-64/,
  'wasm32-wasi': /WebAssembly \(wasm\) binary module/,
}

const glibcVersions = (file) =>
  [...new Set(sh('objdump', ['-T', file]).stdout.match(/GLIBC_[0-9.]+/g) || [])].map((v) => v.slice(6).split('.').map(Number))
const newer = (a, b) => a[0] - b[0] || a[1] - b[1] || (a[2] || 0) - (b[2] || 0)
const needed = (file) => [...sh('readelf', ['-d', file]).stdout.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1])

describe.each(TARGETS.filter((target) => !target.cannot).map((target) => [target.key, target]))('%s', (key, target) => {
  const file = artifactPath(key)
  const built = existsSync(file)
  const check = built || process.env.CI === 'true' ? test : test.skip

  test('every target with a recipe has its file type listed here', () => {
    expect(FILE_TYPE[key]).toBeInstanceOf(RegExp)
  })

  check(`file type ${FILE_TYPE[key]}${built ? '' : ' (not built in this run)'}`, () => {
    expect(sh('file', ['-b', file]).stdout).toMatch(FILE_TYPE[key])
  })

  if (key.endsWith('-gnu') && key.startsWith('linux')) {
    check('needs nothing newer than GLIBC_2.17', () => {
      const versions = glibcVersions(file)
      expect(versions.length).toBeGreaterThan(0)
      const newest = versions.sort(newer).pop()
      expect(newer(newest, [2, 17])).toBeLessThanOrEqual(0)
    })
  }

  if (key.endsWith('-musl')) {
    check('links musl, with no glibc symbol version or library', () => {
      expect(glibcVersions(file)).toStrictEqual([])
      const libraries = needed(file)
      expect(libraries).toContain('libc.so')
      expect(libraries.filter((name) => /^libc\.so\.6$|^ld-linux|^libpthread|^libdl/.test(name))).toStrictEqual([])
    })
  }

  if (key === 'win32-x64-gnu') {
    check('imports Node-API from node.exe, as MSVC-built addons do', () => {
      const dlls = [...sh('objdump', ['-p', file]).stdout.matchAll(/DLL Name: (\S+)/g)].map((m) => m[1])
      expect(dlls).toContain('node.exe')
      expect(dlls.filter((name) => /libnode/i.test(name))).toStrictEqual([])
    })
  }
})

test('the one target not built here is the one the release workflow builds, and every other has a recipe', () => {
  expect(WORKFLOW_ONLY).toStrictEqual(['win32-x64-msvc'])
  for (const target of TARGETS.filter((t) => !t.cannot)) expect(Boolean(target.zig || target.wasm || target.mingw)).toBe(true)
})

test('the main package ships no binary', () => {
  const listed = JSON.parse(sh('npm', ['pack', '--dry-run', '--json'], { cwd: root }).stdout)[0]
  expect(listed.files.map((f) => f.path).filter((path) => /\.(node|wasm|dll|so|dylib)$/.test(path))).toStrictEqual([])
  expect(readFileSync(join(root, 'package.json'), 'utf8')).not.toMatch(/"\*\.node"/)
})
