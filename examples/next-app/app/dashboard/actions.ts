'use server'

import { getSession, updateSession } from '../../lib/session'

// A server action behind the rolling proxy.ts: it reads the session the proxy rolled and writes the new name.
export async function rename(form: FormData) {
  const session = await getSession()
  if (!session) throw new Error('Not signed in')
  const name = String(form.get('name') ?? '')
  await updateSession({ ...session, user: { ...session.user, name } })
}
