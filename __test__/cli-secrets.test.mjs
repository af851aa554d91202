// How the `session-seal` command, run for real, is given its secrets: AUTH0_SECRET (one secret, as the SDK
// reads it), --secret-file PATH or - (one per line, rotation: the first seals, any opens, keyIndex and the
// "older secret" hint), and --secret with its warning; which wins. Fresh random secrets every run; every
// run checked for printed secrets and stray colour (helpers/cli.mjs).

import { describe, test, expect, jest } from '@jest/globals';
import path from 'node:path';
import { loadAddon, randomHex, typicalSession as typical, nowSeconds } from './helpers/fixtures.mjs';
import {
  CLI_TIMEOUT_MS,
  cliSuite,
  DAY,
  sdk,
  tmp,
  SECRETS,
  secret,
  run,
  expectFailure,
  expectSuccess,
  parseInspect,
  parseReport,
  writeTemp,
  randomSub,
} from './helpers/cli.mjs';

jest.setTimeout(CLI_TIMEOUT_MS);
cliSuite();

const { SessionCipher } = loadAddon();

// (These are tests of the 'inspect inputs' group; their names keep it.)
describe('inspect inputs', () => {
  test('rotation: a secret file of two, a cookie under the second → keyIndex 1 and the "older secret" hint', async () => {
    const newest = secret();
    const older = secret();
    const sub = randomSub();
    const both = ['--secret-file', writeTemp('rotation', `${newest}\n${older}\n`)];
    const [underOlder, underNewest] = await Promise.all([
      run(['generate', '--sub', sub], { env: { AUTH0_SECRET: older } }),
      // seal with two secrets: the first one seals
      run(['seal', ...both], { input: JSON.stringify({ ...typical(), user: { sub } }) }),
    ]);
    expectSuccess(underOlder);
    expectSuccess(underNewest);
    expect(new SessionCipher({ secret: newest }).open(underNewest.stdout.trim()).keyIndex).toBe(0);

    const [oldJson, oldText, newText] = await Promise.all([
      run(['inspect', '--json', ...both], { input: underOlder.stdout }),
      run(['inspect', ...both], { input: underOlder.stdout }),
      run(['inspect', ...both], { input: underNewest.stdout }),
    ]);
    const report = parseReport(oldJson);
    expect(report.keyIndex).toBe(1);
    expect(report.session.user.sub).toBe(sub);
    expect(parseInspect(oldText.stdout).summary.secret).toBe('#1 (an older secret: re-seal under the newest) of 2');
    expect(parseInspect(newText.stdout).summary.secret).toBe('#0 (the newest) of 2');
  });

  test('--secret-file: one secret per line (blank lines and CRLF ignored), in order', async () => {
    const first = secret();
    const second = secret();
    const third = secret();
    const file = writeTemp('secrets', `${first}\r\n\n  ${second}  \n${third}\n\n`);
    const cookies = [first, second, third].map((s) => new SessionCipher({ secret: s }).seal(typical(), nowSeconds() + DAY));
    const results = await Promise.all(cookies.map((c) => run(['inspect', '--json', c, '--secret-file', file])));
    results.forEach((result, index) => {
      expectSuccess(result);
      expect(parseReport(result).keyIndex).toBe(index);
    });
    const text = await run(['inspect', cookies[2], '--secret-file', file]);
    expect(parseInspect(text.stdout).summary.secret).toBe('#2 (an older secret: re-seal under the newest) of 3');
    // seal with a secret file: the first line seals
    const sealed = await run(['seal', '--secret-file', file], { input: JSON.stringify(typical()) });
    expectSuccess(sealed);
    expect(new SessionCipher({ secret: [first, second, third] }).open(sealed.stdout.trim()).keyIndex).toBe(0);
  });

  test('a missing --secret-file: exit 1, ERR_SECRET_INVALID naming the file', async () => {
    const missing = path.join(tmp, `no-secrets-${randomHex(4)}`);
    const result = await run(['inspect', 'x.y.z', '--secret-file', missing]);
    expectFailure(result, 1, 'ERR_SECRET_INVALID');
    expect(result.stderr).toContain(missing);
  });

  test('a --secret-file without a secret in it is an error, not a fall-back to AUTH0_SECRET', async () => {
    const key = secret();
    const value = new SessionCipher({ secret: key }).seal(typical(), nowSeconds() + DAY);
    const empty = writeTemp('empty-secrets', '\n  \r\n\n');
    const [fromFile, fromStdin] = await Promise.all([
      run(['inspect', value, '--secret-file', empty], { env: { AUTH0_SECRET: key } }),
      run(['inspect', value, '--secret-file', '-'], { input: '\n\n', env: { AUTH0_SECRET: key } }),
    ]);
    expectFailure(fromFile, 1, 'ERR_SECRET_INVALID');
    expect(fromFile.stderr).toContain(`the secret file ${empty} holds no secret`);
    expectFailure(fromStdin, 1, 'ERR_SECRET_INVALID');
    expect(fromStdin.stderr).toContain('standard input holds no secret');
  });

  test('--secret-file -: the secrets from standard input, when the input is an argument or a file (generate, inspect, seal)', async () => {
    const newest = secret();
    const older = secret();
    const lines = `${newest}\n${older}\n`;
    const sub = randomSub();
    const generated = await run(['generate', '--sub', sub, '--secret-file', '-'], { input: lines });
    expectSuccess(generated);
    const cookie = generated.stdout.trim();
    expect(new SessionCipher({ secret: newest }).open(cookie).keyIndex).toBe(0);
    const underOlder = new SessionCipher({ secret: older }).seal(typical(), nowSeconds() + DAY);
    const file = writeTemp('session.json', JSON.stringify(typical()));
    const [inspected, olderInspected, sealed] = await Promise.all([
      run(['inspect', '--json', cookie, '--secret-file', '-'], { input: lines }),
      run(['inspect', '--json', underOlder, '--secret-file', '-'], { input: lines }),
      run(['seal', file, '--secret-file', '-'], { input: lines }),
    ]);
    for (const result of [inspected, olderInspected, sealed]) expectSuccess(result);
    expect(parseReport(inspected).session.user.sub).toBe(sub);
    expect(parseReport(olderInspected).keyIndex).toBe(1);
    expect(new SessionCipher({ secret: [newest, older] }).open(sealed.stdout.trim()).keyIndex).toBe(0);
  });

  test('--secret-file - when standard input carries the cookie or the session: exit 2', async () => {
    const key = secret();
    const value = new SessionCipher({ secret: key }).seal(typical(), nowSeconds() + DAY);
    const results = await Promise.all([
      run(['inspect', '--secret-file', '-'], { input: `${value}\n` }),
      run(['seal', '--secret-file', '-'], { input: JSON.stringify(typical()) }),
      run(['seal', '-', '--secret-file', '-'], { input: JSON.stringify(typical()) }),
    ]);
    for (const result of results) {
      expectFailure(result, 2, 'ERR_USAGE');
      expect(result.stderr).toContain('--secret-file -');
      expect(result.stdout).toBe('');
    }
  });

  test('AUTH0_SECRET is one secret, as the SDK reads it: commas and spaces are part of it', async () => {
    const key = `${secret()}, ${randomHex(8)},x`;
    SECRETS.add(key);
    const value = new SessionCipher({ secret: key }).seal(typical(), nowSeconds() + DAY);
    const result = await run(['inspect', '--json', value], { env: { AUTH0_SECRET: key } });
    expectSuccess(result);
    expect(parseReport(result).keyIndex).toBe(0);
    expect(await sdk.decrypt(value, key)).not.toBeNull();
  });

  test('--secret and --secret-file win over AUTH0_SECRET', async () => {
    const key = secret();
    const other = secret();
    const sub = randomSub();
    const generated = await run(['generate', '--sub', sub], { env: { AUTH0_SECRET: key } });
    expectSuccess(generated);
    expect(new SessionCipher({ secret: key }).unseal(generated.stdout.trim()).user.sub).toBe(sub);
    const keyFile = writeTemp('key', `${key}\n`);
    const otherFile = writeTemp('other', `${other}\n`);
    const [fromEnv, fileWins, fileWrong, flagWins] = await Promise.all([
      run(['inspect', '--json'], { input: generated.stdout, env: { AUTH0_SECRET: key } }),
      run(['inspect', '--json', '--secret-file', keyFile], { input: generated.stdout, env: { AUTH0_SECRET: other } }),
      run(['inspect', '--secret-file', otherFile], { input: generated.stdout, env: { AUTH0_SECRET: key } }),
      run(['inspect', '--json', '--secret', key], { input: generated.stdout, env: { AUTH0_SECRET: other } }),
    ]);
    expect(parseReport(fromEnv).session.user.sub).toBe(sub);
    expect(parseReport(fileWins).session.user.sub).toBe(sub);
    expectFailure(fileWrong, 1, 'ERR_JWE_DECRYPTION_FAILED');
    expect(parseReport(flagWins).session.user.sub).toBe(sub);
  });

  test('--secret VALUE works (repeated: rotation) but warns once on stderr that ps and shell history see it', async () => {
    const newest = secret();
    const older = secret();
    const sub = randomSub();
    const underOlder = new SessionCipher({ secret: older }).seal({ ...typical(), user: { sub } }, nowSeconds() + DAY);
    const [one, two, failing] = await Promise.all([
      run(['generate', '--sub', sub, '--secret', newest]),
      run(['inspect', '--json', underOlder, '--secret', newest, '--secret', older]),
      run(['inspect', underOlder, '--secret', newest]),
    ]);
    const WARNING = 'session-seal: warning: --secret puts the secret where `ps` and your shell history can see it; use AUTH0_SECRET or --secret-file PATH\n';
    for (const result of [one, two]) expect({ status: result.status, stderr: result.stderr }).toStrictEqual({ status: 0, stderr: WARNING });
    expect(new SessionCipher({ secret: newest }).unseal(one.stdout.trim()).user.sub).toBe(sub);
    expect(parseReport(two)).toStrictEqual(expect.objectContaining({ keyIndex: 1 }));
    // A failure after the warning: the warning, then the one coded line.
    expect(failing.status).toBe(1);
    expect(failing.stderr).toMatch(/^session-seal: warning: --secret [^\n]+\nsession-seal: ERR_JWE_DECRYPTION_FAILED: [^\n]+\n$/);
  });
});
