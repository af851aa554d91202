import type { NextApiRequest, NextApiResponse } from 'next'
import { auth0 } from '../../lib/auth0'

// Pages Router API route: the SDK reads the session from the request.
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const session = await auth0.getSession(req)
  if (!session) return res.status(401).json({ session: null })
  res.status(200).json({ session })
}
