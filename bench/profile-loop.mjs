// A loop for profilers (perf, callgrind; bench/PROFILE.md has the commands): one operation called N times on
// the same session bench:compare measures, with nothing else in the process worth sampling.
//   node bench/profile-loop.mjs ADDON.node seal|unseal|stringify|parse KB N
// `stringify` and `parse` are V8's own JSON of that session (and its exp): the part no implementation avoids.

import { createRequire } from 'node:module'
import { resolve } from 'node:path'

import { sessionOfKb } from './sessions.mjs'

const [addonPath, op, kb, n] = process.argv.slice(2)
if (!addonPath || !op || !kb || !n) {
  console.error('usage: node bench/profile-loop.mjs ADDON.node seal|unseal|stringify|parse KB N')
  process.exit(2)
}
const addon = createRequire(import.meta.url)(resolve(addonPath))
const cipher = new addon.SessionCipher({ secret: 'a3f1c9e47b2d8f6051e9c3a7d4b8f2e6c1a9d7e3f5b2c8a4e6d1f9b3c7a5e2d8' })
const session = sessionOfKb(Number(kb))
const exp = Math.floor(Date.now() / 1000) + 3600
const cookie = cipher.seal(session, exp)
const json = JSON.stringify({ ...session, exp })
const calls = {
  seal: () => cipher.seal(session, exp),
  unseal: () => cipher.unseal(cookie),
  stringify: () => JSON.stringify(session),
  parse: () => JSON.parse(json),
}
const call = calls[op]
if (!call) throw new Error(`unknown operation ${op}`)
let last
for (let i = 0; i < Number(n); i++) last = call()
if (!last) throw new Error('the operation returned nothing')
