// `node scripts/test-package.mjs <platform>`: the package test of one platform package with the Node running
// this script — what the release workflow runs on each native runner (macOS, Windows, Linux arm64) where
// this machine's qemu and PyPI Node builds are not needed. Packs the main package as published and
// npm/<platform>/, installs both into a fresh project with no Rust on PATH, then requires and imports
// session-seal there and round-trips sessions with the real SDK. Exits non-zero on any failure.
import assert from 'node:assert/strict'
import { cleanUp, consume, ensureDir, freshDir, installProject, packMain, packPlatform } from './lib/packages.mjs'

const key = process.argv[2]
if (!key) {
  console.error('usage: node scripts/test-package.mjs <platform, e.g. darwin-arm64>')
  process.exit(2)
}

try {
  const tarballs = ensureDir(freshDir('tarballs'))
  const flags = key === 'wasm32-wasi' ? ['--cpu=wasm32'] : []
  const project = installProject(packMain(tarballs), { platforms: [packPlatform(key, tarballs)], flags, prefix: key })
  const report = consume(project, [process.execPath])
  console.log(JSON.stringify(report, null, 2))
  assert.equal(report.binding, key === 'wasm32-wasi' ? 'wasm32-wasi' : 'native')
  assert.equal(report.loaded.length, 1)
  assert.ok(report.loaded[0].replaceAll('\\', '/').includes(`node_modules/session-seal-${key}/`), report.loaded[0])
  for (const check of ['sameModule', 'sealedBySdkOpened', 'sdkSealedOpenedHere', 'cookiesRoundTrip', 'cookieOpenedBySdk']) {
    assert.equal(report[check], true, check)
  }
  console.log(`session-seal-${key}: installed from its tarball, loaded and round-tripped on Node ${process.version}`)
} finally {
  cleanUp()
}
