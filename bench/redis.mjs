// `npm run bench:redis`: session-seal/redis against real redis-server processes (a single node and a local
// three-master cluster, started here and stopped after), through node-redis v5.
//
// For a ~3 KB session, `get` and `set` with 1, 16 and 64 concurrent callers, each case twice: the real store,
// and the same store with a plaintext "cipher" (JSON, indexes by plain sub/sid), so the difference is exactly
// what sealing costs. Rounds alternate the two, so drift on this shared machine hits both alike. Then the
// cipher alone (no Redis), and the memory Redis spends per live session with its two index entries (INFO
// used_memory over 2,000 sessions of 2,000 users, and over 2,000 sessions of one user; MEMORY USAGE for the
// indexes' share).
//
//   npm run bench:redis              ~2 minutes; writes bench/REDIS-RESULTS.md and bench/redis-results.json
//   npm run bench:redis -- --quick   fewer rounds, writes nothing
//   npm run bench:redis -- --memory  the memory measurement alone, writes nothing
//   npm run bench:redis -- --logout  the logout of a user with 10,000 stale index entries alone: the longest
//                                    command SLOWLOG records (the test suite holds each command to a page of
//                                    work; durations are measured here, where a busy machine may only slow them)

import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'

import { RedisServer, startCluster, serverAvailable, HOST } from '../scripts/lib/redis-servers.mjs'
import { repoRoot as root } from '../scripts/lib/repo.mjs'
import { machine } from './report.mjs'
import { sessions } from './sessions.mjs'

const require = createRequire(import.meta.url)
const { createClient, createCluster } = require('redis')
const { StoreCipher, STORE_MAX_ID_BYTES, STORE_MAX_BATCH } = require('../index.js')
const { RedisSessionStore } = require('../redis/store.js')
const { KeyLayout, DEFAULT_SHARDS } = require('../redis/keys.js')

const quick = process.argv.includes('--quick')
const memoryOnly = process.argv.includes('--memory')
const logoutOnly = process.argv.includes('--logout')
const STALE_ENTRIES = 10_000
const ROUNDS = quick ? 3 : 11
const ROUND_MS = quick ? 120 : 200
const CONCURRENCY = [1, 16, 64]
const MEMORY_SESSIONS = 2000
const SECRET = 'c2f0a9d47e1b8f6053e9c1a7d4b8f2e6c1a9d7e3f5b2c8a4e6d1f9b3c7a5e2d8'

const typical = sessions().find((s) => s.label === '3 KB')
const epoch = () => Math.floor(Date.now() / 1000)
/** The benchmark session, created now (and without an IdP ceiling) so that the store keeps it for a day. */
const session = { ...typical.session, internal: { sid: typical.session.internal.sid, createdAt: epoch() } }

/**
 * The same interface as StoreCipher, without any cryptography: what a naive plaintext store does (the session
 * as JSON, indexes keyed by the plain sub and sid, each session's end a day away).
 */
class PlainCipher {
  seal(id, s) {
    const expiresAt = epoch() + 86_400
    const { sub } = s.user
    const { sid } = s.internal
    // The issuer in clear, from the ID token, as the members of a store without keyed tags would hold it.
    const { iss } = JSON.parse(Buffer.from(s.tokenSet.idToken.split('.')[1], 'base64url').toString('utf8'))
    const entries = [
      { index: 'sub', tag: sub, member: `${iss}.${sid}.${id}` },
      { index: 'sid', tag: sid, member: `${iss}.${sub}.${id}` },
    ]
    return { value: JSON.stringify(s), expiresAt, ttl: 86_400, entries }
  }
  open(id, value) {
    return { session: JSON.parse(value), keyIndex: 0, expiresAt: 0 }
  }
  entriesOf() {
    return []
  }
  indexTags(kind, value) {
    return [value]
  }
  logoutIndex() {
    return null
  }
  logoutTargets() {
    return []
  }
  linkedEntries() {
    return []
  }
  list() {
    return []
  }
}

/** The store's cipher, timed in place: how long each request spends sealing, opening and tagging. */
class TimedCipher {
  constructor(inner) {
    this.inner = inner
    this.us = 0
  }
  #timed(fn) {
    const t = performance.now()
    try {
      return fn()
    } finally {
      this.us += (performance.now() - t) * 1000
    }
  }
  seal(...args) {
    return this.#timed(() => this.inner.seal(...args))
  }
  open(...args) {
    return this.#timed(() => this.inner.open(...args))
  }
  entriesOf(...args) {
    return this.#timed(() => this.inner.entriesOf(...args))
  }
  indexTags(...args) {
    return this.#timed(() => this.inner.indexTags(...args))
  }
  logoutIndex(...args) {
    return this.#timed(() => this.inner.logoutIndex(...args))
  }
  logoutTargets(...args) {
    return this.#timed(() => this.inner.logoutTargets(...args))
  }
  linkedEntries(...args) {
    return this.#timed(() => this.inner.linkedEntries(...args))
  }
  list(...args) {
    return this.#timed(() => this.inner.list(...args))
  }
}

// A generous deadline: 64 callers on a busy shared machine can queue for a while; no call should fail here.
function makeStore(client, sealed, prefix) {
  const cipher = new TimedCipher(sealed ? new StoreCipher({ secret: SECRET }) : new PlainCipher())
  const limits = { maxIdBytes: STORE_MAX_ID_BYTES, maxListed: STORE_MAX_BATCH }
  const store = new RedisSessionStore({ client, secret: SECRET, prefix, timeout: 30_000 }, () => cipher, limits)
  return Object.assign(store, { cipher })
}

/** The benchmark session as user `n` has it: each user's own sub and sid, as a store of many users holds. */
const sessionOfUser = (n) => ({
  ...session,
  user: { ...session.user, sub: `auth0|${n}` },
  internal: { ...session.internal, sid: `sid-${n}` },
})

/** Runs `task(i)` for i < n, `width` at a time. */
async function inBatches(n, width, task) {
  for (let i = 0; i < n; i += width) await Promise.all(Array.from({ length: Math.min(width, n - i) }, (_, j) => task(i + j)))
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]

/**
 * `callers` async loops calling `op(i)` on `store` for `ms`: every call's latency, calls per second, this
 * process's CPU time per call, and the time per call spent in the store's cipher.
 */
async function round(store, op, callers, ms) {
  const latencies = []
  const end = performance.now() + ms
  let next = 0
  const cipherBefore = store.cipher.us
  const cpuBefore = process.cpuUsage()
  const start = performance.now()
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < end) {
        const i = next++
        const t = performance.now()
        await op(i)
        latencies.push(performance.now() - t)
      }
    }),
  )
  const seconds = (performance.now() - start) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  return {
    latencies,
    perSecond: latencies.length / seconds,
    cpuUs: (cpu.user + cpu.system) / latencies.length,
    cipherUs: (store.cipher.us - cipherBefore) / latencies.length,
  }
}

/** One target (single node or cluster): every op × concurrency, sealed and plain interleaved by round. */
async function measureTarget(name, client) {
  const ids = Array.from({ length: 1024 }, (_, i) => `${i.toString(16).padStart(4, '0')}${'b'.repeat(28)}`)
  const stores = { sealed: makeStore(client, true, 'bench:s:'), plain: makeStore(client, false, 'bench:p:') }
  const sessions = ids.map((_, n) => sessionOfUser(n))
  for (const store of Object.values(stores)) await inBatches(ids.length, 64, (i) => store.set(ids[i], sessions[i]))
  const ops = {
    get: (store) => async (i) => {
      if ((await store.get(ids[i % ids.length])) === null) throw new Error('benchmark session missing')
    },
    set: (store) => (i) => store.set(ids[i % ids.length], sessions[i % ids.length]),
  }
  const rows = []
  for (const [opName, make] of Object.entries(ops)) {
    for (const callers of CONCURRENCY) {
      const samples = { sealed: [], plain: [] }
      await round(stores.sealed, make(stores.sealed), callers, ROUND_MS / 2) // warm-up
      await round(stores.plain, make(stores.plain), callers, ROUND_MS / 2)
      for (let r = 0; r < ROUNDS; r++) {
        const order = r % 2 ? ['plain', 'sealed'] : ['sealed', 'plain']
        for (const mode of order) samples[mode].push(await round(stores[mode], make(stores[mode]), callers, ROUND_MS))
      }
      const summary = (mode) => ({
        perSecond: median(samples[mode].map((s) => s.perSecond)),
        meanMs: median(samples[mode].map((s) => s.latencies.reduce((a, b) => a + b, 0) / s.latencies.length)),
        p99Ms: median(samples[mode].map((s) => percentile(s.latencies, 0.99))),
        cpuUs: median(samples[mode].map((s) => s.cpuUs)),
        cipherUs: median(samples[mode].map((s) => s.cipherUs)),
      })
      const row = { target: name, op: opName, callers, sealed: summary('sealed'), plain: summary('plain') }
      // What one call spends sealing (or opening) and tagging beyond the JSON work any store does (the plain
      // store's time in its pass-through: JSON.stringify / JSON.parse), of its round trip.
      row.sealingUs = row.sealed.cipherUs - row.plain.cipherUs
      row.sealingShare = row.sealingUs / 1000 / row.sealed.meanMs
      // End to end: the extra latency and the extra client CPU of the sealed store over the plaintext one.
      row.latencyDelta = (row.sealed.meanMs - row.plain.meanMs) / row.sealed.meanMs
      row.cpuDelta = (row.sealed.cpuUs - row.plain.cpuUs) / row.sealed.cpuUs
      rows.push(row)
      console.log(
        `${name.padEnd(12)} ${opName} ×${String(callers).padEnd(3)} sealed ${fmtMs(row.sealed.meanMs)} (${fmtRate(row.sealed.perSecond)}/s, ` +
          `cipher ${row.sealed.cipherUs.toFixed(1)} µs, sealing ${row.sealingUs.toFixed(1)} µs = ${pct(row.sealingShare)})  plain ${fmtMs(row.plain.meanMs)} ` +
          `(${fmtRate(row.plain.perSecond)}/s)  latency +${pct(row.latencyDelta)}  client CPU/call ` +
          `${row.sealed.cpuUs.toFixed(1)} vs ${row.plain.cpuUs.toFixed(1)} µs`,
      )
    }
  }
  return rows
}

/** The cipher alone, in process: what one seal (TTL and entries included), one open and one delete's entries cost. */
function measureCipher() {
  const cipher = new StoreCipher({ secret: SECRET })
  const id = 'a'.repeat(32)
  const { value } = cipher.seal(id, session)
  const time = (fn) => {
    const runs = []
    for (let r = 0; r < 15; r++) {
      const n = 2000
      const t = performance.now()
      for (let i = 0; i < n; i++) fn()
      runs.push(((performance.now() - t) * 1000) / n)
    }
    return median(runs)
  }
  return {
    sealUs: time(() => cipher.seal(id, session)),
    openUs: time(() => cipher.open(id, value, { now: epoch() })),
    entriesUs: time(() => cipher.entriesOf(id, value)),
    valueBytes: value.length,
    jsonBytes: Buffer.byteLength(JSON.stringify(session)),
  }
}

/**
 * Bytes of Redis memory per live session with its two index entries: `users` 2,000 users with a session each
 * (each entry in an index of its own), and `oneUser` 2,000 sessions of one user in one IdP session (entries
 * sharing two indexes per shard), sealed and plain; `indexShare` is what the index keys hold of it, by MEMORY
 * USAGE.
 */
async function measureMemory() {
  const server = await RedisServer.start()
  const client = createClient({ socket: { host: HOST, port: server.port } })
  await client.connect()
  try {
    const out = {}
    const used = async () => Number(/used_memory:(\d+)/.exec(await client.sendCommand(['INFO', 'memory']))[1])
    for (const layout of ['users', 'oneUser']) {
      for (const sealed of [true, false]) {
        await client.sendCommand(['FLUSHALL'])
        const before = await used()
        const store = makeStore(client, sealed, 'sess:')
        await inBatches(MEMORY_SESSIONS, 64, (n) =>
          store.set(`${n.toString(16).padStart(8, '0')}${'c'.repeat(24)}`, sessionOfUser(layout === 'users' ? n : 0)),
        )
        const total = (await used()) - before
        let indexes = 0
        for (const key of /** @type {string[]} */ (await client.sendCommand(['KEYS', 'sess:*']))) {
          if (!/\}:s:/.test(key)) indexes += Number(await client.sendCommand(['MEMORY', 'USAGE', key, 'SAMPLES', '0']))
        }
        out[layout] ??= {}
        out[layout][sealed ? 'sealed' : 'plain'] = { perSession: total / MEMORY_SESSIONS, indexShare: indexes / MEMORY_SESSIONS }
      }
    }
    return out
  } finally {
    await client.disconnect().catch(() => {})
    await server.stop()
  }
}

/**
 * A logout of a user whose indexes hold STALE_ENTRIES entries of sessions that are gone (deleted behind the
 * store, as stores before bounded indexes left them) and one live session: every command Redis ran for it, from
 * SLOWLOG with no threshold, and the longest.
 */
async function measureLogout() {
  const server = await RedisServer.start()
  const client = createClient({ socket: { host: HOST, port: server.port } })
  await client.connect()
  try {
    const store = makeStore(client, true, 'sess:')
    const sub = 'auth0|logout-bench'
    const sid = 'logout-bench-sid'
    const one = { ...session, user: { ...session.user, sub }, internal: { sid, createdAt: epoch() } }
    const ids = Array.from({ length: STALE_ENTRIES + 1 }, (_, n) => `${n.toString(16).padStart(8, '0')}${'d'.repeat(24)}`)
    await inBatches(ids.length, 64, (n) => store.set(ids[n], one))
    const layout = new KeyLayout('sess:', DEFAULT_SHARDS)
    await inBatches(STALE_ENTRIES, 256, (n) => client.sendCommand(['DEL', layout.session(ids[n])]))
    await client.sendCommand(['CONFIG', 'SET', 'slowlog-log-slower-than', '0'])
    await client.sendCommand(['CONFIG', 'SET', 'slowlog-max-len', '100000'])
    await client.sendCommand(['SLOWLOG', 'RESET'])
    const started = performance.now()
    await store.deleteByLogoutToken({ sub, sid })
    const wallMs = performance.now() - started
    const log = /** @type {Array<[number, number, number, string[]]>} */ (await client.sendCommand(['SLOWLOG', 'GET', '-1']))
    const commands = log.filter(([, , , args]) => !['CONFIG', 'SLOWLOG'].includes(String(args[0]).toUpperCase()))
    const longest = commands.reduce((a, b) => (b[2] > a[2] ? b : a))
    return { staleEntries: STALE_ENTRIES, commands: commands.length, longestUs: longest[2], longestCommand: String(longest[3][0]), wallMs }
  } finally {
    await client.disconnect().catch(() => {})
    await server.stop()
  }
}

const fmtMs = (ms) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`)
const fmtRate = (n) => (n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(0))
const pct = (x) => `${(x * 100).toFixed(1)} %`

function renderMarkdown(env, cipher, rows, memory, logout) {
  const worst = Math.max(...rows.map((r) => r.sealingShare))
  const lines = [
    '# session-seal/redis benchmark',
    '',
    `Generated by \`npm run bench:redis\` (bench/redis.mjs) on ${env.date.slice(0, 10)}: \`get\` and \`set\` of a ` +
      `${typical.bytes}-byte session through node-redis ${require('redis/package.json').version}, against redis-server ` +
      'processes the benchmark starts on loopback (no persistence): a single node, and a three-master cluster. Each case ran ' +
      `${ROUNDS} rounds of ${ROUND_MS} ms per mode, sealed and plain alternating; every number is a median over rounds.`,
    '',
    '- **sealed**: the store as shipped. **plain**: the same store, same scripts and indexes, with a JSON pass-through ' +
      'instead of the cipher (indexes keyed by the plain sub/sid): what a store without encryption does.',
    '- **sealing**: the time a call spends in the cipher (seal or open, and the index tags), measured in place, less ' +
      'the time the plain store spends in its pass-through (the JSON.stringify / JSON.parse every store does); ' +
      '**sealing share** = sealing ÷ the sealed round trip. The target is under 10 %.',
    '- **latency +** and **client CPU**: the end-to-end difference between sealed and plain. With 16 and 64 callers one ' +
      'Node.js process is CPU-bound (node-redis pipelines every call), so there sealing shows up as its share of that ' +
      'process\'s CPU rather than as time added to one round trip.',
    '',
    `Machine: ${env.cpu} (${env.cores} cores, shared with other work: load average ${env.load}), ${env.memoryGiB} GiB, ` +
      `${env.platform}, Node.js ${env.node}, ${env.redis}; session-seal ${env.commit}.`,
    '',
    '| target | op | callers | sealed: mean round trip | in the cipher, sealed / plain | sealing | sealing share | plain: mean round trip | latency + | calls/s sealed / plain | client CPU per call sealed / plain |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.target} | ${r.op} | ${r.callers} | ${fmtMs(r.sealed.meanMs)} | ${r.sealed.cipherUs.toFixed(1)} / ${r.plain.cipherUs.toFixed(1)} µs | ${r.sealingUs.toFixed(1)} µs | ` +
        `**${pct(r.sealingShare)}** | ${fmtMs(r.plain.meanMs)} | ${pct(r.latencyDelta)} | ` +
        `${fmtRate(r.sealed.perSecond)} / ${fmtRate(r.plain.perSecond)} | ${r.sealed.cpuUs.toFixed(1)} / ${r.plain.cpuUs.toFixed(1)} µs |`,
    ),
    '',
    `Largest sealing share: ${pct(worst)} (target: under 10 %).`,
    '',
    `The cipher alone, in a loop: seal ${cipher.sealUs.toFixed(1)} µs (with the TTL and both index entries), open ` +
      `${cipher.openUs.toFixed(1)} µs, a stored value's entries (what delete needs) ${cipher.entriesUs.toFixed(1)} µs; the ` +
      `${cipher.jsonBytes}-byte session is stored as ${cipher.valueBytes} bytes.`,
    '',
    `Redis memory per live session with its two index entries (INFO used_memory over ${MEMORY_SESSIONS} sessions; the ` +
      'indexes\' share by MEMORY USAGE):',
    '',
    '| sessions | sealed | of which indexes | plain | of which indexes |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...[['users', `${MEMORY_SESSIONS} users, one session each`], ['oneUser', `one user, ${MEMORY_SESSIONS} sessions`]].map(
      ([key, label]) =>
        `| ${label} | ${Math.round(memory[key].sealed.perSession)} B | ${Math.round(memory[key].sealed.indexShare)} B | ` +
        `${Math.round(memory[key].plain.perSession)} B | ${Math.round(memory[key].plain.indexShare)} B |`,
    ),
    '',
    `A logout of a user with ${logout.staleEntries.toLocaleString('en')} stale index entries and one live session ` +
      `(SLOWLOG with no threshold): ${logout.commands} commands, the longest ${logout.longestCommand} ` +
      `${logout.longestUs} µs; ${logout.wallMs.toFixed(0)} ms from call to answer.`,
    '',
  ]
  return lines.join('\n')
}

if (!serverAvailable('redis')) {
  console.error('bench:redis: redis-server is not installed and could not be installed with apt-get')
  process.exit(1)
}
const env = {
  ...machine(),
  redis: execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).trim().split(' ').slice(0, 3).join(' '),
  load: loadavg().map((l) => l.toFixed(1)).join(' / '),
}

/** @param {Awaited<ReturnType<typeof measureMemory>>} memory */
const memoryLine = (memory) =>
  Object.entries(memory)
    .map(([layout, m]) => `${layout}: sealed ${Math.round(m.sealed.perSession)} B (indexes ${Math.round(m.sealed.indexShare)} B), ` +
      `plain ${Math.round(m.plain.perSession)} B (indexes ${Math.round(m.plain.indexShare)} B)`)
    .join('; ')

/** @param {Awaited<ReturnType<typeof measureLogout>>} l */
const logoutLine = (l) =>
  `${l.commands} commands for ${l.staleEntries.toLocaleString('en')} stale entries, the longest ${l.longestCommand} ` +
  `${l.longestUs} µs (SLOWLOG), ${l.wallMs.toFixed(0)} ms in all`

if (logoutOnly) {
  console.log(`logout: ${logoutLine(await measureLogout())}`)
  process.exit(0)
}

if (memoryOnly) {
  console.log(`memory per live session: ${memoryLine(await measureMemory())}`)
  process.exit(0)
}

const cipher = measureCipher()
console.log(`cipher alone: seal ${cipher.sealUs.toFixed(1)} µs, open ${cipher.openUs.toFixed(1)} µs, entries ${cipher.entriesUs.toFixed(1)} µs`)

const rows = []
const single = await RedisServer.start()
const singleClient = createClient({ socket: { host: HOST, port: single.port } })
await singleClient.connect()
try {
  rows.push(...(await measureTarget('single node', singleClient)))
} finally {
  await singleClient.disconnect().catch(() => {})
  await single.stop()
}
const cluster = await startCluster()
const clusterClient = createCluster({ rootNodes: cluster.rootNodes.map(({ host, port }) => ({ socket: { host, port } })) })
await clusterClient.connect()
try {
  rows.push(...(await measureTarget('cluster (3)', clusterClient)))
} finally {
  await clusterClient.disconnect().catch(() => {})
  await cluster.stop()
}

const memory = await measureMemory()
console.log(`memory per live session: ${memoryLine(memory)}`)
const logout = await measureLogout()
console.log(`logout: ${logoutLine(logout)}`)

console.log(`largest sealing share: ${pct(Math.max(...rows.map((r) => r.sealingShare)))} (target: under 10 %)`)
if (!quick) {
  writeFileSync(join(root, 'bench', 'REDIS-RESULTS.md'), renderMarkdown(env, cipher, rows, memory, logout))
  writeFileSync(join(root, 'bench', 'redis-results.json'), `${JSON.stringify({ env, cipher, rows, memory, logout }, null, 2)}\n`)
  console.log('wrote bench/REDIS-RESULTS.md and bench/redis-results.json')
}
