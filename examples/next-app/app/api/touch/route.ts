import { cookies } from 'next/headers'
import { readSession, sessionCookies } from '../../../lib/session'

export const dynamic = 'force-dynamic'

// Updates the session with session-seal: the JSON body is merged into `user`, and the response carries the
// Set-Cookie list the SDK's stateless store would write (chunks, stale-chunk and v3 `appSession` deletions).
export async function POST(request: Request) {
  const jar = await cookies()
  const session = readSession(jar.getAll())
  if (!session) return Response.json({ session: null }, { status: 401 })
  const changes = (await request.json().catch(() => ({}))) as Record<string, unknown>
  const updated = { ...session, user: { ...session.user, ...changes } }
  for (const cookie of sessionCookies.write(updated, jar.getAll())) {
    jar.set(cookie.name, cookie.value, cookie.options)
  }
  return Response.json({ session: updated })
}
