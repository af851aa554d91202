// The way users install: the release workflow's own publish steps (release.yml's publish job: napi
// artifacts, napi pre-publish, npm publish) run against a local registry, then `npm install session-seal` by
// name into fresh projects with no Rust on PATH. npm must pick the platform package by itself: linux-x64-gnu
// here (Node 20, 22 and 24), linux-arm64-gnu when asked for arm64 (run under qemu-user), and the WebAssembly
// package when asked for `--cpu=wasm32` (Node 20.19, the floor it declares, 22 and 24); each loads the binary
// it got, and round-trips sessions with the real SDK both ways and once through SessionCookies.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { TARGETS } from '../../scripts/build-all.mjs'
import { ensureArm64Node, ensureNode, ensureNodeRelease, NODE_VERSIONS } from '../../scripts/lib/tools.mjs'
import { binary, cleanUp, consume, installedFiles, manifest, pathWithoutRust, runIn, sh } from '../../scripts/lib/packages.mjs'
import { repoRoot as root } from '../../scripts/lib/repo.mjs'
import { installByName, publishLikeTheWorkflow, startRegistry } from './registry.mjs'

// Starting verdaccio, publishing, npm installs and emulated CPUs take minutes on a shared 2-core machine;
// these limits only stop a hang.
const SETUP_TIMEOUT = 15 * 60_000
const RUN_TIMEOUT = 5 * 60_000
/** The WASM package's floor on the 20 line (its engines field: ^20.19.0); PyPI's Node 20 stops at 20.18. */
const WASM_NODE_20 = '20.19.0'

/** The platforms whose builds build:all left in target/artifacts (all it can build: every one but win32-x64-msvc). */
const built = TARGETS.filter((t) => t.published !== false && !t.cannot)
  .map((t) => t.key)
  .filter((key) => existsSync(join(root, 'target', 'artifacts', key)) && readdirSync(join(root, 'target', 'artifacts', key)).some((f) => /\.(node|wasm)$/.test(f)))

let registry
let publish
beforeAll(async () => {
  registry = await startRegistry()
  publish = publishLikeTheWorkflow(registry, built)
}, SETUP_TIMEOUT)
afterAll(async () => {
  await registry?.stop()
  cleanUp()
})

/** What every consumer run must report, whatever the Node and CPU. */
function expectRoundTrips(report, key) {
  expect(report.sameModule).toBe(true)
  expect(report.subpaths).toBe(true)
  expect(report.sealedBySdkOpened).toBe(true)
  expect(report.sdkSealedOpenedHere).toBe(true)
  expect(report.cookiesRoundTrip).toBe(true)
  expect(report.cookieOpenedBySdk).toBe(true)
  expect(report.cookieNames).toStrictEqual(['__session'])
  const file = key === 'wasm32-wasi' ? `${binary}\\.wasi\\.cjs` : `${binary}\\.${key}\\.node`
  expect(report.loaded).toStrictEqual([expect.stringMatching(new RegExp(`node_modules/${binary}-${key}/${file}$`))])
}

test('the workflow\'s steps published each platform package built here, and the main package lists exactly those', () => {
  expect(built).toStrictEqual(expect.arrayContaining(['linux-x64-gnu', 'linux-arm64-gnu', 'wasm32-wasi']))
  expect(publish.ran.map((step) => step.status)).toStrictEqual(publish.ran.map(() => 0))
  const view = (name) => JSON.parse(sh('npm', ['view', name, '--json'], { cwd: root, env: registry.env }).stdout)
  const main = view('session-seal')
  expect(main.version).toBe(manifest.version)
  expect(main.optionalDependencies).toStrictEqual(Object.fromEntries(built.map((key) => [`${binary}-${key}`, manifest.version])))
  for (const key of built) expect({ key, version: view(`${binary}-${key}`).version }).toStrictEqual({ key, version: manifest.version })
}, RUN_TIMEOUT)

describe('npm install session-seal (linux-x64-gnu picked by npm)', () => {
  let project
  beforeAll(() => {
    project = installByName(registry, { prefix: 'x64' })
  }, SETUP_TIMEOUT)

  test('the project runs without Rust: no cargo or rustc on its PATH', () => {
    expect(runIn(project, ['sh', '-c', 'command -v cargo rustc; true']).stdout).toBe('')
    expect(pathWithoutRust).not.toBe('')
  })

  test('npm installed the linux-x64-gnu binary and no other', () => {
    expect(installedFiles(project, /\.(node|wasm)$/)).toStrictEqual([`${binary}-linux-x64-gnu/${binary}.linux-x64-gnu.node`])
  })

  test.each(Object.keys(NODE_VERSIONS).map(Number))(
    'Node %i: require and import, SDK round trips both ways, SessionCookies write → read',
    (major) => {
      const report = consume(project, [ensureNode(major)])
      expect(report.node).toBe(`v${NODE_VERSIONS[major]}`)
      expect(report.arch).toBe('x64')
      expect(report.binding).toBe('native')
      expectRoundTrips(report, 'linux-x64-gnu')
    },
    RUN_TIMEOUT,
  )
})

describe('npm install session-seal --os=linux --cpu=arm64 --libc=glibc (linux-arm64-gnu, run under qemu-user)', () => {
  let project
  beforeAll(() => {
    project = installByName(registry, { flags: ['--os=linux', '--cpu=arm64', '--libc=glibc'], prefix: 'arm64' })
  }, SETUP_TIMEOUT)

  test('npm installed the linux-arm64-gnu binary and no other', () => {
    expect(installedFiles(project, /\.(node|wasm)$/)).toStrictEqual([`${binary}-linux-arm64-gnu/${binary}.linux-arm64-gnu.node`])
  })

  test(
    'Node 22 (arm64, emulated): require and import, SDK round trips both ways, SessionCookies write → read',
    () => {
      const report = consume(project, ensureArm64Node(22))
      expect(report.node).toBe(`v${NODE_VERSIONS[22]}`)
      expect(report.arch).toBe('arm64')
      expect(report.binding).toBe('native')
      expectRoundTrips(report, 'linux-arm64-gnu')
    },
    SETUP_TIMEOUT,
  )
})

describe('npm install session-seal --cpu=wasm32 (the WebAssembly package, no native binary)', () => {
  let project
  beforeAll(() => {
    project = installByName(registry, { flags: ['--cpu=wasm32'], prefix: 'wasm' })
  }, SETUP_TIMEOUT)

  test('npm installed the .wasm module and no .node file', () => {
    expect(installedFiles(project, /\.(node|wasm)$/)).toStrictEqual([`${binary}-wasm32-wasi/${binary}.wasm32-wasi.wasm`])
  })

  // No environment variable forces anything: the loader finds no native package and falls back by itself.
  test.each([
    [WASM_NODE_20, () => ensureNodeRelease(WASM_NODE_20)],
    [NODE_VERSIONS[22], () => ensureNode(22)],
    [NODE_VERSIONS[24], () => ensureNode(24)],
  ])(
    'Node %s: the loader falls back to WASM; require and import, SDK round trips both ways, SessionCookies',
    (version, node) => {
      const report = consume(project, [node()])
      expect(report.node).toBe(`v${version}`)
      expect(report.binding).toBe('wasm32-wasi')
      expectRoundTrips(report, 'wasm32-wasi')
    },
    RUN_TIMEOUT,
  )
})
