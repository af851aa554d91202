import { auth0 } from '../../../lib/auth0'

export const dynamic = 'force-dynamic'

// The same session as the SDK itself reads it.
export async function GET() {
  let session
  try {
    session = await auth0.getSession()
  } catch (error) {
    // e.g. SessionDomainMismatchError: a session created for another custom domain.
    return Response.json({ session: null, error: (error as { code?: string }).code ?? 'error' }, { status: 401 })
  }
  if (!session) return Response.json({ session: null }, { status: 401 })
  return Response.json({ reader: '@auth0/nextjs-auth0', session })
}
