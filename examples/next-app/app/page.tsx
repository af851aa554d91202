import { Suspense } from 'react'
import { getSession } from '../lib/session'

// A server component reading the session. It reads the request's cookies, so under cacheComponents it
// must sit inside <Suspense>: the page's shell is prerendered at build time and this part streams in.
async function Greeting() {
  const session = await getSession()
  if (!session) return <p id="greeting">Not signed in.</p>
  // Only what the page shows goes to the browser: never the session's tokens.
  return <p id="greeting">Signed in as {session.user.name ?? session.user.sub}.</p>
}

export default function Home() {
  return (
    <main>
      <h1>session-seal + Next.js</h1>
      <Suspense fallback={<p>Loading…</p>}>
        <Greeting />
      </Suspense>
    </main>
  )
}
