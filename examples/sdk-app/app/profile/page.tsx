import { auth0 } from '../../lib/auth0'

export const dynamic = 'force-dynamic'

// A server component reading the session: auth0.getSession() decrypts the cookie on every render.
export default async function Profile() {
  const session = await auth0.getSession()
  if (!session) return <p id="signed-out">Signed out</p>
  return (
    <p id="signed-in">
      Signed in as <span id="sub">{session.user.sub}</span>
    </p>
  )
}
