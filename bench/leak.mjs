// `npm run bench:leak`: 1,000,000 seal + unseal cycles of the typical ~3 KB session through
// `SessionCipher`, with RSS and the V8 heap sampled every 50,000 cycles. The first 100,000 cycles are a
// warm-up (JIT, allocator arenas, V8 heap sizing) and are not counted; after them, RSS and heapUsed must
// each grow by less than 20 MB, or the process exits with status 1.
//
// Every 16th cycle also takes the error paths, where a leak likes to hide: `unseal` of a tampered cookie
// (→ null) and `open` of it (→ a thrown, coded error).
//
// Writes its table into bench/RESULTS.md (its own section, kept when `npm run bench` rewrites the file).
// Options: --cycles=N (default 1000000), --every=N (default 50000), --warmup=N (default 100000), --no-write.

import assert from 'node:assert/strict'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { getHeapStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

import { repoRoot as root } from '../scripts/lib/repo.mjs'
import { addon, SECRET } from './peers.mjs'
import { sessions } from './sessions.mjs'
import { LEAK_END, LEAK_SECTION, LEAK_START, machine } from './report.mjs'

setFlagsFromString('--expose-gc')
const gc = globalThis.gc ?? runInNewContext('gc')

const args = process.argv.slice(2)
const value = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]
const CYCLES = Number(value('cycles') ?? 1_000_000)
const EVERY = Number(value('every') ?? 50_000)
const WARMUP = Number(value('warmup') ?? 100_000)
const LIMIT_MB = 20
const MB = 1024 * 1024

const { session, bytes } = sessions().find((s) => s.label === '3 KB')
const cipher = new addon.SessionCipher({ secret: SECRET })
const exp = Math.floor(Date.now() / 1000) + 86400
const expected = { ...session, exp }

// Proves the loop does the real work before it is repeated a million times.
const first = cipher.seal(session, exp)
assert.deepEqual(cipher.unseal(first), expected)
const tampered = first.slice(0, -3) + (first.at(-3) === 'A' ? 'B' : 'A') + first.slice(-2)
assert.equal(cipher.unseal(tampered), null)
assert.throws(() => cipher.open(tampered), { code: 'ERR_JWE_DECRYPTION_FAILED' })

function sample(cycle) {
  gc()
  gc()
  const m = process.memoryUsage()
  // heapTotal is what V8 has committed: when RSS steps up with it, V8 grew its heap, not we leaked.
  return { cycle, rss: m.rss, heapUsed: m.heapUsed, heapTotal: getHeapStatistics().total_heap_size, external: m.external }
}

const samples = [sample(0)]
let baseline
const started = Date.now()
let opened = 0
for (let i = 1; i <= CYCLES; i++) {
  const cookie = cipher.seal(session, exp)
  const back = cipher.unseal(cookie)
  if (back === null || back.exp !== exp) throw new Error(`cycle ${i}: the cookie did not unseal`)
  if ((i & 15) === 0) {
    if (cipher.unseal(tampered) !== null) throw new Error(`cycle ${i}: a tampered cookie unsealed`)
    try {
      cipher.open(tampered)
      opened++
    } catch (e) {
      if (e.code !== 'ERR_JWE_DECRYPTION_FAILED') throw e
    }
  }
  if (i % EVERY === 0) {
    const s = sample(i)
    samples.push(s)
    if (!baseline && i >= WARMUP) baseline = s
  }
}
if (opened) throw new Error('a tampered cookie opened')
const seconds = (Date.now() - started) / 1000
baseline ??= samples.at(-1)

const counted = samples.filter((s) => s.cycle >= baseline.cycle)
const last = samples.at(-1)
const growth = {
  rss: last.rss - baseline.rss,
  heapUsed: last.heapUsed - baseline.heapUsed,
  rssMax: Math.max(...counted.map((s) => s.rss)) - baseline.rss,
  heapMax: Math.max(...counted.map((s) => s.heapUsed)) - baseline.heapUsed,
  // Memory outside V8's committed heap (native: the addon, Node, the allocator): where a native leak shows.
  native: last.rss - last.heapTotal - (baseline.rss - baseline.heapTotal),
}
const pass = growth.rssMax < LIMIT_MB * MB && growth.heapMax < LIMIT_MB * MB

const mb = (n) => (n / MB).toFixed(1)
const signed = (n) => (n >= 0 ? '+' : '') + mb(n)
const rows = samples.map((s) => ({
  cycles: s.cycle.toLocaleString('en-US'),
  rss: mb(s.rss),
  heapUsed: mb(s.heapUsed),
  heapTotal: mb(s.heapTotal),
  external: mb(s.external),
  note: s === baseline ? 'baseline (end of warm-up)' : s.cycle < baseline.cycle ? 'warm-up' : `RSS ${signed(s.rss - baseline.rss)}, heap ${signed(s.heapUsed - baseline.heapUsed)}`,
}))

const verdict =
  `${CYCLES.toLocaleString('en-US')} seal + unseal cycles of a ${bytes}-byte session in ${seconds.toFixed(1)} s ` +
  `(${((seconds * 1e6) / CYCLES).toFixed(2)} µs per cycle). After the ${baseline.cycle.toLocaleString('en-US')}-cycle warm-up: ` +
  `RSS ${signed(growth.rss)} MB (peak ${signed(growth.rssMax)}), heapUsed ${signed(growth.heapUsed)} MB ` +
  `(peak ${signed(growth.heapMax)}); RSS outside V8's committed heap ${signed(growth.native)} MB. ` +
  `Limit < ${LIMIT_MB} MB each for RSS and heapUsed: ${pass ? 'PASS' : 'FAIL'}.`

console.log('   cycles    RSS MB   heapUsed MB   heapTotal MB   external MB')
for (const r of rows) {
  console.log(
    `${r.cycles.padStart(9)}  ${r.rss.padStart(8)}  ${r.heapUsed.padStart(12)}  ${r.heapTotal.padStart(13)}  ${r.external.padStart(12)}   ${r.note}`,
  )
}
console.log('\n' + verdict)

if (!args.includes('--no-write')) {
  const env = machine()
  const section = [
    LEAK_START,
    '## Leak check (`npm run bench:leak`)',
    '',
    `Run on ${env.date.slice(0, 10)}, Node.js ${env.node}, ${env.cpu}. Memory sampled after two full GCs every` +
      ` ${EVERY.toLocaleString('en-US')} cycles; every 16th cycle also unseals (→ null) and opens (→ thrown error) a` +
      ' tampered cookie.',
    '',
    '| cycles | RSS MB | heapUsed MB | heapTotal MB (V8 committed) | external MB | |',
    '| ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map((r) => `| ${r.cycles} | ${r.rss} | ${r.heapUsed} | ${r.heapTotal} | ${r.external} | ${r.note} |`),
    '',
    `**${pass ? 'PASS' : 'FAIL'}**: ${verdict}`,
    LEAK_END,
  ].join('\n')
  const path = join(root, 'bench', 'RESULTS.md')
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmark results\n'
  const next = LEAK_SECTION.test(current)
    ? current.replace(LEAK_SECTION, () => section)
    : current.replace(/\n*$/, '\n\n') + section + '\n'
  writeFileSync(path, next)
  console.log('wrote the leak check into bench/RESULTS.md')
}

if (!pass) process.exitCode = 1
