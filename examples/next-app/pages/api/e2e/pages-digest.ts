import type { NextApiRequest, NextApiResponse } from 'next'
import { getSession } from '../../../lib/session'
import { digest } from '../../../lib/digest'

// For the e2e: a digest of the session getSession(req) reads in the Pages Router.
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  try {
    const session = await getSession(req)
    if (!session) return res.status(401).json({ digest: null })
    res.status(200).json({ digest: digest(session) })
  } catch (error) {
    res.status(401).json({ error: (error as { code?: string }).code ?? 'error' })
  }
}
