// The `session-seal inspect` command, run for real, on every input it understands: a bare value, Cookie
// headers (chunked by the real @auth0/nextjs-auth0 4.30.0's setChunkedCookie), Set-Cookie lists (the SDK's
// and ours), legacy v3 cookies (chunked too) and the SDK-made v3 signed stateful cookies of
// vectors/cookie-jars.json; --now. Fresh random secrets every run; every run checked for printed secrets and
// stray colour (helpers/cli.mjs).

import { describe, test, expect, jest } from '@jest/globals';
import {
  loadAddon,
  loadVectors,
  randomHex,
  randomInt,
  smallSession as small,
  typicalSession as typical,
  largeSession as large,
  randomV3Session as v3Session,
  nowSeconds,
  deepClone,
  shuffle,
} from './helpers/fixtures.mjs';
import {
  CLI_TIMEOUT_MS,
  cliSuite,
  HOUR,
  DAY,
  sdk,
  sdkCookies,
  SECRETS,
  secret,
  run,
  expectSuccess,
  parseInspect,
  parseReport,
  sdkSession,
  randomSub,
} from './helpers/cli.mjs';

jest.setTimeout(CLI_TIMEOUT_MS);
cliSuite();

const { SessionCipher, SessionCookies, planChunkedCookie, serializeSetCookie } = loadAddon();

/** Cuts a value into `count` near-equal pieces. */
const cut = (value, count) => {
  const size = Math.ceil(value.length / count);
  return Array.from({ length: count }, (_, i) => value.slice(i * size, (i + 1) * size));
};

// ---------------------------------------------------------------------------------------------------
// inspect: the inputs it understands
// ---------------------------------------------------------------------------------------------------

describe('inspect inputs', () => {
  test('a bare value as an argument, and a whole Cookie header with other cookies (with or without `Cookie:`)', async () => {
    const key = secret();
    const session = typical();
    const value = new SessionCipher({ secret: key }).seal(deepClone(session), nowSeconds() + DAY);
    const expected = { ...deepClone(session), exp: expect.any(Number) };
    const header = shuffle([`__session=${value}`, 'theme=dark', `_ga=GA1.2.${randomInt(1, 1e9)}`, 'note=a%20b', 'secure-mode=on']).join('; ');
    const results = await Promise.all([
      run(['inspect', '--json', value], { env: { AUTH0_SECRET: key } }),
      run(['inspect', '--json', `Cookie: ${header}`], { env: { AUTH0_SECRET: key } }),
      run(['inspect', '--json'], { input: `cookie: ${header}\n`, env: { AUTH0_SECRET: key } }),
      run(['inspect', '--json'], { input: header, env: { AUTH0_SECRET: key } }),
    ]);
    for (const result of results) {
      expectSuccess(result);
      const report = parseReport(result);
      expect(report).toStrictEqual(expect.objectContaining({ cookie: '__session', chunks: [], format: 'v4', keyIndex: 0 }));
      expect(report.session).toStrictEqual(expected);
    }
  });

  test('a chunked Cookie header written by the SDK\'s own setChunkedCookie: chunks and the 4096-byte budget', async () => {
    const key = secret();
    const session = large();
    const value = await sdk.encrypt(deepClone(session), key, nowSeconds() + DAY);
    const req = new sdkCookies.RequestCookies(new Headers({ cookie: 'theme=dark; __session=stale' }));
    const res = new sdkCookies.ResponseCookies(new Headers());
    const bytes = sdkCookies.setChunkedCookie('__session', value, { maxAge: DAY, path: '/', httpOnly: true, sameSite: 'lax', secure: false }, req, res);
    const chunkCount = Math.ceil(value.length / 3500);
    expect(chunkCount).toBeGreaterThanOrEqual(3);
    const header = shuffle(req.getAll().map((c) => `${c.name}=${encodeURIComponent(c.value)}`)).join('; ');
    expect(header).toContain('theme=dark');
    expect(header).not.toContain('__session=');

    const [json, text] = await Promise.all([
      run(['inspect', '--json', `Cookie: ${header}`], { env: { AUTH0_SECRET: key } }),
      run(['inspect'], { input: `Cookie: ${header}\n`, env: { AUTH0_SECRET: key } }),
    ]);
    expectSuccess(json);
    expectSuccess(text);
    const report = parseReport(json);
    expect(report.chunks).toStrictEqual(Array.from({ length: chunkCount }, (_, i) => `__session__${i}`));
    expect(report.bytes).toBe(bytes);
    expect(report.overBudget).toBe(true);
    expect(report.session).toStrictEqual(await sdkSession(value, key));
    const { summary, json: printed } = parseInspect(text.stdout);
    expect(printed).toStrictEqual(report.session);
    expect(summary.format).toBe(`v4 session cookie (__session, ${chunkCount} chunks)`);
    expect(summary.size).toBe(`${bytes} bytes in ${chunkCount} cookies, over the SDK's 4096-byte budget`);
  });

  test('the SDK\'s Set-Cookie list (with its Max-Age=0 deletions, one of them still carrying a stale value) is read as the browser keeps it', async () => {
    const key = secret();
    const session = large();
    const value = await sdk.encrypt(deepClone(session), key, nowSeconds() + DAY);
    const headers = new Headers();
    const chunkCount = Math.ceil(value.length / 3500);
    // the prior jar: an unchunked cookie and a chunk beyond the new ones, both to be deleted
    const req = new sdkCookies.RequestCookies(new Headers({ cookie: `__session=old; __session__${chunkCount + randomInt(1, 3)}=x` }));
    sdkCookies.setChunkedCookie('__session', value, { maxAge: DAY, path: '/', httpOnly: true, sameSite: 'lax', secure: false }, req, new sdkCookies.ResponseCookies(headers));
    const lines = headers.getSetCookie();
    expect(lines.filter((l) => /Max-Age=0/.test(l)).length).toBeGreaterThanOrEqual(2);
    // A deletion that still carries a readable cookie (some servers write one): it must not win.
    const stale = new SessionCipher({ secret: key }).seal({ ...typical(), user: { sub: 'stale|user' } }, nowSeconds() + DAY);
    const withStale = [...lines, `__session=${stale}; Path=/; Max-Age=0; HttpOnly; SameSite=lax`];

    const [prefixed, bare] = await Promise.all([
      run(['inspect', '--json'], { input: withStale.map((l) => `Set-Cookie: ${l}`).join('\r\n'), env: { AUTH0_SECRET: key } }),
      run(['inspect', '--json'], { input: `${withStale.join('\n')}\n`, env: { AUTH0_SECRET: key } }),
    ]);
    for (const result of [prefixed, bare]) {
      expectSuccess(result);
      const report = parseReport(result);
      expect(report.format).toBe('v4');
      expect(report.chunks.length).toBe(chunkCount);
      expect(report.session.user.sub).toBe(session.user.sub);
      expect(report.session).toStrictEqual(await sdkSession(value, key));
    }
  });

  test('a Set-Cookie list planned by our own SessionCookies.write (with __FC_i and deletions) / planChunkedCookie', async () => {
    const key = secret();
    const session = large({ unicode: false });
    const cookies = new SessionCookies({ secret: key });
    const probe = cookies.write(deepClone(session), '').filter((c) => /^__session__\d+$/.test(c.name)).length;
    const prior = `__session=${randomHex(10)}; __session__${probe + randomInt(1, 3)}=zz`;
    const written = cookies.write(deepClone(session), prior);
    expect(written.filter((c) => c.options.maxAge === 0).length).toBeGreaterThanOrEqual(2);
    const set = written.filter((c) => c.options.maxAge !== 0 && /^__session__\d+$/.test(c.name));
    const connection = written.filter((c) => c.name.startsWith('__FC_'));
    expect(connection).toHaveLength(session.connectionTokenSets.length);
    const planned = planChunkedCookie('__session', set.map((c) => c.value).join(''), { maxAge: 900 }, null).cookies;
    const lines = written.map((c) => `Set-Cookie: ${serializeSetCookie(c)}`).join('\n');
    const [fromWrite, fromWriteText, fromPlan] = await Promise.all([
      run(['inspect', '--json'], { input: lines, env: { AUTH0_SECRET: key } }),
      run(['inspect'], { input: lines, env: { AUTH0_SECRET: key } }),
      run(['inspect', '--json'], { input: planned.map((c) => serializeSetCookie(c)).join('\n'), env: { AUTH0_SECRET: key } }),
    ]);
    const { connectionTokenSets, ...rest } = deepClone(session);
    for (const result of [fromWrite, fromPlan]) {
      expectSuccess(result);
      const report = parseReport(result);
      expect(report.chunks).toStrictEqual(set.map((c) => c.name));
      expect(report.overBudget).toBe(true);
      // (the connection token sets live in the __FC_i cookies, counted apart)
      const { connectionTokenSets: _fromFcCookies, ...sealed } = report.session;
      expect(sealed).toStrictEqual({ ...rest, exp: expect.any(Number) });
    }
    expect(parseReport(fromWrite).connectionCookies).toBe(connectionTokenSets.length);
    expect(parseReport(fromPlan).connectionCookies).toBe(0);
    expectSuccess(fromWriteText);
    expect(parseInspect(fromWriteText.stdout).summary.tokens).toBe(`${connectionTokenSets.length} connection-token cookie(s) (__FC_i)`);
  });

  test('a small session is within the budget; the summary says so', async () => {
    const key = secret();
    const value = new SessionCipher({ secret: key }).seal(small(), nowSeconds() + DAY);
    const result = await run(['inspect', value], { env: { AUTH0_SECRET: key } });
    expectSuccess(result);
    const bytes = Buffer.byteLength(`__session=${value}`);
    expect(bytes).toBeLessThan(4096);
    expect(parseInspect(result.stdout).summary.size).toBe(`${bytes} bytes in 1 cookie, within the SDK's 4096-byte budget`);
  });

  test('a legacy v3 appSession cookie (SDK encrypt, header { iat, uat, exp }): format v3-legacy, converted as the SDK converts it', async () => {
    const key = secret();
    const v3 = v3Session('full');
    const iat = nowSeconds() - randomInt(2 * HOUR, 20 * HOUR);
    const exp = nowSeconds() + DAY;
    const value = await sdk.encrypt(deepClone(v3), key, exp, { iat, uat: iat + 30, exp });
    const expected = await sdkSession(value, key);
    expect(expected.internal).toStrictEqual({ sid: v3.user.sid, createdAt: iat });

    const [json, text] = await Promise.all([
      run(['inspect', '--json', `Cookie: theme=dark; appSession=${value}`], { env: { AUTH0_SECRET: key } }),
      run(['inspect'], { input: `appSession=${value}\n`, env: { AUTH0_SECRET: key } }),
    ]);
    expectSuccess(json);
    expectSuccess(text);
    const report = parseReport(json);
    expect(report).toStrictEqual(expect.objectContaining({ cookie: 'appSession', format: 'v3-legacy', keyIndex: 0, chunks: [] }));
    expect(report.protectedHeader).toStrictEqual(expect.objectContaining({ iat, uat: iat + 30, exp }));
    expect(report.session).toStrictEqual(expected);
    expect(report.session.tokenSet.scope).toBe(v3.accessTokenScope);
    const { summary, json: printed } = parseInspect(text.stdout);
    expect(printed).toStrictEqual(expected);
    expect(summary.format).toBe('v3 legacy session cookie (converted as the SDK converts it) (appSession)');
    expect(summary.issued).toMatch(/ \(\d+ h( \d+ (min|s))? ago\)$/); // from the header's iat
    expect(summary.expires).toMatch(/ \((in 1 d|in 23 h( \d+ min)?)\)$/); // from the header's exp
  });

  test('a chunked legacy cookie (appSession.0, appSession.1, in any order among other cookies)', async () => {
    const key = secret();
    const v3 = v3Session('missing');
    const iat = nowSeconds() - 600;
    const exp = nowSeconds() + DAY;
    const value = await sdk.encrypt(deepClone(v3), key, exp, { iat, uat: iat, exp });
    const [first, second] = cut(value, 2);
    const header = shuffle([`appSession.1=${second}`, `appSession.0=${first}`, 'theme=dark', 'lang=en']).join('; ');
    const [json, text] = await Promise.all([
      run(['inspect', '--json'], { input: `Cookie: ${header}`, env: { AUTH0_SECRET: key } }),
      run(['inspect', header], { env: { AUTH0_SECRET: key } }),
    ]);
    expectSuccess(json);
    expectSuccess(text);
    const report = parseReport(json);
    expect(report).toStrictEqual(expect.objectContaining({ cookie: 'appSession', format: 'v3-legacy', chunks: ['appSession.0', 'appSession.1'] }));
    expect(report.session).toStrictEqual(await sdkSession(value, key));
    expect(parseInspect(text.stdout).summary.format).toBe('v3 legacy session cookie (converted as the SDK converts it) (appSession, 2 chunks)');
  });

  test('the SDK-made v3 signed stateful cookies of cookie-jars.json: format v3-signed-id and the id', async () => {
    const { v3SignedStatefulCookies } = loadVectors('cookie-jars.json');
    expect(v3SignedStatefulCookies.length).toBeGreaterThanOrEqual(2);
    for (const v of v3SignedStatefulCookies) SECRETS.add(v.secret);
    const results = await Promise.all(
      v3SignedStatefulCookies.flatMap((v) => [
        run(['inspect', '--json', v.cookieValue], { env: { AUTH0_SECRET: v.secret } }).then((r) => [v, r]),
        run(['inspect', '--json'], { input: `Cookie: a=b; ${v.cookieName}=${v.cookieValue}`, env: { AUTH0_SECRET: v.secret } }).then((r) => [v, r]),
        run(['inspect', v.cookieValue], { env: { AUTH0_SECRET: v.secret } }).then((r) => [v, r, 'text']),
      ]),
    );
    for (const [v, result, text] of results) {
      expectSuccess(result);
      if (text) {
        const { summary, json } = parseInspect(result.stdout);
        expect(summary.format).toBe('v3 signed stateful id cookie (appSession)');
        expect(json).toStrictEqual({ id: v.verifiesTo });
        continue;
      }
      const report = parseReport(result);
      expect(report).toStrictEqual(expect.objectContaining({ cookie: v.cookieName, format: 'v3-signed-id', keyIndex: 0 }));
      expect(report.payload).toStrictEqual({ id: v.verifiesTo });
      expect(v.verifiesTo).toBe(v.id);
    }
  });

  test('--now judges the expiry at another moment; a relative time is shown', async () => {
    const key = secret();
    const generated = await run(['generate', '--sub', randomSub()], { env: { AUTH0_SECRET: key } });
    const { exp } = new SessionCipher({ secret: key }).open(generated.stdout.trim()).payload;
    const result = await run(['inspect', '--now', String(exp - 130)], { input: generated.stdout, env: { AUTH0_SECRET: key } });
    expectSuccess(result);
    const { summary } = parseInspect(result.stdout);
    expect(summary.expires).toMatch(/ \(in 2 min 10 s\)$/);
    expect(summary.issued).toMatch(/ \(57 min 50 s ago\)$/); // exp - 1 h, seen from exp - 130 s
  });
});
