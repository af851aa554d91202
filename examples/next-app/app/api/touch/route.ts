import { getSession, updateSession } from '../../../lib/session'

// Updates the session from a route handler (a server action would do the same): the JSON body is merged
// into `user`. updateSession writes the Set-Cookie list the SDK writes, with a fresh rolling expiry.
export async function POST(request: Request) {
  const session = await getSession()
  if (!session) return Response.json({ user: null }, { status: 401 })
  const changes = (await request.json().catch(() => ({}))) as Record<string, unknown>
  const user = { ...session.user, ...changes }
  await updateSession({ ...session, user })
  return Response.json({ user })
}
