import type { NextRequest } from 'next/server'
import { getSession, updateSession } from '../../../../lib/session'

// For the e2e: /api/touch with the Response this handler returns given to updateSession, which can then
// mark it `Cache-Control: private, no-store` (through next/headers there is no response to mark).
export async function POST(request: NextRequest) {
  const session = await getSession(request)
  if (!session) return Response.json({ user: null }, { status: 401 })
  const changes = (await request.json().catch(() => ({}))) as Record<string, unknown>
  const user = { ...session.user, ...changes }
  const response = Response.json({ user })
  await updateSession(request, response, { ...session, user })
  return response
}
