// A local npm registry (verdaccio, from scripts/registry's lockfile) that the release workflow's own publish
// steps publish to, and fresh projects that then `npm install session-seal` by name from it, as users do.
// Packages named session-seal* exist only here (never fetched from the public registry); every other package
// (the WASM runtime's dependencies) is fetched through it from the registry npm is configured with.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { TARGETS } from '../../scripts/build-all.mjs'
import { ensureRegistryTools } from '../../scripts/lib/tools.mjs'
import { freePort, killGroup, startDetached, waitUntilReady } from '../../scripts/lib/processes.mjs'
import { freshDir, manifest, pathWithoutRust, sh } from '../../scripts/lib/packages.mjs'
import { repoRoot as root } from '../../scripts/lib/repo.mjs'

const registryTools = () => ensureRegistryTools()

/** release.yml, parsed (js-yaml from the registry's tools). */
export function readWorkflow() {
  const yaml = createRequire(join(registryTools(), 'package.json'))('js-yaml')
  return yaml.load(readFileSync(join(root, '.github', 'workflows', 'release.yml'), 'utf8'))
}

/** The registry npm uses on this machine, which the local one forwards every other package name to. */
const upstream = () => sh('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).stdout.trim()

/**
 * Starts verdaccio on a free loopback port with storage of its own, and a user to publish as. Returns
 * `{ url, npmrc, env, stop }`: `env` points npm at it (`npm_config_*` set by an outer `npm run` included).
 */
export async function startRegistry() {
  const tools = registryTools()
  const dir = freshDir('registry')
  const port = await freePort()
  const url = `http://127.0.0.1:${port}/`
  const config = join(dir, 'config.yaml')
  writeFileSync(
    config,
    [
      `storage: ${join(dir, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(dir, 'htpasswd')}`,
      'uplinks:',
      '  upstream:',
      `    url: ${upstream()}`,
      'packages:',
      // session-seal and its platform packages come from this registry only.
      "  'session-seal':",
      '    access: $all',
      '    publish: $authenticated',
      "  'session-seal-*':",
      '    access: $all',
      '    publish: $authenticated',
      "  '**':",
      '    access: $all',
      '    proxy: upstream',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  )
  const child = startDetached(process.execPath, [join(tools, 'node_modules', 'verdaccio', 'bin', 'verdaccio'), '--config', config, '--listen', `127.0.0.1:${port}`], {
    cwd: dir,
    env: { ...process.env },
  })
  const stop = () => killGroup(child)
  try {
    await waitUntilReady(child, `${url}-/ping`, { timeoutMs: 120_000, ready: (r) => r.status === 200, what: 'verdaccio' })
    const response = await fetch(`${url}-/user/org.couchdb.user:release`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'release', password: `local-${port}-${Date.now()}` }),
    })
    const { token } = await response.json()
    if (!token) throw new Error(`verdaccio gave no token (${response.status})`)
    const npmrc = join(dir, 'npmrc')
    const host = url.replace(/^http:/, '')
    writeFileSync(npmrc, `registry=${url}\n${host}:_authToken=${token}\n`)
    const env = { ...process.env, npm_config_userconfig: npmrc, npm_config_registry: url, npm_config_cache: join(dir, 'npm-cache') }
    return { url, npmrc, env, stop, output: () => child.output }
  } catch (error) {
    await stop()
    throw error
  }
}

/** The files the build job uploads for a target (its upload-artifact patterns), from where build:all left them. */
const UPLOADED = /\.(node|wasm|cjs|mjs|d\.cts)$|-browser\.js$/

/**
 * The publish job, as it runs on a tag: a checkout (the files of the repository the job uses), the
 * artifacts as download-artifact lays them out (`artifacts/bindings-<platform>/`), then the job's own
 * `run:` steps after the download, read from release.yml and run in order against the local registry.
 * `keys` are the platforms built here (build:all); the one the workflow alone builds (win32-x64-msvc) is
 * absent, and the step that moves the binaries is told so through a napi config naming the rest.
 */
export function publishLikeTheWorkflow(registry, keys) {
  const stage = join(freshDir('publish'), 'checkout')
  const listed = JSON.parse(sh('npm', ['pack', '--dry-run', '--json'], { cwd: root, encoding: 'utf8' }).stdout)[0]
  for (const { path } of listed.files) cpSync(join(root, path), join(stage, path), { recursive: true })
  for (const dir of readdirSync(join(root, 'npm'))) {
    for (const file of ['package.json', 'README.md']) {
      if (existsSync(join(root, 'npm', dir, file))) cpSync(join(root, 'npm', dir, file), join(stage, 'npm', dir, file))
    }
  }
  symlinkSync(join(root, 'node_modules'), join(stage, 'node_modules'), 'dir')
  for (const key of keys) {
    const from = join(root, 'target', 'artifacts', key)
    const to = join(stage, 'artifacts', `bindings-${key}`)
    mkdirSync(to, { recursive: true })
    for (const file of readdirSync(from).filter((name) => UPLOADED.test(name) && !name.includes('.debug.'))) cpSync(join(from, file), join(to, file))
  }
  // The platforms built here: the napi config the steps read lists only them.
  const targets = TARGETS.filter((target) => keys.includes(target.key) && manifest.napi.targets.includes(target.triple)).map((target) => target.triple)
  const staged = JSON.parse(readFileSync(join(stage, 'package.json'), 'utf8'))
  staged.napi.targets = targets
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(staged, null, 2)}\n`)

  const { publish } = readWorkflow().jobs
  const download = publish.steps.findIndex((step) => step.uses?.startsWith('actions/download-artifact@'))
  const steps = publish.steps.slice(download + 1).filter((step) => step.run)
  if (steps.length < 2) throw new Error(`release.yml's publish job has ${steps.length} run steps after the download`)
  const ran = []
  for (const step of steps) {
    const result = sh('bash', ['-eo', 'pipefail', '-c', step.run], { cwd: stage, encoding: 'utf8', env: { ...registry.env, PATH: pathWithoutRust } })
    ran.push({ name: step.name, status: result.status, output: `${result.stdout}\n${result.stderr}` })
    if (result.status !== 0) throw new Error(`publish step "${step.name}" exited with ${result.status}:\n${result.stderr}\n${result.stdout}`)
  }
  return { stage, ran, published: JSON.parse(readFileSync(join(stage, 'package.json'), 'utf8')) }
}

/**
 * A fresh project that runs `npm install session-seal` by name from the registry, with no Rust on PATH and
 * `flags` (`--cpu=arm64`, `--cpu=wasm32`: npm picks the optional platform package for that system).
 */
export function installByName(registry, { flags = [], prefix = 'byname' } = {}) {
  const dir = freshDir(prefix)
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2))
  const result = sh('npm', ['install', 'session-seal', '--no-audit', '--no-fund', '--loglevel=error', ...flags], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...registry.env, PATH: pathWithoutRust },
  })
  if (result.status !== 0) throw new Error(`npm install session-seal ${flags.join(' ')} exited with ${result.status}:\n${result.stderr}\n${result.stdout}`)
  cpSync(join(root, 'scripts', 'lib', 'package-consumer.mjs'), join(dir, 'consumer.mjs'))
  return dir
}
