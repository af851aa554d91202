// The native packages as users get them: the packed main package plus one platform package, installed from
// the tarballs into a fresh project with no cargo/rustc on PATH, then required (CommonJS) and imported (ESM)
// there, round-tripping sessions with the real SDK both ways and once through SessionCookies.
// linux-x64-gnu runs on this machine's CPU with official Node 20, 22 and 24 builds; linux-arm64-gnu runs
// under qemu-user with an official arm64 Node 22.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { ensureArm64Node, ensureNode, NODE_VERSIONS } from '../../scripts/lib/tools.mjs'
import {
  binary,
  cleanUp,
  consume,
  ensureDir,
  freshDir,
  installedFiles,
  installProject,
  packMain,
  packPlatform,
  pathWithoutRust,
  runIn,
} from '../../scripts/lib/packages.mjs'

// npm installs and emulated CPUs take minutes on a shared 2-core machine; these limits only stop a hang.
const INSTALL_TIMEOUT = 10 * 60_000
const RUN_TIMEOUT = 5 * 60_000

afterAll(cleanUp)

/** What every consumer run must report, whatever the Node and CPU. */
function expectRoundTrips(report, key) {
  expect(report.binding).toBe('native')
  expect(report.loaded).toEqual([expect.stringMatching(new RegExp(`node_modules/${binary}-${key}/${binary}\\.${key}\\.node$`))])
  expect(report.sameModule).toBe(true)
  expect(report.subpaths).toBe(true)
  expect(report.sealedBySdkOpened).toBe(true)
  expect(report.sdkSealedOpenedHere).toBe(true)
  expect(report.cookiesRoundTrip).toBe(true)
  expect(report.cookieOpenedBySdk).toBe(true)
  expect(report.cookieNames).toEqual(['__session'])
}

describe('linux-x64-gnu from the tarballs', () => {
  let project
  beforeAll(() => {
    const tarballs = ensureDir(freshDir('tarballs'))
    project = installProject(packMain(tarballs), { platforms: [packPlatform('linux-x64-gnu', tarballs)], prefix: 'x64' })
  }, INSTALL_TIMEOUT)

  test('the project runs without Rust: no cargo or rustc on its PATH', () => {
    expect(runIn(project, ['sh', '-c', 'command -v cargo rustc; true']).stdout).toBe('')
    expect(pathWithoutRust).not.toBe('')
  })

  test('npm installed the linux-x64-gnu binary and no other', () => {
    expect(installedFiles(project, /\.(node|wasm)$/)).toEqual([`${binary}-linux-x64-gnu/${binary}.linux-x64-gnu.node`])
  })

  test.each(Object.keys(NODE_VERSIONS).map(Number))(
    'Node %i: require and import, SDK round trips both ways, SessionCookies write → read',
    (major) => {
      const report = consume(project, [ensureNode(major)])
      expect(report.node).toBe(`v${NODE_VERSIONS[major]}`)
      expect(report.arch).toBe('x64')
      expectRoundTrips(report, 'linux-x64-gnu')
    },
    RUN_TIMEOUT,
  )
})

describe('linux-arm64-gnu from the tarballs, under qemu-user', () => {
  let project
  beforeAll(() => {
    const tarballs = ensureDir(freshDir('tarballs'))
    project = installProject(packMain(tarballs), {
      platforms: [packPlatform('linux-arm64-gnu', tarballs)],
      flags: ['--os=linux', '--cpu=arm64', '--libc=glibc'],
      prefix: 'arm64',
    })
  }, INSTALL_TIMEOUT)

  test('npm installed the linux-arm64-gnu binary and no other', () => {
    expect(installedFiles(project, /\.(node|wasm)$/)).toEqual([`${binary}-linux-arm64-gnu/${binary}.linux-arm64-gnu.node`])
  })

  test(
    'Node 22 (arm64, emulated): require and import, SDK round trips both ways, SessionCookies write → read',
    () => {
      const report = consume(project, ensureArm64Node(22))
      expect(report.node).toBe(`v${NODE_VERSIONS[22]}`)
      expect(report.arch).toBe('arm64')
      expectRoundTrips(report, 'linux-arm64-gnu')
    },
    INSTALL_TIMEOUT,
  )
})
