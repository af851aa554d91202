// `unseal` of a cookie under the SDK's own header leaves the payload's JSON to V8 alone: `JSON.parse` judges
// the syntax, the value must be an object, and its own exp / nbf / iat members are checked. These cases are
// the edges of that path (the hostile suites seal under the other header order, which the claims scan
// judges), each held by the judge to jose's jwtDecrypt and to `open`, which still scans: `unseal` is `null`
// exactly when `open` throws, and otherwise the payload jose reads.

import { describe, test, expect, jest } from '@jest/globals';
import { HOSTILE_TIMEOUT_MS, NOW, H_SDK, utf8, seal, judge, cipher, MAIN_OBJECT_PROTOTYPE, watchSuite } from './helpers/hostile.mjs';

jest.setTimeout(HOSTILE_TIMEOUT_MS);
watchSuite();

const sdk = (plaintext) => seal({ header: H_SDK, plaintext });
const LATER = NOW + 3600;
const EARLIER = NOW - 3600;

describe('the payload under the SDK header', () => {
  const texts = [
    ['empty', ''],
    ['blank', ' \n'],
    ['array', '[{}]'],
    ['number', '1'],
    ['string', '"{}"'],
    ['null', 'null'],
    ['empty object', '{}'],
    ['whitespace around', ` \t\r\n{"exp":${LATER}} \n`],
    ['BOM first (dropped, as TextDecoder does)', `\ufeff{"exp":${LATER}}`],
    ['two BOMs', '\ufeff\ufeff{}'],
    ['NBSP first', '\u00a0{}'],
    ['open brace', '{'],
    ['missing value', '{"a":}'],
    ['trailing comma', '{"a":1,}'],
    ['trailing text', '{}x'],
    ['two objects', '{}{}'],
    ['leading zero', '{"a":01}'],
    ['raw control character', '{"a":"\u0001"}'],
    ['bad escape', '{"a":"\\x"}'],
    ['form feed as whitespace', '{"a":1}\f'],
    ['1e400 (Infinity)', '{"a":1e400}'],
    ['exp of 1e400', '{"exp":1e400}'],
    ['300 levels of nesting', `{"a":${'['.repeat(300)}${']'.repeat(300)}}`],
    ['lone surrogate escapes', '{"\\ud800":"\\udfff"}'],
    ['__proto__ member', '{"__proto__":{"polluted":true},"sub":"u"}'],
    ['non-ASCII text', `{"name":"Zoë 😀","exp":${LATER}}`],
  ];
  test.each(texts)('%s', async (label, text) => {
    await judge(sdk(text), { label });
  });

  test('invalid UTF-8', async () => {
    await judge(sdk(Buffer.concat([utf8('{"a":"'), Buffer.from([0xff]), utf8('"}')])), { label: 'invalid UTF-8' });
  });
});

describe('the time claims under the SDK header', () => {
  const claims = [
    ['exp later', `{"exp":${LATER}}`],
    ['exp = now - 14 (within the tolerance)', `{"exp":${NOW - 14}}`],
    ['exp = now - 15 (expired)', `{"exp":${NOW - 15}}`],
    ['exp a string', `{"exp":"${LATER}"}`],
    ['exp null', '{"exp":null}'],
    ['exp an array', `{"exp":[${LATER}]}`],
    ['nbf = now + 15', `{"nbf":${NOW + 15}}`],
    ['nbf = now + 16', `{"nbf":${NOW + 16}}`],
    ['nbf an object', '{"nbf":{}}'],
    ['iat a string', '{"iat":"x"}'],
    ['iat in the future', `{"iat":${LATER}}`],
    ['duplicate exp, the last expired', `{"exp":${LATER},"exp":${EARLIER}}`],
    ['duplicate exp, the last valid', `{"exp":${EARLIER},"exp":${LATER}}`],
    ['escaped exp name, expired', `{"\\u0065xp":${EARLIER}}`],
    ['exp only nested', `{"a":{"exp":${EARLIER}}}`],
    ['a string that looks like an exp member', `{"a":"\\"exp\\":1,","exp":${LATER}}`],
  ];
  test.each(claims)('%s', async (label, text) => {
    await judge(sdk(text), { label });
  });
});

describe('the claims are the payload’s own members', () => {
  test('an inherited exp, nbf or iat on Object.prototype changes nothing, and no inherited getter runs', () => {
    const reads = [];
    const names = ['exp', 'nbf', 'iat'];
    for (const name of names) {
      Object.defineProperty(MAIN_OBJECT_PROTOTYPE, name, {
        configurable: true,
        get() {
          reads.push(name);
          return name === 'iat' ? 'not a number' : NOW - 3600;
        },
      });
    }
    try {
      expect(cipher.unseal(sdk('{"sub":"u"}'), { now: NOW })).toStrictEqual({ sub: 'u' });
      expect(cipher.unseal(sdk(`{"sub":"u","exp":${LATER}}`), { now: NOW })).toStrictEqual({ sub: 'u', exp: LATER });
      expect(cipher.unseal(sdk(`{"sub":"u","exp":${EARLIER}}`), { now: NOW })).toBeNull();
      expect(reads).toStrictEqual([]);
    } finally {
      for (const name of names) delete MAIN_OBJECT_PROTOTYPE[name];
    }
  });

  test('a session sealed here reads back whole, with its exp', () => {
    const session = { user: { sub: 'auth0|1' }, internal: { sid: 's', createdAt: NOW } };
    expect(cipher.unseal(cipher.seal(session, LATER), { now: NOW })).toStrictEqual({ ...session, exp: LATER });
    expect(cipher.unseal(cipher.seal(session, EARLIER), { now: NOW })).toBeNull();
  });
});
