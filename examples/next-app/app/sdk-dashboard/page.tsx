import { Suspense } from 'react'
import { auth0 } from '../../lib/auth0'
import { sdkRename } from './actions'

// For the e2e: /dashboard through the SDK's own auth0.getSession() behind its own rolling proxy, to show that the
// SDK reads the same render's cookies.
async function Profile() {
  const session = await auth0.getSession()
  if (!session) return <p id="profile">Not signed in.</p>
  return (
    <form action={sdkRename}>
      <p id="profile">Signed in as {session.user.name ?? session.user.sub}.</p>
      <input name="name" defaultValue={session.user.name ?? ''} />
      <button type="submit">Rename</button>
    </form>
  )
}

export default function SdkDashboard() {
  return (
    <main>
      <Suspense fallback={<p>Loading…</p>}>
        <Profile />
      </Suspense>
    </main>
  )
}
