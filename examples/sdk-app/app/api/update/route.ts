import { auth0 } from '../../../lib/auth0'

export const dynamic = 'force-dynamic'

// Merges the JSON body into the session's user: auth0.updateSession() re-seals the cookie (in chunks when
// the session grows past the SDK's chunk size).
export async function POST(request: Request) {
  const session = await auth0.getSession()
  if (!session) return Response.json({ session: null }, { status: 401 })
  const changes = (await request.json()) as Record<string, unknown>
  await auth0.updateSession({ ...session, user: { ...session.user, ...changes } })
  return Response.json({ updated: Object.keys(changes) })
}
