import { cookies } from 'next/headers'
import { readSession } from '../../../lib/session'

export const dynamic = 'force-dynamic'

// The session as session-seal reads it from the request's cookie jar (chunks and legacy cookies included).
export async function GET() {
  const session = readSession((await cookies()).getAll())
  if (!session) return Response.json({ session: null }, { status: 401 })
  return Response.json({ reader: 'session-seal', session })
}
