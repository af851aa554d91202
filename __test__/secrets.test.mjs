// Secrets: refused when empty, never echoed (not in messages, stacks, codes, inspected objects — under any
// error path), and a secret shorter than 32 bytes warns once per process, naming `openssl rand -hex 32`.

import { describe, test, expect } from '@jest/globals';
import crypto from 'node:crypto';
import path from 'node:path';
import util from 'node:util';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const ADDON = path.join(here, '..', 'index.js');
const addon = require(ADDON);

const NOW = Math.floor(Date.now() / 1000);
const CANARY = `canary-${crypto.randomBytes(24).toString('hex')}`;
const SHORT_CANARY = `cn${crypto.randomBytes(6).toString('hex')}`; // 14 bytes: warns, and must not be echoed

/** Every form in which the secret or a key derived from it could leak. */
function secretForms(secret) {
  const forms = [secret];
  for (const info of ['JWE CEK', 'JWS Cookie Signing']) {
    const key = Buffer.from(crypto.hkdfSync('sha256', secret, '', info, 32));
    forms.push(key.toString('hex'), key.toString('base64'), key.toString('base64url'), key.toString('latin1'));
  }
  // Also any 12-character slice of the secret (a truncated echo is still a leak).
  for (let i = 0; i + 12 <= secret.length; i += 6) forms.push(secret.slice(i, i + 12));
  return forms;
}
const FORMS = [...secretForms(CANARY), ...secretForms(SHORT_CANARY)];

/** Everything observable about a thrown or rejected value. */
function observe(error) {
  if (error === undefined || error === null) return '';
  return [
    String(error.message),
    String(error.code),
    String(error.stack),
    util.inspect(error, { depth: 5, showHidden: true }),
    JSON.stringify(error, Object.getOwnPropertyNames(error ?? {})),
  ].join('\n');
}

function expectNoSecret(text, where) {
  for (const form of FORMS) {
    if (text.includes(form)) throw new Error(`${where}: secret material echoed (${JSON.stringify(form.slice(0, 8))}…) in ${text.slice(0, 300)}`);
  }
}

async function outcome(fn) {
  try {
    const value = await fn();
    return { value };
  } catch (error) {
    return { error };
  }
}

describe('empty and malformed secrets are refused', () => {
  test.each([
    ['empty string', ''],
    ['empty list', []],
    ['list with an empty string', [CANARY, '']],
    ['list with a number', [CANARY, 1]],
    ['list with null', [null]],
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['an object', { secret: CANARY }],
    ['a Buffer', Buffer.from(CANARY)],
  ])('SessionCipher with %s: ERR_SECRET_INVALID, secret not echoed', (_label, secret) => {
    const { error } = (() => {
      try {
        return { value: new addon.SessionCipher({ secret }) };
      } catch (e) {
        return { error: e };
      }
    })();
    expect(error?.code).toBe('ERR_SECRET_INVALID');
    expectNoSecret(observe(error), 'constructor');
  });

  test('encrypt / decrypt / SessionCookies refuse an empty secret with ERR_SECRET_INVALID', async () => {
    const cookie = new addon.SessionCipher({ secret: CANARY }).sealPayload({ a: 1 }, NOW + 60);
    for (const secret of ['', [], ['']]) {
      const enc = await outcome(() => addon.encrypt({ a: 1 }, secret, NOW + 60));
      expect(enc.error?.code).toBe('ERR_SECRET_INVALID');
      const dec = await outcome(() => addon.decrypt(cookie, secret));
      expect(dec.error?.code).toBe('ERR_SECRET_INVALID');
      if (addon.SessionCookies) {
        const jar = await outcome(() => new addon.SessionCookies({ secret }));
        expect(jar.error?.code).toBe('ERR_SECRET_INVALID');
      }
    }
  });
});

describe('a key ring takes at most 16 secrets (a forgery is tried against each, so the count bounds its cost)', () => {
  const thrown = (fn) => {
    try {
      fn();
    } catch (error) {
      return error;
    }
    throw new Error('expected a throw');
  };
  const ring = (n) => Array.from({ length: n }, (_, i) => `${CANARY}-${i}`);

  test('16 are taken, 17 refused with ERR_SECRET_INVALID, everywhere a secret is read', async () => {
    expect(new addon.SessionCipher({ secret: ring(16) })).toBeTruthy();
    const cookie = await addon.encrypt({ a: 1 }, ring(16), 4102444800);
    expect((await addon.decrypt(cookie, ring(16))).payload.a).toBe(1);
    for (const make of [
      () => new addon.SessionCipher({ secret: ring(17) }),
      () => new addon.SessionCookies({ secret: ring(17) }),
    ]) {
      const error = thrown(make);
      expect(error.code).toBe('ERR_SECRET_INVALID');
      expect(error.message).toContain('16');
      expectNoSecret(error.message, 'error');
    }
    await expect(addon.encrypt({ a: 1 }, ring(17), 4102444800)).rejects.toMatchObject({ code: 'ERR_SECRET_INVALID' });
    await expect(addon.decrypt(cookie, ring(17))).rejects.toMatchObject({ code: 'ERR_SECRET_INVALID' });
  });

  test('a huge list is refused by its length, before its elements are read', () => {
    const huge = ring(1_000_000);
    Object.defineProperty(huge, 0, { get() { throw new Error('an element was read'); } });
    const error = thrown(() => new addon.SessionCipher({ secret: huge }));
    expect(error.code).toBe('ERR_SECRET_INVALID');
    expect(error.message).toContain('1000000 secrets');
  });
});

describe('secrets never appear in errors or inspected objects', () => {
  const cipher = new addon.SessionCipher({ secret: [CANARY, SHORT_CANARY] });
  const good = cipher.sealPayload({ sub: 'u' }, NOW + 3600);
  const parts = good.split('.');
  const b64 = (text) => Buffer.from(text).toString('base64url');
  const BAD_COOKIES = [
    '',
    'a.b.c',
    `${parts[0]}.AAAA.${parts.slice(2).join('.')}`,
    `${parts.slice(0, 4).join('.')}.AAAA`,
    `${b64('{"alg":"A256KW","enc":"A256GCM"}')}.${parts.slice(1).join('.')}`,
    `${b64('{"alg":"dir","enc":"A256GCM","crit":["x"]}')}.${parts.slice(1).join('.')}`,
    `${b64('{"alg":"PBES2-HS256+A128KW","enc":"A256GCM"}')}.${parts.slice(1).join('.')}`,
    `${parts[0]}..${parts[2]}.${parts[3]}x.${parts[4]}`,
    new addon.SessionCipher({ secret: `${CANARY}-other` }).sealPayload({ a: 1 }, NOW + 60),
    cipher.sealPayload({ a: 1 }, NOW - 60),
    cipher.sealPayload({ nbf: NOW + 3600 }, NOW + 7200),
    cipher.sealPayload({ iat: 'x' }, NOW + 60),
    'x'.repeat(70_000),
    `${CANARY}.${CANARY}.${CANARY}.${CANARY}.${CANARY}`,
    CANARY,
  ];

  test('open, unseal, seal, sealPayload: every failure', async () => {
    const calls = [
      ...BAD_COOKIES.map((c) => () => cipher.open(c, { now: NOW })),
      ...BAD_COOKIES.map((c) => () => cipher.unseal(c, { now: NOW })),
      () => cipher.open(42),
      () => cipher.open(good, { now: 'x' }),
      () => cipher.seal({ user: {} }, NOW + 60),
      () => cipher.seal({ user: { sub: CANARY } }, NOW + 60),
      () => cipher.seal([], NOW + 60),
      () => cipher.sealPayload({ a: 1 }, Infinity),
      () => cipher.sealPayload({ a: 1n }, NOW + 60),
      () => cipher.sealPayload({ big: 'x'.repeat(70_000) }, NOW + 60),
      () => new addon.SessionCipher({ secret: CANARY, clockTolerance: -1 }),
      () => new addon.SessionCipher({ secret: CANARY, maxCookieBytes: 0 }),
      () => new addon.SessionCipher({ secret: [CANARY, ''] }),
      () => new addon.SessionCipher(CANARY),
    ];
    let errors = 0;
    for (const call of calls) {
      const { error } = await outcome(call);
      if (error) errors += 1;
      expectNoSecret(observe(error), call.toString());
    }
    expect(errors).toBeGreaterThan(20);
  });

  test('encrypt and decrypt: every rejection', async () => {
    const calls = [
      () => addon.encrypt({ a: 1 }, CANARY, NaN),
      () => addon.encrypt({ a: 1 }, CANARY, NOW + 60, { alg: 'A256KW' }),
      () => addon.encrypt({ a: 1 }, CANARY, NOW + 60, { zip: 'DEF' }),
      () => addon.encrypt({ a: 1 }, CANARY, NOW + 60, { crit: ['x', 'x'] }),
      () => addon.encrypt('x', CANARY, NOW + 60),
      () => addon.encrypt({ a: 1 }, [CANARY, 3], NOW + 60),
      ...BAD_COOKIES.map((c) => () => addon.decrypt(c, [CANARY, SHORT_CANARY], { currentDate: new Date(NOW * 1000) }, true)),
      ...BAD_COOKIES.map((c) => () => addon.decrypt(c, CANARY)),
      () => addon.decrypt(good, CANARY, { currentDate: 'now' }),
    ];
    let errors = 0;
    for (const call of calls) {
      const { error } = await outcome(call);
      if (error) errors += 1;
      expectNoSecret(observe(error), call.toString());
    }
    expect(errors).toBeGreaterThan(10);
  });

  test('every other export: the secret where a secret goes, junk everywhere else', async () => {
    // The canary goes only where a secret goes (an options object's `secret`), so an echo of it is a leak
    // and not an argument being quoted back.
    const S = { secret: CANARY };
    const argumentSets = [
      [],
      [S],
      [{}, S],
      [good, S],
      [{ user: {} }, S],
      ['x', S, S],
      ['__session', 'x'.repeat(8000), S, []],
      [{ secret: [CANARY, ''] }],
      [{ ...S, cookieName: '' }],
      [{ ...S, rolling: 'yes' }],
      [{ ...S, absoluteDuration: -1 }],
      [{ ...S, cookieOptions: { sameSite: 'sideways' } }],
      [{ ...S, maxCookieBytes: 0 }],
    ];
    const junkArguments = [[], [42], [{}], ['__session=x'], [[{ name: '__session', value: good }]], [{ user: {} }, []], [null, null, null]];
    let errors = 0;
    for (const name of Object.keys(addon).filter((k) => typeof addon[k] === 'function')) {
      const fn = addon[name];
      const isClass = /^[A-Z]/.test(name);
      for (const args of argumentSets) {
        const { value, error } = await outcome(() => (isClass ? new fn(...args) : fn(...args)));
        if (error) errors += 1;
        expectNoSecret(observe(error), `${name}(${args.length} args)`);
        if (!isClass || !value) continue;
        expectNoSecret(util.inspect(value, { depth: 6, showHidden: true }), `inspect(new ${name})`);
        for (const method of Object.getOwnPropertyNames(Object.getPrototypeOf(value))) {
          if (method === 'constructor') continue;
          for (const junk of junkArguments) {
            const r = await outcome(() => value[method](...junk));
            if (r.error) errors += 1;
            expectNoSecret(observe(r.error), `${name}.${method}`);
          }
        }
      }
    }
    expect(errors).toBeGreaterThan(30);
  });

  test('a cipher instance shows no secret when inspected, stringified or enumerated', () => {
    const shown = [
      util.inspect(cipher, { depth: 10, showHidden: true }),
      JSON.stringify(cipher) ?? '',
      String(cipher),
      Object.getOwnPropertyNames(cipher).join(','),
      Object.getOwnPropertySymbols(cipher).map(String).join(','),
    ].join('\n');
    expectNoSecret(shown, 'inspect(cipher)');
  });
});

describe('the short-secret warning (a fresh process each, so the once-per-process flag is fresh)', () => {
  /** Runs `body` in a fresh Node process and returns the warnings it emitted. */
  function warningsOf(body) {
    const script = `
      const warnings = [];
      // Node's own warning when the WASM build loads ("WASI is an experimental feature") is not ours.
      const nodeWasi = (w) => w.name === 'ExperimentalWarning' && /WASI/.test(w.message);
      process.on('warning', (w) => nodeWasi(w) || warnings.push({ name: w.name, code: w.code, message: w.message }));
      const addon = require(process.argv[1]);
      (async () => { ${body} })().then(
        () => setImmediate(() => console.log(JSON.stringify(warnings))),
        (e) => { console.error(e); process.exit(1); },
      );
    `;
    // A fresh Node loading the addon: well under a second idle, more on a busy machine; the limit bounds a hang.
    const run = spawnSync(process.execPath, ['--no-deprecation', '-e', script, ADDON], { encoding: 'utf8', timeout: 120_000 });
    expect(run.stderr.includes(SHORT_CANARY)).toBe(false);
    expect(run.status).toBe(0);
    return JSON.parse(run.stdout.trim().split('\n').pop());
  }

  const short = JSON.stringify(SHORT_CANARY);
  const long = JSON.stringify(CANARY);

  test('one warning per process, however many short secrets, naming openssl rand -hex 32', () => {
    const warnings = warningsOf(`
      new addon.SessionCipher({ secret: ${short} });
      new addon.SessionCipher({ secret: ${short} + 'x' });
      new addon.SessionCipher({ secret: [${long}, ${short}] });
      const c = await addon.encrypt({ a: 1 }, ${short} + 'y', 4102444800);
      await addon.decrypt(c, ${short} + 'y');
    `);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].code).toBe('SESSION_SEAL_SHORT_SECRET');
    expect(warnings[0].message).toContain('openssl rand -hex 32');
    expect(warnings[0].message).toContain('32 bytes');
    expectNoSecret(JSON.stringify(warnings), 'warning');
  });

  test('the drop-in encrypt warns too', () => {
    const warnings = warningsOf(`await addon.encrypt({ a: 1 }, ${short}, 4102444800);`);
    expect(warnings.map((w) => w.code)).toStrictEqual(['SESSION_SEAL_SHORT_SECRET']);
  });

  test('a rotated list warns when any secret is short', () => {
    const warnings = warningsOf(`new addon.SessionCipher({ secret: [${long}, ${short}] });`);
    expect(warnings.map((w) => w.code)).toStrictEqual(['SESSION_SEAL_SHORT_SECRET']);
  });

  // A warning emitted while the drop-in's key cache holds its lock deadlocks a process.emitWarning that itself
  // calls encrypt/decrypt (a patched one, a warning listener): the warning must come after the lock is released. The child must finish; the generous spawn timeout only turns a hang into a failure.
  test('a warning handler that calls encrypt/decrypt again does not deadlock', () => {
    const warnings = warningsOf(`
      const emit = process.emitWarning;
      let reentered = 0;
      process.emitWarning = function (...args) {
        reentered++;
        const sealed = addon.encrypt({ inside: 1 }, ${short} + 'z', 4102444800);
        sealed.then((c) => addon.decrypt(c, ${short} + 'z'));
        return emit.apply(this, args);
      };
      const c = await addon.encrypt({ a: 1 }, ${short}, 4102444800);
      const opened = await addon.decrypt(c, ${short});
      if (opened.payload.a !== 1 || reentered !== 1) throw new Error('unexpected: ' + reentered);
    `);
    expect(warnings.map((w) => w.code)).toStrictEqual(['SESSION_SEAL_SHORT_SECRET']);
  });

  test('32 bytes or more do not warn; 31 do; bytes are UTF-8 bytes, not characters', () => {
    expect(warningsOf(`new addon.SessionCipher({ secret: 'a'.repeat(32) });`)).toStrictEqual([]);
    expect(warningsOf(`new addon.SessionCipher({ secret: 'é'.repeat(16) });`)).toStrictEqual([]);
    expect(warningsOf(`new addon.SessionCipher({ secret: ${long} }); await addon.encrypt({}, ${long}, 4102444800);`)).toStrictEqual([]);
    expect(warningsOf(`new addon.SessionCipher({ secret: 'a'.repeat(31) });`).map((w) => w.code)).toStrictEqual(['SESSION_SEAL_SHORT_SECRET']);
  });
});
