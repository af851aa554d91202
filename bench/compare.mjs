// `npm run bench:compare -- --baseline=PATH`: this build of session-seal against other builds of it (say, the
// commit before a change), every addon loaded in one process and timed interleaved round by round, so a busy
// machine slows all alike and the verdict is a ratio. For each session size it prints the median time per
// call of each operation for every build and its ratio to this one, and flags any ratio over 1.05.
//
// Build a baseline outside the tree, e.g.:
//   git archive <commit> | tar -x -C /tmp/baseline-src && cd /tmp/baseline-src
//   CARGO_TARGET_DIR=/tmp/baseline-target cargo build --release --lib
//   cp /tmp/baseline-target/release/libsession_seal.so /tmp/baseline.node
// Options: --baseline=PATH[,PATH…] (or SESSION_SEAL_BASELINE; each build is named by its file name),
// --sizes=0.5,3,8,16 (KB of session JSON; default 0.5,3,6,12: a cookie header over 16 KB is refused by Node),
// --ops=seal,unseal (default: every operation), --rounds=N (default 120), --json=PATH (write results),
// --cpu (the process's CPU time instead of the wall clock: steadier on a busy shared machine),
// --beyond (also time V8's JSON and the node:crypto floor of bench/floor.mjs, and print each build's seal and
// unseal beyond JSON.stringify / JSON.parse against the floor's: the measure of the native code's own cost).

import { createRequire } from 'node:module'
import { writeFileSync } from 'node:fs'
import { basename, resolve } from 'node:path'

import { NodeCryptoCipher } from './floor.mjs'
import { measure } from './harness.mjs'
import { sessionOfKb } from './sessions.mjs'

const args = process.argv.slice(2)
const value = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]
const baselinePaths = (value('baseline') ?? process.env.SESSION_SEAL_BASELINE)?.split(',').filter(Boolean)
if (!baselinePaths?.length) {
  console.error('usage: npm run bench:compare -- --baseline=/path/to/baseline.node[,/path/to/another.node]')
  process.exit(2)
}
const rounds = Number(value('rounds') ?? 120)
const cpu = args.includes('--cpu')
const beyond = args.includes('--beyond')
const require = createRequire(import.meta.url)
const builds = new Map([['this', require('../index.js')]])
for (const path of baselinePaths) builds.set(basename(path, '.node'), require(resolve(path)))
const [self, ...others] = builds.keys()

const SECRET = 'a3f1c9e47b2d8f6051e9c3a7d4b8f2e6c1a9d7e3f5b2c8a4e6d1f9b3c7a5e2d8'
const ALL_OPS = ['seal', 'unseal', 'open', 'encrypt', 'decrypt', 'cookies.read', 'cookies.write']
const OPS = value('ops')?.split(',') ?? ALL_OPS
const SIZES = (value('sizes') ?? '0.5,3,6,12').split(',').map(Number)

function cases(tag, session, exp) {
  const addon = builds.get(tag)
  const cipher = new addon.SessionCipher({ secret: SECRET })
  const cookies = new addon.SessionCookies({ secret: SECRET })
  const cookie = cipher.seal(session, exp)
  const jar = cookies
    .write(session, null)
    .filter((c) => c.value !== '')
    .map(({ name, value }) => ({ name, value }))
  // The builds must agree before their speed means anything.
  for (const [other, build] of builds) {
    if (JSON.stringify(new build.SessionCipher({ secret: SECRET }).unseal(cookie)) !== JSON.stringify({ ...session, exp })) {
      throw new Error(`the ${tag} build's cookie does not read back in ${other}`)
    }
  }
  const all = {
    seal: () => cipher.seal(session, exp),
    unseal: () => cipher.unseal(cookie),
    open: () => cipher.open(cookie),
    encrypt: { isAsync: true, fn: () => addon.encrypt(session, SECRET, exp) },
    decrypt: { isAsync: true, fn: () => addon.decrypt(cookie, SECRET) },
    'cookies.read': () => cookies.read(jar),
    'cookies.write': () => cookies.write(session, jar),
  }
  return OPS.map((op) => ({ isAsync: false, id: `${tag} ${op}`, ...(typeof all[op] === 'function' ? { fn: all[op] } : all[op]) }))
}

/** V8's own JSON of the session and the node:crypto floor: what "beyond JSON" is measured against. */
function floorCases(session, exp) {
  const floor = new NodeCryptoCipher({ secret: SECRET })
  const json = JSON.stringify({ ...session, exp })
  const cookie = floor.seal(session, exp)
  return [
    { id: 'json.stringify', fn: () => JSON.stringify(session) },
    { id: 'json.parse', fn: () => JSON.parse(json) },
    { id: 'floor.seal', fn: () => floor.seal(session, exp) },
    { id: 'floor.unseal', fn: () => floor.unseal(cookie) },
  ].map((c) => ({ isAsync: false, ...c }))
}

const exp = Math.floor(Date.now() / 1000) + 3600
const rows = []
const beyondRows = []
for (const kb of SIZES) {
  const label = `${kb} KB`
  const session = sessionOfKb(kb)
  const json = Buffer.byteLength(JSON.stringify(session))
  process.stdout.write(`${label} (${json} bytes of JSON): measuring…`)
  const list = [...builds.keys()].flatMap((tag) => cases(tag, session, exp))
  const times = await measure(beyond ? [...list, ...floorCases(session, exp)] : list, { rounds, cpu })
  process.stdout.write(' done\n')
  const median = (id) => times.get(id).median
  for (const op of OPS) {
    for (const other of others) {
      const now = median(`${self} ${op}`)
      const before = median(`${other} ${op}`)
      rows.push({ size: label, json, op, baseline: other, old: before, new: now, ratio: now / before })
    }
  }
  if (beyond) {
    const json = { seal: median('json.stringify'), unseal: median('json.parse') }
    for (const op of ['seal', 'unseal']) {
      const floor = median(`floor.${op}`) - json[op]
      const per = Object.fromEntries([...builds.keys()].map((tag) => [tag, median(`${tag} ${op}`) - json[op]]))
      beyondRows.push({ size: label, op, json: json[op], floor, beyond: per })
    }
  }
}

const us = (ns) => (ns / 1000).toFixed(2)
console.log(`\n| size | operation | build | build µs | this build µs | ratio |\n| --- | --- | --- | ---: | ---: | ---: |`)
for (const r of rows) {
  const flag = r.ratio > 1.05 ? ' ⚠' : ''
  console.log(`| ${r.size} | ${r.op} | ${r.baseline} | ${us(r.old)} | ${us(r.new)} | ${r.ratio.toFixed(3)}${flag} |`)
}
const worst = rows.reduce((a, b) => (b.ratio > a.ratio ? b : a))
console.log(`\nworst ratio: ${worst.ratio.toFixed(3)} (${worst.size} ${worst.op} against ${worst.baseline}); ${rounds} rounds${cpu ? ', CPU time' : ''}`)
if (beyond) {
  const tags = [...builds.keys()]
  console.log(`\nBeyond V8's JSON (µs per call; × = the floor's beyond / the build's):`)
  console.log(`| size | op | JSON | floor | ${tags.map((t) => `${t} | ×`).join(' | ')} |`)
  console.log(`| --- | --- | ---: | ---: | ${tags.map(() => '---: | ---:').join(' | ')} |`)
  for (const r of beyondRows) {
    const cells = tags.map((t) => `${us(r.beyond[t])} | ${(r.floor / r.beyond[t]).toFixed(2)}`)
    console.log(`| ${r.size} | ${r.op} | ${us(r.json)} | ${us(r.floor)} | ${cells.join(' | ')} |`)
  }
}
if (value('json')) writeFileSync(value('json'), JSON.stringify({ baselines: baselinePaths, rounds, cpu, rows, beyond: beyondRows }, null, 2) + '\n')
