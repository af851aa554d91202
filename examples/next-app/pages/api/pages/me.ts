import type { NextApiRequest, NextApiResponse } from 'next'
import { getSession } from '../../../lib/session'

// The Pages Router: pass the request. (At /api/pages/me: a Pages Router route may not share a path with an
// App Router one, and app/api/me/route.ts has /api/me.)
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const session = await getSession(req)
  if (!session) return res.status(401).json({ user: null })
  res.status(200).json({ user: session.user })
}
