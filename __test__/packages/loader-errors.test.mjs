// Each way session-seal fails to load, made to happen for real in a project installed from the tarballs,
// and the error it then throws: a code of its own and a message that names the cause and the fix, instead of
// napi-rs's "Cannot find native binding … remove package-lock.json and node_modules".
import { existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { artifactPath } from '../../scripts/build-all.mjs'
import { cleanUp, ensureDir, freshDir, installProject, packMain, packPlatform, runIn } from '../../scripts/lib/packages.mjs'
import { repoRoot as root } from '../../scripts/lib/repo.mjs'

// For Next.js's CommonJS build of webpack (Jest's ESM mode has no `require`).
const require = createRequire(import.meta.url)

const INSTALL_TIMEOUT = 10 * 60_000
afterAll(cleanUp)

/** Requires session-seal and prints what it threw (null when it loaded) as one JSON line. */
const LOAD_AND_REPORT = `try { require('session-seal'); console.log(JSON.stringify(null)) }
catch (error) { console.log(JSON.stringify({ code: error.code, message: error.message, cause: error.cause && error.cause.message })) }
`

/** Requires session-seal in the project (after `setup`, a statement; with `env`) and returns the error it threw. */
function loadError(project, setup = '', env = {}) {
  const result = runIn(project, [process.execPath, '-e', `${setup}\n${LOAD_AND_REPORT}`], { env })
  expect(result.status).toBe(0)
  return JSON.parse(result.stdout.trim().split('\n').pop())
}

let tarballs
let main
beforeAll(() => {
  tarballs = ensureDir(freshDir('tarballs'))
  main = packMain(tarballs)
}, INSTALL_TIMEOUT)

const NOT_THE_GENERIC_ADVICE = /package-lock\.json/

describe('no package for this system installed', () => {
  test(
    'names the system and its libc, the package that fits, and the WASM fallback',
    () => {
      const project = installProject(main, { flags: ['--omit=optional'], prefix: 'none' })
      const error = loadError(project)
      expect(error.code).toBe('ERR_SESSION_SEAL_NO_BINDING')
      expect(error.message).toMatch(/\(linux x64, glibc \d+\.\d+\)/)
      expect(error.message).toContain('session-seal-linux-x64-gnu, and it is not installed')
      expect(error.message).toContain('--omit=optional')
      expect(error.message).toMatch(/npm install session-seal-wasm32-wasi@\d+\.\d+\.\d+/)
      expect(error.message).not.toMatch(NOT_THE_GENERIC_ADVICE)
      // What the generated loader tried stays reachable as the cause, without its generic advice.
      expect(error.cause).toMatch(/Cannot find module/)
      expect(error.cause).not.toMatch(NOT_THE_GENERIC_ADVICE)
    },
    INSTALL_TIMEOUT,
  )

  test(
    'a system without a published build is pointed at the WASM package',
    () => {
      // The loader's view of an unpublished platform: a main package whose optionalDependencies lack it.
      const project = installProject(main, { flags: ['--omit=optional'], prefix: 'unpublished' })
      const manifestPath = join(project, 'node_modules', 'session-seal', 'package.json')
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
      delete manifest.optionalDependencies['session-seal-linux-x64-gnu']
      writeFileSync(manifestPath, JSON.stringify(manifest))
      const error = loadError(project)
      expect(error.code).toBe('ERR_SESSION_SEAL_NO_BINDING')
      expect(error.message).toMatch(/no native build for this system \(linux x64, glibc [\d.]+; it would be session-seal-linux-x64-gnu\)/)
      expect(error.message).toMatch(/Install the WebAssembly build.*npm install session-seal-wasm32-wasi@/)
    },
    INSTALL_TIMEOUT,
  )
})

describe('the musl package installed on this glibc system', () => {
  // Only the package's presence matters to the loader; it is the real one, so it must have been built.
  const check = existsSync(artifactPath('linux-x64-musl')) ? test : test.skip
  check(
    'says libc mismatch, which libc each side has, and that npm install on this system fixes it',
    () => {
      const project = installProject(main, {
        platforms: [packPlatform('linux-x64-musl', tarballs)],
        flags: ['--libc=musl'],
        prefix: 'musl',
      })
      const error = loadError(project)
      expect(error.code).toBe('ERR_SESSION_SEAL_LIBC_MISMATCH')
      expect(error.message).toMatch(/^libc mismatch: this system uses glibc \(linux x64, glibc [\d.]+\), but the installed session-seal-linux-x64-musl is built for musl libc/)
      expect(error.message).toContain('run npm install on this system, which installs session-seal-linux-x64-gnu')
    },
    INSTALL_TIMEOUT,
  )
})

describe('a platform package of another release (hoisted from another workspace, a stale lockfile)', () => {
  let project
  beforeAll(() => {
    project = installProject(main, { platforms: [packPlatform('linux-x64-gnu', tarballs)], prefix: 'hoisted' })
    const manifestPath = join(project, 'node_modules', 'session-seal-linux-x64-gnu', 'package.json')
    writeFileSync(manifestPath, JSON.stringify({ ...JSON.parse(readFileSync(manifestPath, 'utf8')), version: '0.0.9' }))
  }, INSTALL_TIMEOUT)

  test.each([
    ['always, with no environment switch', {}],
    ["with napi-rs's own check switched on (NAPI_RS_ENFORCE_VERSION_CHECK=1)", { NAPI_RS_ENFORCE_VERSION_CHECK: '1' }],
  ])('%s: refused with both versions named, and how to make them agree', (_name, env) => {
    const error = loadError(project, '', env)
    const own = JSON.parse(readFileSync(join(project, 'node_modules', 'session-seal', 'package.json'), 'utf8')).version
    expect(error.code).toBe('ERR_SESSION_SEAL_VERSION_MISMATCH')
    expect(error.message).toContain(`session-seal ${own} found session-seal-linux-x64-gnu 0.0.9 (`)
    expect(error.message).toContain('the JavaScript and the binary must be the same release')
    expect(error.message).toContain(`npm install session-seal-linux-x64-gnu@${own}`)
    expect(error.message).not.toMatch(NOT_THE_GENERIC_ADVICE)
  })
})

describe('the right package, broken', () => {
  test(
    'says it is installed but did not load, with the system loader error',
    () => {
      const project = installProject(main, { platforms: [packPlatform('linux-x64-gnu', tarballs)], prefix: 'broken' })
      truncateSync(join(project, 'node_modules', 'session-seal-linux-x64-gnu', 'session-seal.linux-x64-gnu.node'), 64)
      const error = loadError(project)
      expect(error.code).toBe('ERR_SESSION_SEAL_BINDING_FAILED')
      expect(error.message).toMatch(/^session-seal-linux-x64-gnu is installed but did not load on this system \(linux x64, glibc [\d.]+\): .+\.node: /)
    },
    INSTALL_TIMEOUT,
  )
})

describe('where the package is used', () => {
  let project
  beforeAll(() => {
    project = installProject(main, { platforms: [packPlatform('linux-x64-gnu', tarballs)], prefix: 'where' })
  }, INSTALL_TIMEOUT)

  test('installed correctly, it loads (the checks below start from a working install)', () => {
    expect(loadError(project)).toBe(null)
  })

  test('NAPI_RS_NATIVE_LIBRARY_PATH naming a file that does not load: the variable, its value and the reason', () => {
    const bad = join(project, 'no-such-addon.node')
    const error = loadError(project, '', { NAPI_RS_NATIVE_LIBRARY_PATH: bad })
    expect(error.code).toBe('ERR_SESSION_SEAL_ENV_OVERRIDE')
    expect(error.message).toContain(`NAPI_RS_NATIVE_LIBRARY_PATH=${bad} is set, and that file did not load: Cannot find module`)
    expect(error.message).toContain('point it at a session-seal .node file, or unset it')
    expect(error.message).not.toMatch(/is not installed/)
  })

  test('NAPI_RS_NATIVE_LIBRARY_PATH naming the addon: it loads from there', () => {
    const addon = join(project, 'node_modules', 'session-seal-linux-x64-gnu', 'session-seal.linux-x64-gnu.node')
    expect(loadError(project, '', { NAPI_RS_NATIVE_LIBRARY_PATH: addon })).toBe(null)
  })

  test('NAPI_RS_FORCE_WASI=error with no WebAssembly package: the variable, and what to install or unset', () => {
    const error = loadError(project, '', { NAPI_RS_FORCE_WASI: 'error' })
    expect(error.code).toBe('ERR_SESSION_SEAL_ENV_OVERRIDE')
    expect(error.message).toMatch(/^NAPI_RS_FORCE_WASI=error requires the WebAssembly build, and it did not load: install it \(npm install session-seal-wasm32-wasi@\d+\.\d+\.\d+\), or unset NAPI_RS_FORCE_WASI\.$/)
  })

  test('NAPI_RS_FORCE_WASI with a value the loader does not know: it loads natively and warns that the value was ignored', () => {
    const result = runIn(project, [process.execPath, '-e', `process.on('warning', (w) => console.log(JSON.stringify({ code: w.code, message: w.message }))); ${LOAD_AND_REPORT}`], {
      env: { NAPI_RS_FORCE_WASI: 'yes' },
    })
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line))
    expect(lines.filter((line) => line === null)).toHaveLength(1) // loaded, no error
    expect(lines.filter((line) => line?.code === 'SESSION_SEAL_ENV_IGNORED')).toStrictEqual([
      { code: 'SESSION_SEAL_ENV_IGNORED', message: expect.stringContaining('NAPI_RS_FORCE_WASI=yes is not a value the loader knows: true prefers the WebAssembly build, error requires it; it was ignored') },
    ])
  })

  test("the Edge runtime: use the Node.js runtime (proxy.ts in Next.js 16, or runtime: 'nodejs')", () => {
    const error = loadError(project, "globalThis.EdgeRuntime = 'edge-runtime'")
    expect(error.code).toBe('ERR_SESSION_SEAL_EDGE_RUNTIME')
    expect(error.message).toContain('is a native module and cannot run in the Edge runtime (edge-runtime)')
    expect(error.message).toContain('proxy.ts in Next.js 16')
    expect(error.message).toContain("runtime = 'nodejs'")
  })

  // Next.js's own copy of webpack, bundling for Node as Next.js does for server code. With webpack's own
  // conditions the package's exports send it to bundled.js, which throws the error; a bundler without the
  // "webpack" condition takes index.js in, and the loader's requires of the .node file, which a bundle cannot
  // carry: then index.js itself finds it runs from a bundle.
  test.each([
    ['webpack (the package\'s exports send it to bundled.js)', undefined, /bundled\.js/],
    ['a bundler without the "webpack" condition (it takes index.js in, and the .node file stays behind)', ['node', 'require'], /session-seal\.linux-x64-gnu\.node/],
  ])(
    "bundled by %s: add 'session-seal' to serverExternalPackages",
    async (_name, conditionNames, bundledModule) => {
      const { webpack } = require(join(root, 'node_modules', 'next', 'dist', 'compiled', 'webpack', 'bundle5.js'))()
      writeFileSync(join(project, 'entry.js'), LOAD_AND_REPORT)
      const out = join(project, `bundle-${conditionNames ? 'plain' : 'webpack'}`)
      const stats = await new Promise((resolve, reject) =>
        webpack(
          {
            mode: 'development',
            devtool: false,
            target: 'node',
            context: project,
            entry: './entry.js',
            output: { path: out, filename: 'server.js' },
            resolve: { modules: [join(project, 'node_modules')], ...(conditionNames ? { conditionNames } : {}) },
            optimization: { emitOnErrors: true },
          },
          (error, result) => (error ? reject(error) : resolve(result)),
        ),
      )
      // What webpack took in, or failed on: bundled.js, or the .node file it could not take.
      expect(JSON.stringify(stats.toJson({ all: false, modules: true, errors: true }))).toMatch(bundledModule)
      const result = runIn(project, [process.execPath, join(out, 'server.js')])
      expect(result.status).toBe(0)
      const error = JSON.parse(result.stdout.trim().split('\n').pop())
      expect(error.code).toBe('ERR_SESSION_SEAL_BUNDLED')
      expect(error.message).toContain("add 'session-seal' to serverExternalPackages in next.config")
      expect(error.message + error.cause).not.toMatch(NOT_THE_GENERIC_ADVICE)
    },
    INSTALL_TIMEOUT,
  )
})
