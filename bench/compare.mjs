// `npm run bench:compare -- --baseline=PATH`: this build of session-seal against another build of it (say,
// the commit before a change), both addons loaded in one process and timed interleaved round by round, so a
// busy machine slows both alike and the verdict is a ratio. For sessions of ~0.5, 3, 6 and 12 KB (the sizes
// a cookie can really have: Node refuses request headers over 16 KB) it prints the median time per call of
// each operation for both builds and their ratio, and flags any ratio over 1.05.
//
// Build the baseline outside the tree, e.g.:
//   git worktree add /tmp/baseline-src <commit> && cd /tmp/baseline-src && npm ci && npx napi build --release
//   cp /tmp/baseline-src/*.node /tmp/baseline.node
// Options: --baseline=PATH (or SESSION_SEAL_BASELINE), --rounds=N (default 120), --json=PATH (write results),
// --cpu (time the process's CPU time instead of the wall clock: steadier on a busy shared machine).

import { createRequire } from 'node:module'
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'

import { measure } from './harness.mjs'
import { sessionOfSize } from './sessions.mjs'

const args = process.argv.slice(2)
const value = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]
const baselinePath = value('baseline') ?? process.env.SESSION_SEAL_BASELINE
if (!baselinePath) {
  console.error('usage: npm run bench:compare -- --baseline=/path/to/baseline.node')
  process.exit(2)
}
const rounds = Number(value('rounds') ?? 120)
const cpu = args.includes('--cpu')
const require = createRequire(import.meta.url)
const builds = { new: require('../index.js'), old: require(resolve(baselinePath)) }

const SECRET = 'a3f1c9e47b2d8f6051e9c3a7d4b8f2e6c1a9d7e3f5b2c8a4e6d1f9b3c7a5e2d8'
const OPS = ['seal', 'unseal', 'open', 'encrypt', 'decrypt', 'cookies.read', 'cookies.write']

function cases(addon, tag, session, exp) {
  const cipher = new addon.SessionCipher({ secret: SECRET })
  const cookies = new addon.SessionCookies({ secret: SECRET })
  const cookie = cipher.seal(session, exp)
  const jar = cookies
    .write(session, null)
    .filter((c) => c.value !== '')
    .map(({ name, value }) => ({ name, value }))
  // The two builds must agree before their speed means anything.
  const other = tag === 'new' ? builds.old : builds.new
  const check = new other.SessionCipher({ secret: SECRET })
  if (JSON.stringify(check.unseal(cookie)) !== JSON.stringify({ ...session, exp })) {
    throw new Error(`the ${tag} build's cookie does not read back in the other build`)
  }
  return [
    { id: `${tag} seal`, fn: () => cipher.seal(session, exp) },
    { id: `${tag} unseal`, fn: () => cipher.unseal(cookie) },
    { id: `${tag} open`, fn: () => cipher.open(cookie) },
    { id: `${tag} encrypt`, isAsync: true, fn: () => addon.encrypt(session, SECRET, exp) },
    { id: `${tag} decrypt`, isAsync: true, fn: () => addon.decrypt(cookie, SECRET) },
    { id: `${tag} cookies.read`, fn: () => cookies.read(jar) },
    { id: `${tag} cookies.write`, fn: () => cookies.write(session, jar) },
  ].map((c) => ({ isAsync: false, ...c }))
}

const exp = Math.floor(Date.now() / 1000) + 3600
const rows = []
for (const [label, bytes, seed] of [['0.5 KB', 512, 11], ['3 KB', 3072, 12], ['6 KB', 6144, 13], ['12 KB', 12288, 14]]) {
  const session = sessionOfSize(bytes, seed)
  const json = Buffer.byteLength(JSON.stringify(session))
  process.stdout.write(`${label} (${json} bytes of JSON): measuring…`)
  const times = await measure([...cases(builds.new, 'new', session, exp), ...cases(builds.old, 'old', session, exp)], {
    rounds,
    cpu,
  })
  process.stdout.write(' done\n')
  for (const op of OPS) {
    const now = times.get(`new ${op}`).median
    const before = times.get(`old ${op}`).median
    rows.push({ size: label, json, op, old: before, new: now, ratio: now / before })
  }
}

const us = (ns) => (ns / 1000).toFixed(2)
console.log(`\n| size | operation | baseline µs | this build µs | ratio |\n| --- | --- | ---: | ---: | ---: |`)
for (const r of rows) {
  console.log(`| ${r.size} | ${r.op} | ${us(r.old)} | ${us(r.new)} | ${r.ratio.toFixed(3)}${r.ratio > 1.05 ? ' ⚠' : ''} |`)
}
const worst = rows.reduce((a, b) => (b.ratio > a.ratio ? b : a))
console.log(`\nworst ratio: ${worst.ratio.toFixed(3)} (${worst.size} ${worst.op}); ${rounds} rounds${cpu ? ', CPU time' : ''}; baseline ${baselinePath}`)
if (value('json')) writeFileSync(value('json'), JSON.stringify({ baseline: baselinePath, rounds, rows }, null, 2) + '\n')
