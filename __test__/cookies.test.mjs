// The cookie layer (SessionCookies, planChunkedCookie, serializeSetCookie, the test-cookie helpers) against
// the real @auth0/nextjs-auth0 4.30.0 code: its server/cookies.js (setChunkedCookie, getChunkedCookie,
// decrypt, sign) and its stateless and stateful session stores, with its own RequestCookies/ResponseCookies.
// Fresh random secrets and sessions on every run; the stored vectors in vectors/cookie-jars.json too.

import { describe, test, expect, beforeAll, beforeEach, afterEach, jest } from '@jest/globals';
import { createRequire } from 'node:module';
import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const addon = require('../index.js');
const cookiePackage = require('cookie');
const { SessionCookies, planChunkedCookie, serializeSetCookie, generateSessionCookie, generateStatefulSessionCookie } =
  addon;

const sdkModule = (file) =>
  import(pathToFileURL(path.join(root, 'node_modules/@auth0/nextjs-auth0/dist', file)).href);

let sdk; // server/cookies.js: encrypt, decrypt, sign, setChunkedCookie, getChunkedCookie, RequestCookies, ResponseCookies
let StatelessSessionStore;
let StatefulSessionStore;
let normalizeStatelessSession;
let sdkGenerateSessionCookie;

beforeAll(async () => {
  sdk = await sdkModule('server/cookies.js');
  ({ StatelessSessionStore } = await sdkModule('server/session/stateless-session-store.js'));
  ({ StatefulSessionStore } = await sdkModule('server/session/stateful-session-store.js'));
  ({ normalizeStatelessSession } = await sdkModule('server/session/normalize-session.js'));
  ({ generateSessionCookie: sdkGenerateSessionCookie } = await sdkModule('testing/generate-session-cookie.js'));
});

let warnings;
beforeEach(() => {
  // The SDK warns about incomplete chunks and large cookies; keep what it says for the tests that care.
  warnings = [];
  jest.spyOn(console, 'warn').mockImplementation((...args) => warnings.push(args.join(' ')));
});
afterEach(() => jest.restoreAllMocks());

// ---------------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------------

const DAY = 86400;
const realNow = () => Math.floor(Date.now() / 1000);
const randomSecret = () => randomBytes(32).toString('hex');
const randomText = (n) => randomBytes(Math.ceil((n * 3) / 4) + 3).toString('base64url').slice(0, n);
const clone = (v) => structuredClone(v);

/** Freezes `Date.now()` (the SDK's clock and edge-runtime's `Expires`) at `seconds` + a fraction. */
function freeze(seconds = realNow()) {
  jest.spyOn(Date, 'now').mockReturnValue(seconds * 1000 + randomInt(0, 1000));
  return seconds;
}

function makeSession({ extra = 0, connections = 0, createdAt = realNow() } = {}) {
  const session = {
    user: {
      sub: `auth0|${randomText(24)}`,
      name: randomText(12),
      email: `${randomText(8).toLowerCase()}@example.com`,
      email_verified: true,
      sid: randomText(16),
    },
    tokenSet: {
      accessToken: randomText(64),
      idToken: randomText(120),
      refreshToken: randomText(40),
      scope: 'openid profile email offline_access',
      expiresAt: realNow() + 3600,
    },
    internal: { sid: randomText(16), createdAt },
  };
  if (extra) session.user.blob = randomText(extra);
  if (connections) {
    session.connectionTokenSets = Array.from({ length: connections }, (_, i) => ({
      accessToken: randomText(48),
      scope: 'read:calendar',
      expiresAt: realNow() + 3600,
      connection: `google-oauth2-${i}`,
    }));
  }
  return session;
}

// Sizes chosen around the SDK's limits: one cookie, just over 3500 bytes, 3 chunks, more than MAX_CHUNKS (5).
const SIZES = [
  ['small', () => makeSession()],
  ['one chunk short of the limit', () => makeSession({ extra: randomInt(1500, 2000) })],
  ['two chunks', () => makeSession({ extra: randomInt(2800, 4000) })],
  ['three chunks', () => makeSession({ extra: randomInt(5500, 6500) })],
  ['seven+ chunks', () => makeSession({ extra: randomInt(17000, 19000) })],
];

const PRIOR_JARS = [
  ['empty', ''],
  ['an unchunked session', '__session=old'],
  ['three chunks', '__session__0=a; __session__1=b; __session__2=c; theme=dark'],
  ['nine chunks (past MAX_CHUNKS)', Array.from({ length: 9 }, (_, i) => `__session__${i}=x${i}`).join('; ')],
  ['a lone high chunk', 'other=1; __session__7=z'],
  ['a v3 appSession', 'appSession=legacy; theme=dark'],
  ['v3 appSession chunks', 'appSession.1=b; appSession.0=a; x=%20y'],
  ['v3 chunks with a gap', 'appSession.0=a; appSession.2=c'],
  ['a zero-padded chunk name', '__session__01=x; __session__3=y'],
  ['connection cookies', '__FC_0=a; __FC_1=b; __FC_2=c; __FCx=keep; __FC_y=keep'],
  ['a tricky header', '  a=1;b=%E2%82%AC;  c = 3 ; flag; a=4; bad=%zz; =x; __session__2=%41; e=%F0%9F%98%80'],
];

const STORE_CONFIGS = [
  ['defaults', {}],
  [
    'custom attributes',
    {
      absoluteDuration: 7200,
      inactivityDuration: 1800,
      cookieOptions: { sameSite: 'strict', secure: true, path: '/app', domain: 'example.com' },
    },
  ],
  ['transient, not rolling', { rolling: false, absoluteDuration: 600, cookieOptions: { transient: true } }],
  ['a custom cookie name', { cookieOptions: { name: 'my_session', sameSite: 'none', secure: true } }],
];

const requestCookies = (header) => new sdk.RequestCookies(new Headers(header ? { cookie: header } : {}));
const compact = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** A ResponseCookies' entries in our SetCookie shape (edge-runtime's computed `expires` and the SDK's `transient` left out). */
const sdkEntries = (res) =>
  res.getAll().map(({ name, value, expires, transient, ...options }) => ({ name, value, options: compact(options) }));

/** What a browser holding `priorHeader` sends after applying a Set-Cookie list. */
function browserApply(priorHeader, setCookies) {
  const jar = new Map(requestCookies(priorHeader).getAll().map((c) => [c.name, c.value]));
  for (const c of setCookies) {
    if (c.options.maxAge === 0) jar.delete(c.name);
    else jar.set(c.name, c.value);
  }
  return [...jar].map(([n, v]) => `${n}=${encodeURIComponent(v)}`).join('; ');
}

/** The session cookie's value in a Set-Cookie list: itself, or its chunks joined in order. */
function sessionValue(list, name) {
  const set = list.filter((c) => c.options.maxAge !== 0 && c.value !== '');
  const single = set.find((c) => c.name === name);
  if (single) return single.value;
  return set
    .filter((c) => c.name.startsWith(`${name}__`))
    .sort((a, b) => Number(a.name.slice(name.length + 2)) - Number(b.name.slice(name.length + 2)))
    .map((c) => c.value)
    .join('');
}

/**
 * The SDK stores connection token sets inside `Promise.all`, so the `__FC_i` cookies it sets land in its
 * response in whatever order their encryptions finish. Put them in index order (in the same slots) so the
 * rest of the list can be compared exactly; ours are always in index order.
 */
function fcInIndexOrder(list) {
  const isSetFc = (c) => /^__FC_\d+$/.test(c.name) && c.options.maxAge !== 0;
  const sorted = list.filter(isSetFc).sort((a, b) => Number(a.name.slice(5)) - Number(b.name.slice(5)));
  return list.map((c) => (isSetFc(c) ? sorted.shift() : c));
}

/** Same entries, names, order and attributes; sealed values compared by what they decrypt to. */
async function expectSameWrite(ours, theirsAsWritten, secret, cookieName) {
  const theirs = fcInIndexOrder(theirsAsWritten);
  expect(ours.map((c) => c.name)).toEqual(theirs.map((c) => c.name));
  for (const [i, t] of theirs.entries()) {
    expect(ours[i].options).toEqual(t.options);
    if (t.value === '') expect(ours[i].value).toBe('');
    else expect(ours[i].value.length).toBe(t.value.length);
  }
  const [a, b] = [sessionValue(ours, cookieName), sessionValue(theirs, cookieName)];
  expect((await sdk.decrypt(a, secret)).payload).toEqual((await sdk.decrypt(b, secret)).payload);
  for (const t of theirs.filter((c) => /^__FC_\d+$/.test(c.name) && c.value)) {
    const o = ours.find((c) => c.name === t.name);
    expect((await sdk.decrypt(o.value, secret)).payload).toEqual((await sdk.decrypt(t.value, secret)).payload);
  }
}

/** The SDK's stateless store writing `session` into a request holding `priorHeader`. */
async function sdkStatelessWrite(config, secret, session, priorHeader) {
  const store = new StatelessSessionStore({ secret, ...config });
  const req = requestCookies(priorHeader);
  const res = new sdk.ResponseCookies(new Headers());
  await store.set(req, res, clone(session));
  return { store, req, res, entries: sdkEntries(res) };
}

const nameOf = (config) => config.cookieOptions?.name ?? '__session';

// ---------------------------------------------------------------------------------------------------
// setChunkedCookie, exactly: the same JWE into the same jar
// ---------------------------------------------------------------------------------------------------

const CHUNK_OPTIONS = [
  ['store defaults', { httpOnly: true, sameSite: 'lax', secure: false, path: '/', maxAge: DAY }],
  ['custom', { httpOnly: true, sameSite: 'strict', secure: true, path: '/app', domain: 'example.com', maxAge: 3600 }],
  ['transient', { httpOnly: true, sameSite: 'lax', secure: false, path: '/', maxAge: DAY, transient: true }],
  ['empty path, not httpOnly', { httpOnly: false, sameSite: 'none', secure: true, path: '', maxAge: 60 }],
];

describe('planChunkedCookie is the SDK setChunkedCookie', () => {
  describe.each(SIZES)('%s session', (_label, make) => {
    test.each(PRIOR_JARS)('into a jar with %s: same list, header lines, bytes and request header', async (_j, prior) => {
      const secret = randomSecret();
      const jwe = await sdk.encrypt(make(), secret, realNow() + DAY);
      for (const [, options] of CHUNK_OPTIONS) {
        const now = freeze();
        const reqHeaders = new Headers(prior ? { cookie: prior } : {});
        const req = new sdk.RequestCookies(reqHeaders);
        const resHeaders = new Headers();
        const res = new sdk.ResponseCookies(resHeaders);
        const bytes = sdk.setChunkedCookie('__session', jwe, { ...options }, req, res);

        const plan = planChunkedCookie('__session', jwe, options, prior);
        expect(plan.cookies).toEqual(sdkEntries(res));
        expect(plan.bytes).toBe(bytes);
        expect(plan.requestCookieHeader).toBe(reqHeaders.get('cookie'));
        expect(plan.cookies.map((c) => serializeSetCookie(c, { now: Date.now() / 1000 }))).toEqual(
          resHeaders.getSetCookie(),
        );
        expect(now).toBe(Math.floor(Date.now() / 1000));
      }
    });
  });

  test.each([3499, 3500, 3501, 7000, 7001, 17500, 17501])(
    'a %d-byte value splits where the SDK splits it',
    (length) => {
      const value = randomText(length);
      const req = requestCookies('__session__5=x');
      const res = new sdk.ResponseCookies(new Headers());
      const options = { httpOnly: true, sameSite: 'lax', secure: false, path: '/', maxAge: 5 };
      const bytes = sdk.setChunkedCookie('__session', value, { ...options }, req, res);
      // Absent options are the store's defaults.
      const plan = planChunkedCookie('__session', value, { maxAge: 5 }, '__session__5=x');
      expect(plan.cookies).toEqual(sdkEntries(res));
      expect(plan.bytes).toBe(bytes);
    },
  );

  test('non-ASCII values: byte length decides chunking, UTF-16 units decide the cuts', () => {
    const value = `${'a'.repeat(3000)}${'€'.repeat(300)}`; // 3300 units, 3900 bytes: chunked, one chunk
    const req = requestCookies('');
    const res = new sdk.ResponseCookies(new Headers());
    const bytes = sdk.setChunkedCookie('s', value, { httpOnly: true, sameSite: 'lax', secure: false, path: '/' }, req, res);
    const plan = planChunkedCookie('s', value, {}, '');
    expect(plan.cookies).toEqual(sdkEntries(res));
    expect(plan.bytes).toBe(bytes);
    // A cut through a surrogate pair would hand the SDK a lone surrogate; we refuse it.
    expect(() => planChunkedCookie('s', `${'a'.repeat(3499)}😀😀`, {}, '')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });

  test('a hostile chunk index does not make a billion deletions', () => {
    const plan = planChunkedCookie('__session', 'v', { maxAge: 1 }, '__session__999999999=x; __session__4=y');
    expect(plan.cookies.length).toBe(1 + 256 + 1);
    expect(plan.cookies.at(-1)).toEqual(expect.objectContaining({ name: '__session__999999999', value: '' }));
    expect(plan.requestCookieHeader).toBe('__session=v');
  });
});

// ---------------------------------------------------------------------------------------------------
// The stateless store: write, read, clear
// ---------------------------------------------------------------------------------------------------

describe.each(STORE_CONFIGS)('SessionCookies with %s', (_c, config) => {
  const cookieName = nameOf(config);
  const prefixed = (header) => header.replaceAll('__session', cookieName);

  describe.each(SIZES)('%s session', (_s, make) => {
    test.each(PRIOR_JARS)('write into a jar with %s equals the SDK store set', async (_j, rawPrior) => {
      const prior = prefixed(rawPrior);
      const secret = randomSecret();
      const cookies = new SessionCookies({ secret, ...config });
      const session = make();
      freeze();
      const theirs = await sdkStatelessWrite(config, secret, session, prior);
      const ours = cookies.writeWithBudget(clone(session), prior, { now: Date.now() / 1000 });

      await expectSameWrite(ours.cookies, theirs.entries, secret, cookieName);
      expect(cookies.write(clone(session), prior, { now: Date.now() / 1000 }).map((c) => c.name)).toEqual(
        ours.cookies.map((c) => c.name),
      );
      // The size budget: what setChunkedCookie returned, and the SDK's 4096-byte threshold.
      const setBytes = ours.cookies
        .filter((c) => (c.name === cookieName || c.name.startsWith(`${cookieName}__`)) && c.value)
        .reduce((sum, c) => sum + Buffer.byteLength(`${c.name}=${c.value}`), 0);
      expect(ours.bytes).toBe(setBytes);
      expect(ours.overBudget).toBe(setBytes >= 4096);
      // The request's cookies after the write: the same names in the same order, untouched values kept.
      const after = requestCookies(ours.requestCookieHeader).getAll();
      expect(after.map((c) => c.name)).toEqual(theirs.req.getAll().map((c) => c.name));
      const priorValues = new Map(requestCookies(prior).getAll().map((c) => [c.name, c.value]));
      for (const c of after) if (priorValues.has(c.name) && c.value === priorValues.get(c.name)) {
        expect(theirs.req.get(c.name).value).toBe(c.value);
      }
    });

    test('the SDK store reads what we wrote, and we read what the SDK wrote', async () => {
      const secret = randomSecret();
      const cookies = new SessionCookies({ secret, ...config });
      const session = make();
      const prior = prefixed('__session__0=a; __session__1=b; appSession=old');

      const ours = cookies.write(clone(session), prior);
      const browserAfterOurs = browserApply(prior, ours);
      const sdkRead = await new StatelessSessionStore({ secret, ...config }).get(requestCookies(browserAfterOurs));
      const { exp } = sdkRead;
      expect(exp).toBeGreaterThanOrEqual(realNow());
      expect(sdkRead).toEqual({ ...session, exp });
      expect(cookies.read(browserAfterOurs)).toEqual(sdkRead);
      const joined = sdk.getChunkedCookie(cookieName, requestCookies(browserAfterOurs));
      expect((await sdk.decrypt(joined, secret)).payload).toEqual({ ...session, exp });

      const theirs = await sdkStatelessWrite(config, secret, session, prior);
      const browserAfterTheirs = browserApply(prior, theirs.entries);
      const expected = await theirs.store.get(requestCookies(browserAfterTheirs));
      expect(expected).not.toBeNull();
      expect(cookies.read(browserAfterTheirs)).toEqual(expected);
      // Every form of CookieInput reads the same.
      const req = requestCookies(browserAfterTheirs);
      expect(cookies.read(req)).toEqual(expected);
      expect(cookies.read(req.getAll())).toEqual(expected);
      expect(cookies.read(Object.fromEntries(req.getAll().map((c) => [c.name, c.value])))).toEqual(expected);
    });
  });

  test('clear equals the SDK store delete, line for line', async () => {
    const secret = randomSecret();
    const cookies = new SessionCookies({ secret, ...config });
    for (const [, rawPrior] of PRIOR_JARS) {
      const prior = prefixed(rawPrior);
      freeze();
      const res = new sdk.ResponseCookies(new Headers());
      await new StatelessSessionStore({ secret, ...config }).delete(requestCookies(prior), res);
      const ours = cookies.clear(prior);
      expect(ours).toEqual(sdkEntries(res));
      expect(ours.map((c) => serializeSetCookie(c))).toEqual(res.getAll().map((c) => new sdk.ResponseCookies(new Headers()).set(c).toString()));
    }
  });
});

describe('connection token sets (__FC_i)', () => {
  test.each([
    [0, '__FC_0=a; __FC_1=b'],
    [1, '__FC_0=a; __FC_1=b; __FC_2=c'],
    [3, '__FC_1=b'],
    [2, '__FC_01=x; __FC_5=y; __FCcustom=z; __FC_=w'],
  ])('%d sets written over %s: same cookies and stale deletions as the SDK', async (count, prior) => {
    const secret = randomSecret();
    const session = makeSession({ connections: count });
    freeze();
    const theirs = await sdkStatelessWrite({}, secret, session, prior);
    const ours = new SessionCookies({ secret }).write(clone(session), prior, { now: Date.now() / 1000 });
    await expectSameWrite(ours, theirs.entries, secret, '__session');
  });

  test('read adds the sets that open, in jar order, and skips the rest, as the SDK does', async () => {
    const secret = randomSecret();
    const cookies = new SessionCookies({ secret });
    const session = makeSession({ connections: 2 });
    const written = cookies.write(clone(session), '');
    const value = (name) => written.find((c) => c.name === name).value;
    const now = realNow();
    const extras = {
      __FC_7: 'junk',
      __FC_3: await sdk.encrypt({ accessToken: 'expired', expiresAt: 1, connection: 'x' }, secret, now - 60),
      __FC_4: await sdk.encrypt({ accessToken: 'foreign', expiresAt: 1, connection: 'x' }, randomSecret(), now + 60),
      __FC_x: await sdk.encrypt({ accessToken: 'not-numeric', expiresAt: 1, connection: 'x' }, secret, now + 60),
      __FCcustom: await sdk.encrypt({ accessToken: 'custom', expiresAt: 1, connection: 'x' }, secret, now + 60),
      __FC_9: await sdk.encrypt({ accessToken: 'extra', expiresAt: 1, connection: 'z' }, secret, now + 60),
    };
    const jar = { __FC_9: extras.__FC_9, __session: value('__session'), __FC_1: value('__FC_1'), ...extras, __FC_0: value('__FC_0') };
    delete jar.__FC_9;
    const entries = [['__FC_9', extras.__FC_9], ...Object.entries(jar)];
    const header = entries.map(([n, v]) => `${n}=${v}`).join('; ');
    const expected = await new StatelessSessionStore({ secret }).get(requestCookies(header));
    expect(expected.connectionTokenSets.map((s) => s.accessToken)).toEqual([
      'extra',
      session.connectionTokenSets[1].accessToken,
      session.connectionTokenSets[0].accessToken,
    ]);
    expect(cookies.read(header)).toEqual(expected);

    // No set opens: the member is omitted, not empty.
    const none = `__session=${value('__session')}; __FC_0=junk`;
    expect(cookies.read(none)).toEqual(await new StatelessSessionStore({ secret }).get(requestCookies(none)));
    expect(cookies.read(none)).not.toHaveProperty('connectionTokenSets');
  });

  test('a session read back (exp members included) is written again as the SDK writes it', async () => {
    const secret = randomSecret();
    const cookies = new SessionCookies({ secret });
    const first = cookies.write(makeSession({ connections: 2, createdAt: realNow() - 7200 }), '');
    const header = browserApply('', first);
    const read = cookies.read(header);
    expect(read.exp).toEqual(expect.any(Number));
    expect(read.connectionTokenSets[0].exp).toEqual(expect.any(Number));
    freeze(realNow() + 5);
    const theirs = await sdkStatelessWrite({}, secret, read, header);
    const ours = cookies.write(clone(read), header, { now: Date.now() / 1000 });
    await expectSameWrite(ours, theirs.entries, secret, '__session');
  });

  test('an oversized connection cookie is reported as the SDK warns about it', async () => {
    const secret = randomSecret();
    const session = makeSession({ connections: 2 });
    session.connectionTokenSets[1].accessToken = randomText(3200);
    await sdkStatelessWrite({}, secret, session, '');
    const warned = warnings.filter((w) => w.includes('__FC_')).map((w) => /The (__FC_\d+) cookie/.exec(w)[1]);
    expect(warned).toEqual(['__FC_1']);
    expect(new SessionCookies({ secret }).writeWithBudget(session, '').oversizedCookies).toEqual(warned);
  });
});

describe('legacy v3 appSession cookies', () => {
  async function v3Cookie(secret, createdAt = realNow() - 3600) {
    const payload = {
      user: { sub: `auth0|${randomText(12)}`, sid: randomText(16), name: randomText(8) },
      idToken: randomText(400),
      accessToken: randomText(600),
      accessTokenScope: 'openid profile',
      accessTokenExpiresAt: realNow() + 600,
      refreshToken: randomText(40),
      blob: randomText(randomInt(6000, 9000)),
    };
    const exp = realNow() + DAY;
    return sdk.encrypt(payload, secret, exp, { iat: createdAt, uat: createdAt, exp });
  }

  const chunk = (value, size) => Array.from({ length: Math.ceil(value.length / size) }, (_, i) => value.slice(i * size, (i + 1) * size));
  const shuffle = (list) => list.map((v) => [randomInt(0, 1e9), v]).sort((a, b) => a[0] - b[0]).map(([, v]) => v);

  test('chunks in any order are joined and converted as the SDK does', async () => {
    const secret = randomSecret();
    const cookies = new SessionCookies({ secret });
    const value = await v3Cookie(secret);
    const pieces = chunk(value, randomInt(2000, 4000)).map((v, i) => `appSession.${i}=${v}`);
    expect(pieces.length).toBeGreaterThan(2);
    const header = shuffle([...pieces, 'theme=dark']).join('; ');
    const expected = await new StatelessSessionStore({ secret }).get(requestCookies(header));
    expect(expected.tokenSet.scope).toBe('openid profile');
    expect(cookies.read(header)).toEqual(expected);
  });

  test('a gap in the v3 chunks is no session; a gap in the v4 chunks falls back to v3, as in the SDK', async () => {
    const secret = randomSecret();
    const cookies = new SessionCookies({ secret });
    const pieces = chunk(await v3Cookie(secret), 3000).map((v, i) => `appSession.${i}=${v}`);
    const gap = pieces.filter((_, i) => i !== 1).join('; ');
    expect(await new StatelessSessionStore({ secret }).get(requestCookies(gap))).toBeNull();
    expect(cookies.read(gap)).toBeNull();

    const v4 = cookies.write(makeSession({ extra: 6000 }), '').filter((c) => c.value);
    const v4Gap = v4.filter((c) => c.name !== '__session__1').map((c) => `${c.name}=${c.value}`);
    const header = [...v4Gap, ...pieces].join('; ');
    const expected = await new StatelessSessionStore({ secret }).get(requestCookies(header));
    expect(expected.internal).toEqual(expect.objectContaining({ createdAt: expect.any(Number) }));
    expect(expected.tokenSet.scope).toBe('openid profile'); // the v3 session
    expect(cookies.read(header)).toEqual(expected);
  });

  test('writing a v4 session deletes the v3 cookie and its chunks, as the SDK does', async () => {
    const secret = randomSecret();
    const pieces = chunk(await v3Cookie(secret), 3000).map((v, i) => `appSession.${i}=${v}`);
    const prior = shuffle(pieces).join('; ');
    const session = makeSession();
    freeze();
    const theirs = await sdkStatelessWrite({}, secret, session, prior);
    const ours = new SessionCookies({ secret }).write(clone(session), prior, { now: Date.now() / 1000 });
    await expectSameWrite(ours, theirs.entries, secret, '__session');
    expect(ours.filter((c) => c.name.startsWith('appSession')).length).toBe(pieces.length + 1);
  });
});

// ---------------------------------------------------------------------------------------------------
// Rolling maxAge
// ---------------------------------------------------------------------------------------------------

describe("the IdP session ceiling (internal.sessionExpiresAt), as the SDK's getSession applies it", () => {
  let isSessionCeilingReached;
  beforeAll(async () => {
    ({ isSessionCeilingReached } = await sdkModule('utils/session-helpers.js'));
  });

  test.each([
    ['60 s past', -60],
    ['now', 0],
    ['20 s ahead (inside the 30 s leeway)', 20],
    ['30 s ahead (the leeway boundary)', 30],
    ['31 s ahead', 31],
    ['an hour ahead', 3600],
    ['absent', undefined],
    ['null', null],
    ['a numeric string 60 s past', 'string'],
  ])('%s: read gives null exactly when the SDK says the ceiling is reached', (_label, offset) => {
    const now = freeze();
    const secret = randomSecret();
    const cookies = new SessionCookies({ secret });
    const session = makeSession();
    session.internal.createdAt = now;
    const ceiling = offset === 'string' ? String(now - 60) : offset == null ? offset : now + offset;
    if (offset !== undefined) session.internal.sessionExpiresAt = ceiling;
    const jar = Object.fromEntries(
      cookies.write(session, '', { now, validate: typeof offset === 'number' || offset === undefined }).map((c) => [c.name, c.value]),
    );
    const reached = isSessionCeilingReached(session.internal.sessionExpiresAt);
    expect(typeof reached).toBe('boolean');
    const read = cookies.read(jar, { now });
    if (reached) expect(read).toBeNull();
    else {
      expect(read).not.toBeNull();
      expect(read.user).toEqual(session.user);
      expect(read.internal).toEqual(JSON.parse(JSON.stringify(session.internal)));
    }
  });
});

describe('rolling maxAge at the boundaries', () => {
  const cases = [
    ['a new session', 0],
    ['idle and absolute limits tie', -2 * DAY],
    ['one second past the tie', -2 * DAY - 1],
    ['one second left', -3 * DAY + 1],
    ['exactly expired', -3 * DAY],
    ['long expired', -10 * DAY],
    ['created in the future', 3600],
  ];
  test.each(cases)('%s: the same maxAge and exp as the SDK stores', async (_label, offset) => {
    for (const config of [{}, { rolling: false }, { absoluteDuration: 1000, inactivityDuration: 300 }]) {
      const secret = randomSecret();
      const now = freeze();
      const session = makeSession({ createdAt: now + offset });
      const theirs = await sdkStatelessWrite(config, secret, session, '');
      const ours = new SessionCookies({ secret, ...config }).write(clone(session), '', { now });
      const maxAge = theirs.entries[0].options.maxAge;
      expect(ours[0].options.maxAge).toBe(maxAge);
      const rolling = config.rolling ?? true;
      const absolute = config.absoluteDuration ?? 3 * DAY;
      const idle = config.inactivityDuration ?? DAY;
      const formula = rolling ? Math.max(0, Math.min(now + idle, now + offset + absolute) - now) : absolute;
      expect(maxAge).toBe(formula);
      // exp = now + maxAge; read it back through the JWE header-less payload (tolerance does not matter here).
      const opened = new addon.SessionCipher({ secret }).open(ours[0].value, { now });
      expect(opened.payload.exp).toBe(now + maxAge);

      // Stateful: the same rule for the { id } cookie.
      const store = { get: async () => ({}), set: async () => {}, delete: async () => {} };
      const res = new sdk.ResponseCookies(new Headers());
      await new StatefulSessionStore({ secret, store, ...config }).set(requestCookies(''), res, clone(session));
      const { id, cookies } = new SessionCookies({ secret, ...config }).writeSessionId(null, now + offset, '', { now });
      expect(cookies[0].options.maxAge).toBe(sdkEntries(res)[0].options.maxAge);
      expect(id).toMatch(/^[0-9a-f]{32}$/);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// Set-Cookie lines
// ---------------------------------------------------------------------------------------------------

describe('serializeSetCookie', () => {
  test('every entry of real writes is the SDK header line, and the cookie package parses it back', async () => {
    const secret = randomSecret();
    let checked = 0;
    for (const [, config] of STORE_CONFIGS) {
      const cookies = new SessionCookies({ secret, ...config });
      const now = freeze();
      const list = [
        ...cookies.write(makeSession({ extra: 5000, connections: 2 }), '__FC_3=x; appSession=y; __session__6=z'),
        ...cookies.clear('__session=a; __FC_0=b'),
        ...cookies.writeSessionId(null, now, 'appSession=x').cookies,
      ];
      for (const c of list) {
        const line = serializeSetCookie(c, { now: Date.now() / 1000 });
        const edge = new sdk.ResponseCookies(new Headers());
        edge.set(c.name, c.value, { ...c.options });
        expect(line).toBe(edge.toString());

        const parsed = cookiePackage.parseSetCookie(line);
        expect(parsed.name).toBe(c.name);
        expect(parsed.value).toBe(c.value);
        expect(parsed.httpOnly ?? false).toBe(c.options.httpOnly);
        expect(parsed.secure ?? false).toBe(c.options.secure);
        expect(parsed.path).toBe(c.options.path);
        expect(parsed.domain).toBe(c.options.domain);
        expect(parsed.sameSite).toBe(c.options.sameSite);
        expect(parsed.maxAge).toBe(c.options.maxAge);
        if (c.options.maxAge) expect(parsed.expires.getTime()).toBe((now + c.options.maxAge) * 1000);
        else expect(parsed.expires).toBeUndefined();
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  test('values are URI-encoded as the SDK encodes them, and refused names or attributes throw', () => {
    const c = { name: 'pref', value: 'a b;c,€ %', options: { httpOnly: false, secure: false, path: '/x y' } };
    const line = serializeSetCookie(c);
    expect(line).toBe(`pref=${encodeURIComponent(c.value)}; Path=/x y`);
    expect(cookiePackage.parseSetCookie(line).value).toBe(c.value);
    expect(cookiePackage.parse(line.split(';')[0]).pref).toBe(c.value);
    for (const bad of [
      { ...c, name: 'a;b' },
      { ...c, name: '' },
      { ...c, options: { path: '/\r\nSet-Cookie: x=1' } },
      { ...c, options: { domain: 'a;b' } },
      { ...c, options: { sameSite: 'sometimes' } },
    ]) {
      expect(() => serializeSetCookie(bad)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    }
    expect(() => serializeSetCookie({ name: 'a', value: 1 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => serializeSetCookie('a=b')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });
});

// ---------------------------------------------------------------------------------------------------
// Stateful sessions
// ---------------------------------------------------------------------------------------------------

describe('stateful session ids', () => {
  /** The id the SDK's stateful store looks up for a request (or null when it does not get that far). */
  async function sdkSessionId(secret, header, config = {}) {
    let asked = null;
    const store = { get: async (id) => ((asked = id), {}), set: async () => {}, delete: async () => {} };
    await new StatefulSessionStore({ secret, store, ...config }).get(requestCookies(header));
    return asked;
  }

  test('readSessionId finds the id the SDK finds, v3 signed cookies included', async () => {
    const secret = randomSecret();
    const cookies = new SessionCookies({ secret });
    const id = randomBytes(16).toString('hex');
    const now = realNow();
    const ours = cookies.writeSessionId(id, now, '').cookies[0].value;
    const sdkCookie = await sdk.encrypt({ id }, secret, now + 60);
    const cases = [
      `__session=${ours}`,
      `__session=${sdkCookie}`,
      `appSession=${ours}`,
      `appSession=${await sdk.sign('appSession', id, secret)}`,
      `__session=${await sdk.sign('__session', id, secret)}`,
      `__session=${await sdk.sign('appSession', id, secret)}`, // signed for another name
      `appSession=${await sdk.sign('appSession', id, randomSecret())}`,
      `__session=; appSession=${await sdk.sign('appSession', id, secret)}`,
      `__session=junk; appSession=${ours}`,
      `__session=${await sdk.encrypt({ id }, secret, now - 60)}`, // expired
      `__session=${await sdk.encrypt({ id: '' }, secret, now + 60)}`,
      `__session=${await sdk.encrypt({ id }, randomSecret(), now + 60)}`,
      `appSession=${id}`,
      '',
    ];
    for (const header of cases) {
      expect([header, cookies.readSessionId(header)]).toEqual([header, await sdkSessionId(secret, header)]);
    }
    expect(cookies.readSessionId(`__session=${ours}`)).toBe(id);
    expect(cookies.readSessionId(`appSession=${await sdk.sign('appSession', id, secret)}`)).toBe(id);
  });

  // Audit finding I3: the SDK's verifySigned decodes the signature with jose's forgiving base64url (Node's
  // atob): `=` padding, whitespace and non-zero stray bits in the last character still verify. The MAC must
  // still be the exact 32 bytes, so these spell the same signature; session-seal accepts what the SDK does.
  test('v3 signed cookies: every spelling of the signature the SDK accepts, and only those', async () => {
    const secret = randomSecret();
    const cookies = new SessionCookies({ secret });
    const id = randomBytes(16).toString('hex');
    const signed = await sdk.sign('appSession', id, secret);
    const [value, signature] = signed.split('.');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = signature.at(-1);
    // 43 characters hold 258 bits: the last character's low 2 bits are stray.
    const stray = alphabet[(alphabet.indexOf(last) & ~3) | ((alphabet.indexOf(last) + 1) & 3)];
    const spellings = [
      signature,
      `${signature}=`,
      `${signature}==`,
      `${signature.slice(0, -1)}${stray}`,
      `${signature.slice(0, 10)}\t${signature.slice(10)}`,
      `${signature.slice(0, 10)} ${signature.slice(10)}`,
      `${signature}.trailing.segments`,
      signature.replace(/-/g, '+').replace(/_/g, '/'),
      `${signature}===`,
      `=${signature}`,
      signature.slice(0, -1),
      `${signature}A`,
      '',
    ];
    let accepted = 0;
    for (const spelling of spellings) {
      const cookieValue = `${value}.${spelling}`;
      const theirs = (await sdk.verifySigned('appSession', cookieValue, secret)) ?? null;
      const expected = theirs === null ? null : theirs;
      expect([spelling, cookies.readSessionId({ appSession: cookieValue })]).toEqual([spelling, expected]);
      if (expected !== null) accepted++;
    }
    // The spellings above are chosen so that both answers occur.
    expect(accepted).toBeGreaterThanOrEqual(6);
    expect(accepted).toBeLessThan(spellings.length - 3);
  });

  // Audit finding L4: list and object jars over the 1 MiB cap were measured only after V8 had serialized
  // them (a 100 MB value cost 660 ms and 120 MB). They are now refused by their summed lengths first: a
  // toJSON on the jar (which JSON.stringify would call) shows whether it was serialized at all.
  test('oversized list and object jars are refused before they are serialized', () => {
    const thrown = (fn) => {
      try {
        fn();
      } catch (error) {
        return error;
      }
      return { code: 'no error' };
    };
    const cookies = new SessionCookies({ secret: randomSecret() });
    const big = 'x'.repeat(1 << 20);
    const surrogates = '\ud800'.repeat(1 << 20);
    const jars = {
      'a list with a huge value': [{ name: 'a', value: big }],
      'a list with a huge name': [{ name: big, value: 'v' }],
      'a list of many small cookies': Array.from({ length: 50_000 }, (_, i) => ({ name: `c${i}`, value: 'v'.repeat(20) })),
      'a list of lone surrogates': [{ name: 'a', value: surrogates }],
      'an object with a huge value': { a: big },
      'an object with a huge name': { [big]: 'v' },
      'an object of lone surrogates': { a: surrogates },
    };
    for (const [label, jar] of Object.entries(jars)) {
      let serialized = false;
      Object.defineProperty(jar, 'toJSON', {
        value() {
          serialized = true;
          return Array.isArray(this) ? [...this] : { ...this };
        },
        enumerable: false,
      });
      expect([label, cookies.read(jar)]).toEqual([label, null]);
      expect([label, thrown(() => cookies.clear(jar)).code]).toEqual([label, 'ERR_INPUT_TOO_LARGE']);
      expect([label, serialized]).toEqual([label, false]);
      // Through getAll() too.
      serialized = false;
      expect([label, thrown(() => cookies.clear({ getAll: () => jar })).code]).toEqual([label, 'ERR_INPUT_TOO_LARGE']);
      expect([label, serialized]).toEqual([label, false]);
    }
    // Just under the cap is read as before.
    expect(cookies.clear([{ name: 'a', value: 'x'.repeat(1000) }]).length).toBeGreaterThan(0);
    expect(cookies.clear({ a: 'x'.repeat(1000) }).length).toBeGreaterThan(0);
  });

  test('writeSessionId equals the SDK stateful store set; clearSessionId its delete', async () => {
    for (const [, config] of STORE_CONFIGS) {
      const secret = randomSecret();
      const cookies = new SessionCookies({ secret, ...config });
      const cookieName = nameOf(config);
      const id = randomBytes(16).toString('hex');
      const session = makeSession({ createdAt: realNow() - 5000 });
      const now = freeze();
      const existing = cookies.writeSessionId(id, session.internal.createdAt, '', { now }).cookies[0].value;
      const prior = `${cookieName}=${existing}; appSession=legacy; theme=dark`;

      const store = { get: async () => ({}), set: jest.fn(async () => {}), delete: jest.fn(async () => {}) };
      const sdkStore = new StatefulSessionStore({ secret, store, ...config });
      const res = new sdk.ResponseCookies(new Headers());
      await sdkStore.set(requestCookies(prior), res, clone(session));
      const written = cookies.writeSessionId(id, session.internal.createdAt, prior, { now });
      expect(written.id).toBe(id);
      const theirs = sdkEntries(res);
      expect(written.cookies.map((c) => c.name)).toEqual(theirs.map((c) => c.name));
      expect(written.cookies.map((c) => c.options)).toEqual(theirs.map((c) => c.options));
      expect((await sdk.decrypt(written.cookies[0].value, secret)).payload).toEqual(
        (await sdk.decrypt(theirs[0].value, secret)).payload,
      );

      const deleted = new sdk.ResponseCookies(new Headers());
      await sdkStore.delete(requestCookies(prior), deleted);
      const cleared = cookies.clearSessionId(prior);
      expect(cleared.cookies).toEqual(sdkEntries(deleted));
      expect(cleared.id).toBe(store.delete.mock.calls[0][0]);
      expect(cleared.id).toBe(id);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// Test helpers
// ---------------------------------------------------------------------------------------------------

describe('generateSessionCookie', () => {
  test.each([
    ['without internal', () => { const { internal, ...rest } = makeSession(); return rest; }],
    ['with internal', () => makeSession({ createdAt: realNow() - 100 })],
    ['a large session', () => { const { internal, ...rest } = makeSession({ extra: 3000 }); return rest; }],
  ])('%s: the same payload as the SDK helper', async (_label, make) => {
    const secret = randomSecret();
    const session = make();
    freeze();
    const theirs = await sdkGenerateSessionCookie(clone(session), { secret });
    const ours = generateSessionCookie(clone(session), { secret, now: Date.now() / 1000 });
    expect(typeof ours.then).toBe('function'); // a Promise, like the SDK helper (from the addon's realm)
    const [a, b] = [(await sdk.decrypt(await ours, secret)).payload, (await sdk.decrypt(theirs, secret)).payload];
    expect(a).toEqual(b);
    expect(a.exp).toBe(Math.floor(Date.now() / 1000) + 3600);
    // And the stores read it.
    const header = `__session=${await ours}`;
    expect(new SessionCookies({ secret }).read(header)).toEqual(
      await new StatelessSessionStore({ secret }).get(requestCookies(header)),
    );
  });

  test('the stateful variant is found by the SDK stateful store', async () => {
    const secret = randomSecret();
    const id = randomBytes(16).toString('hex');
    const before = realNow();
    const cookie = await generateStatefulSessionCookie(id, { secret });
    const after = realNow();
    let asked;
    const store = { get: async (x) => ((asked = x), {}), set: async () => {}, delete: async () => {} };
    await new StatefulSessionStore({ secret, store }).get(requestCookies(`__session=${cookie}`));
    expect(asked).toBe(id);
    const { payload } = await sdk.decrypt(cookie, secret);
    // An hour from when it was made (bracketed by the clock around the call).
    expect(payload.exp).toBeGreaterThanOrEqual(before + 3600);
    expect(payload.exp).toBeLessThanOrEqual(after + 3600);
    await expect(generateStatefulSessionCookie('', { secret })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(generateSessionCookie({}, {})).rejects.toMatchObject({ code: 'ERR_SECRET_INVALID' });
  });
});

// ---------------------------------------------------------------------------------------------------
// The stored vectors
// ---------------------------------------------------------------------------------------------------

const vectorsPath = path.join(root, 'vectors', 'cookie-jars.json');
const vectors = JSON.parse(readFileSync(vectorsPath, 'utf8'));
const VECTOR_NOW = 1_795_000_000;

describe('cookie-jars.json', () => {
  test('the vectors are there', () => {
    expect(vectors.jars.length).toBeGreaterThanOrEqual(7);
    expect(vectors.v3SignedStatefulCookies.length).toBeGreaterThanOrEqual(2);
  });

  test.each(vectors.jars.map((j) => [j.name, j]))('%s', async (_name, jar) => {
    const cookies = new SessionCookies({ secret: jar.secret });
    const currentDate = new Date(VECTOR_NOW * 1000);
    if (jar.setCookie) {
      const plan = planChunkedCookie('__session', jar.jwe, { maxAge: DAY }, jar.priorCookieHeader);
      expect(plan.cookies).toEqual(jar.setCookie.map(({ name, value, ...options }) => ({ name, value, options })));
      expect(plan.requestCookieHeader).toBe(jar.cookieHeaderAfter);
      const expected = normalizeStatelessSession(await sdk.decrypt(jar.jwe, jar.secret, { currentDate }));
      expect(cookies.read(jar.cookieHeaderAfter, { now: VECTOR_NOW })).toEqual(expected);
      expect(expected).toEqual(expect.objectContaining(jar.session));
    } else if (jar.readBack === null) {
      expect(cookies.read(jar.cookieHeader, { now: VECTOR_NOW })).toBeNull();
      expect(sdk.getChunkedCookie('__session', requestCookies(jar.cookieHeader))).toBeUndefined();
    } else {
      expect(jar.readBackEqualsJwe).toBe(true);
      expect(sdk.getChunkedCookie('appSession', requestCookies(jar.cookieHeader), true)).toBe(jar.jwe);
      const expected = normalizeStatelessSession(await sdk.decrypt(jar.jwe, jar.secret, { currentDate }));
      expect(cookies.read(jar.cookieHeader, { now: VECTOR_NOW })).toEqual(expected);
    }
  });

  test.each(vectors.v3SignedStatefulCookies.map((v) => [v.id, v]))('v3 signed stateful cookie %s', async (_id, v) => {
    const cookies = new SessionCookies({ secret: v.secret });
    expect(cookies.readSessionId(`${v.cookieName}=${v.cookieValue}`)).toBe(v.verifiesTo);
    expect(await sdk.verifySigned(v.cookieName, v.cookieValue, v.secret)).toBe(v.verifiesTo);
  });
});

// ---------------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------------

describe('arguments', () => {
  test('every CookieInput form gives the same result; null and undefined are no cookies', () => {
    const secret = randomSecret();
    const cookies = new SessionCookies({ secret });
    const value = cookies.write(makeSession(), '')[0].value;
    const header = `theme=dark; __session=${value}; n=%20x`;
    const req = requestCookies(header);
    const forms = [header, req, req.getAll(), Object.fromEntries(req.getAll().map((c) => [c.name, c.value])), { getAll: () => req.getAll() }];
    const expected = cookies.read(header);
    expect(expected).not.toBeNull();
    for (const form of forms) {
      expect(cookies.read(form)).toEqual(expected);
      expect(cookies.clear(form)).toEqual(cookies.clear(header));
    }
    expect(cookies.read(undefined)).toBeNull();
    expect(cookies.read(null)).toBeNull();
    expect(cookies.clear(undefined)).toEqual(cookies.clear(''));
  });

  test("a cookie named like serde_json's raw-value marker is a cookie like any other", () => {
    // serde_json's Value would take this member for embedded JSON and read the jar out of its value.
    const secret = randomSecret();
    const cookies = new SessionCookies({ secret });
    const value = cookies.write(makeSession(), '')[0].value;
    const marker = '$serde_json::private::RawValue';
    expect(cookies.read({ [marker]: JSON.stringify({ __session: value }) })).toBeNull();
    expect(cookies.read([{ name: marker, value: JSON.stringify([{ name: '__session', value }]) }])).toBeNull();
    expect(cookies.read({ [marker]: 'x', __session: value })).toEqual(cookies.read({ __session: value }));
  });

  test('bad arguments throw coded errors; bad cookies never do', () => {
    const secret = randomSecret();
    const cookies = new SessionCookies({ secret });
    const code = (fn) => {
      try {
        fn();
      } catch (e) {
        return e.code;
      }
      return 'no error';
    };
    expect(code(() => new SessionCookies())).toBe('ERR_INVALID_ARG_TYPE');
    expect(code(() => new SessionCookies({}))).toBe('ERR_SECRET_INVALID');
    expect(code(() => new SessionCookies({ secret, cookieName: 'a b' }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(code(() => new SessionCookies({ secret, cookieOptions: { sameSite: 'maybe' } }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(code(() => new SessionCookies({ secret, cookieOptions: { domain: 'a;b' } }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(code(() => new SessionCookies({ secret, absoluteDuration: -1 }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(code(() => new SessionCookies({ secret, rolling: 'yes' }))).toBe('ERR_INVALID_ARG_TYPE');
    expect(code(() => cookies.read(42))).toBe('ERR_INVALID_ARG_TYPE');
    expect(code(() => cookies.read([{ name: 'a', value: 1 }]))).toBe('ERR_INVALID_ARG_TYPE');
    expect(code(() => cookies.read({ getAll() { throw new Error('boom'); } }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(code(() => cookies.read(new Headers({ cookie: 'a=b' })))).toBe('ERR_INVALID_ARG_TYPE');
    expect(code(() => cookies.read(new Map([['a', 'b']])))).toBe('ERR_INVALID_ARG_TYPE');
    expect(cookies.read({})).toBeNull(); // an empty name → value object is just no cookies
    expect(code(() => cookies.read('', { now: 'later' }))).toBe('ERR_INVALID_ARG_TYPE');
    expect(code(() => cookies.write({ user: {} }, ''))).toBe('ERR_SESSION_INVALID');
    expect(code(() => cookies.write(makeSession(), '', { validate: 'no' }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(code(() => cookies.write(makeSession(), '', { validate: 1 }))).toBe('ERR_INVALID_ARG_TYPE');
    expect(code(() => cookies.writeSessionId(5, 0, ''))).toBe('ERR_INVALID_ARG_TYPE');
    expect(code(() => cookies.writeSessionId('', 0, ''))).toBe('ERR_INVALID_ARG_VALUE');
    expect(code(() => cookies.writeSessionId(null, 'x', ''))).toBe('ERR_INVALID_ARG_TYPE');

    const huge = `a=${'x'.repeat(1 << 20)}`;
    expect(cookies.read(huge)).toBeNull();
    expect(cookies.readSessionId(huge)).toBeNull();
    expect(code(() => cookies.clear(huge))).toBe('ERR_INPUT_TOO_LARGE');

    for (const header of ['__session=%', '__session=a.b.c.d.e', '__session__0=x; __session__2=y', 'appSession=x.y', '__session=' + 'A'.repeat(70000)]) {
      expect(cookies.read(header)).toBeNull();
      expect(cookies.readSessionId(header)).toBeNull();
    }
  });
});
