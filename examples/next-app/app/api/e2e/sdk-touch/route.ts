import { auth0 } from '../../../../lib/auth0'

// For the e2e: /api/touch through the SDK's own auth0.updateSession(session).
export async function POST(request: Request) {
  const session = await auth0.getSession()
  if (!session) return Response.json({ user: null }, { status: 401 })
  const changes = (await request.json().catch(() => ({}))) as Record<string, unknown>
  const user = { ...session.user, ...changes }
  await auth0.updateSession({ ...session, user })
  return Response.json({ user })
}
