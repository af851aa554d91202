// `session-seal inspect --sizes`, as text: what sizeReport measured, laid out for a terminal. The numbers
// and the limits are the addon's; this only arranges them.

/** @typedef {(text: string) => string} Paint */

/**
 * The lines to print for a session cookie found as `found` (`bytes` as it came), measured as `sizes`
 * (`null`: a stateful cookie, whose session lives in a store).
 * @param {string} found
 * @param {number} bytes
 * @param {import('../index.js').SizeReport | null} sizes
 * @param {{ dim: Paint, green: Paint, red: Paint }} paint
 * @returns {string[]}
 */
export function sizeLines(found, bytes, sizes, { dim, green, red }) {
  const label = (/** @type {string} */ name) => dim(name.padEnd(9))
  const lines = [`${label('found')}${found}, ${bytes} bytes`]
  if (!sizes) return [...lines, `${label('sizes')}the session lives in a store: only its id is in the cookie`]
  const plural = sizes.chunks > 1 ? 's' : ''
  lines.push(`${label('sealed')}${sizes.sealedBytes} bytes in ${sizes.chunks} cookie${plural} (${sizes.sessionBytes} bytes of session JSON)`)
  if (sizes.connectionCookies) lines.push(`${label('tokens')}${sizes.connectionCookies} connection-token cookie(s) (__FC_i)`)
  lines.push(`${label('headers')}Cookie ${sizes.requestHeaderBytes} bytes, Set-Cookie ${sizes.responseHeaderBytes} bytes`)
  for (const check of sizes.limits) {
    const verdict = check.passes ? green('passes') : red('exceeds')
    lines.push(`${label('limit')}${verdict} ${check.description} (${check.measured} of ${check.limit} bytes)`)
  }
  lines.push(`${label('largest')}${sizes.largest.map((m) => `${m.path} ${m.bytes} bytes`).join(', ')}`)
  lines.push('', dim('JSON bytes per member ("name":value, as JSON.stringify writes it):'))
  // Claims are indented two more than members; the byte column lines up under both.
  const width = Math.max(...sizes.members.map((m) => m.path.length + 2), ...sizes.userClaims.map((m) => m.path.length + 4))
  const row = (/** @type {string} */ indent, /** @type {import('../index.js').MemberSize} */ m) =>
    `${indent}${m.path.padEnd(width - indent.length)}  ${String(m.bytes).padStart(7)}`
  for (const member of sizes.members) {
    lines.push(row('  ', member))
    if (member.path === 'user') for (const claim of sizes.userClaims) lines.push(row('    ', claim))
  }
  return lines
}
