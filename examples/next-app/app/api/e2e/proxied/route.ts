import { cookies } from 'next/headers'
import { getSession, updateSession } from '../../../../lib/session'
import { readsOf } from '../../../../lib/reads'

// For the e2e: a route handler behind the marking proxy.ts. GET: the mark the proxy wrote, as getSession()
// reads it. POST: the same, then an update and a second getSession() in the same handler, and how many
// times the request read its session.
export async function GET() {
  const session = await getSession()
  return Response.json({ proxied: session?.user.proxied ?? null })
}

export async function POST(request: Request) {
  const { mark } = (await request.json()) as { mark: string }
  const session = await getSession()
  if (!session) return Response.json({ proxied: null }, { status: 401 })
  await updateSession({ ...session, user: { ...session.user, updated: mark } })
  const again = await getSession()
  return Response.json({ proxied: session.user.proxied, updated: again?.user.updated ?? null, reads: readsOf(await cookies()) })
}
