// Turning medians into ratios, target verdicts, bench/RESULTS.md and bench/ratios.svg (hand-written SVG).

import { readFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

import { repoRoot as root } from '../scripts/lib/repo.mjs'

/** The leak check's part of RESULTS.md, between these markers (bench/leak.mjs writes it, run.mjs keeps it). */
export const LEAK_START = '<!-- leak-check:start -->'
export const LEAK_END = '<!-- leak-check:end -->'
export const LEAK_SECTION = new RegExp(`${LEAK_START}[\\s\\S]*?${LEAK_END}`)

/** The Next.js benchmark's part of RESULTS.md (bench/next.mjs writes it, run.mjs keeps it). */
export const NEXT_START = '<!-- bench-next:start -->'
export const NEXT_END = '<!-- bench-next:end -->'
export const NEXT_SECTION = new RegExp(`${NEXT_START}[\\s\\S]*?${NEXT_END}`)

/** What each session-seal subject is compared with: the SDK call an app makes for the same job, and peers. */
export const ROWS = [
  { id: 'seal', label: 'SessionCipher.seal', sdk: 'sdk.encrypt', sdkLabel: 'SDK encrypt', floor: 'floor.seal', jose: 'jose.encrypt', iron: 'iron.seal', json: 'json.stringify' },
  { id: 'unseal', label: 'SessionCipher.unseal', sdk: 'sdk.decrypt+normalize', sdkLabel: 'SDK decrypt + normalize', floor: 'floor.unseal', jose: 'jose.decrypt', iron: 'iron.unseal', json: 'json.parse' },
  { id: 'open', label: 'SessionCipher.open', sdk: 'sdk.decrypt', sdkLabel: 'SDK decrypt', floor: 'floor.unseal', jose: 'jose.decrypt', iron: 'iron.unseal', json: 'json.parse' },
  { id: 'encrypt', label: 'encrypt (drop-in)', sdk: 'sdk.encrypt', sdkLabel: 'SDK encrypt', floor: 'floor.seal', jose: 'jose.encrypt', iron: 'iron.seal', json: 'json.stringify' },
  { id: 'decrypt', label: 'decrypt (drop-in)', sdk: 'sdk.decrypt', sdkLabel: 'SDK decrypt', floor: 'floor.unseal', jose: 'jose.decrypt', iron: 'iron.unseal', json: 'json.parse' },
  // The cookie layer does more than one seal (chunking, `__FC_i` cookies, the Set-Cookie plan), so it is
  // compared with the SDK's own cookie layer only; the single-value peers would not be doing the same job.
  { id: 'cookies.write', label: 'SessionCookies.write', sdk: 'sdk.store.set', sdkLabel: 'SDK StatelessSessionStore.set' },
  { id: 'cookies.read', label: 'SessionCookies.read', sdk: 'sdk.store.get', sdkLabel: 'SDK StatelessSessionStore.get' },
  // What an app's proxy.ts calls on every request, whole: session-seal/next against the SDK's Auth0Client.
  { id: 'next.getSession', label: 'session-seal/next getSession(request)', sdk: 'sdk.getSession', sdkLabel: 'SDK auth0.getSession(request)' },
  { id: 'next.updateSession', label: 'session-seal/next updateSession(request, response, session)', sdk: 'sdk.updateSession', sdkLabel: 'SDK auth0.updateSession(request, response, session)' },
  // The WebAssembly package (the fallback where no native build fits), in the same process.
  { id: 'wasm.seal', label: 'WASM SessionCipher.seal', sdk: 'sdk.encrypt', sdkLabel: 'SDK encrypt', floor: 'floor.seal', jose: 'jose.encrypt', iron: 'iron.seal', json: 'json.stringify' },
  { id: 'wasm.unseal', label: 'WASM SessionCipher.unseal', sdk: 'sdk.decrypt', sdkLabel: 'SDK decrypt', floor: 'floor.unseal', jose: 'jose.decrypt', iron: 'iron.unseal', json: 'json.parse' },
]

const PEERS = [
  ['sdk.encrypt', '@auth0/nextjs-auth0 `encrypt`'],
  ['sdk.decrypt', '@auth0/nextjs-auth0 `decrypt`'],
  ['sdk.decrypt+normalize', '@auth0/nextjs-auth0 `decrypt` + `normalizeStatelessSession`'],
  ['jose.encrypt', 'jose `EncryptJWT` (cached CryptoKey)'],
  ['jose.decrypt', 'jose `jwtDecrypt` (cached CryptoKey)'],
  ['floor.seal', 'node:crypto floor: seal'],
  ['floor.unseal', 'node:crypto floor: unseal'],
  ['iron.seal', 'iron-session `sealData`'],
  ['json.stringify', 'V8 `JSON.stringify` of the session'],
  ['json.parse', 'V8 `JSON.parse` of the session\'s JSON'],
  ['iron.unseal', 'iron-session `unsealData`'],
  ['sdk.store.set', '@auth0/nextjs-auth0 `StatelessSessionStore.set`'],
  ['sdk.store.get', '@auth0/nextjs-auth0 `StatelessSessionStore.get`'],
  ['sdk.getSession', '@auth0/nextjs-auth0 `auth0.getSession(request)`'],
  ['sdk.updateSession', '@auth0/nextjs-auth0 `auth0.updateSession(request, response, session)`'],
]

const median = (result, id) => (id ? result.times[id]?.median : undefined)
/** A call's own time beyond V8's JSON: its median minus that of `JSON.stringify`/`JSON.parse` of the same session. */
const beyondJson = (result, id, json) => {
  const total = median(result, id)
  const v8 = median(result, json)
  return total !== undefined && v8 !== undefined ? total - v8 : undefined
}
const ratio = (result, subject, peer) => {
  const a = median(result, subject)
  const b = median(result, peer)
  return a && b ? b / a : undefined
}

/** The speed targets this project holds itself to (against the SDK and the node:crypto floor), judged on this run's medians. */
export function evaluateTargets(results) {
  const at = (label) => results.find((r) => r.label === label)
  const typical = at('3 KB')
  const large = at('60 KB')
  const t = []
  const add = (name, result, subject, peer, min) => {
    const value = result ? ratio(result, subject, peer) : undefined
    const subjectNs = result ? median(result, subject) : undefined
    const peerNs = result ? median(result, peer) : undefined
    t.push({ name, size: result?.label, subject, peer, min, value, subjectNs, peerNs, met: value === undefined ? null : value >= min })
  }
  add('SessionCipher.seal ≥ 40× SDK encrypt', typical, 'seal', 'sdk.encrypt', 40)
  add('SessionCipher.unseal ≥ 40× SDK decrypt + normalize', typical, 'unseal', 'sdk.decrypt+normalize', 40)
  add('drop-in encrypt ≥ 20× SDK encrypt', typical, 'encrypt', 'sdk.encrypt', 20)
  add('drop-in decrypt ≥ 20× SDK decrypt', typical, 'decrypt', 'sdk.decrypt', 20)
  // SessionCipher.open is `unseal` without the SDK's normalization, so its SDK peer is `decrypt` alone.
  add('SessionCipher.seal ≥ 2× node:crypto floor', typical, 'seal', 'floor.seal', 2)
  add('SessionCipher.unseal ≥ 2× node:crypto floor', typical, 'unseal', 'floor.unseal', 2)
  add('SessionCipher.seal ≥ 1.5× node:crypto floor at ~60 KB', large, 'seal', 'floor.seal', 1.5)
  add('SessionCipher.unseal ≥ 1.5× node:crypto floor at ~60 KB', large, 'unseal', 'floor.unseal', 1.5)
  // The WebAssembly fallback: never slower than the SDK it replaces from 0.5 to 16 KB, 3× faster at ~3 KB.
  for (const label of ['0.5 KB', '3 KB', '16 KB']) {
    const min = label === '3 KB' ? 3 : 1
    add(`WASM SessionCipher.seal ≥ ${min}× SDK encrypt`, at(label), 'wasm.seal', 'sdk.encrypt', min)
    add(`WASM SessionCipher.unseal ≥ ${min}× SDK decrypt`, at(label), 'wasm.unseal', 'sdk.decrypt', min)
  }
  // Linear growth: from ~16 KB to ~60 KB the time may grow at most 1.25× as fast as the size.
  const mid = at('16 KB')
  if (mid && large) {
    const growth = large.bytes / mid.bytes
    const worst = Math.max(
      ...['seal', 'unseal', 'open'].map((id) => median(large, id) / median(mid, id) / growth),
    )
    t.push({ name: 'cost grows linearly with size (16 → 60 KB)', min: 1.25, value: worst, met: worst <= 1.25, linear: true })
  }
  return t
}

function run(cmd, argv) {
  try {
    const r = spawnSync(cmd, argv, { encoding: 'utf8' })
    return r.status === 0 ? r.stdout.trim() : undefined
  } catch {
    return undefined
  }
}

function version(pkg) {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version
  } catch {
    return 'n/a'
  }
}

/** The commit measured, marked when src/ differs from it (the addon is built from the working tree). */
function gitCommit() {
  const head = run('git', ['-C', root, 'rev-parse', '--short', 'HEAD'])
  if (!head) return 'n/a'
  const dirty = run('git', ['-C', root, 'status', '--porcelain', '--', 'src', 'Cargo.toml', 'Cargo.lock'])
  return dirty ? `${head} + uncommitted changes in src/` : head
}

/** The machine and versions a result belongs to. */
export function machine() {
  let model = cpus()[0]?.model ?? 'unknown'
  let flags = ''
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8')
    model = /^model name\s*:\s*(.*)$/m.exec(info)?.[1] ?? model
    flags = /^flags\s*:\s*(.*)$/m.exec(info)?.[1] ?? ''
  } catch {}
  const has = (f) => flags.split(' ').includes(f)
  return {
    date: new Date().toISOString(),
    cpu: model,
    cores: cpus().length,
    cpuFeatures: ['aes', 'pclmulqdq', 'avx2', 'vaes', 'vpclmulqdq', 'avx512f'].filter(has).join(' '),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform} ${process.arch}`,
    node: process.version,
    v8: process.versions.v8,
    rustc: run('rustc', ['--version']) ?? 'n/a',
    commit: gitCommit(),
    packages: {
      'session-seal': JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version,
      '@auth0/nextjs-auth0': version('@auth0/nextjs-auth0'),
      jose: version('jose'),
      'iron-session': version('iron-session'),
      mitata: version('mitata'),
    },
  }
}

const us = (ns) => (ns === undefined ? '—' : ns >= 100_000 ? (ns / 1000).toFixed(0) : ns >= 10_000 ? (ns / 1000).toFixed(1) : (ns / 1000).toFixed(2))
const x = (v) => (v === undefined ? '—' : v >= 10 ? `${v.toFixed(0)}×` : `${v.toFixed(2)}×`)
const verdict = (t) => (t.met === null ? 'not measured' : t.met ? 'met' : 'NOT met')

export function renderSummary(results, targets) {
  const lines = []
  for (const r of results) {
    lines.push(`${r.label} (${r.bytes} B JSON, ${r.cookieBytes} B cookie) — median µs/call, and how many times faster than each peer:`)
    for (const row of ROWS) {
      if (!r.times[row.id]) continue
      const cells = ['sdk', 'jose', 'floor', 'iron'].map((p) => `${p} ${x(ratio(r, row.id, row[p]))}`)
      const beyond = row.json ? `   beyond JSON ${us(beyondJson(r, row.id, row.json))} µs (floor ${us(beyondJson(r, row.floor, row.json))})` : ''
      lines.push(`  ${row.label.padEnd(22)} ${us(median(r, row.id)).padStart(8)} µs   ${cells.join('  ')}${beyond}`)
    }
    const peers = PEERS.filter(([id]) => r.times[id]).map(([id]) => `${id} ${us(median(r, id))}`)
    lines.push(`  peers (µs): ${peers.join(', ')}`)
    if (r.times['threadpool.rtt']) lines.push(`  libuv thread-pool round trip: ${us(median(r, 'threadpool.rtt'))} µs`)
  }
  lines.push('', 'Targets (~3 KB session unless stated):')
  for (const t of targets) {
    const shown = t.linear
      ? `${t.value.toFixed(2)} (≤ ${t.min})`
      : `${x(t.value)} (≥ ${t.min}×; ${us(t.subjectNs)} vs ${us(t.peerNs)} µs)`
    lines.push(`  [${verdict(t).padEnd(7)}] ${t.name}: ${shown}`)
  }
  return lines.join('\n')
}

export function renderMarkdown(env, rounds, results, targets) {
  const out = []
  out.push('# Benchmark results', '')
  out.push(
    `Generated by \`npm run bench\` (bench/run.mjs) on ${env.date.slice(0, 10)}. Every number is the median over ${rounds}` +
      ' interleaved rounds of the mean time per call in a ~4 ms batch, all cases in one process; ratios are' +
      ' *peer time ÷ session-seal time* (higher is better for session-seal).' +
      (env.clock === 'cpu'
        ? ' Times are the process\'s CPU time (`--cpu`), not the wall clock: the machine was shared, and time spent' +
          ' waiting for a CPU is not counted (nor, for the asynchronous peers, the wait for the thread pool).'
        : ''),
    '',
  )
  out.push('## Machine', '')
  out.push(`| | |`, `| --- | --- |`)
  out.push(`| CPU | ${env.cpu} (${env.cores} cores; ${env.cpuFeatures}) |`)
  out.push(`| Memory | ${env.memoryGiB} GiB |`, `| Platform | ${env.platform} |`)
  out.push(`| Node.js | ${env.node} (V8 ${env.v8}) |`, `| Rust | ${env.rustc} |`)
  if (env.commit) out.push(`| session-seal commit | ${env.commit} |`)
  out.push(`| Packages | ${Object.entries(env.packages).map(([k, v]) => `${k} ${v}`).join(', ')} |`)
  out.push(`| Date | ${env.date} |`)
  if (env.load) {
    const avg = (l) => l.map((v) => v.toFixed(2)).join(' / ')
    out.push(`| Load average (1/5/15 min) | before ${avg(env.load.before)}; after ${avg(env.load.after)} |`)
  }
  const rtt = results.map((r) => r.times['threadpool.rtt'] && `${r.label}: ${us(median(r, 'threadpool.rtt'))} µs`).filter(Boolean)
  if (rtt.length) out.push(`| libuv thread-pool round trip (median, measured alongside each size) | ${rtt.join(', ')} |`)
  out.push('')
  out.push('## Targets', '', '| target | size | measured | verdict |', '| --- | --- | --- | --- |')
  for (const t of targets) {
    const shown = t.linear
      ? `${t.value.toFixed(2)} (limit ${t.min})`
      : `${x(t.value)} (need ${t.min}×): ${us(t.subjectNs)} µs vs ${us(t.peerNs)} µs`
    out.push(`| ${t.name} | ${t.size ?? '16 → 60 KB'} | ${shown} | ${verdict(t)} |`)
  }
  out.push('')
  out.push('## session-seal against each peer', '')
  out.push(
    'Median µs per call; *ns/B*: nanoseconds per byte of session JSON (flat across sizes = linear growth);' +
      ' *×* columns: how many times faster session-seal is than that peer. The SDK column is the SDK call an app' +
      ' makes for the same job (named in the operation column).',
    '',
  )
  out.push(
    '*beyond JSON*: the median minus that of V8\'s own `JSON.stringify` (seal, encrypt) or `JSON.parse` (unseal,' +
      ' open, decrypt) of the same session, for session-seal and for the node:crypto floor: the part of a call an' +
      ' implementation can still make faster, since V8\'s JSON is a limit none passes.',
    '',
  )
  out.push('| session | operation | session-seal µs | ns/B | SDK µs | × SDK | jose µs | × jose | node:crypto µs | × node:crypto | session-seal beyond JSON µs | node:crypto beyond JSON µs | iron-session µs | × iron |')
  out.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const r of results) {
    for (const row of ROWS) {
      if (!r.times[row.id]) continue
      const cells = [row.sdk, row.jose, row.floor].flatMap((p) => [us(median(r, p)), x(ratio(r, row.id, p))])
      const beyond = [us(beyondJson(r, row.id, row.json)), us(beyondJson(r, row.floor, row.json))]
      const iron = [us(median(r, row.iron)), x(ratio(r, row.id, row.iron))]
      const perByte = (median(r, row.id) / r.bytes).toFixed(2)
      out.push(`| ${r.label} | ${row.label} (vs ${row.sdkLabel}) | ${us(median(r, row.id))} | ${perByte} | ${[...cells, ...beyond, ...iron].join(' | ')} |`)
    }
  }
  out.push('')
  if (results.some((r) => r.times['wasm.seal'])) {
    out.push('## The WebAssembly fallback', '')
    out.push(
      'The WASM package (`session-seal-wasm32-wasi`, loaded from npm/wasm32-wasi as the fallback loads it) beside the' +
        ' native addon and the SDK, in the same process: median µs per call. Its AES-256-GCM is the host\'s' +
        ' `node:crypto`, imported by the module.',
      '',
    )
    out.push('| session | native seal | WASM seal | SDK encrypt | WASM × SDK | native unseal | WASM unseal | SDK decrypt | WASM × SDK |')
    out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
    for (const r of results) {
      if (!r.times['wasm.seal']) continue
      const cells = [
        ['seal', 'wasm.seal', 'sdk.encrypt'],
        ['unseal', 'wasm.unseal', 'sdk.decrypt'],
      ].flatMap(([native, wasm, sdk]) => [us(median(r, native)), us(median(r, wasm)), us(median(r, sdk)), x(ratio(r, wasm, sdk))])
      out.push(`| ${r.label} | ${cells.join(' | ')} |`)
    }
    out.push('')
  }
  out.push('## Growth with size', '', 'Median µs per call and ns per byte of session JSON.', '')
  out.push(`| case | ${results.map((r) => `${r.label} (${r.bytes} B) µs`).join(' | ')} | ${results.map((r) => `${r.label} ns/B`).join(' | ')} |`)
  out.push(`| --- | ${results.map(() => '---:').join(' | ')} | ${results.map(() => '---:').join(' | ')} |`)
  const ids = [...ROWS.map((r) => r.id), ...PEERS.map(([id]) => id)]
  const names = Object.fromEntries([...ROWS.map((r) => [r.id, r.label]), ...PEERS])
  for (const id of ids) {
    if (!results.some((r) => r.times[id])) continue
    const t = results.map((r) => us(median(r, id)))
    const perByte = results.map((r) => (median(r, id) ? (median(r, id) / r.bytes).toFixed(2) : '—'))
    out.push(`| ${names[id]} | ${t.join(' | ')} | ${perByte.join(' | ')} |`)
  }
  out.push('')
  out.push('Notes:', '')
  out.push('- Sessions are generated deterministically by bench/sessions.mjs: ~0.5 KB (profile essentials, opaque access token),')
  out.push('  ~3 KB (the typical Auth0 session: profile, RS256 access token, id token, refresh token), ~16 KB and ~60 KB')
  out.push('  (the typical session plus access tokens for more APIs and connection token sets).')
  out.push('- Before anything is timed, every implementation reads the others\' cookies (bench/peers.mjs `checkInterop`,')
  out.push('  bench/cookies-cases.mjs): session-seal ⇄ the SDK ⇄ the node:crypto floor, jose → session-seal, drop-in')
  out.push('  `decrypt` = SDK `decrypt`, `SessionCookies.read` = the SDK store\'s `get` on each other\'s jars, and `write` plans')
  out.push('  the same cookie names and maxAge as the SDK store\'s `set`. A wrong implementation stops the bench.')
  out.push('- `SessionCipher` and `SessionCookies` are constructed with `maxCookieBytes: 131072` so the ~60 KB session\'s')
  out.push('  ~81 KB cookie fits; the drop-in `encrypt`/`decrypt` keep the default 64 KiB limit, so their ~60 KB cells are n/a (—).')
  out.push('- `SessionCipher.seal` validates the session (its default); none of the peers validate.')
  out.push('- The node:crypto floor (bench/floor.mjs) is synchronous, derives its key once, and reads/writes the same format')
  out.push('  with the same claim checks. jose uses a cached CryptoKey (its fastest key form in Node). The SDK, jose, iron-session')
  out.push('  and the drop-ins are asynchronous (the SDK, jose and iron-session on WebCrypto), as apps run them.')
  out.push('- The cookie layer is compared with the SDK\'s own: `StatelessSessionStore.set/get` from the installed package,')
  out.push('  given the same `RequestCookies` jar (a rolling write of a session the request already carries; a read that')
  out.push('  joins the chunks and opens the `__FC_i` connection-token cookies).')
  out.push('- `session-seal/next` is compared with the SDK\'s `Auth0Client` (bench/next-cases.mjs): `getSession(request)` and')
  out.push('  `updateSession(request, response, session)` with a `NextRequest` and a `NextResponse`, as proxy.ts calls them on')
  out.push('  every request, both configured with the same secret, domain and https base URL and given the same jar.')
  out.push('- A young-generation GC runs (untimed) before every batch, so no case pays for the previous case\'s garbage.')
  out.push('- The SDK (an `encrypt` awaits three libuv thread-pool jobs, a `decrypt` two), jose and iron-session wait on')
  out.push('  libuv\'s thread pool, so their times depend on how fast the machine answers a thread-pool round trip (in the')
  out.push('  machine table): on a small VM they vary from run to run far more than session-seal\'s synchronous calls do.')
  out.push('- Where the profile says the time goes, and why a target is missed on this machine: bench/PROFILE.md.')
  out.push('')
  return out.join('\n')
}

const COLORS = { seal: '#2563eb', unseal: '#16a34a', open: '#0d9488', encrypt: '#9333ea', decrypt: '#db2777', 'cookies.write': '#ea580c', 'cookies.read': '#ca8a04', 'wasm.seal': '#64748b', 'wasm.unseal': '#94a3b8' }
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** Two panels of grouped bars: × the SDK (log scale) and × the node:crypto floor (linear), with target lines. */
export function renderSvg(env, results, targets) {
  const W = 980
  const H = 466
  const panels = [
    { title: 'times faster than the SDK', caption: 'vs the SDK call for the same job: encrypt, decrypt (+ normalize), StatelessSessionStore set/get', ids: ['seal', 'unseal', 'encrypt', 'decrypt', 'cookies.write', 'cookies.read', 'wasm.seal', 'wasm.unseal'], peer: 'sdk', log: true, lines: [[40, 'seal / unseal target 40×'], [20, 'drop-in target 20×']] },
    { title: 'times faster than the best node:crypto code', caption: 'vs bench/floor.mjs: synchronous node:crypto, key derived once, same format', ids: ['seal', 'unseal', 'open', 'encrypt', 'decrypt'], peer: 'floor', log: false, lines: [[2, 'target 2× (3 KB)'], [1.5, 'target 1.5× (60 KB)'], [1, 'parity']] },
  ]
  const out = []
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`)
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`)
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="600">session-seal: median speed-up by session size</text>`)
  out.push(`<text x="${W / 2}" y="40" text-anchor="middle" fill="#555">${esc(`${env.cpu}, ${env.cores} cores · Node ${env.node} · ${env.date.slice(0, 10)}`)}</text>`)
  const pw = (W - 60) / 2
  panels.forEach((panel, pi) => {
    const ids = panel.ids.filter((id) => results.some((r) => r.times[id]))
    const x0 = 50 + pi * (pw + 10)
    const top = 86
    const bottom = H - 84
    const plotW = pw - 40
    const values = results.flatMap((r) => ids.map((id) => ratio(r, id, ROWS.find((row) => row.id === id)[panel.peer]))).filter(Boolean)
    const maxV = Math.max(...values, ...panel.lines.map(([v]) => Number(v))) * 1.15
    const minV = panel.log ? 1 : 0
    const y = panel.log
      ? (v) => bottom - ((Math.log10(Math.max(v, 1)) - Math.log10(minV)) / (Math.log10(maxV) - Math.log10(minV))) * (bottom - top)
      : (v) => bottom - (v / maxV) * (bottom - top)
    out.push(`<text x="${x0 + plotW / 2}" y="${top - 28}" text-anchor="middle" font-size="13" font-weight="600">${esc(panel.title)}${panel.log ? ' (log scale)' : ''}</text>`)
    out.push(`<text x="${x0 + plotW / 2}" y="${top - 12}" text-anchor="middle" font-size="10" fill="#666">${esc(panel.caption)}</text>`)
    // Grid and axis.
    const ticks = panel.log ? [1, 2, 5, 10, 20, 50, 100, 200, 500].filter((v) => v <= maxV) : niceTicks(maxV)
    for (const v of ticks) {
      out.push(`<line x1="${x0}" x2="${x0 + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e7eb"/>`)
      out.push(`<text x="${x0 - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#555">${v}×</text>`)
    }
    out.push(`<line x1="${x0}" x2="${x0}" y1="${top}" y2="${bottom}" stroke="#999"/>`)
    out.push(`<line x1="${x0}" x2="${x0 + plotW}" y1="${bottom}" y2="${bottom}" stroke="#999"/>`)
    // Bars.
    const groupW = plotW / results.length
    const barW = Math.min(22, (groupW - 16) / ids.length)
    results.forEach((r, gi) => {
      const gx = x0 + gi * groupW + (groupW - barW * ids.length) / 2
      ids.forEach((id, bi) => {
        const v = ratio(r, id, ROWS.find((row) => row.id === id)[panel.peer])
        if (!v) return
        const bx = gx + bi * barW
        const by = y(v)
        out.push(`<rect x="${bx.toFixed(1)}" y="${by.toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(bottom - by).toFixed(1)}" fill="${COLORS[id]}"><title>${esc(`${r.label}: ${id} ${v.toFixed(2)}×`)}</title></rect>`)
        out.push(`<text x="${(bx + (barW - 2) / 2).toFixed(1)}" y="${(by - 3).toFixed(1)}" text-anchor="middle" font-size="9" fill="#333">${v >= 10 ? v.toFixed(0) : v.toFixed(1)}</text>`)
      })
      out.push(`<text x="${(x0 + gi * groupW + groupW / 2).toFixed(1)}" y="${bottom + 16}" text-anchor="middle">${esc(r.label)}</text>`)
    })
    for (const [v, label] of panel.lines) {
      if (Number(v) > maxV) continue
      out.push(`<line x1="${x0}" x2="${x0 + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#dc2626" stroke-dasharray="5 4" stroke-width="1.2"/>`)
      out.push(`<text x="${x0 + plotW - 2}" y="${(y(v) - 4).toFixed(1)}" text-anchor="end" fill="#dc2626" font-size="10" stroke="#ffffff" stroke-width="3" paint-order="stroke">${esc(label)}</text>`)
    }
  })
  // Legend, wrapped to the width.
  const legend = Object.keys(COLORS).filter((id) => results.some((r) => r.times[id]))
  let lx = 50
  let ly = H - 44
  for (const id of legend) {
    const label = ROWS.find((r) => r.id === id).label
    const w = 17 + label.length * 6.6 + 22
    if (lx + w > W - 20) {
      lx = 50
      ly += 18
    }
    out.push(`<rect x="${lx}" y="${ly}" width="12" height="12" fill="${COLORS[id]}"/>`)
    out.push(`<text x="${lx + 17}" y="${ly + 10}">${esc(label)}</text>`)
    lx += w
  }
  out.push('</svg>')
  return out.join('\n') + '\n'
}

function niceTicks(max) {
  const step = max > 8 ? 2 : max > 4 ? 1 : 0.5
  const ticks = []
  for (let v = 0; v <= max; v += step) ticks.push(Number(v.toFixed(1)))
  return ticks
}
