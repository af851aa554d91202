// `session-seal inspect --sizes`, run for real on cookies the real @auth0/nextjs-auth0 4.30.0 wrote: the
// session's sizes as sizeReport measures them (the sealed length and chunks those of the SDK's own cookie),
// the text and --json forms, the secret from the environment or standard input (never printed: helpers/cli.mjs
// checks every run), and a stateful cookie, whose session is not in it.

import { describe, test, expect, jest } from '@jest/globals';
import { loadAddon, largeSession, smallSession, nowSeconds, deepClone, randomHex } from './helpers/fixtures.mjs';
import { CLI_TIMEOUT_MS, cliSuite, DAY, sdk, sdkCookies, secret, run, expectSuccess, parseReport } from './helpers/cli.mjs';

jest.setTimeout(CLI_TIMEOUT_MS);
cliSuite();

const { SessionCookies, generateStatefulSessionCookie } = loadAddon();

/**
 * A session cookie the SDK sealed and chunked, as the Cookie header a browser sends back. Connection token
 * sets are left out: the SDK's store writes them into cookies of their own, never into this one.
 */
async function sdkCookie(key, { connectionTokenSets, ...session }) {
  const value = await sdk.encrypt(deepClone(session), key, nowSeconds() + DAY);
  const req = new sdkCookies.RequestCookies(new Headers());
  const res = new sdkCookies.ResponseCookies(new Headers());
  sdkCookies.setChunkedCookie('__session', value, { maxAge: DAY, path: '/', httpOnly: true, sameSite: 'lax', secure: false }, req, res);
  return { value, header: req.getAll().map((c) => `${c.name}=${c.value}`).join('; '), chunks: req.getAll().length };
}

describe('inspect --sizes', () => {
  test('--json: the session measured as sizeReport measures it, the sealed length and chunks those of the SDK\'s cookie', async () => {
    const key = secret();
    const session = largeSession();
    const { value, header, chunks } = await sdkCookie(key, session);
    expect(chunks).toBeGreaterThan(1);
    const now = nowSeconds();
    const result = await run(['inspect', '--sizes', '--json', '--now', String(now)], { input: `Cookie: ${header}\n`, env: { AUTH0_SECRET: key } });
    expectSuccess(result);
    const printed = parseReport(result);
    expect(printed).toMatchObject({ cookie: '__session', format: 'v4', chunks: Array.from({ length: chunks }, (_, i) => `__session__${i}`) });
    const read = new SessionCookies({ secret: key }).read(header, { now });
    expect(printed.sizes).toEqual(new SessionCookies({ secret: key }).sizeReport(read, { now }));
    expect(printed.sizes.sealedBytes).toBe(value.length);
    expect(printed.sizes.chunks).toBe(chunks);
    expect(printed.sizes.members.map((m) => m.path)).toEqual(Object.keys(read));
    expect(printed.sizes.userClaims.map((m) => [m.path, m.bytes])).toEqual(
      Object.entries(read.user).map(([k, v]) => [`user.${k}`, Buffer.byteLength(`${JSON.stringify(k)}:${JSON.stringify(v)}`)]),
    );
  });

  test('text: what was found, the sealed size, the headers, each limit passed or exceeded, the largest members, a row per member and claim', async () => {
    const key = secret();
    const session = largeSession();
    const { header } = await sdkCookie(key, session);
    const now = nowSeconds();
    // The secret from standard input, the cookie as an argument.
    const result = await run(['inspect', '--sizes', '--secret-file', '-', '--now', String(now), header], { input: `${key}\n` });
    expectSuccess(result);
    const sizes = new SessionCookies({ secret: key }).sizeReport(new SessionCookies({ secret: key }).read(header, { now }), { now });
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^found +v4 session cookie \\(__session, ${sizes.chunks} chunks\\), \\d+ bytes$`));
    expect(lines).toContain(`sealed   ${sizes.sealedBytes} bytes in ${sizes.chunks} cookies (${sizes.sessionBytes} bytes of session JSON)`);
    expect(lines).toContain(`headers  Cookie ${sizes.requestHeaderBytes} bytes, Set-Cookie ${sizes.responseHeaderBytes} bytes`);
    for (const check of sizes.limits) {
      expect(lines).toContain(`limit    ${check.passes ? 'passes' : 'exceeds'} ${check.description} (${check.measured} of ${check.limit} bytes)`);
    }
    expect(lines).toContain(`largest  ${sizes.largest.map((m) => `${m.path} ${m.bytes} bytes`).join(', ')}`);
    for (const m of [...sizes.members, ...sizes.userClaims]) {
      expect(lines.some((line) => new RegExp(`^ +${m.path.replace(/[.|]/g, '\\$&')} +${m.bytes}$`).test(line))).toBe(true);
    }
  });

  test('one small cookie passes every limit', async () => {
    const key = secret();
    const { value } = await sdkCookie(key, smallSession());
    const result = await run(['inspect', '--sizes', value], { env: { AUTH0_SECRET: key } });
    expectSuccess(result);
    expect(result.stdout).toMatch(/^sealed +\d+ bytes in 1 cookie \(/m);
    expect(result.stdout.match(/^limit +passes /gm)).toHaveLength(3);
    expect(result.stdout).not.toMatch(/exceeds/);
  });

  test('a stateful cookie: its session lives in a store, and --json says so with sizes null', async () => {
    const key = secret();
    const cookie = await generateStatefulSessionCookie(randomHex(16), { secret: key });
    const [text, json] = await Promise.all([
      run(['inspect', '--sizes', cookie], { env: { AUTH0_SECRET: key } }),
      run(['inspect', '--sizes', '--json', cookie], { env: { AUTH0_SECRET: key } }),
    ]);
    expectSuccess(text);
    expect(text.stdout).toMatch(/^sizes +the session lives in a store: only its id is in the cookie$/m);
    expectSuccess(json);
    expect(parseReport(json)).toMatchObject({ format: 'stateful-id', sizes: null });
  });

  test('a cookie that does not open: its coded error, as inspect gives it', async () => {
    const { value } = await sdkCookie(secret(), smallSession());
    const result = await run(['inspect', '--sizes', value], { env: { AUTH0_SECRET: secret() } });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^session-seal: ERR_JWE_DECRYPTION_FAILED: [^\n]+\n$/);
  });

  test('inspect --help names --sizes', async () => {
    const result = await run(['inspect', '--help']);
    expectSuccess(result);
    expect(result.stdout).toContain('[--sizes]');
    expect(result.stdout).toContain('--sizes prints where the session');
  });
});
