// Answers about cookie size: sizeReport (and SessionCookies.sizeReport) against the real @auth0/nextjs-auth0
// 4.30.0 stateless store writing the same random session (its JWE's length, its chunks, its Set-Cookie lines,
// the Cookie header a browser sends back), member bytes against JSON.stringify; the write warnings once per
// cause per process (a fresh process each, so the record is fresh), never with a value; oversize: "throw"
// and its code, in SessionCookies and in session-seal/next.

import { describe, test, expect } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { repoRoot } from '../scripts/lib/repo.mjs';
import { loadAddon } from './helpers/fixtures.mjs';
import {
  cookieSuite,
  sdk,
  StatelessSessionStore,
  randomSecret,
  randomText,
  clone,
  freeze,
  makeSession,
  requestCookies,
  sdkEntries,
  browserApply,
  withoutUnheldSweeps,
} from './helpers/cookies.mjs';

const { sizeReport, SessionCookies, generateSessionCookie } = loadAddon();

cookieSuite();

const bytes = (text) => Buffer.byteLength(text);
const memberBytes = (key, value) => bytes(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** What the report must say of `session`'s members, computed here from JSON.stringify alone. */
function expectedMembers(session) {
  const members = Object.entries(session).map(([k, v]) => ({ path: k, bytes: memberBytes(k, v) }));
  const userClaims = Object.entries(session.user).map(([k, v]) => ({ path: `user.${k}`, bytes: memberBytes(k, v) }));
  const candidates = Object.entries(session).flatMap(([k, v]) =>
    isObject(v) && Object.keys(v).length
      ? Object.entries(v).map(([k2, v2]) => ({ path: `${k}.${k2}`, bytes: memberBytes(k2, v2) }))
      : [{ path: k, bytes: memberBytes(k, v) }],
  );
  const largest = candidates.sort((a, b) => b.bytes - a.bytes).slice(0, 3);
  return { members, userClaims, largest, sessionBytes: bytes(JSON.stringify(session)) };
}

/** The SDK's stateless store writing `session` into an empty request: its list and its header lines. */
async function sdkWrite(secret, session, config = {}) {
  const headers = new Headers();
  const res = new sdk.ResponseCookies(headers);
  await new StatelessSessionStore({ secret, ...config }).set(requestCookies(''), res, clone(session));
  const entries = sdkEntries(res);
  const name = config.cookieOptions?.name ?? '__session';
  // The SDK also sweeps chunk names above __4 that no request holds (helpers/cookies.mjs): not ours to count.
  const kept = new Set(withoutUnheldSweeps(entries, '', name).map((c) => c.name));
  const lines = headers.getSetCookie().filter((line) => kept.has(line.slice(0, line.indexOf('='))));
  const set = entries.filter((c) => c.value !== '' && c.options.maxAge !== 0);
  return { entries, lines, set, name };
}

// Around one cookie, around the chunk boundary (3500 characters), a few chunks, past 8 KB and 16 KB of
// headers, a 40 KB session; plus random sizes, connection token sets and non-ASCII claims.
const SIZES = [0, 1500, 2400, 2500, 2600, 2700, 5000, 8000, 12000, 30000, ...Array.from({ length: 8 }, () => randomInt(0, 40000))];

describe('sizeReport against the SDK writing the same session', () => {
  test.each(SIZES)('user.blob of %i characters: sealed length, chunks, bytes and headers are those the SDK writes', async (extra) => {
    const secret = randomSecret();
    const session = makeSession({ extra, connections: extra % 3 === 0 ? 0 : randomInt(0, 3) });
    session.user.name = `Zoë ${randomText(4)} 🚀`; // UTF-8 bytes, not characters
    const now = freeze();
    const report = sizeReport(clone(session), { now });
    const theirs = await sdkWrite(secret, session);
    const sessionCookies = theirs.set.filter((c) => c.name === '__session' || /^__session__\d+$/.test(c.name));

    expect(report).toMatchObject(expectedMembers(session));
    expect(report.sealedBytes).toBe(sessionCookies.reduce((n, c) => n + c.value.length, 0));
    expect(report.chunks).toBe(sessionCookies.length);
    // docs/cookie-size.md's rule: 81 bytes (header, IV, tag) more than 4/3 of the JSON sealed, which is the
    // session without connectionTokenSets, with its exp (a fresh session rolls a day ahead).
    const { connectionTokenSets, ...sealed } = session;
    expect(report.sealedBytes).toBe(81 + Math.ceil((4 * bytes(JSON.stringify({ ...sealed, exp: now + 86400 }))) / 3));
    expect(report.cookieBytes).toBe(sessionCookies.reduce((n, c) => n + bytes(`${c.name}=${c.value}`), 0));
    expect(report.connectionCookies).toBe(session.connectionTokenSets?.length ?? 0);
    expect(report.requestHeaderBytes).toBe(bytes(`cookie: ${browserApply('', theirs.entries)}\r\n`));
    expect(report.responseHeaderBytes).toBe(theirs.lines.reduce((n, line) => n + bytes(`set-cookie: ${line}\r\n`), 0));
    const setLines = theirs.lines.filter((line) => theirs.set.some((c) => line.startsWith(`${c.name}=`)));
    expect(report.largestCookieBytes).toBe(Math.max(...setLines.map(bytes)));

    const headers = Math.max(report.requestHeaderBytes, report.responseHeaderBytes);
    expect(report.limits).toEqual([
      { name: 'cookie', limit: 4096, measured: report.largestCookieBytes, passes: report.largestCookieBytes <= 4096, description: expect.any(String) },
      { name: 'proxy', limit: 8192, measured: headers, passes: headers <= 8192, description: expect.any(String) },
      { name: 'node', limit: 16384, measured: headers, passes: headers <= 16384, description: expect.any(String) },
    ]);
  });

  test('SessionCookies.sizeReport counts its own cookie name and attributes, as the SDK writes them', async () => {
    const secret = randomSecret();
    const config = { cookieOptions: { name: 'app_sess', secure: true, domain: 'example.com', path: '/app', sameSite: 'strict' } };
    const session = makeSession({ extra: 9000 });
    const now = freeze();
    const report = new SessionCookies({ secret, ...config }).sizeReport(clone(session), { now });
    const theirs = await sdkWrite(secret, session, config);
    expect(report.chunks).toBe(theirs.set.length);
    expect(report.requestHeaderBytes).toBe(bytes(`cookie: ${browserApply('', theirs.entries)}\r\n`));
    expect(report.responseHeaderBytes).toBe(theirs.lines.reduce((n, line) => n + bytes(`set-cookie: ${line}\r\n`), 0));
    // The attributes make each line longer than with the defaults; the sealed value is the same length.
    const defaults = sizeReport(clone(session), { now });
    expect(report.sealedBytes).toBe(defaults.sealedBytes);
    expect(report.responseHeaderBytes).toBeGreaterThan(defaults.responseHeaderBytes);
  });

  test('a 40 KB session: 12+ cookies, over 8 KB and 16 KB of headers, each cookie under 4096', () => {
    const session = makeSession({ extra: 30000 });
    const report = sizeReport(session);
    expect(report.sessionBytes).toBeGreaterThan(30000);
    expect(report.chunks).toBe(Math.ceil(report.sealedBytes / 3500));
    expect(report.chunks).toBeGreaterThanOrEqual(12);
    expect(report.limits.map((c) => [c.name, c.passes])).toEqual([['cookie', true], ['proxy', false], ['node', false]]);
    expect(report.largest[0]).toEqual({ path: 'user.blob', bytes: memberBytes('blob', session.user.blob) });
  });

  test('what no store would write is refused with a code, never measured', () => {
    const code = (f) => {
      try {
        f();
      } catch (e) {
        return e.code;
      }
    };
    expect(code(() => sizeReport({ user: { sub: 'a' } }))).toBe('ERR_SESSION_INVALID');
    expect(code(() => sizeReport('{}'))).toBe('ERR_INVALID_ARG_TYPE');
    expect(code(() => sizeReport(makeSession(), { now: Date.now() }))).toBe('ERR_INVALID_ARG_VALUE');
  });
});

// ---------------------------------------------------------------------------------------------------------
// The warnings: a fresh process each, so the once-per-process record starts empty

/** Runs `body` in a fresh Node process with `input` as `input`; the process warnings it emitted and its output. */
function inProcess(body, input) {
  const script = `
    const warnings = [];
    process.on('warning', (w) => w.name === 'SessionSealWarning' && warnings.push({ name: w.name, code: w.code, message: w.message }));
    const addon = require(${JSON.stringify(path.join(repoRoot, 'index.js'))});
    const next = require(${JSON.stringify(path.join(repoRoot, 'next', 'index.js'))});
    const input = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
    (async () => { ${body} })().then(
      (result) => setImmediate(() => console.log(JSON.stringify({ warnings, result }))),
      (e) => { console.error(e); process.exit(1); },
    );
  `;
  // A fresh Node loading the addon (the WebAssembly one in the WASM run: the environment is passed on); the
  // limit only bounds a hang.
  const run = spawnSync(process.execPath, ['--no-deprecation', '-e', script], { input: JSON.stringify(input), encoding: 'utf8', timeout: 120_000 });
  expect(run.stderr).not.toMatch(/Error/);
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout.trim().split('\n').pop());
}

/** Sessions sized for each cause: one cookie, two chunks, over 8 KB of headers, over 16 KB (a 40 KB session). */
function sessionsByCause() {
  return {
    small: makeSession(),
    chunked: makeSession({ extra: 3000 }),
    over8: makeSession({ extra: 7000 }),
    over16: makeSession({ extra: 30000 }),
  };
}

const CODES = { chunked: 'SESSION_SEAL_SESSION_CHUNKED', over8: 'SESSION_SEAL_HEADERS_OVER_8KB', over16: 'SESSION_SEAL_HEADERS_OVER_16KB' };

describe('writes over a limit warn once per cause per process, with sizes and paths, never values', () => {
  test('SessionCookies.write and writeWithBudget: one warning for each cause, in the order reached, none twice', () => {
    const sessions = sessionsByCause();
    const secret = randomSecret();
    const { warnings, result } = inProcess(
      `
      const cookies = new addon.SessionCookies({ secret: input.secret });
      const s = input.sessions;
      const counts = [];
      for (const session of [s.small, s.chunked, s.chunked, s.over8, s.small, s.over16, s.over8, s.chunked, s.over16]) {
        counts.push(cookies.write(session, '').filter((c) => c.value).length);
        cookies.writeWithBudget(session, '');
      }
      return { counts, reports: Object.fromEntries(Object.entries(s).map(([k, v]) => [k, addon.sizeReport(v)])) };
      `,
      { sessions, secret },
    );
    expect(warnings.map((w) => [w.name, w.code])).toEqual([
      ['SessionSealWarning', CODES.chunked],
      ['SessionSealWarning', CODES.over8],
      ['SessionSealWarning', CODES.over16],
    ]);
    // Every write went through: the warnings block nothing.
    expect(result.counts[0]).toBe(1);
    expect(result.counts.slice(1, 3)).toEqual([2, 2]);
    for (const [i, cause] of [[0, 'chunked'], [1, 'over8'], [2, 'over16']]) {
      const { message } = warnings[i];
      const report = result.reports[cause];
      const expected = expectedMembers(sessions[cause]);
      expect(report.largest).toEqual(expected.largest);
      // The total, the chunk count, the three largest members by path with their size.
      expect(message).toMatch(new RegExp(`^session-seal: the session cookie is \\d+\\.\\d KB sealed \\(\\d+\\.\\d KB of session JSON\\) in ${report.chunks} cookies, \\d+\\.\\d KB of headers`));
      for (const m of expected.largest) expect(message).toMatch(new RegExp(`${m.path.replace('.', '\\.')} (\\d+ B|\\d+\\.\\d KB)`));
      expect(message).toContain('beforeSessionSaved');
      if (cause !== 'chunked') expect(message).toContain("a proxy's 8 KB header limit");
      if (cause === 'over16') expect(message).toContain("Node's 16 KB default max header size");
      expectNoValues(message, sessions[cause], secret);
    }
  });

  test('a connection token set over 4096 bytes (its own cookie, never chunked): SESSION_SEAL_COOKIE_OVER_4KB, once', () => {
    const session = makeSession({ connections: 1 });
    session.connectionTokenSets[0].accessToken = randomText(3500);
    const secret = randomSecret();
    const { warnings, result } = inProcess(
      `
      const cookies = new addon.SessionCookies({ secret: input.secret });
      const lines = cookies.write(input.session, '').map((c) => addon.serializeSetCookie(c));
      cookies.write(input.session, '');
      return { lines, report: addon.sizeReport(input.session) };
      `,
      { session, secret },
    );
    expect(warnings.map((w) => w.code)).toEqual(['SESSION_SEAL_COOKIE_OVER_4KB']);
    const fc = result.lines.find((line) => line.startsWith('__FC_0='));
    expect(bytes(fc)).toBeGreaterThan(4096);
    expect(result.report.largestCookieBytes).toBe(bytes(fc));
    expect(warnings[0].message).toContain(' in 1 cookie, ');
    expect(warnings[0].message).toContain('over the 4096 bytes a browser guarantees one cookie');
    expect(warnings[0].message).toContain('Largest members: connectionTokenSets ');
    expectNoValues(warnings[0].message, session, secret);
    expect(warnings[0].message).not.toContain(session.connectionTokenSets[0].accessToken.slice(0, 12));
  });

  test('session-seal/next updateSession: the 40 KB session warns once (the 16 KB cause) and is written all the same', () => {
    const { over16 } = sessionsByCause();
    const secret = randomSecret();
    const { warnings, result } = inProcess(
      `
      const { updateSession } = next.createSessions({ secret: input.secret });
      const current = await addon.generateSessionCookie({ user: { sub: 'auth0|me' } }, { secret: input.secret });
      const lines = [];
      for (let i = 0; i < 3; i++) {
        const headers = new Map();
        const res = { setHeader: (k, v) => headers.set(k, v), getHeader: (k) => headers.get(k) };
        await updateSession({ headers: { cookie: '__session=' + current } }, res, input.session);
        lines.push(headers.get('set-cookie'));
      }
      return { lines, report: addon.sizeReport(input.session) };
      `,
      { session: over16, secret },
    );
    expect(warnings.map((w) => w.code)).toEqual([CODES.over16]);
    const written = result.lines[2].filter((line) => /^__session__\d+=[^;]/.test(line));
    expect(written).toHaveLength(result.report.chunks);
    expect(warnings[0].message).toContain(` in ${written.length} cookies, `);
    expectNoValues(warnings[0].message, over16, secret);
  });
});

/** No value of the session (tokens, claims), nor the secret, is in `text`. */
function expectNoValues(text, session, secret) {
  expect(text).not.toContain(secret);
  for (const value of [session.tokenSet.accessToken, session.tokenSet.idToken, session.tokenSet.refreshToken, session.user.sub, session.user.email, session.user.blob, session.internal.sid]) {
    if (value) expect(text).not.toContain(value.slice(0, 12));
  }
}

// ---------------------------------------------------------------------------------------------------------
// oversize: "throw", for CI

describe('oversize: "throw" turns every cause into ERR_SESSION_TOO_LARGE, and nothing is written', () => {
  const thrown = (f) => {
    try {
      f();
    } catch (e) {
      return { code: e.code, message: e.message };
    }
    throw new Error('did not throw');
  };

  test('SessionCookies: write, writeWithBudget and updateSession refuse a chunked session; one cookie passes', async () => {
    const secret = randomSecret();
    const cookies = new SessionCookies({ secret, oversize: 'throw' });
    const { small, chunked, over16 } = sessionsByCause();
    expect(cookies.write(clone(small), '').filter((c) => c.value)).toHaveLength(1);
    for (const session of [chunked, over16]) {
      const report = sizeReport(clone(session));
      for (const error of [thrown(() => cookies.write(clone(session), '')), thrown(() => cookies.writeWithBudget(clone(session), ''))]) {
        expect(error.code).toBe('ERR_SESSION_TOO_LARGE');
        expect(error.message).toContain(` in ${report.chunks} cookies, `);
        for (const m of report.largest) expect(error.message).toContain(m.path);
        expectNoValues(error.message, session, secret);
      }
    }
    const current = `__session=${await generateSessionCookie({ user: { sub: 'auth0|me' } }, { secret })}`;
    expect(thrown(() => cookies.updateSession(current, clone(over16))).code).toBe('ERR_SESSION_TOO_LARGE');
    expect(cookies.updateSession(current, clone(small)).cookies.filter((c) => c.value)).toHaveLength(1);
  });

  test('session-seal/next: createSessions({ oversize: "throw" }).updateSession rejects with the code, the response untouched', async () => {
    const secret = randomSecret();
    const { createSessions } = await import('../next/index.js');
    const { updateSession } = createSessions({ secret, oversize: 'throw' });
    const current = await generateSessionCookie({ user: { sub: 'auth0|me' } }, { secret });
    const headers = new Map();
    const res = { setHeader: (k, v) => headers.set(k, v), getHeader: (k) => headers.get(k) };
    const session = makeSession({ extra: 7000 });
    const error = await updateSession({ headers: { cookie: `__session=${current}` } }, res, clone(session)).catch((e) => e);
    expect(error.code).toBe('ERR_SESSION_TOO_LARGE');
    expect(error.message).toContain("a proxy's 8 KB header limit");
    expectNoValues(error.message, session, secret);
    expect(headers.size).toBe(0);
  });

  test('an oversize option of another value is refused by name', () => {
    expect(thrown(() => new SessionCookies({ secret: randomSecret(), oversize: 'loud' }))).toEqual({
      code: 'ERR_INVALID_ARG_VALUE',
      message: 'options.oversize must be "warn" or "throw"',
    });
  });
});
