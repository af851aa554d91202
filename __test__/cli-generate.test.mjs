// The `session-seal` command, run for real: keygen, and generate (v4 and --stateful) piped into inspect,
// against the real @auth0/nextjs-auth0 4.30.0 (its decrypt and testing/generateSessionCookie). Fresh random
// secrets every run; every run checked for printed secrets and stray colour (helpers/cli.mjs).

import { describe, test, expect, jest } from '@jest/globals';
import { loadAddon, randomHex, typicalSession as typical, nowSeconds, deepClone } from './helpers/fixtures.mjs';
import {
  CLI_TIMEOUT_MS,
  cliSuite,
  HOUR,
  sdk,
  secret,
  run,
  sh,
  expectFailure,
  expectSuccess,
  parseInspect,
  parseReport,
  parseSetCookieLines,
  sdkSession,
  randomSub,
} from './helpers/cli.mjs';

jest.setTimeout(CLI_TIMEOUT_MS);
cliSuite();

const { SessionCipher } = loadAddon();

// ---------------------------------------------------------------------------------------------------
// keygen
// ---------------------------------------------------------------------------------------------------

describe('keygen', () => {
  test('prints 32 random bytes as 64 hex characters, different every time, and the secret works', async () => {
    const runs = await Promise.all([run(['keygen']), run(['keygen']), run(['keygen'])]);
    for (const r of runs) {
      expectSuccess(r);
      expect(r.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    }
    expect(new Set(runs.map((r) => r.stdout)).size).toBe(3);

    const generated = runs[0].stdout.trim(); // printing it is keygen's job; it is not registered in SECRETS
    const cookie = await run(['generate', '--sub', 'auth0|k'], { env: { AUTH0_SECRET: generated } });
    expectSuccess(cookie);
    expect(new SessionCipher({ secret: generated }).unseal(cookie.stdout.trim()).user.sub).toBe('auth0|k');
  });
});

// ---------------------------------------------------------------------------------------------------
// generate → inspect
// ---------------------------------------------------------------------------------------------------

describe('generate → inspect', () => {
  test('the generated value piped into inspect on stdin: text summary and --json, the SDK generateSessionCookie shape', async () => {
    const key = secret();
    const sub = randomSub();
    const before = nowSeconds();
    const generated = await run(['generate', '--sub', sub], { env: { AUTH0_SECRET: key } });
    const after = nowSeconds();
    expectSuccess(generated);
    expect(generated.stdout).toMatch(/^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/);

    const json = await run(['inspect', '--json'], { input: generated.stdout, env: { AUTH0_SECRET: key } });
    expectSuccess(json);
    const report = parseReport(json);
    // The text form, seen from the moment the cookie was made (however long the runs took).
    const text = await run(['inspect', '--now', String(report.session.internal.createdAt)], { input: generated.stdout, env: { AUTH0_SECRET: key } });
    expectSuccess(text);

    expect(report).toStrictEqual(
      expect.objectContaining({ cookie: '__session', chunks: [], format: 'v4', keyIndex: 0, overBudget: false, connectionCookies: 0 }),
    );
    expect(report.protectedHeader).toStrictEqual({ alg: 'dir', enc: 'A256GCM' });
    const { session } = report;
    expect(session.user).toStrictEqual({ sub });
    // As the SDK's generateSessionCookie: internal defaults to { sid: 'auth0-sid', createdAt: now }, exp = now + 1 h.
    expect(session.internal).toStrictEqual({ sid: 'auth0-sid', createdAt: expect.any(Number) });
    expect(session.internal.createdAt).toBeGreaterThanOrEqual(before);
    expect(session.internal.createdAt).toBeLessThanOrEqual(after);
    expect(session.exp).toBe(session.internal.createdAt + HOUR);
    expect(session.tokenSet).toStrictEqual({ accessToken: expect.any(String), expiresAt: session.internal.createdAt + HOUR });
    expect(report.payload).toStrictEqual(session);
    expect(report.bytes).toBe(`__session=${generated.stdout.trim()}`.length);

    const { summary, json: printed } = parseInspect(text.stdout);
    expect(printed).toStrictEqual(session);
    expect(summary.format).toBe('v4 session cookie (__session)');
    expect(summary.secret).toBe('#0 (the newest) of 1');
    expect(summary.issued).toMatch(/ \(now\)$/);
    expect(summary.expires).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d .+ \(in 1 h\)$/);
    expect(summary.size).toBe(`${report.bytes} bytes in 1 cookie, within the SDK's 4096-byte budget`);
  });

  test('a real shell pipeline, and a writer slower than the reader (`generate | inspect`)', async () => {
    const key = secret();
    const sub = randomSub();
    const cookie = (await run(['generate', '--sub', sub], { env: { AUTH0_SECRET: key } })).stdout.trim();
    const [pipeline, slow] = await Promise.all([
      sh('$SS generate --sub "$SUB" | $SS inspect --json', { env: { AUTH0_SECRET: key, SUB: sub } }),
      // inspect starts reading before anything is written: it must wait, not report "no input".
      sh('{ sleep 0.4; printf "%s\\n" "$COOKIE"; } | $SS inspect --json', { env: { AUTH0_SECRET: key, COOKIE: cookie } }),
    ]);
    for (const r of [pipeline, slow]) {
      expectSuccess(r);
      const report = parseReport(r);
      expect(report.format).toBe('v4');
      expect(report.session.user.sub).toBe(sub);
    }
  });

  test('profile fields, tokens and --sid are in the session', async () => {
    const key = secret();
    const fields = {
      sub: randomSub(),
      name: `Zoë 李 ${randomHex(3)}`,
      email: `${randomHex(5)}@example.com`,
      nickname: `nick-${randomHex(3)}`,
      picture: `https://example.com/${randomHex(8)}.png?s=480&r=pg`,
    };
    const tokens = { 'access-token': randomHex(40), 'id-token': `${randomHex(10)}.${randomHex(40)}.${randomHex(20)}`, 'refresh-token': randomHex(20), scope: 'openid profile email' };
    const sid = randomHex(16);
    const args = ['generate', '--sid', sid];
    for (const [flag, value] of Object.entries({ ...fields, ...tokens })) args.push(`--${flag}`, value);
    const generated = await run(args, { env: { AUTH0_SECRET: key } });
    expectSuccess(generated);
    const report = parseReport(await run(['inspect', '--json'], { input: generated.stdout, env: { AUTH0_SECRET: key } }));
    expect(report.session.user).toStrictEqual(fields);
    expect(report.session.tokenSet).toStrictEqual({
      accessToken: tokens['access-token'],
      idToken: tokens['id-token'],
      refreshToken: tokens['refresh-token'],
      scope: tokens.scope,
      expiresAt: report.session.exp,
    });
    expect(report.session.internal).toStrictEqual({ sid, createdAt: report.session.exp - HOUR });
  });

  test('a cookie generated by the command is what the SDK\'s own decrypt reads', async () => {
    const key = secret();
    const sub = randomSub();
    const generated = await run(['generate', '--sub', sub, '--email', 'a@example.com'], { env: { AUTH0_SECRET: key } });
    expectSuccess(generated);
    const cookie = generated.stdout.trim();
    const decrypted = await sdk.decrypt(cookie, key);
    expect(decrypted.payload).toStrictEqual(new SessionCipher({ secret: key }).unseal(cookie));
    expect(decrypted.payload.user).toStrictEqual({ sub, email: 'a@example.com' });
    expect(decrypted.payload.internal.sid).toBe('auth0-sid');
    expect(decrypted.payload.exp).toBe(decrypted.payload.internal.createdAt + HOUR);
    expect(decrypted.protectedHeader).toStrictEqual({ alg: 'dir', enc: 'A256GCM' });
  });

  test('a cookie from the SDK\'s generateSessionCookie (@auth0/nextjs-auth0/testing) is inspected correctly', async () => {
    const key = secret();
    const session = typical();
    delete session.internal; // the SDK fills in { sid: 'auth0-sid', createdAt }
    const cookie = await sdk.generateSessionCookie(deepClone(session), { secret: key });
    const expected = await sdkSession(cookie, key);
    expect(expected.internal.sid).toBe('auth0-sid');
    const [json, text] = await Promise.all([
      run(['inspect', '--json'], { input: `${cookie}\n`, env: { AUTH0_SECRET: key } }),
      run(['inspect', cookie], { env: { AUTH0_SECRET: key } }),
    ]);
    expectSuccess(json);
    expectSuccess(text);
    const report = parseReport(json);
    expect(report.format).toBe('v4');
    expect(report.keyIndex).toBe(0);
    expect(report.session).toStrictEqual(expected);
    expect(parseInspect(text.stdout).json).toStrictEqual(expected);
  });

  test('--set-cookie prints the Set-Cookie line of a one-hour __session cookie', async () => {
    const key = secret();
    const sub = randomSub();
    const result = await run(['generate', '--sub', sub, '--name', 'Jane', '--set-cookie'], { env: { AUTH0_SECRET: key } });
    expectSuccess(result);
    const [cookie, ...more] = parseSetCookieLines(result.stdout);
    expect(more).toStrictEqual([]);
    expect(cookie).toStrictEqual(expect.objectContaining({ name: '__session', path: '/', maxAge: HOUR, httpOnly: true, sameSite: 'lax' }));
    const session = new SessionCipher({ secret: key }).unseal(cookie.value);
    expect(session.user).toStrictEqual({ sub, name: 'Jane' }); // --name is the user's name here, not the cookie's
    expect(Math.abs(cookie.expires.getTime() / 1000 - session.exp)).toBeLessThanOrEqual(2);
    // The lines themselves are an inspect input.
    const report = parseReport(await run(['inspect', '--json'], { input: result.stdout, env: { AUTH0_SECRET: key } }));
    expect(report.session).toStrictEqual(session);
  });

  test('generate without --sub (and without --stateful) is bad usage', async () => {
    expectFailure(await run(['generate'], { env: { AUTH0_SECRET: secret() } }), 2, 'ERR_USAGE');
  });
});

describe('generate --stateful', () => {
  test('a new random id, or the --id given: format stateful-id, readable by the SDK', async () => {
    const key = secret();
    const id = randomHex(16);
    const before = nowSeconds();
    const [random, given] = await Promise.all([
      run(['generate', '--stateful'], { env: { AUTH0_SECRET: key } }),
      run(['generate', '--stateful', '--id', id], { env: { AUTH0_SECRET: key } }),
    ]);
    const after = nowSeconds();
    expectSuccess(random);
    expectSuccess(given);
    const [randomReport, givenReport, givenText] = await Promise.all([
      run(['inspect', '--json'], { input: random.stdout, env: { AUTH0_SECRET: key } }).then(parseReport),
      run(['inspect', '--json'], { input: given.stdout, env: { AUTH0_SECRET: key } }).then(parseReport),
      run(['inspect'], { input: given.stdout, env: { AUTH0_SECRET: key } }),
    ]);
    expect(randomReport.format).toBe('stateful-id');
    expect(randomReport.payload.id).toMatch(/^[0-9a-f]{32}$/);
    expect(randomReport.payload.id).not.toBe(id);
    expect(randomReport.session).toBeNull();
    expect(givenReport).toStrictEqual(expect.objectContaining({ format: 'stateful-id', keyIndex: 0, session: null }));
    expect(givenReport.payload).toStrictEqual({ id, exp: expect.any(Number) });
    // One hour from when it was made (bracketed by the clock around the runs).
    expect(givenReport.payload.exp).toBeGreaterThanOrEqual(before + HOUR);
    expect(givenReport.payload.exp).toBeLessThanOrEqual(after + HOUR);

    expectSuccess(givenText);
    const { summary, json } = parseInspect(givenText.stdout);
    expect(summary.format).toBe('stateful session id cookie (the session lives in a store) (__session)');
    expect(json).toStrictEqual(givenReport.payload);

    expect((await sdk.decrypt(given.stdout.trim(), key)).payload).toStrictEqual(givenReport.payload);
  });

  test('--stateful --set-cookie: one __session line holding the id', async () => {
    const key = secret();
    const id = randomHex(16);
    const result = await run(['generate', '--stateful', '--id', id, '--set-cookie'], { env: { AUTH0_SECRET: key } });
    expectSuccess(result);
    const [cookie, ...more] = parseSetCookieLines(result.stdout);
    expect(more).toStrictEqual([]);
    expect(cookie).toStrictEqual(expect.objectContaining({ name: '__session', maxAge: HOUR, httpOnly: true }));
    expect(new SessionCipher({ secret: key }).open(cookie.value).payload.id).toBe(id);
  });

  test.each([
    ['not hex', 'xyz'],
    ['31 characters', randomHex(16).slice(1)],
    ['33 characters', `${randomHex(16)}a`],
    ['upper case', randomHex(16).toUpperCase().replace(/^[0-9]/, 'A')],
    ['empty', ''],
  ])('a bad --id (%s) is bad usage, exit 2', async (_label, id) => {
    const result = await run(['generate', '--stateful', '--id', id], { env: { AUTH0_SECRET: secret() } });
    expectFailure(result, 2, 'ERR_USAGE');
    expect(result.stderr).toContain('--id');
    expect(result.stdout).toBe('');
  });
});
