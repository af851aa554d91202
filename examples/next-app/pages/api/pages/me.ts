import type { NextApiRequest, NextApiResponse } from 'next'
import { readSession } from '../../../lib/session'

// The Pages Router hands cookies over as a name → value object. (At /api/pages/me: a Pages Router route
// may not share a path with an App Router one, and app/api/me/route.ts has /api/me.)
export default function handler(req: NextApiRequest, res: NextApiResponse) {
  const session = readSession(req.cookies as Record<string, string>)
  if (!session) return res.status(401).json({ session: null })
  res.status(200).json({ reader: 'session-seal (pages)', session })
}
