import type { NextRequest } from 'next/server'
import { auth0 } from './lib/auth0'

// The SDK's middleware: /auth/* routes (login, callback, logout, profile) and, on every other request, the
// rolling session's re-sealed cookie.
export async function proxy(request: NextRequest) {
  return await auth0.middleware(request)
}

export const config = {
  // /api/direct/* is left out so that its getSession() can be measured on its own (`npm run bench:next`).
  matcher: ['/((?!_next/static|_next/image|favicon.ico|api/direct/).*)'],
}
