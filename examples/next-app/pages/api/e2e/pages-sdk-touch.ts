import type { NextApiRequest, NextApiResponse } from 'next'
import { auth0 } from '../../../lib/auth0'

// For the e2e: /api/pages/touch through the SDK's own auth0.updateSession(req, res, session).
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const session = await auth0.getSession(req)
  if (!session) return res.status(401).json({ user: null })
  const user = { ...session.user, ...(req.body ?? {}) }
  await auth0.updateSession(req, res, { ...session, user })
  res.status(200).json({ user })
}
