import { auth0 } from '../../../../lib/auth0'

export const dynamic = 'force-dynamic'

// The same as /api/session, outside the proxy's matcher: one getSession() and nothing else per request.
export async function GET() {
  const session = await auth0.getSession()
  if (!session) return Response.json({ session: null }, { status: 401 })
  return Response.json({ session })
}
