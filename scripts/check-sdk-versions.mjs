// `npm run check:sdk-versions [-- 4.13.0 4.30.0]`: every published 4.x release of @auth0/nextjs-auth0 (or
// the ones named), fetched from the npm registry (`npm pack`, cached under .tools/sdk-versions/), and for
// each: which shape its `dist/server/cookies.js` has (next/sdk-variants.js: exact signatures and a
// fingerprint of `encrypt`/`decrypt`), whether the module withSessionSeal makes of it passes the self-test
// and answers every decrypt case exactly as the release's own module does (in a process of its own, with
// the release's own dependencies), and whether the release runs on the Next.js withSessionSeal is verified
// with. The releases that pass all of it are the verified set: written to next/sdk-versions.json (which
// withSessionSeal enables) and to the table in docs/with-session-seal.md, with the reason for every other.
//
// Options: --no-write (report only). Naming releases checks only those and writes nothing.
import { spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { runSync as run } from './lib/processes.mjs'
import { repoRoot as root } from './lib/repo.mjs'
import { toolsDir } from './lib/tools.mjs'

const require = createRequire(import.meta.url)
const SDK = '@auth0/nextjs-auth0'
const cache = join(toolsDir, 'sdk-versions')
const dataFile = join(root, 'next', 'sdk-versions.json')
const docsFile = join(root, 'docs', 'with-session-seal.md')
export const DOCS_START = '<!-- sdk-versions:start -->'
export const DOCS_END = '<!-- sdk-versions:end -->'
/** What cookies.js imports: installed per release at the ranges it declares, for its self-test. */
const IMPORTS = ['jose', '@panva/hkdf', '@edge-runtime/cookies']

/** `major.minor.patch[-pre]` → sortable parts. */
const parse = (version) => {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-(.+))?$/.exec(version)
  if (!m) throw new Error(`not a version: ${version}`)
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ?? null }
}
const comparePre = (a, b) => {
  if (a === b) return 0
  if (a === null) return 1
  if (b === null) return -1
  const [x, y] = [a.split('.'), b.split('.')]
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] === undefined) return -1
    if (y[i] === undefined) return 1
    const [nx, ny] = [Number(x[i]), Number(y[i])]
    const d = Number.isNaN(nx) || Number.isNaN(ny) ? x[i].localeCompare(y[i]) : nx - ny
    if (d !== 0) return d
  }
  return 0
}
export const compareVersions = (a, b) => {
  const [x, y] = [parse(a), parse(b)]
  for (let i = 0; i < 3; i++) if (x.core[i] !== y.core[i]) return x.core[i] - y.core[i]
  return comparePre(x.pre, y.pre)
}

/**
 * Whether `version` satisfies an npm range made of `^x.y.z`, `~x.y.z` or `x.y.z` alternatives (what the
 * SDK's peer ranges use); anything else is an error, so that a new form is seen rather than misread.
 */
export function satisfies(version, range) {
  const v = parse(version).core
  return range.split('||').some((alternative) => {
    const m = /^(\^|~)?(\d+)\.(\d+)\.(\d+)(?:-[\w.]+)?$/.exec(alternative.trim())
    if (!m) throw new Error(`cannot read the range ${JSON.stringify(range)} (at ${JSON.stringify(alternative.trim())})`)
    const want = [Number(m[2]), Number(m[3]), Number(m[4])]
    const atLeast = compareVersions(version, want.join('.')) >= 0
    if (m[1] === '^') return atLeast && v[0] === want[0]
    if (m[1] === '~') return atLeast && v[0] === want[0] && v[1] === want[1]
    return v.join('.') === want.join('.')
  })
}

const npm = (args, options = {}) => run('npm', args, { capture: true, quiet: true, ...options })

/** The release's package directory, from the npm registry (cached). */
export function fetchRelease(version) {
  const dir = join(cache, 'releases', version)
  if (existsSync(join(dir, 'package', 'package.json'))) return join(dir, 'package')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const packed = JSON.parse(npm(['pack', `${SDK}@${version}`, '--json', '--pack-destination', dir]).stdout)[0]
  run('tar', ['-xzf', join(dir, packed.filename), '-C', dir], { quiet: true })
  rmSync(join(dir, packed.filename))
  return join(dir, 'package')
}

/**
 * A directory whose node_modules hold what the release's cookies.js imports, at the ranges the release
 * declares (one install per distinct set of ranges), and session-seal itself (this repository).
 */
function dependencyDir(manifest) {
  const wanted = Object.fromEntries(IMPORTS.map((name) => [name, manifest.dependencies?.[name]]))
  const missing = IMPORTS.filter((name) => !wanted[name])
  if (missing.length) throw new Error(`${SDK} ${manifest.version} declares no ${missing.join(', ')}`)
  const key = crypto.createHash('sha256').update(JSON.stringify(wanted)).digest('hex').slice(0, 12)
  const dir = join(cache, `deps-${key}`)
  if (!existsSync(join(dir, '.installed'))) {
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, type: 'module', dependencies: wanted }, null, 2))
    npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'], { cwd: dir })
    symlinkSync(root, join(dir, 'node_modules', 'session-seal'), 'dir')
    writeFileSync(join(dir, '.installed'), '')
  }
  return dir
}

/** The Next.js version withSessionSeal is verified with: the one examples/sdk-app builds with. */
export const verifiedNext = () => JSON.parse(readFileSync(join(root, 'examples', 'sdk-app', 'package.json'), 'utf8')).dependencies.next

/** One release: `{ version, variant, selfTest, verdict: 'verified' | 'refused', reason }`. */
export function checkRelease(version, next) {
  const row = { version, variant: null, selfTest: null, verdict: 'refused', reason: null }
  if (parse(version).pre !== null) return { ...row, reason: 'a pre-release' }
  const { identify } = require('../next/sdk-variants.js')
  const { rewriteAs } = require('../next/sdk-rewrite.js')
  const dir = fetchRelease(version)
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  const source = readFileSync(join(dir, 'dist', 'server', 'cookies.js'), 'utf8')
  const found = identify(source)
  if (!found.variant) return { ...row, reason: found.reason }
  row.variant = found.variant
  // The rewrite of a release is made only for a verified one; here it is made for the variant found.
  const rewritten = rewriteAs(source, found.variant, version)
  if (rewritten.ok === false) return { ...row, reason: rewritten.reason }
  const deps = dependencyDir(manifest)
  const work = join(deps, 'releases', version)
  mkdirSync(work, { recursive: true })
  writeFileSync(join(work, 'original.js'), source)
  writeFileSync(join(work, 'rewritten.js'), rewritten.code)
  const child = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--one', work, found.variant], {
    encoding: 'utf8',
    env: { ...process.env, SESSION_SEAL_SDK_CRYPTO: '' },
    timeout: 120_000,
  })
  const report = (() => {
    try {
      return JSON.parse(child.stdout.trim().split('\n').pop())
    } catch {
      return { ok: false, problems: [`the check exited with ${child.status}: ${(child.stderr || '').trim().slice(-500)}`] }
    }
  })()
  row.selfTest = report.ok ? `passed (${report.cases} decrypt cases equal)` : 'failed'
  if (!report.ok) return { ...row, reason: `the rewritten module does not behave as the release's own: ${report.problems.join('; ')}` }
  const peers = manifest.peerDependencies?.next
  if (!peers || !satisfies(next, peers)) {
    return { ...row, reason: `its peer range for next (${peers}) excludes Next.js ${next}, on which withSessionSeal is verified` }
  }
  return { ...row, verdict: 'verified', reason: null }
}

// ---------------------------------------------------------------------------------------------------------
// The check of one release, in a process of its own (the run-time state of withSessionSeal is per process).

/** The outcome of a call made comparable: the value as JSON text, `null`, or the error's code, name and message. */
async function outcome(call) {
  try {
    const value = await call()
    return value === null ? 'null' : `ok ${JSON.stringify(value)}`
  } catch (error) {
    return `reject ${error?.code} ${error?.name} ${error?.message}`
  }
}

async function checkOne(work, variantName) {
  const original = await import(pathToFileURL(join(work, 'original.js')).href)
  const rewritten = await import(pathToFileURL(join(work, 'rewritten.js')).href)
  const { sdkCryptoStatus } = require('../next/sdk-crypto.js')
  const { VARIANTS } = require('../next/sdk-variants.js')
  const problems = []
  const secret = crypto.randomBytes(32).toString('hex')
  const now = Math.floor(Date.now() / 1000)
  const session = () => ({
    user: { sub: `auth0|${crypto.randomBytes(8).toString('hex')}`, name: 'Zoë Check' },
    tokenSet: { accessToken: crypto.randomBytes(24).toString('base64url'), expiresAt: now + 3600 },
    internal: { sid: crypto.randomBytes(12).toString('hex'), createdAt: now },
  })

  // Sealed through the rewritten module (natively, once the self-test passed), read by the release's own.
  const payload = session()
  const sealed = await rewritten.encrypt(payload, secret, now + 3600)
  const read = await original.decrypt(sealed, secret)
  if (JSON.stringify(read?.payload) !== JSON.stringify({ ...payload, exp: now + 3600 })) problems.push('a cookie it sealed is not read back by the release as sealed')
  const status = sdkCryptoStatus()
  if (status.reason !== 'native' || status.selfTestsPassed < 1 || status.calls.encrypt < 1) {
    problems.push(`the native path did not serve (status ${JSON.stringify(status)})`)
  }

  // Every decrypt case in each mode the release has: the rewritten module's answer equals the release's.
  const bySdk = await original.encrypt(session(), secret, now + 3600)
  const flip = (cookie) => {
    const parts = cookie.split('.')
    parts[3] = (parts[3][0] === 'A' ? 'B' : 'A') + parts[3].slice(1)
    return parts.join('.')
  }
  const cases = {
    'a cookie the release sealed': bySdk,
    'a cookie sealed natively': sealed,
    tampered: flip(bySdk),
    'expired an hour ago': await original.encrypt(session(), secret, now - 3600),
    'expired 10 s ago (within the 15 s tolerance)': await original.encrypt(session(), secret, now - 10),
    'sealed under another secret': await original.encrypt(session(), crypto.randomBytes(32).toString('hex'), now + 3600),
    malformed: 'not.a.jwe',
    'three segments': 'eyJhbGciOiJkaXIifQ.e30.e30',
    'alg A256KW': await original.encrypt(session(), secret, now + 3600, { alg: 'A256KW' }),
  }
  const modes = VARIANTS[variantName].throwOption ? [undefined, true] : [undefined]
  let compared = 0
  for (const [name, cookie] of Object.entries(cases)) {
    for (const mode of modes) {
      const [ours, theirs] = [await outcome(() => rewritten.decrypt(cookie, secret, undefined, mode)), await outcome(() => original.decrypt(cookie, secret, undefined, mode))]
      compared++
      if (ours !== theirs) problems.push(`${name}${mode ? ' (throwOnJWEErrors)' : ''}: ${ours.slice(0, 80)} ≠ ${theirs.slice(0, 80)}`)
    }
  }
  if (sdkCryptoStatus().calls.decrypt < 1) problems.push('no decrypt was answered natively')
  return { ok: problems.length === 0, cases: compared, problems }
}

// ---------------------------------------------------------------------------------------------------------

/** Consecutive releases with the same outcome, as ranges. */
export function groupRows(rows) {
  const groups = []
  for (const row of rows) {
    const last = groups.at(-1)
    if (last && last.verdict === row.verdict && last.variant === row.variant && last.reason === row.reason) last.to = row.version
    else groups.push({ from: row.version, to: row.version, verdict: row.verdict, variant: row.variant, reason: row.reason })
  }
  return groups
}

/** The table of docs/with-session-seal.md, from next/sdk-versions.json. */
export function docsTable(data) {
  const rows = [
    ...Object.entries(data.verified).map(([version, variant]) => ({ version, variant, verdict: 'verified', reason: null })),
    ...Object.entries(data.refused).map(([version, reason]) => ({ version, variant: null, verdict: 'refused', reason })),
  ].sort((a, b) => compareVersions(a.version, b.version))
  const cell = (text) => text.replaceAll('|', '\\|')
  const lines = ['| releases | `encrypt`/`decrypt` as first published in | withSessionSeal |', '| --- | --- | --- |']
  for (const g of groupRows(rows)) {
    const releases = g.from === g.to ? g.from : `${g.from} – ${g.to}`
    lines.push(`| ${releases} | ${g.variant ?? '—'} | ${g.verdict === 'verified' ? 'on (verified)' : cell(`off: ${g.reason}`)} |`)
  }
  return lines.join('\n')
}

async function main() {
  const args = process.argv.slice(2)
  if (args[0] === '--one') {
    const report = await checkOne(args[1], args[2])
    console.log(JSON.stringify(report))
    return
  }
  const named = args.filter((a) => !a.startsWith('--'))
  const write = named.length === 0 && !args.includes('--no-write')
  mkdirSync(cache, { recursive: true })
  const all = JSON.parse(npm(['view', SDK, 'versions', '--json']).stdout)
  const versions = (named.length ? named : all.filter((v) => v.startsWith('4.'))).sort(compareVersions)
  const next = verifiedNext()
  console.log(`${SDK}: ${versions.length} release${versions.length === 1 ? '' : 's'} to check, against Next.js ${next}`)
  const rows = []
  for (const version of versions) {
    const row = checkRelease(version, next)
    rows.push(row)
    const shown = row.verdict === 'verified' ? `verified (shape ${row.variant}, self-test ${row.selfTest})` : `refused: ${row.reason}`
    console.log(`  ${version.padEnd(15)} ${shown}`)
  }
  const data = {
    about: `Written by npm run check:sdk-versions from every published 4.x release of ${SDK}: withSessionSeal rewrites a release listed under "verified" (release → the cookies.js shape it was verified with, next/sdk-variants.js) and leaves every other alone.`,
    nextjs: next,
    verified: Object.fromEntries(rows.filter((r) => r.verdict === 'verified').map((r) => [r.version, r.variant])),
    refused: Object.fromEntries(rows.filter((r) => r.verdict === 'refused').map((r) => [r.version, r.reason])),
  }
  const verified = Object.keys(data.verified)
  console.log(`\n${verified.length} verified${verified.length ? ` (${verified[0]} to ${verified.at(-1)})` : ''}, ${rows.length - verified.length} refused`)
  if (!write) return
  writeFileSync(dataFile, `${JSON.stringify(data, null, 2)}\n`)
  const docs = readFileSync(docsFile, 'utf8')
  const at = [docs.indexOf(DOCS_START), docs.indexOf(DOCS_END)]
  if (at.includes(-1)) throw new Error(`${docsFile} lacks the ${DOCS_START} … ${DOCS_END} markers`)
  writeFileSync(docsFile, `${docs.slice(0, at[0] + DOCS_START.length)}\n${docsTable(data)}\n${docs.slice(at[1])}`)
  console.log('wrote next/sdk-versions.json and the table in docs/with-session-seal.md')
}

if (process.argv[1] && process.argv[1].endsWith('check-sdk-versions.mjs')) {
  main().catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
}
