// The WebAssembly package alone: what a user on a system without a native build installs. The project gets
// the main package and session-seal-wasm32-wasi, no native binary at all, and no environment variable
// forces anything: the generated loader finds no native package and falls back to the WASM one by itself.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { ensureNode, NODE_VERSIONS } from '../../scripts/lib/tools.mjs'
import { binary, cleanUp, consume, ensureDir, freshDir, installedFiles, installProject, packMain, packPlatform } from '../../scripts/lib/packages.mjs'

const INSTALL_TIMEOUT = 10 * 60_000
const RUN_TIMEOUT = 5 * 60_000

afterAll(cleanUp)

describe('wasm32-wasi from the tarballs, with no native binary installed', () => {
  let project
  beforeAll(() => {
    const tarballs = ensureDir(freshDir('tarballs'))
    // npm's --cpu=wasm32 is how a user asks for the WASM package (it declares cpu: wasm32).
    project = installProject(packMain(tarballs), {
      platforms: [packPlatform('wasm32-wasi', tarballs)],
      flags: ['--cpu=wasm32'],
      prefix: 'wasm',
    })
  }, INSTALL_TIMEOUT)

  test('npm installed the .wasm module and no .node file', () => {
    expect(installedFiles(project, /\.(node|wasm)$/)).toEqual([`${binary}-wasm32-wasi/${binary}.wasm32-wasi.wasm`])
  })

  // The WASI package asks for Node ^20.19 || ^22.13 || >=23.5 (napi-rs's floor for WASI threads); the pinned
  // Node 20 wheel is 20.18, so the 20 line is covered by the machine's own node in the Jest WASM run.
  test.each([22, 24])(
    'Node %i: the loader falls back to WASM; require and import, SDK round trips both ways, SessionCookies',
    (major) => {
      const report = consume(project, [ensureNode(major)])
      expect(report.node).toBe(`v${NODE_VERSIONS[major]}`)
      expect(report.binding).toBe('wasm32-wasi')
      expect(report.loaded).toEqual([expect.stringMatching(new RegExp(`node_modules/${binary}-wasm32-wasi/${binary}\\.wasi\\.cjs$`))])
      expect(report.sameModule).toBe(true)
      expect(report.subpaths).toBe(true)
      expect(report.sealedBySdkOpened).toBe(true)
      expect(report.sdkSealedOpenedHere).toBe(true)
      expect(report.cookiesRoundTrip).toBe(true)
      expect(report.cookieOpenedBySdk).toBe(true)
    },
    RUN_TIMEOUT,
  )
})
