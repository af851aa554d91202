import { getSession } from '../../../lib/session'

// The signed-in user, read by session-seal (chunked and v3 cookies too). The tokens stay on the server.
export async function GET() {
  const session = await getSession()
  if (!session) return Response.json({ user: null }, { status: 401 })
  return Response.json({ user: session.user })
}
