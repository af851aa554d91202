// The `session-seal seal` command, run for real: a JSON session from a file or stdin sealed into a value or
// Set-Cookie lines (chunked past 3500 bytes, named with --name) that our cipher and the real
// @auth0/nextjs-auth0 4.30.0 open; validation problems, bad JSON, bad usage; fractions kept exact. Fresh
// random secrets every run; every run checked for printed secrets and stray colour (helpers/cli.mjs).

import { describe, test, expect, jest } from '@jest/globals';
import path from 'node:path';
import {
  loadAddon,
  randomHex,
  randomInt,
  smallSession as small,
  typicalSession as typical,
  largeSession as large,
  nowSeconds,
  deepClone,
} from './helpers/fixtures.mjs';
import {
  CLI_TIMEOUT_MS,
  cliSuite,
  DAY,
  sdk,
  tmp,
  secret,
  run,
  expectFailure,
  expectSuccess,
  parseInspect,
  parseReport,
  parseSetCookieLines,
  writeTemp,
} from './helpers/cli.mjs';

jest.setTimeout(CLI_TIMEOUT_MS);
cliSuite();

const { SessionCipher, validateSession } = loadAddon();

// ---------------------------------------------------------------------------------------------------
// seal
// ---------------------------------------------------------------------------------------------------

describe('seal', () => {
  test('a JSON session from a file, from stdin and from `-`: a value our cipher and the SDK open', async () => {
    const key = secret();
    const session = typical();
    const text = JSON.stringify(session, null, 2);
    const file = writeTemp('session.json', text);
    const before = nowSeconds();
    const results = await Promise.all([
      run(['seal', file], { env: { AUTH0_SECRET: key } }),
      run(['seal'], { input: text, env: { AUTH0_SECRET: key } }),
      run(['seal', '-'], { input: text, env: { AUTH0_SECRET: key } }),
    ]);
    const after = nowSeconds();
    const values = [];
    for (const result of results) {
      expectSuccess(result);
      expect(result.stdout).toMatch(/^[A-Za-z0-9_.-]+\n$/);
      const value = result.stdout.trim();
      values.push(value);
      const opened = new SessionCipher({ secret: key }).open(value);
      expect(opened.keyIndex).toBe(0);
      expect(opened.payload).toStrictEqual({ ...deepClone(session), exp: expect.any(Number) });
      // default lifetime: the SDK's inactivity duration, one day
      expect(opened.payload.exp).toBeGreaterThanOrEqual(before + DAY);
      expect(opened.payload.exp).toBeLessThanOrEqual(after + DAY);
      expect((await sdk.decrypt(value, key)).payload).toStrictEqual(opened.payload);
    }
    expect(new Set(values).size).toBe(3); // fresh IVs
    // and back through inspect
    const report = parseReport(await run(['inspect', '--json'], { input: results[1].stdout, env: { AUTH0_SECRET: key } }));
    expect(report.session).toStrictEqual({ ...deepClone(session), exp: report.payload.exp });
  });

  test('--set-cookie --max-age: one __session line whose Max-Age and exp follow --max-age', async () => {
    const key = secret();
    const session = small(); // well under the 3500-byte chunk size
    const maxAge = randomInt(60, 5000);
    const before = nowSeconds();
    const result = await run(['seal', '--set-cookie', '--max-age', String(maxAge)], { input: JSON.stringify(session), env: { AUTH0_SECRET: key } });
    const after = nowSeconds();
    expectSuccess(result);
    const cookies = parseSetCookieLines(result.stdout);
    expect(cookies).toHaveLength(1);
    const [cookie] = cookies;
    expect(cookie).toStrictEqual(expect.objectContaining({ name: '__session', path: '/', maxAge, httpOnly: true, sameSite: 'lax' }));
    expect(cookie.line).toContain(`; Max-Age=${maxAge};`);
    const { exp } = new SessionCipher({ secret: key }).open(cookie.value).payload;
    expect(exp).toBeGreaterThanOrEqual(before + maxAge);
    expect(exp).toBeLessThanOrEqual(after + maxAge);
    expect(Math.abs(cookie.expires.getTime() / 1000 - exp)).toBeLessThanOrEqual(2);
    expect((await sdk.decrypt(cookie.value, key)).payload).toStrictEqual({ ...deepClone(session), exp });
  });

  test('a large session (> 3500 bytes) with --set-cookie: __session__0..N lines whose joined values open', async () => {
    const key = secret();
    const session = large();
    const maxAge = randomInt(600, 7200);
    const result = await run(['seal', '--set-cookie', '--max-age', String(maxAge)], { input: JSON.stringify(session), env: { AUTH0_SECRET: key } });
    expectSuccess(result);
    const cookies = parseSetCookieLines(result.stdout);
    expect(cookies.length).toBeGreaterThanOrEqual(3);
    expect(cookies.map((c) => c.name)).toStrictEqual(cookies.map((_, i) => `__session__${i}`));
    for (const c of cookies) {
      expect(c).toStrictEqual(expect.objectContaining({ maxAge, path: '/', httpOnly: true, sameSite: 'lax' }));
      expect(c.value.length).toBeLessThanOrEqual(3500);
      expect(c.value.length).toBeGreaterThan(0);
    }
    const joined = cookies.map((c) => c.value).join('');
    expect(joined.length).toBeGreaterThan(3500);
    const opened = new SessionCipher({ secret: key }).open(joined);
    expect(opened.payload).toStrictEqual({ ...deepClone(session), exp: expect.any(Number) });
    expect((await sdk.decrypt(joined, key)).payload).toStrictEqual(opened.payload);

    // The same lines, as a Set-Cookie list for inspect: joined, counted, over budget.
    const [json, text] = await Promise.all([
      run(['inspect', '--json'], { input: result.stdout, env: { AUTH0_SECRET: key } }),
      run(['inspect'], { input: result.stdout, env: { AUTH0_SECRET: key } }),
    ]);
    const report = parseReport(json);
    expect(report.chunks).toStrictEqual(cookies.map((c) => c.name));
    expect(report.overBudget).toBe(true);
    expect(report.session).toStrictEqual(opened.payload);
    const { summary } = parseInspect(text.stdout);
    expect(summary.format).toBe(`v4 session cookie (__session, ${cookies.length} chunks)`);
    expect(summary.size).toBe(`${report.bytes} bytes in ${cookies.length} cookies, over the SDK's 4096-byte budget`);
  });

  test('--name names the cookie and its chunks; inspect --name reads them back', async () => {
    const key = secret();
    const name = `app_${randomHex(3)}`;
    const session = large({ unicode: false });
    const result = await run(['seal', '--set-cookie', '--name', name], { input: JSON.stringify(session), env: { AUTH0_SECRET: key } });
    expectSuccess(result);
    const cookies = parseSetCookieLines(result.stdout);
    expect(cookies.map((c) => c.name)).toStrictEqual(cookies.map((_, i) => `${name}__${i}`));
    const [named, unnamed] = await Promise.all([
      run(['inspect', '--json', '--name', name], { input: result.stdout, env: { AUTH0_SECRET: key } }),
      run(['inspect'], { input: result.stdout, env: { AUTH0_SECRET: key } }),
    ]);
    const report = parseReport(named);
    expect(report.cookie).toBe(name);
    expect(report.session.user).toStrictEqual(deepClone(session.user));
    expectFailure(unnamed, 1, 'ERR_NO_SESSION_COOKIE');
  });

  test('an invalid session: exit 1, every problem listed by path, then the ERR_SESSION_INVALID line', async () => {
    const key = secret();
    const session = typical();
    delete session.user.sub;
    session.tokenSet.expiresAt = 'tomorrow';
    session.internal.createdAt = null;
    session.accessTokens = [{ accessToken: randomHex(8), expiresAt: nowSeconds() + 60 }]; // no audience
    const expected = validateSession(session);
    expect(expected.valid).toBe(false);
    const paths = expected.errors.map((e) => e.path);
    expect(paths).toStrictEqual(expect.arrayContaining(['user.sub', 'tokenSet.expiresAt', 'internal.createdAt', 'accessTokens[0].audience']));

    const file = writeTemp('invalid.json', JSON.stringify(session));
    const results = await Promise.all([
      run(['seal', file], { env: { AUTH0_SECRET: key } }),
      run(['seal', '--set-cookie'], { input: JSON.stringify(session), env: { AUTH0_SECRET: key } }),
    ]);
    for (const result of results) {
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trimEnd().split('\n');
      const last = lines.pop();
      expect(last).toBe(`session-seal: ERR_SESSION_INVALID: the session has ${paths.length} problems (listed above)`);
      expect(lines).toStrictEqual(expected.errors.map(({ path: p, message }) => `  ${p}: ${message}`));
    }
  });

  test('a single problem is listed too; a value that is not an object is invalid', async () => {
    const key = secret();
    const session = typical();
    delete session.tokenSet.accessToken;
    const [one, array] = await Promise.all([
      run(['seal'], { input: JSON.stringify(session), env: { AUTH0_SECRET: key } }),
      run(['seal'], { input: '[1, 2]', env: { AUTH0_SECRET: key } }),
    ]);
    expect(one.status).toBe(1);
    expect(one.stderr).toMatch(/^ {2}tokenSet\.accessToken: .+\nsession-seal: ERR_SESSION_INVALID: the session has 1 problem \(listed above\)\n$/);
    expect(array.status).toBe(1);
    expect(array.stderr).toMatch(/\nsession-seal: ERR_SESSION_INVALID: [^\n]+\n$/);
  });

  test('--no-validate seals any JSON object', async () => {
    const key = secret();
    const payload = { anything: randomHex(8), nested: { list: [1, 'two', null] } };
    const result = await run(['seal', '--no-validate'], { input: JSON.stringify(payload), env: { AUTH0_SECRET: key } });
    expectSuccess(result);
    expect(new SessionCipher({ secret: key }).open(result.stdout.trim()).payload).toStrictEqual({ ...payload, exp: expect.any(Number) });
  });

  test('bad JSON (file or stdin): exit 1, ERR_INVALID_JSON', async () => {
    const key = secret();
    const file = writeTemp('bad.json', '{"user": {"sub": "x"},');
    const results = await Promise.all([
      run(['seal', file], { env: { AUTH0_SECRET: key } }),
      run(['seal'], { input: '{"user":', env: { AUTH0_SECRET: key } }),
      run(['seal'], { input: 'not json at all', env: { AUTH0_SECRET: key } }),
    ]);
    for (const result of results) {
      expectFailure(result, 1, 'ERR_INVALID_JSON');
      expect(result.stdout).toBe('');
    }
  });

  test('a missing file: exit 1, naming the file', async () => {
    const missing = path.join(tmp, `missing-${randomHex(4)}.json`);
    const result = await run(['seal', missing], { env: { AUTH0_SECRET: secret() } });
    expectFailure(result, 1, 'ERR_INPUT');
    expect(result.stderr).toContain(missing);
    expect(result.stderr).toContain('ENOENT');
  });

  test('no input (empty or blank stdin): exit 2', async () => {
    const key = secret();
    const results = await Promise.all([
      run(['seal'], { env: { AUTH0_SECRET: key } }),
      run(['seal'], { input: ' \n\t\n', env: { AUTH0_SECRET: key } }),
      run(['seal', '-'], { input: '', env: { AUTH0_SECRET: key } }),
    ]);
    for (const result of results) {
      expectFailure(result, 2, 'ERR_USAGE');
      expect(result.stderr).toContain('no input');
    }
  });

  test.each([['1.5'], ['soon'], [''], ['10s']])('--max-age %j is bad usage, exit 2', async (maxAge) => {
    const result = await run(['seal', '--max-age', maxAge], { input: JSON.stringify(typical()), env: { AUTH0_SECRET: secret() } });
    expectFailure(result, 2, 'ERR_USAGE');
    expect(result.stderr).toContain('--max-age');
  });

  test('two files are bad usage', async () => {
    const file = writeTemp('s.json', JSON.stringify(typical()));
    expectFailure(await run(['seal', file, file], { env: { AUTH0_SECRET: secret() } }), 2, 'ERR_USAGE');
  });
});

// ---------------------------------------------------------------------------------------------------
// Fractions (this file found inspect re-parsing numbers inexactly; serde_json's float_roundtrip fixed it)
// ---------------------------------------------------------------------------------------------------

describe('fractions in a session', () => {
  // Each of these once came back from SessionCookies.inspect one unit in the last place off.
  const FRACTIONS = [0.45053076929263924, 0.9207761571008961, 0.9694189539797873, 0.013087315157294555];
  const withFractions = () => ({ ...small(), ratios: FRACTIONS });

  test('seal keeps them exact: the SDK reads them back bit for bit', async () => {
    const key = secret();
    const result = await run(['seal'], { input: JSON.stringify(withFractions()), env: { AUTH0_SECRET: key } });
    expectSuccess(result);
    expect((await sdk.decrypt(result.stdout.trim(), key)).payload.ratios).toStrictEqual(FRACTIONS);
  });

  test('inspect prints them exactly as the SDK reads them', async () => {
    const key = secret();
    const value = new SessionCipher({ secret: key }).seal(withFractions(), nowSeconds() + DAY);
    expect((await sdk.decrypt(value, key)).payload.ratios).toStrictEqual(FRACTIONS);
    const report = parseReport(await run(['inspect', '--json', value], { env: { AUTH0_SECRET: key } }));
    expect(report.session.ratios).toStrictEqual(FRACTIONS);
  });
});
