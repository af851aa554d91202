import { auth0 } from '../../../lib/auth0'

export const dynamic = 'force-dynamic'

// App Router route handler: the session as the SDK reads it.
export async function GET() {
  const session = await auth0.getSession()
  if (!session) return Response.json({ session: null }, { status: 401 })
  return Response.json({ session })
}
