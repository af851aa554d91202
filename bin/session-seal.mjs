#!/usr/bin/env node
// The `session-seal` command: inspect, seal and mint @auth0/nextjs-auth0 session cookies from a terminal.
// Exit codes: 0 done, 1 an error (one line with its code), 2 bad usage.
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { isatty } from 'node:tty'
import { parseArgs } from 'node:util'
import { sizeLines } from './sizes.mjs'

const require = createRequire(import.meta.url)
/** @type {typeof import('../index.js')} */
const addon = require('../index.js')

/** @typedef {import('../index.js').SessionData} SessionData */
/** @typedef {NonNullable<import('node:util').ParseArgsConfig['options']>} Options */
/**
 * What parseArgs gives a command: the options below by name (flags as booleans, --secret repeatable).
 * @typedef {{
 *   secret?: string[], 'secret-file'?: string, help?: boolean, json?: boolean, sizes?: boolean, name?: string, now?: string,
 *   'max-age'?: string, 'expires-at'?: string, 'set-cookie'?: boolean, 'no-validate'?: boolean,
 *   redis?: string, prefix?: string, shards?: string, stateful?: boolean, id?: string,
 *   sub?: string, email?: string, nickname?: string, picture?: string, sid?: string,
 *   'access-token'?: string, 'id-token'?: string, 'refresh-token'?: string, scope?: string,
 * }} Values
 */
/**
 * @typedef {object} Command
 * @property {string} summary
 * @property {string} usage
 * @property {string[]} details
 * @property {Options} options
 * @property {(values: Values, positionals: string[]) => unknown} run
 */

/** @type {Options} */
const SECRET_OPTIONS = {
  secret: { type: 'string', multiple: true },
  'secret-file': { type: 'string' },
}

/** @type {Options} */
const LIFETIME_OPTIONS = {
  'max-age': { type: 'string' },
  'expires-at': { type: 'string' },
}

/** Options whose value may be a negative number: `--max-age -60` is that value, not an unknown option. */
const NUMERIC_OPTIONS = new Set(['--max-age', '--expires-at', '--now'])

/** @type {Record<string, Command>} */
const COMMANDS = {
  inspect: {
    summary: 'show what is inside a cookie value, a Cookie header or a Set-Cookie list',
    usage: 'session-seal inspect [VALUE | COOKIE-HEADER | SET-COOKIE-LINES] [--sizes] [--json] [--name NAME] [--now SECONDS]',
    details: [
      'Reads its input from the argument or, without one, from standard input. Chunked cookies',
      `(${addon.DEFAULT_COOKIE_NAME}__0, ${addon.DEFAULT_COOKIE_NAME}__1, …) and v3 ${addon.LEGACY_COOKIE_NAME} cookies are joined as the SDK joins them.`,
      'Prints a summary (format, which secret matched, issued/expires, chunks and size budget) and the',
      'session as pretty JSON; --json prints the whole inspection as one compact JSON line instead.',
      '--sizes prints where the session\'s bytes go instead: bytes per member and per user claim, the sealed',
      'length, the chunks, the headers, and which limits they pass (4096 per cookie, 8 KB, 16 KB of headers).',
    ],
    options: { ...SECRET_OPTIONS, json: { type: 'boolean' }, sizes: { type: 'boolean' }, name: { type: 'string' }, now: { type: 'string' } },
    run: inspect,
  },
  seal: {
    summary: 'seal a JSON session (from a file or stdin) into a cookie value or Set-Cookie lines',
    usage: 'session-seal seal [FILE] [--max-age SECONDS | --expires-at EPOCH-SECONDS] [--name NAME] [--set-cookie] [--no-validate]',
    details: [
      'The session is validated against the SDK\'s SessionData types first; every problem is listed.',
      `--max-age sets the cookie lifetime (default ${addon.DEFAULT_INACTIVITY_DURATION} s, the SDK's inactivity duration);`,
      '0 or a negative number (--max-age -60) mints a cookie that has already expired, for tests. --expires-at',
      'gives the expiry itself, in seconds since the epoch.',
      `--set-cookie prints Set-Cookie lines, chunked at ${addon.MAX_CHUNK_SIZE} bytes as the SDK writes them.`,
    ],
    options: {
      ...SECRET_OPTIONS,
      ...LIFETIME_OPTIONS,
      name: { type: 'string' },
      'set-cookie': { type: 'boolean' },
      'no-validate': { type: 'boolean' },
    },
    run: seal,
  },
  generate: {
    summary: 'mint a test session cookie for a user, like the SDK\'s generateSessionCookie',
    usage: 'session-seal generate --sub SUB [--name N] [--email E] [--nickname N] [--picture URL] [--sid SID]\n' +
      '                      [--access-token T] [--id-token T] [--refresh-token T] [--scope S] [--set-cookie]\n' +
      '                      [--max-age SECONDS | --expires-at EPOCH-SECONDS]\n' +
      '       session-seal generate --stateful [--id HEX32] [--max-age SECONDS | --expires-at EPOCH-SECONDS]\n' +
      '       session-seal generate --stateful --sub SUB [user and token options] --redis URL [--prefix P] [--shards N]',
    details: [
      'The cookie expires in one hour, as the SDK\'s generateSessionCookie makes it, unless --max-age (0 or',
      'negative: already expired) or --expires-at says otherwise. --stateful mints the { id } cookie of a',
      'stateful session instead (a new random id unless --id is given); with --sub and --redis URL it also',
      'writes the session into that Redis as session-seal/redis stores it (--prefix and --shards as the app',
      'passes them to createRedisSessionStore), with the redis or ioredis package the current project has.',
    ],
    options: {
      ...SECRET_OPTIONS,
      ...LIFETIME_OPTIONS,
      redis: { type: 'string' },
      prefix: { type: 'string' },
      shards: { type: 'string' },
      sub: { type: 'string' },
      name: { type: 'string' },
      email: { type: 'string' },
      nickname: { type: 'string' },
      picture: { type: 'string' },
      sid: { type: 'string' },
      'access-token': { type: 'string' },
      'id-token': { type: 'string' },
      'refresh-token': { type: 'string' },
      scope: { type: 'string' },
      stateful: { type: 'boolean' },
      id: { type: 'string' },
      'set-cookie': { type: 'boolean' },
    },
    run: generate,
  },
  keygen: {
    summary: 'print a new secret: 32 random bytes, hex (what `openssl rand -hex 32` gives)',
    usage: 'session-seal keygen',
    details: [],
    options: {},
    run: () => print(randomBytes(32).toString('hex')),
  },
  demo: {
    summary: 'seal a sample session under a generated secret, unseal it, show the SDK reading it',
    usage: 'session-seal demo',
    details: [],
    options: {},
    run: demo,
  },
}

const SECRET_HELP = [
  'The secret comes from the AUTH0_SECRET environment variable (one secret, as the SDK reads it) or from',
  '--secret-file PATH: one secret per line, the first seals and every one unseals (rotation); `-` reads them',
  'from standard input. --secret VALUE (repeatable) works too, with a warning: `ps` and shell history see it.',
  'The secret is never printed.',
]

const SECRET_WARNING =
  '--secret puts the secret where `ps` and your shell history can see it; use AUTH0_SECRET or --secret-file PATH'

/** A failure to report as one line: `code: message`, and the exit status. */
class Failure extends Error {
  /**
   * @param {string} code
   * @param {string} message
   */
  constructor(code, message, status = 1) {
    super(message)
    this.code = code
    this.status = status
  }
}

const usageError = (/** @type {string} */ message) => new Failure('ERR_USAGE', message, 2)

// Each stream is coloured only when it is a terminal itself (`inspect … 2>errors.log` keeps the log clean).
const colourful = (/** @type {{ isTTY?: boolean }} */ stream) => Boolean(stream.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb'
const colours = colourful(process.stdout)
const paint = (/** @type {string} */ code, on = colours) => (/** @type {string} */ text) => (on ? `\x1b[${code}m${text}\x1b[0m` : text)
const bold = paint('1')
const dim = paint('2')
const red = paint('31')
const green = paint('32')
const yellow = paint('33')

// `session-seal inspect … | head`: a reader that goes away early is not an error.
process.stdout.on('error', (/** @type {NodeJS.ErrnoException} */ error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw error
})

function print(text = '') {
  process.stdout.write(`${text}\n`)
}

function helpText(/** @type {string} */ name) {
  const command = COMMANDS[name]
  const lines = [`${bold('usage:')} ${command.usage}`, '', command.summary + '.', ...command.details.map((d) => d)]
  if (command.options.secret) lines.push('', ...SECRET_HELP)
  return lines.join('\n')
}

function mainHelp() {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length))
  return [
    `${bold('usage:')} session-seal <command> [options]   (session-seal <command> --help for more)`,
    '',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    ...SECRET_HELP,
  ].join('\n')
}

/**
 * @param {string} name
 * @param {string[]} argv
 * @returns {{ values: Values, positionals: string[] }}
 */
function parse(name, argv) {
  const args = argv.flatMap((arg, i) =>
    NUMERIC_OPTIONS.has(argv[i - 1]) && /^-\d/.test(arg) ? [] : NUMERIC_OPTIONS.has(arg) && /^-\d/.test(argv[i + 1] ?? '') ? [`${arg}=${argv[i + 1]}`] : [arg],
  )
  try {
    const parsed = parseArgs({
      args,
      options: { ...COMMANDS[name].options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    })
    return { values: /** @type {Values} */ (parsed.values), positionals: parsed.positionals }
  } catch (error) {
    throw usageError(`${/** @type {Error} */ (error).message.replace(/\s*\n\s*/g, ' ')} (see session-seal ${name} --help)`)
  }
}

function warn(/** @type {string} */ message) {
  process.stderr.write(`${paint('33', colourful(process.stderr))('session-seal: warning:')} ${message}\n`)
}

/**
 * The secrets, newest first: --secret values, then --secret-file lines; AUTH0_SECRET when neither is given.
 * `stdinIsInput`: standard input carries the command's input, so `--secret-file -` cannot read it too.
 */
function secrets(/** @type {Values} */ values, { stdinIsInput = false } = {}) {
  const given = [...(values.secret ?? [])]
  if (given.length) warn(SECRET_WARNING)
  const file = values['secret-file']
  if (file !== undefined) {
    const lines = readSecretFile(file, stdinIsInput).split(/\r?\n/).map((line) => line.trim()).filter(Boolean)
    if (lines.length === 0) throw new Failure('ERR_SECRET_INVALID', `${file === '-' ? 'standard input' : `the secret file ${file}`} holds no secret`)
    given.push(...lines)
  }
  if (given.length === 0 && process.env.AUTH0_SECRET) given.push(process.env.AUTH0_SECRET)
  if (given.length === 0) throw usageError('no secret: set AUTH0_SECRET, or pass --secret-file PATH')
  return given
}

function readSecretFile(/** @type {string} */ file, /** @type {boolean} */ stdinIsInput) {
  if (file !== '-') {
    try {
      return readFileSync(file, 'utf8')
    } catch (error) {
      throw new Failure('ERR_SECRET_INVALID', `cannot read the secret file ${file} (${/** @type {NodeJS.ErrnoException} */ (error).code})`)
    }
  }
  if (stdinIsInput) throw usageError('--secret-file - needs standard input for the secrets: give the input as an argument or a file')
  if (isatty(0)) throw usageError('--secret-file -: standard input is a terminal; pipe the secrets in')
  try {
    return readFileSync(0, 'utf8')
  } catch {
    throw usageError('--secret-file -: standard input could not be read')
  }
}

function readInput(/** @type {string[]} */ positionals, /** @type {string} */ what) {
  if (positionals.length > 1) throw usageError(`expected one ${what}, got ${positionals.length} arguments`)
  if (positionals.length === 1) return positionals[0]
  // Not `process.stdin.isTTY`: touching `process.stdin` turns a pipe non-blocking, and readFileSync(0) then
  // fails with EAGAIN when the writer (`session-seal generate | session-seal inspect`) has not written yet.
  if (isatty(0)) throw usageError(`no input: give the ${what} as an argument or on standard input`)
  let text
  try {
    text = readFileSync(0, 'utf8')
  } catch {
    throw usageError(`no input: give the ${what} as an argument or on standard input`)
  }
  if (!text.trim()) throw usageError(`no input: standard input was empty (expected a ${what})`)
  return text
}

function epochSeconds(/** @type {Values} */ values) {
  if (values.now === undefined) return Math.floor(Date.now() / 1000)
  const now = Number(values.now)
  if (!Number.isFinite(now)) throw usageError(`--now must be epoch seconds, got ${JSON.stringify(values.now)}`)
  return now
}

function wholeSeconds(/** @type {string} */ text, /** @type {string} */ flag) {
  const seconds = text.trim() === '' ? NaN : Number(text)
  if (!Number.isSafeInteger(seconds)) throw usageError(`${flag} must be a whole number of seconds`)
  return seconds
}

/**
 * When the cookie expires, in seconds since the epoch: `--expires-at`, or `now + --max-age` (0 or negative:
 * already expired), or `now + fallback`; and the lifetime that gives.
 */
function lifetime(/** @type {Values} */ values, /** @type {number} */ now, /** @type {number} */ fallback) {
  if (values['max-age'] !== undefined && values['expires-at'] !== undefined) throw usageError('give --max-age or --expires-at, not both')
  const expiresAt = values['expires-at'] !== undefined ? wholeSeconds(values['expires-at'], '--expires-at') : now + (values['max-age'] !== undefined ? wholeSeconds(values['max-age'], '--max-age') : fallback)
  const given = values['max-age'] !== undefined || values['expires-at'] !== undefined
  return { expiresAt, maxAge: expiresAt - now, given }
}

/** Set-Cookie lines for a cookie that has expired would tell a browser to delete it: print the value instead. */
function refuseExpiredSetCookie(/** @type {Values} */ values, /** @type {number} */ maxAge) {
  if (values['set-cookie'] && maxAge <= 0) {
    throw usageError('an expired cookie has no Set-Cookie line a browser would keep: leave out --set-cookie and use the value')
  }
}

/**
 * Turns what was pasted into a cookie jar: a Cookie header string, or a `name → value` record.
 * @param {string} input
 * @param {string | undefined} cookieName
 * @returns {{ jar: string | Record<string, string>, kind: string }}
 */
function cookieJar(input, cookieName) {
  // A Set-Cookie line has attributes (`; Path=/`, `; HttpOnly`); a Cookie header may hold cookies whose names
  // merely start like one (`secure-mode=on`), so the attribute name must be whole.
  const lines = input.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)
  const isSetCookie = lines.some((l) => /^set-cookie:/i.test(l) || /;\s*(path|max-age|expires|httponly|secure|samesite|domain)\s*(=|;|$)/i.test(l))
  if (isSetCookie) {
    const pairs = lines
      .map((line) => line.replace(/^set-cookie:\s*/i, '').split(';'))
      .filter(([, ...attributes]) => !attributes.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a)))
      .map(([pair]) => pair.trim())
      .filter((pair) => /^[^=]+=./.test(pair))
    return { jar: pairs.join('; '), kind: 'Set-Cookie list' }
  }
  const text = lines.join(' ').replace(/^cookie:\s*/i, '')
  if (text.includes('=')) return { jar: text, kind: 'Cookie header' }
  // A bare value: a JWE has five segments; a v3 signed id cookie (`id.signature`) was named appSession.
  const name = cookieName ?? (text.split('.').length === 5 ? addon.DEFAULT_COOKIE_NAME : addon.LEGACY_COOKIE_NAME)
  return { jar: { [name]: text }, kind: 'cookie value' }
}

function when(/** @type {number} */ seconds, /** @type {number} */ now) {
  const date = new Date(seconds * 1000)
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0')
  const local = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone
  return `${local} ${zone} (${relative(seconds - now)})`
}

function relative(/** @type {number} */ delta) {
  const span = Math.abs(Math.round(delta))
  const parts = []
  /** @type {[string, number][]} */
  const units = [['d', 86400], ['h', 3600], ['min', 60], ['s', 1]]
  let rest = span
  for (const [unit, size] of units) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)} ${unit}`)
      rest %= size
    }
  }
  if (parts.length === 0) return 'now'
  const text = parts.join(' ')
  return delta > 0 ? `in ${text}` : `${text} ago`
}

/** @type {Record<string, string>} */
const FORMAT_NAMES = {
  v4: 'v4 session cookie',
  'v3-legacy': 'v3 legacy session cookie (converted as the SDK converts it)',
  'stateful-id': 'stateful session id cookie (the session lives in a store)',
  'v3-signed-id': 'v3 signed stateful id cookie',
}

function inspect(/** @type {Values} */ values, /** @type {string[]} */ positionals) {
  const input = readInput(positionals, 'cookie value, Cookie header or Set-Cookie list')
  const secret = secrets(values, { stdinIsInput: positionals.length === 0 })
  const now = epochSeconds(values)
  const store = new addon.SessionCookies({ secret, ...(values.name ? { cookieName: values.name } : {}) })
  const { jar, kind } = cookieJar(input, values.name)
  const report = store.inspect(jar, { now })
  if (!report) {
    throw new Failure('ERR_NO_SESSION_COOKIE', `no session cookie (${values.name ?? addon.DEFAULT_COOKIE_NAME}, its chunks, or ${addon.LEGACY_COOKIE_NAME}) in the ${kind}`)
  }
  if (values.sizes) return printSizes(values, store, report, now)
  if (values.json) {
    print(JSON.stringify(report))
    if (report.error) process.exitCode = 1
    return
  }
  const label = (/** @type {string} */ name) => dim(name.padEnd(9))
  const cookies = report.chunks.length ? `${report.cookie}, ${report.chunks.length} chunks` : report.cookie
  if (report.error) {
    print(`${label('cookie')}${cookies}, ${report.bytes} bytes`)
    throw new Failure(report.error.code, report.error.message)
  }
  print(`${label('format')}${bold(FORMAT_NAMES[report.format ?? ''])} (${cookies})`)
  print(`${label('secret')}#${report.keyIndex}${report.keyIndex === 0 ? ' (the newest)' : yellow(' (an older secret: re-seal under the newest)')} of ${secret.length}`)
  const issued = report.session?.internal?.createdAt ?? report.protectedHeader?.iat
  if (typeof issued === 'number') print(`${label('issued')}${when(issued, now)}`)
  const expires = report.payload?.exp ?? report.protectedHeader?.exp
  if (typeof expires === 'number') print(`${label('expires')}${expires > now ? green(when(expires, now)) : red(when(expires, now))}`)
  const budget = report.overBudget ? red(`over the SDK's 4096-byte budget`) : `within the SDK's 4096-byte budget`
  print(`${label('size')}${report.bytes} bytes in ${Math.max(1, report.chunks.length)} cookie${report.chunks.length > 1 ? 's' : ''}, ${budget}`)
  if (report.connectionCookies) print(`${label('tokens')}${report.connectionCookies} connection-token cookie(s) (__FC_i)`)
  print()
  print(JSON.stringify(report.session ?? report.payload, null, 2))
}

/**
 * `inspect --sizes`: the session the cookie holds, measured as the store writes it (sizeReport). A stateful
 * cookie holds only an id: its session's size never reaches the cookie.
 * @param {Values} values
 * @param {import('../index.js').SessionCookies} store
 * @param {import('../index.js').Inspection} report
 * @param {number} now
 */
function printSizes(values, store, report, now) {
  if (report.error) throw new Failure(report.error.code, report.error.message)
  const sizes = report.session ? store.sizeReport(report.session, { now }) : null
  if (values.json) {
    print(JSON.stringify({ cookie: report.cookie, chunks: report.chunks, bytes: report.bytes, format: report.format, sizes }))
    return
  }
  const found = `${FORMAT_NAMES[report.format ?? '']} (${report.chunks.length ? `${report.cookie}, ${report.chunks.length} chunks` : report.cookie})`
  for (const line of sizeLines(found, report.bytes, sizes, { dim, green, red })) print(line)
}

function readSession(/** @type {string[]} */ positionals) {
  if (positionals.length > 1) throw usageError(`expected one file, got ${positionals.length} arguments`)
  let text
  if (positionals.length === 1 && positionals[0] !== '-') {
    try {
      text = readFileSync(positionals[0], 'utf8')
    } catch (error) {
      throw new Failure('ERR_INPUT', `cannot read ${positionals[0]} (${/** @type {NodeJS.ErrnoException} */ (error).code})`)
    }
  } else {
    text = readInput([], 'JSON session')
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new Failure('ERR_INVALID_JSON', `the session is not valid JSON: ${/** @type {Error} */ (error).message}`)
  }
}

function seal(/** @type {Values} */ values, /** @type {string[]} */ positionals) {
  const session = readSession(positionals)
  const secret = secrets(values, { stdinIsInput: positionals.length === 0 || positionals[0] === '-' })
  const now = Math.floor(Date.now() / 1000)
  const { expiresAt, maxAge } = lifetime(values, now, addon.DEFAULT_INACTIVITY_DURATION)
  refuseExpiredSetCookie(values, maxAge)
  const validate = !values['no-validate']
  if (validate) {
    const { valid, errors } = addon.validateSession(session)
    if (!valid) {
      for (const { path, message } of errors) process.stderr.write(`  ${path || '(session)'}: ${message}\n`)
      throw new Failure('ERR_SESSION_INVALID', `the session has ${errors.length} problem${errors.length > 1 ? 's' : ''} (listed above)`)
    }
  }
  const value = new addon.SessionCipher({ secret }).seal(session, expiresAt, { validate })
  emit(value, values, maxAge)
}

/**
 * Prints a cookie value, or with --set-cookie its Set-Cookie lines (chunked as the SDK chunks).
 * @param {string} value
 * @param {Values} values
 * @param {number} maxAge
 */
function emit(value, values, maxAge, name = values.name ?? addon.DEFAULT_COOKIE_NAME) {
  if (!values['set-cookie']) return print(value)
  const plan = addon.planChunkedCookie(name, value, { maxAge }, null)
  for (const cookie of plan.cookies) {
    if (cookie.options.maxAge !== 0) print(`Set-Cookie: ${addon.serializeSetCookie(cookie)}`)
  }
}

async function generate(/** @type {Values} */ values) {
  const secret = secrets(values)
  const now = Math.floor(Date.now() / 1000)
  const { expiresAt, maxAge, given } = lifetime(values, now, addon.TEST_COOKIE_MAX_AGE)
  refuseExpiredSetCookie(values, maxAge)
  if (values.stateful) {
    if (values.id !== undefined && !/^[0-9a-f]{32}$/.test(values.id)) throw usageError('--id must be 32 lowercase hex characters')
    if ((values.sub === undefined) !== (values.redis === undefined)) {
      throw usageError('a stateful session with a user lives in a store: give --sub with --redis URL (or neither, for the id cookie alone)')
    }
    const id = values.id ?? randomBytes(16).toString('hex')
    if (values.redis !== undefined) await storeSession(values, secret, id, await testSession(values, secret, now))
    // The SDK's helper seals for one hour from `now`: started that much before the expiry asked for.
    const cookie = await addon.generateStatefulSessionCookie(id, { secret, now: expiresAt - addon.TEST_COOKIE_MAX_AGE })
    return emit(cookie, values, maxAge, addon.DEFAULT_COOKIE_NAME)
  }
  for (const option of /** @type {const} */ (['redis', 'prefix', 'shards'])) if (values[option] !== undefined) throw usageError(`--${option} goes with --stateful`)
  if (!values.sub) throw usageError('--sub is required (the user id, e.g. auth0|123), or pass --stateful')
  const session = await testSession(values, secret, now)
  const cookie = given ? new addon.SessionCipher({ secret }).seal(session, expiresAt, { validate: false }) : await addon.generateSessionCookie(session, { secret })
  emit(cookie, { ...values, name: undefined }, maxAge, addon.DEFAULT_COOKIE_NAME)
}

/**
 * The session of the user and token options, as the SDK's generateSessionCookie completes it (its `internal`).
 * @param {Values} values
 * @param {string[]} secret
 * @param {number} now
 * @returns {Promise<SessionData>}
 */
async function testSession(values, secret, now) {
  /** @type {SessionData['user']} */
  const user = { sub: /** @type {string} */ (values.sub) }
  for (const field of /** @type {const} */ (['name', 'email', 'nickname', 'picture'])) if (values[field] !== undefined) user[field] = values[field]
  const tokenSet = {
    accessToken: values['access-token'] ?? randomBytes(32).toString('base64url'),
    ...(values['id-token'] !== undefined && { idToken: values['id-token'] }),
    ...(values['refresh-token'] !== undefined && { refreshToken: values['refresh-token'] }),
    ...(values.scope !== undefined && { scope: values.scope }),
    expiresAt: now + 3600,
  }
  const session = { user, tokenSet, ...(values.sid !== undefined && { internal: { sid: values.sid, createdAt: now } }) }
  const cipher = new addon.SessionCipher({ secret })
  const completed = cipher.unseal(await addon.generateSessionCookie(session, { secret, now }), { now })
  if (!completed) throw new Failure('ERR_UNEXPECTED', 'the test session did not open under its own secret')
  const { exp: _exp, ...rest } = /** @type {SessionData & { exp?: number }} */ (completed)
  return rest
}

/**
 * Writes `session` under `id` into the Redis at --redis, with the app's own client library and key layout.
 * @param {Values} values
 * @param {string[]} secret
 * @param {string} id
 * @param {SessionData} session
 */
async function storeSession(values, secret, id, session) {
  const fromProject = createRequire(`${process.cwd()}/`)
  /** @returns {any} the project's own module (its types are the project's, not ours) */
  const load = (/** @type {string} */ name) => {
    try {
      return fromProject(name)
    } catch {
      return null
    }
  }
  const nodeRedis = load('redis')
  const ioredis = nodeRedis ? null : load('ioredis')
  if (!nodeRedis && !ioredis) throw new Failure('ERR_NO_REDIS_CLIENT', 'neither redis (node-redis) nor ioredis is installed in this project: npm install redis')
  // One attempt to connect, no reconnecting: an unreachable Redis is an error, not a wait.
  const client = nodeRedis
    ? nodeRedis.createClient({ url: values.redis, socket: { reconnectStrategy: false } })
    : new ioredis.Redis(values.redis, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 1 })
  /** @type {Error | undefined} */
  let failure
  client.on('error', (/** @type {Error} */ error) => (failure ??= error))
  try {
    await client.connect()
    const shards = values.shards === undefined ? undefined : wholeSeconds(values.shards, '--shards')
    const { createRedisSessionStore } = require('../redis/index.js')
    await createRedisSessionStore({ client, secret, ...(values.prefix !== undefined && { prefix: values.prefix }), ...(shards !== undefined && { shards }) }).set(id, session)
  } catch (caught) {
    const error = /** @type {{ code?: string, message?: string }} */ (caught)
    throw new Failure(error.code ?? 'ERR_STORE_COMMAND', `could not store the session in ${values.redis}: ${error.message ?? failure?.message}`)
  } finally {
    try {
      if (typeof client.call === 'function') client.disconnect() // ioredis
      else if (typeof client.destroy === 'function') client.destroy() // node-redis v5, v6
      else await client.disconnect() // node-redis v4
    } catch {
      // never connected, or closed already
    }
  }
}

async function demo() {
  const now = Math.floor(Date.now() / 1000)
  const secret = randomBytes(32).toString('hex')
  const session = {
    user: { sub: 'auth0|5f7c8ec7c33c6c004bbafe82', name: 'Jane Doe', email: 'jane@example.com', email_verified: true },
    tokenSet: { accessToken: randomBytes(48).toString('base64url'), scope: 'openid profile email', expiresAt: now + 3600 },
    internal: { sid: randomBytes(16).toString('hex'), createdAt: now },
  }
  const cipher = new addon.SessionCipher({ secret })
  const cookie = cipher.seal(session, now + 86400)
  const unsealed = cipher.unseal(cookie)
  if (!unsealed) throw new Failure('ERR_DEMO_MISMATCH', 'session-seal did not open the cookie it sealed')
  print(`${bold('1.')} a secret was generated (32 random bytes; never printed)`)
  print(`${bold('2.')} session-seal sealed a sample session into a __session cookie of ${cookie.length} bytes:`)
  print(`   ${dim(cookie.slice(0, 76))}…`)
  print(`${bold('3.')} session-seal unsealed it: ${JSON.stringify(unsealed.user)}`)
  let sdk
  try {
    sdk = await import(require.resolve('@auth0/nextjs-auth0').replace(/client[\\/]index\.js$/, 'server/cookies.js'))
  } catch {
    print(`${bold('4.')} (the @auth0/nextjs-auth0 dev dependency is not installed: skipping the SDK read)`)
    return
  }
  const read = await sdk.decrypt(cookie, secret)
  const same = JSON.stringify(read?.payload) === JSON.stringify(unsealed)
  print(`${bold('4.')} @auth0/nextjs-auth0's own decrypt read the same cookie: ${JSON.stringify(read?.payload.user)}`)
  print(`   ${same ? green('identical session, exp included') : red('DIFFERENT — please report this')}`)
  if (!same) throw new Failure('ERR_DEMO_MISMATCH', 'the SDK read a different session')
  const sdkCookie = await sdk.encrypt(session, secret, now + 86400)
  print(`${bold('5.')} and a cookie sealed by the SDK opens here too: ${JSON.stringify(cipher.unseal(sdkCookie)?.user)}`)
  print()
  print(`Next: ${bold('npm test')} runs every test; ${bold('npx session-seal --help')} lists the commands.`)
}

async function main(/** @type {string[]} */ argv) {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    print(mainHelp())
    return name ? 0 : 2
  }
  if (!Object.hasOwn(COMMANDS, name)) throw usageError(`unknown command ${JSON.stringify(name)} (commands: ${Object.keys(COMMANDS).join(', ')})`)
  const { values, positionals } = parse(name, rest)
  if (values.help) {
    print(helpText(name))
    return 0
  }
  await COMMANDS[name].run(values, positionals)
  return process.exitCode ?? 0
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status
  },
  (error) => {
    const { code, message } = /** @type {{ code?: unknown, message?: unknown }} */ (Object(error))
    const shown = typeof code === 'string' ? code : 'ERR_UNEXPECTED'
    process.stderr.write(`${paint('31', colourful(process.stderr))('session-seal:')} ${shown}: ${message ?? error}\n`)
    process.exitCode = error instanceof Failure ? error.status : 1
  },
)
