'use server'

import { getSession, updateSession } from '../../../lib/session'

// For the e2e: a server action behind the marking proxy.ts. It writes what it read (the proxy's mark, and a
// new name), reads again, and writes what that second read saw: the cookie it leaves shows both reads.
export async function markAndReadBack(form: FormData) {
  const session = await getSession()
  if (!session) throw new Error('Not signed in')
  await updateSession({ ...session, user: { ...session.user, actionSaw: session.user.proxied, name: String(form.get('name') ?? '') } })
  const again = await getSession()
  if (!again) throw new Error('Not signed in')
  await updateSession({ ...again, user: { ...again.user, actionReadBack: again.user.name } })
}
