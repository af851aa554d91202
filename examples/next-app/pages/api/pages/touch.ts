import type { NextApiRequest, NextApiResponse } from 'next'
import { getSession, updateSession } from '../../../lib/session'

// The Pages Router's update: the Set-Cookie list is added to `res`.
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const session = await getSession(req)
  if (!session) return res.status(401).json({ user: null })
  const user = { ...session.user, ...(req.body ?? {}) }
  await updateSession(req, res, { ...session, user })
  res.status(200).json({ user })
}
