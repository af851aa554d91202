// For the package suites (__test__/packages/) and scripts/test-package.mjs: pack the main package as `napi pre-publish` publishes it and the platform
// packages as they are, install the tarballs into a fresh project with no Rust toolchain on PATH, and run
// Node there. Nothing here reads the repository's own node_modules for the package under test.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { parseTriple } from '@napi-rs/cli'
import { repoRoot as root } from './repo.mjs'

export const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
export const binary = manifest.napi.binaryName
/** The SDK's cookie module: the test oracle, loaded by path (it is not what is being installed). */
export const sdkCookies = join(root, 'node_modules', '@auth0', 'nextjs-auth0', 'dist', 'server', 'cookies.js')

/** Every platform package name, as `napi pre-publish` lists them in optionalDependencies. */
export const platformPackages = manifest.napi.targets.map((triple) => `${manifest.name}-${parseTriple(triple).platformArchABI}`)

/** PATH without any directory holding cargo or rustc: the packages must not need Rust. */
const RUST_TOOLS = ['cargo', 'rustc', 'cargo.exe', 'rustc.exe']
export const pathWithoutRust = (process.env.PATH || '')
  .split(delimiter)
  .filter((dir) => dir && !RUST_TOOLS.some((tool) => existsSync(join(dir, tool))))
  .join(delimiter)

export function sh(command, args, options = {}) {
  // npm is npm.cmd on Windows, which only a shell runs.
  const shell = process.platform === 'win32' && command === 'npm'
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, shell, ...options })
  if (result.error) throw result.error
  return result
}

function mustSucceed(result, what) {
  if (result.status !== 0) throw new Error(`${what} exited with ${result.status}:\n${result.stderr}\n${result.stdout}`)
  return result
}

const scratch = []
/** A fresh directory under the system's temp dir, removed by `cleanUp()`. */
export function freshDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `session-seal-${prefix}-`))
  scratch.push(dir)
  return dir
}
export function cleanUp() {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true })
}

function npmPack(dir, destination) {
  const result = mustSucceed(sh('npm', ['pack', '--json', '--pack-destination', destination], { cwd: dir }), `npm pack in ${dir}`)
  return join(destination, JSON.parse(result.stdout)[0].filename)
}

/**
 * The main package's tarball as it is published: its own files, plus the optionalDependencies that
 * `napi pre-publish` adds at release time (every platform package at the same version).
 */
export function packMain(destination) {
  const stage = join(freshDir('stage'), 'package')
  const listed = JSON.parse(mustSucceed(sh('npm', ['pack', '--dry-run', '--json'], { cwd: root }), 'npm pack --dry-run').stdout)[0]
  for (const { path } of listed.files) cpSync(join(root, path), join(stage, path), { recursive: true })
  const staged = JSON.parse(readFileSync(join(stage, 'package.json'), 'utf8'))
  staged.optionalDependencies = Object.fromEntries(platformPackages.map((name) => [name, manifest.version]))
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(staged, null, 2)}\n`)
  return npmPack(stage, destination)
}

/** A platform package's tarball, from npm/<key>/ as build:all (or `napi artifacts`) left it. */
export function packPlatform(key, destination) {
  const dir = join(root, 'npm', key)
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  const main = join(dir, pkg.main)
  if (!existsSync(main)) throw new Error(`npm/${key}/${pkg.main} is missing: run npm run build:all -- --only ${key}`)
  return npmPack(dir, destination)
}

/**
 * A fresh project that depends on the main package's tarball and, as optional dependencies (how the main
 * package lists them), the given platform tarballs. `flags` go to npm install: `--cpu=arm64`,
 * `--libc=musl` (npm installs optional packages for that system instead of this one), `--omit=optional`.
 */
export function installProject(main, { platforms = [], flags = [], prefix = 'project' } = {}) {
  const dir = freshDir(prefix)
  const spec = (tarball) => `file:${tarball}`
  const pkg = {
    name: 'consumer',
    version: '1.0.0',
    private: true,
    dependencies: { [manifest.name]: spec(main) },
    optionalDependencies: Object.fromEntries(platforms.map((tarball) => [tarballName(tarball), spec(tarball)])),
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2))
  mustSucceed(
    sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...flags], {
      cwd: dir,
      env: { ...process.env, PATH: pathWithoutRust },
    }),
    'npm install',
  )
  cpSync(join(root, 'scripts', 'lib', 'package-consumer.mjs'), join(dir, 'consumer.mjs'))
  return dir
}

/** `session-seal-linux-x64-gnu-0.1.0.tgz` → `session-seal-linux-x64-gnu`. */
const tarballName = (tarball) => tarball.split(/[\\/]/).pop().replace(/-\d+\.\d+\.\d+[^/]*\.tgz$/, '')

/** Runs `argv` (node, or qemu + node) in the project with no Rust on PATH; returns the result. */
export function runIn(dir, argv, { env = {} } = {}) {
  return sh(argv[0], argv.slice(1), { cwd: dir, env: { ...process.env, PATH: pathWithoutRust, ...env } })
}

/** Runs consumer.mjs and returns its JSON report; throws with stderr when it fails. */
export function consume(dir, nodeArgv, options) {
  const result = runIn(dir, [...nodeArgv, 'consumer.mjs', sdkCookies], options)
  mustSucceed(result, `${nodeArgv.join(' ')} consumer.mjs`)
  return JSON.parse(result.stdout.trim().split('\n').pop())
}

/** The files npm put under node_modules, for "no binary of another kind was installed" checks. */
export function installedFiles(dir, pattern) {
  const found = []
  const walk = (path) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (pattern.test(entry.name)) found.push(full.slice(modules.length + 1))
    }
  }
  const modules = join(dir, 'node_modules')
  walk(modules)
  return found
}

export function ensureDir(dir) {
  mkdirSync(dir, { recursive: true })
  return dir
}
