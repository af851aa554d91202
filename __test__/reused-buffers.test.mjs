// `seal` copies a session's JSON and writes its cookie into buffers each thread keeps from call to call, and
// `unseal` copies the cookie and decrypts its payload into them. Those buffers must never leak one call's
// bytes into another: not from a larger session handled before, not from a failed call, not from a seal
// that JavaScript run by JSON.stringify (a toJSON) makes while the outer seal holds them.

import { describe, test, expect } from '@jest/globals';
import { loadAddon } from './helpers/fixtures.mjs';

const addon = loadAddon();
const cipher = new addon.SessionCipher({ secret: 'a'.repeat(64), maxCookieBytes: 1 << 20 });
const NOW = Math.floor(Date.now() / 1000);
const EXP = NOW + 3600;

const session = (name, size = 0) => ({
  user: { sub: `auth0|${name}`, name, bio: 'x'.repeat(size) },
  tokenSet: { accessToken: `at-${name}`, expiresAt: EXP },
  internal: { sid: `sid-${name}`, createdAt: NOW },
});

describe('seal reuses its buffers without mixing calls', () => {
  test('large, small, non-ASCII and large again: each cookie holds its own session', () => {
    const sessions = [session('big', 200_000), session('small'), session('Zoë 😀', 10), session('big2', 50_000), session('tiny')];
    const cookies = sessions.map((s) => cipher.seal(s, EXP));
    cookies.forEach((cookie, i) => expect(cipher.unseal(cookie, { now: NOW })).toStrictEqual({ ...sessions[i], exp: EXP }));
  });

  test('a toJSON that seals another session while the outer seal runs', () => {
    const inner = session('inner', 5000);
    let innerCookie;
    const outer = {
      ...session('outer', 3000),
      extra: {
        toJSON() {
          innerCookie = cipher.seal(inner, EXP);
          return 'made while sealing';
        },
      },
    };
    const outerCookie = cipher.seal(outer, EXP);
    expect(cipher.unseal(innerCookie, { now: NOW })).toStrictEqual({ ...inner, exp: EXP });
    expect(cipher.unseal(outerCookie, { now: NOW })).toStrictEqual({ ...session('outer', 3000), extra: 'made while sealing', exp: EXP });
  });

  test('a seal that fails leaves nothing behind for the next', () => {
    expect(() => cipher.seal({ user: {}, internal: {} }, EXP)).toThrow(expect.objectContaining({ code: 'ERR_SESSION_INVALID' }));
    expect(() => cipher.seal(session('x', 2_000_000), EXP)).toThrow(expect.objectContaining({ code: 'ERR_INPUT_TOO_LARGE' }));
    const after = session('after');
    expect(cipher.unseal(cipher.seal(after, EXP), { now: NOW })).toStrictEqual({ ...after, exp: EXP });
  });
});

describe('unseal reuses its buffers without mixing calls', () => {
  test('large, small, bad, non-ASCII and small again: each read gives its own session or null', () => {
    const sessions = [session('big', 200_000), session('small'), session('Zoë 😀', 10), session('last')];
    const [big, small, accented, last] = sessions.map((s) => cipher.seal(s, EXP));
    const read = (cookie) => cipher.unseal(cookie, { now: NOW });
    expect(read(big)).toStrictEqual({ ...sessions[0], exp: EXP });
    expect(read(small)).toStrictEqual({ ...sessions[1], exp: EXP });
    expect(read(`${big.slice(0, -2)}AA`)).toBeNull();
    expect(read(big.slice(0, 1000))).toBeNull();
    expect(read(accented)).toStrictEqual({ ...sessions[2], exp: EXP });
    expect(read('x'.repeat(2_000_000))).toBeNull();
    expect(read(last)).toStrictEqual({ ...sessions[3], exp: EXP });
    expect(read(small)).toStrictEqual({ ...sessions[1], exp: EXP });
  });
});
