import { Suspense } from 'react'
import { getSession } from '../../lib/session'
import { rename } from './actions'

// The README's first combination: proxy.ts rolls the session on every request to /dashboard (and answers the
// cookies the browser gets), and this server component, in <Suspense>, reads the session of the same request;
// the form's server action reads it again and updates it.
async function Profile() {
  const session = await getSession()
  if (!session) return <p id="profile">Not signed in.</p>
  return (
    <form action={rename}>
      <p id="profile">Signed in as {session.user.name ?? session.user.sub}.</p>
      <input name="name" defaultValue={session.user.name ?? ''} />
      <button type="submit">Rename</button>
    </form>
  )
}

export default function Dashboard() {
  return (
    <main>
      <h1>Dashboard</h1>
      <Suspense fallback={<p>Loading…</p>}>
        <Profile />
      </Suspense>
    </main>
  )
}
