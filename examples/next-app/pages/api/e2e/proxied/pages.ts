import type { NextApiRequest, NextApiResponse } from 'next'
import { getSession, updateSession } from '../../../../lib/session'

// For the e2e: a Pages Router API route behind the marking proxy.ts. GET: the mark the proxy wrote, as
// getSession(req) reads it. POST: the same, then an update and a second getSession(req) in the same handler.
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const session = await getSession(req)
  if (!session) return res.status(401).json({ proxied: null })
  if (req.method !== 'POST') return res.status(200).json({ proxied: session.user.proxied ?? null })
  await updateSession(req, res, { ...session, user: { ...session.user, updated: String(req.body?.mark) } })
  const again = await getSession(req)
  res.status(200).json({ proxied: session.user.proxied ?? null, updated: again?.user.updated ?? null })
}
