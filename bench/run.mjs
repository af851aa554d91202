// `npm run bench`: session-seal against the SDK's own cookie code, jose with a cached key, the best plain
// node:crypto code (the floor any JavaScript can reach) and iron-session, and session-seal/next's
// getSession/updateSession against the SDK's Auth0Client — in one process, interleaved, for sessions of ~0.5,
// ~3, ~16 and ~60 KB. Writes bench/RESULTS.md, bench/results.json and bench/ratios.svg,
// and prints whether each speed target is met.
//
// Options: --quick (fewer rounds, for a smoke run; writes nothing), --rounds=N, --sizes=3KB,60KB (writes
// nothing), --no-write, --strict (exit 1 when a target is missed), --cpu (CPU time instead of the wall
// clock, for a busy machine: the thread-pool waits of the asynchronous peers are then not counted).

import { randomFill } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'

import { measure } from './harness.mjs'
import { sessions } from './sessions.mjs'
import {
  addon, sdk, normalizeStatelessSession, jose, iron, setup, checkInterop, SECRET, DROP_IN_MAX_COOKIE_BYTES, wasmMissing,
} from './peers.mjs'
import { repoRoot as root } from '../scripts/lib/repo.mjs'
import { LEAK_SECTION, NEXT_SECTION, ROWS, evaluateTargets, machine, renderMarkdown, renderSvg, renderSummary } from './report.mjs'

const args = process.argv.slice(2)
const flag = (name) => args.find((a) => a === `--${name}` || a.startsWith(`--${name}=`))
const value = (name) => flag(name)?.split('=')[1]
const quick = Boolean(flag('quick'))
const rounds = Number(value('rounds') ?? (quick ? 15 : 250))
const batchMs = Number(value('batch-ms') ?? 4)
const gcBetween = !flag('no-gc')
const cpu = Boolean(flag('cpu'))
const only = value('sizes')?.split(',').map((s) => s.replace(/\s/g, ''))

const impl = await setup()
const { cipher, floor, joseKey, cookies, wasmCipher } = impl
if (!wasmCipher) console.log(`the WASM column is left out: ${wasmMissing}`)

function cases(session, ctx) {
  const { cookie, ironCookie, exp } = ctx
  const json = JSON.stringify(session)
  const list = [
    { id: 'seal', fn: () => cipher.seal(session, exp) },
    { id: 'unseal', fn: () => cipher.unseal(cookie) },
    { id: 'open', fn: () => cipher.open(cookie) },
    { id: 'sdk.encrypt', isAsync: true, fn: () => sdk.encrypt(session, SECRET, exp) },
    { id: 'sdk.decrypt', isAsync: true, fn: () => sdk.decrypt(cookie, SECRET) },
    {
      id: 'sdk.decrypt+normalize',
      isAsync: true,
      fn: async () => normalizeStatelessSession(await sdk.decrypt(cookie, SECRET)),
    },
    {
      id: 'jose.encrypt',
      isAsync: true,
      fn: () =>
        new jose.EncryptJWT(session)
          .setProtectedHeader({ enc: 'A256GCM', alg: 'dir' })
          .setExpirationTime(exp)
          .encrypt(joseKey),
    },
    { id: 'jose.decrypt', isAsync: true, fn: () => jose.jwtDecrypt(cookie, joseKey, { clockTolerance: 15 }) },
    { id: 'floor.seal', fn: () => floor.seal(session, exp) },
    // V8's own JSON of the same session: what no implementation can do without (the "beyond JSON" columns).
    { id: 'json.stringify', fn: () => JSON.stringify(session) },
    { id: 'json.parse', fn: () => JSON.parse(json) },
    { id: 'floor.unseal', fn: () => floor.unseal(cookie) },
    { id: 'iron.seal', isAsync: true, fn: () => iron.sealData(session, { password: SECRET }) },
    { id: 'iron.unseal', isAsync: true, fn: () => iron.unsealData(ironCookie, { password: SECRET }) },
    // Context, not a peer: one round trip through libuv's thread pool, where WebCrypto and crypto.hkdf run
    // their work. An SDK encrypt awaits three such jobs (HKDF, the IV, AES-GCM) and a decrypt two, so the
    // SDK's times move with this one.
    { id: 'threadpool.rtt', isAsync: true, fn: () => new Promise((resolve) => randomFill(IV, resolve)) },
  ]
  if (cookie.length <= DROP_IN_MAX_COOKIE_BYTES) {
    list.push(
      { id: 'encrypt', isAsync: true, fn: () => addon.encrypt(session, SECRET, exp) },
      { id: 'decrypt', isAsync: true, fn: () => addon.decrypt(cookie, SECRET) },
    )
  }
  if (wasmCipher) {
    list.push(
      { id: 'wasm.seal', fn: () => wasmCipher.seal(session, exp) },
      { id: 'wasm.unseal', fn: () => wasmCipher.unseal(cookie) },
    )
  }
  if (ctx.cookieCases) list.push(...ctx.cookieCases)
  if (ctx.nextCases) list.push(...ctx.nextCases)
  return list.map((c) => ({ isAsync: false, ...c }))
}

const IV = new Uint8Array(12)
const loadBefore = loadavg()
const results = []
for (const { label, session, bytes } of sessions()) {
  if (only && !only.includes(label.replace(/\s/g, ''))) continue
  const ctx = await checkInterop(impl, session)
  if (cookies) ctx.cookieCases = await (await import('./cookies-cases.mjs')).cookieCases(cookies, session, ctx)
  ctx.nextCases = await (await import('./next-cases.mjs')).nextCases(session)
  process.stdout.write(`${label} session (${bytes} bytes of JSON, ${ctx.cookie.length}-byte cookie): interop ok, measuring…`)
  const started = Date.now()
  const times = await measure(cases(session, ctx), { rounds, batchMs, gcBetween, cpu })
  process.stdout.write(` ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
  results.push({ label, bytes, cookieBytes: ctx.cookie.length, times: Object.fromEntries(times) })
}

const env = { ...machine(), clock: cpu ? 'cpu' : 'wall', load: { before: loadBefore, after: loadavg() } }
const targets = evaluateTargets(results)
const summary = renderSummary(results, targets)
console.log('\n' + summary)

if (!flag('no-write') && !only && !quick) {
  writeFileSync(join(root, 'bench', 'results.json'), JSON.stringify({ env, rounds, results, targets }, null, 2) + '\n')
  // Keep the leak check's and the Next.js benchmark's sections (bench/leak.mjs and bench/next.mjs write
  // them) when the tables are rewritten.
  const resultsPath = join(root, 'bench', 'RESULTS.md')
  const previous = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : ''
  const kept = [LEAK_SECTION, NEXT_SECTION].map((section) => section.exec(previous)?.[0]).filter(Boolean)
  writeFileSync(resultsPath, renderMarkdown(env, rounds, results, targets) + kept.map((section) => '\n' + section + '\n').join(''))
  writeFileSync(join(root, 'bench', 'ratios.svg'), renderSvg(env, results, targets))
  console.log('\nwrote bench/RESULTS.md, bench/results.json, bench/ratios.svg')
}
void ROWS
if (flag('strict') && targets.some((t) => t.met === false)) process.exitCode = 1
