// `npm run test:wasm`: the Jest suite (but the e2e suite) against the WASM build beside binding.js, which
// `npm run build:all` puts there. NAPI_RS_FORCE_WASI=true makes the generated loader take it over the native
// addon, and binding.test.mjs fails if it did not.
//
// The WASM runtime (@emnapi/core 2) is ESM that the loader `require`s: plain Node does that since 20.19, but
// Jest's module system only from Node 24.9. So Jest runs on Node 24 (this one if it is new enough, else an
// official build from PyPI, see lib/tools.mjs); the processes the suites spawn use it too.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { repoRoot as root } from './lib/repo.mjs'
import { ensureNode } from './lib/tools.mjs'

const [major, minor] = process.versions.node.split('.').map(Number)
const node = major > 24 || (major === 24 && minor >= 9) ? process.execPath : ensureNode(24)
const jest = join(root, 'node_modules', 'jest', 'bin', 'jest.js')
const args = [
  '--experimental-vm-modules', jest,
  '--testPathIgnorePatterns', '/node_modules/', '/__test__/packages/', '/__test__/e2e/',
  '--json', '--outputFile=target/jest-wasm.json',
  ...process.argv.slice(2),
]
const result = spawnSync(node, args, {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    NAPI_RS_FORCE_WASI: 'true',
    SESSION_SEAL_EXPECT_BINDING: 'wasm32-wasi',
    // Node's "WASI is an experimental feature" warning, printed once per process, would fail the suites
    // that check stderr and process warnings exactly; only ExperimentalWarnings are silenced.
    NODE_OPTIONS: `${process.env.NODE_OPTIONS || ''} --disable-warning=ExperimentalWarning`.trim(),
  },
})
process.exit(result.status ?? 1)
