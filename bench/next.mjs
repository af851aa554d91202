// `npm run bench:next`: a real Next.js 16 app using @auth0/nextjs-auth0 the ordinary way (examples/sdk-app),
// served by `next start` with and without withSessionSeal, side by side. Each server is pinned to core 0
// with taskset; the load generator (autocannon, in this process) is pinned to core 1. For each case and
// connection count the two servers are loaded in turn, the order alternating every round; the table shows
// the median over the rounds of requests per second and of the server's CPU milliseconds per request (its
// process group's utime + stime from /proc, divided by the requests served).
//
// Cases (what apps do on most requests): a `getSession()` route outside the proxy's matcher (/api/direct/session), and
// the proxy with a rolling session on a route that reads nothing itself (/api/ping: the SDK's middleware
// decrypts the cookie and seals it again). The session is a real one, from logging in at the local OIDC
// provider. Writes its section of bench/RESULTS.md (between markers, the rest untouched) and
// bench/next-results.json.
//
// Options: --quick (1 round of 3 s, writes nothing), --rounds=N (default 4), --duration=S (default 10),
// --connections=1,10,50, --no-write.

import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'

import { machine, NEXT_SECTION, NEXT_START, NEXT_END } from './report.mjs'
import { Jar, request } from '../scripts/lib/browser.mjs'
import { freePort } from '../scripts/lib/processes.mjs'
import { repoRoot } from '../scripts/lib/repo.mjs'
import { prepare, buildVariant, startProvider, startApp, login } from '../scripts/lib/sdk-app.mjs'

const args = process.argv.slice(2)
const flag = (name) => args.find((a) => a === `--${name}` || a.startsWith(`--${name}=`))
const value = (name) => flag(name)?.split('=')[1]
const quick = Boolean(flag('quick'))
const rounds = Number(value('rounds') ?? (quick ? 1 : 4))
const duration = Number(value('duration') ?? (quick ? 3 : 10))
const connections = (value('connections') ?? '1,10,50').split(',').map(Number)
const write = !quick && !flag('no-write')

const CASES = [
  { id: 'getSession', label: '`getSession()` route', path: '/api/direct/session' },
  { id: 'proxy', label: 'proxy with rolling session', path: '/api/ping' },
]
const VARIANTS = ['plain', 'sealed']
const log = (...a) => console.log(...a)

function pin(pid, core) {
  const r = spawnSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`taskset failed (is util-linux installed?): ${r.stderr}`)
}

const TICK_MS = 1000 / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100)

/** CPU milliseconds (user + system) used so far by every process in the server's process group. */
function groupCpuMs(pgid) {
  let ticks = 0
  for (const entry of spawnSync('ls', ['/proc'], { encoding: 'utf8' }).stdout.split('\n')) {
    if (!/^\d+$/.test(entry)) continue
    let stat
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
    } catch {
      continue
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ') // after "pid (comm) "
    if (Number(fields[2]) !== pgid) continue // field 5: pgrp
    ticks += Number(fields[11]) + Number(fields[12]) // fields 14, 15: utime, stime
  }
  return ticks * TICK_MS
}

async function load(server, path, conns, seconds) {
  const before = groupCpuMs(server.child.pid)
  const result = await autocannon({
    url: server.base + path,
    connections: conns,
    duration: seconds,
    headers: { cookie: server.cookie },
  })
  const cpuMs = groupCpuMs(server.child.pid) - before
  const served = result.requests.total
  if (result.errors || result.timeouts || result.non2xx) {
    throw new Error(`${server.variant} ${path}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx responses`)
  }
  return { rps: served / seconds, cpuPerRequest: cpuMs / served, served }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

// ---------------------------------------------------------------------------------------------------------

const release = await prepare({ lockMs: 600_000, installMs: 300_000, log })
const servers = {}
let provider
let loadBefore
try {
  // The same builds as the e2e suite's (skipped when current).
  for (const variant of VARIANTS) log(`build ${variant}: ${(await buildVariant(variant, 'turbopack', { timeoutMs: 600_000 })) === 'current' ? 'current' : 'done'}`)
  // From here on this process (the load generator) runs on core 1; the servers are started on core 0.
  pin(process.pid, 1)
  loadBefore = loadavg()
  const ports = [await freePort(), await freePort()]
  provider = await startProvider(ports.map((p) => `http://127.0.0.1:${p}`), { timeoutMs: 30_000 })
  const secret = randomBytes(32).toString('hex')
  for (const [i, variant] of VARIANTS.entries()) {
    const server = await startApp({ variant, build: 'turbopack', mode: 'start', issuer: provider.issuer, secret, port: ports[i], wrap: ['taskset', '-c', '0'], readyMs: 120_000 })
    const jar = new Jar()
    await login(server.base, jar, { timeoutMs: 30_000 })
    servers[variant] = { ...server, variant, cookie: jar.header() }
    log(`${variant}: ${server.base}, session cookie ${jar.header().length} bytes`)
  }
  log(`warm-up (${quick ? 2 : 5} s per server and case)`)
  for (const variant of VARIANTS) for (const c of CASES) await load(servers[variant], c.path, 10, quick ? 2 : 5)

  const samples = {} // `${case} ${conns} ${variant}` → [{ rps, cpuPerRequest }]
  for (let round = 0; round < rounds; round++) {
    for (const c of CASES) {
      for (const conns of connections) {
        const order = round % 2 ? [...VARIANTS].reverse() : VARIANTS
        for (const variant of order) {
          const sample = await load(servers[variant], c.path, conns, duration)
          ;(samples[`${c.id} ${conns} ${variant}`] ??= []).push(sample)
          log(`round ${round + 1}/${rounds} ${c.id} c=${conns} ${variant}: ${sample.rps.toFixed(0)} req/s, ${sample.cpuPerRequest.toFixed(2)} CPU ms/request`)
        }
      }
    }
  }

  // The sealed server must have served the SDK natively (and the plain one not at all).
  const status = Object.fromEntries(await Promise.all(VARIANTS.map(async (v) => [v, (await request(`${servers[v].base}/api/status`, { timeoutMs: 30_000 })).json])))
  if (!status.sealed.active || status.sealed.calls.decrypt === 0 || status.plain.reason !== 'not-installed') {
    throw new Error(`unexpected sdkCryptoStatus: ${JSON.stringify(status)}`)
  }

  const rows = CASES.map((c) => ({
    case: c,
    cells: connections.map((conns) => {
      const m = (variant, key) => median(samples[`${c.id} ${conns} ${variant}`].map((s) => s[key]))
      return { conns, rps: { plain: m('plain', 'rps'), sealed: m('sealed', 'rps') }, cpu: { plain: m('plain', 'cpuPerRequest'), sealed: m('sealed', 'cpuPerRequest') } }
    }),
  }))
  const env = { ...machine(), next: JSON.parse(readFileSync(join(repoRoot, 'examples', 'sdk-app', 'node_modules', 'next', 'package.json'), 'utf8')).version }
  const loadAfter = loadavg()
  const table = renderTable(rows)
  log(`\n${table}\n\nsealed server: ${JSON.stringify(status.sealed)}`)
  if (write) {
    writeFileSync(join(repoRoot, 'bench', 'next-results.json'), JSON.stringify({ env, rounds, duration, connections, samples, status, loadBefore, loadAfter }, null, 2) + '\n')
    const section = renderSection({ env, table, status: status.sealed, loadBefore, loadAfter })
    const path = join(repoRoot, 'bench', 'RESULTS.md')
    const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmark results\n'
    writeFileSync(path, NEXT_SECTION.test(current) ? current.replace(NEXT_SECTION, () => section) : current.replace(/\n*$/, '\n\n') + section + '\n')
    log('wrote bench/RESULTS.md (its bench:next section) and bench/next-results.json')
  }
} finally {
  for (const server of Object.values(servers)) await server.stop()
  await provider?.stop()
  release()
}

function renderTable(rows) {
  const f0 = (v) => v.toFixed(0)
  const f2 = (v) => v.toFixed(2)
  const gain = (a, b) => `${b >= a ? '+' : ''}${(((b - a) / a) * 100).toFixed(0)}%`
  const lines = [
    `| case | connections | req/s, SDK's JS → withSessionSeal | CPU ms/request, SDK's JS → withSessionSeal |`,
    '| --- | --- | --- | --- |',
  ]
  for (const { case: c, cells } of rows) {
    for (const cell of cells) {
      lines.push(
        `| ${c.label} | ${cell.conns} | ${f0(cell.rps.plain)} → ${f0(cell.rps.sealed)} (${gain(cell.rps.plain, cell.rps.sealed)}) | ${f2(cell.cpu.plain)} → ${f2(cell.cpu.sealed)} (${gain(cell.cpu.plain, cell.cpu.sealed)}) |`,
      )
    }
  }
  return lines.join('\n')
}

function renderSection({ env, table, status, loadBefore, loadAfter }) {
  const la = (l) => l.map((v) => v.toFixed(2)).join(' / ')
  return [
    NEXT_START,
    '## A Next.js app on withSessionSeal (`npm run bench:next`)',
    '',
    `Run on ${env.date.slice(0, 10)}: ${env.cpu} (${env.cores} cores), Node.js ${env.node}, Next.js ${env.next}, ` +
      `@auth0/nextjs-auth0 ${env.packages['@auth0/nextjs-auth0']}, session-seal ${env.packages['session-seal']} (${env.commit}). ` +
      `examples/sdk-app built with Turbopack, once without and once with \`withSessionSeal\`; each \`next start\` pinned to ` +
      `core 0 (taskset), autocannon on core 1; ${duration} s per run, ${rounds} interleaved rounds (the order of the two ` +
      `servers alternating), medians shown. CPU ms/request is the server process group's user + system time over ` +
      `the requests it served. The session is a real login's (local OIDC provider). Load average before ` +
      `${la(loadBefore)}, after ${la(loadAfter)}: req/s moves with whatever else the machine runs, CPU ms/request ` +
      `much less, so it is the steadier measure of the gain.`,
    '',
    table,
    '',
    `The wrapped server's \`sdkCryptoStatus()\` after the runs: active ${status.active}, ${status.calls.encrypt.toLocaleString('en-US')} ` +
      `encrypt and ${status.calls.decrypt.toLocaleString('en-US')} decrypt calls served natively, ` +
      `${status.fallbacks.encrypt + status.fallbacks.decrypt} handed to the SDK's JavaScript.`,
    '',
    '- `getSession()` route: `/api/direct/session`, outside the proxy\'s matcher: one SDK `decrypt` per request.',
    '- proxy with rolling session: `/api/ping`, whose handler reads nothing: the SDK\'s middleware decrypts the',
    '  cookie and seals it again (`encrypt`) on every request.',
    '- Everything else a request costs (routing, rendering the JSON, HTTP) is the same in both servers, so the',
    '  gain is smaller than the cookie crypto\'s own (the tables above).',
    NEXT_END,
  ].join('\n')
}
