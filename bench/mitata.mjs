// `npm run bench:mitata`: a second opinion from a standard tool. mitata measures each case on its own,
// one after the other (not interleaved like bench/run.mjs), for the typical ~3 KB session; its summary
// prints how many times faster the fastest case of each group is than the others. Nothing is written.
//
// Options: --size=3KB (or 0.5KB, 16KB, 60KB).

import { bench, group, run, summary } from 'mitata'

import { sessions } from './sessions.mjs'
import { checkInterop, normalizeStatelessSession, sdk, setup, SECRET } from './peers.mjs'

const size = (process.argv.find((a) => a.startsWith('--size='))?.split('=')[1] ?? '3KB').replace(/\s/g, '')
const picked = sessions().find((s) => s.label.replace(/\s/g, '') === size)
if (!picked) throw new Error(`no session of size ${size}; try 0.5KB, 3KB, 16KB or 60KB`)
const { session, label, bytes } = picked

const impl = await setup()
const { cipher, floor } = impl
const { cookie, exp } = await checkInterop(impl, session) // the same correctness gate as npm run bench
console.log(`${label} session: ${bytes} bytes of JSON, ${cookie.length}-byte cookie; interop ok\n`)

group('seal', () => {
  summary(() => {
    bench('SessionCipher.seal', () => cipher.seal(session, exp))
    bench('node:crypto floor seal', () => floor.seal(session, exp))
    bench('SDK encrypt', async () => await sdk.encrypt(session, SECRET, exp))
  })
})

group('unseal', () => {
  summary(() => {
    bench('SessionCipher.unseal', () => cipher.unseal(cookie))
    bench('node:crypto floor unseal', () => floor.unseal(cookie))
    bench('SDK decrypt + normalize', async () => normalizeStatelessSession(await sdk.decrypt(cookie, SECRET)))
  })
})

await run()
