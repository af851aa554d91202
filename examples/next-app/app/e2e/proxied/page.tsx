import { Suspense } from 'react'
import { cookies } from 'next/headers'
import { getSession } from '../../../lib/session'
import { readsOf } from '../../../lib/reads'
import { markAndReadBack } from './actions'

// For the e2e: behind a proxy.ts that writes a mark into the session (x-e2e-mark). Three server components,
// one after another, ask for the session four times: each must see the proxy's update, and the request
// must have read it once.
async function First() {
  const session = await getSession()
  return (
    <>
      <p id="first">{String(session?.user.proxied)}</p>
      <Second />
    </>
  )
}

async function Second() {
  const [a, b] = await Promise.all([getSession(), getSession()])
  return (
    <>
      <p id="second">{`${String(a?.user.proxied)} ${String(b?.user.proxied)}`}</p>
      <Reads />
    </>
  )
}

async function Reads() {
  const session = await getSession()
  const jar = await cookies()
  return (
    <form action={markAndReadBack}>
      <p id="third">{String(session?.user.proxied)}</p>
      <p id="reads">{readsOf(jar)}</p>
      <input name="name" defaultValue="" />
      <button type="submit">Mark</button>
    </form>
  )
}

export default function Proxied() {
  return (
    <main>
      <Suspense fallback={<p>Loading…</p>}>
        <First />
      </Suspense>
    </main>
  )
}
