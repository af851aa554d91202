// An interleaved timer: every case runs one batch per round, the rounds rotate the order, and the result is
// the median over rounds of the mean time per call within a batch. Interleaving spreads drift (turbo, other
// tenants on a VM, GC of earlier cases) evenly over everything measured, so ratios are fair within a run.

import { performance } from 'node:perf_hooks'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

let sink

// A young-generation collection before every batch, so no case pays for the garbage the previous one left
// (the SDK's and jose's promises leave plenty). Each case still pays for the collections its own
// allocations cause within its batch. `--expose-gc` is switched on here, so `node bench/run.mjs` is enough.
setFlagsFromString('--expose-gc')
const gc = globalThis.gc ?? runInNewContext('gc')
const minorGc = () => gc({ type: 'minor' })

/**
 * A batch loop of its own for each case (compiled separately, so one case's call-site feedback never
 * slows another's), sync or awaiting.
 */
function batchLoop(isAsync) {
  const body = isAsync
    ? 'return (async function batch(fn, n) { let last; for (let i = 0; i < n; i++) last = await fn(); return last })'
    : 'return (function batch(fn, n) { let last; for (let i = 0; i < n; i++) last = fn(); return last })'
  return new Function(body)()
}

const now = () => performance.now()

/** Milliseconds this process has spent on a CPU (every thread's, user and system). */
const cpuNow = () => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

/**
 * The clock batches are timed with: the wall clock, or (`cpu: true`) the process's CPU time, which a busy
 * shared machine inflates far less, since time spent waiting for a CPU is not counted. CPU time counts every
 * thread, so work an asynchronous call hands to libuv's thread pool is counted, but not the wait for it.
 */
let clock = now

async function timeBatch(c, n) {
  const start = clock()
  sink = c.isAsync ? await c.batch(c.fn, n) : c.batch(c.fn, n)
  return ((clock() - start) * 1e6) / n // ns per call
}

/**
 * cases: [{ id, fn, isAsync }]. Returns Map id → { median, min, p25, p75, n, rounds } in nanoseconds per call
 * (of CPU time with `cpu: true`).
 */
export async function measure(cases, { rounds = 60, batchMs = 4, warmupMs = 250, gcBetween = true, cpu = false } = {}) {
  clock = cpu ? cpuNow : now
  const prepared = cases.map((c) => ({ ...c, batch: batchLoop(c.isAsync), samples: [] }))
  for (const c of prepared) {
    // Warm up (JIT, caches), then size the batch so one takes about batchMs.
    let n = 1
    let spent = 0
    const start = now()
    while (now() - start < warmupMs) {
      const per = await timeBatch(c, n)
      spent = per * n
      if (spent < batchMs * 1e6 / 4) n *= 2
    }
    const per = await timeBatch(c, n)
    c.n = Math.max(1, Math.round((batchMs * 1e6) / per))
  }
  gc()
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < prepared.length; k++) {
      const c = prepared[(k + r) % prepared.length]
      if (gcBetween) minorGc()
      c.samples.push(await timeBatch(c, c.n))
    }
  }
  const out = new Map()
  for (const c of prepared) {
    const s = c.samples.slice().sort((a, b) => a - b)
    const q = (p) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))]
    out.set(c.id, { median: q(0.5), min: s[0], p25: q(0.25), p75: q(0.75), n: c.n, rounds })
  }
  return out
}

export const lastResult = () => sink
