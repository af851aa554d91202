import { NextResponse, type NextRequest } from 'next/server'
import { getSession, updateSession } from './lib/session'
import { auth0 } from './lib/auth0'

// Guards /protected and rolls the session on every request to it, as the SDK's middleware does: the
// session gets a fresh expiry (up to its absolute duration) and the browser the new cookies.
export async function proxy(request: NextRequest) {
  if (request.nextUrl.pathname.startsWith('/sdk-protected')) return sdkProxy(request)
  const session = await getSession(request)
  if (!session) return NextResponse.json({ error: 'no valid session' }, { status: 401 })
  const response = NextResponse.next()
  await updateSession(request, response, session)
  return response
}

// For the e2e: the same through the SDK's own getSession/updateSession, to compare the Set-Cookie lists.
async function sdkProxy(request: NextRequest) {
  const session = await auth0.getSession(request)
  if (!session) return NextResponse.json({ error: 'no valid session' }, { status: 401 })
  const response = NextResponse.json({ protected: true })
  await auth0.updateSession(request, response, session)
  return response
}

export const config = { matcher: ['/protected/:path*', '/sdk-protected/:path*'] }
