// The `session-seal` command's failures, run for real: every error path with its exit code and one-line
// coded message, usage and --help, a reader that goes away, the demo; and colour (none off a terminal or
// with NO_COLOR, some on a pseudo-terminal). Fresh random secrets every run; every run checked for printed
// secrets and stray colour (helpers/cli.mjs).

import { describe, test, expect, jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  loadAddon,
  randomSecret,
  randomHex,
  randomInt,
  typicalSession as typical,
  largeSession as large,
  flipChar,
  withSegment,
  nowSeconds,
} from './helpers/fixtures.mjs';
import {
  CLI_TIMEOUT_MS,
  cliSuite,
  COMMAND_NAMES,
  ANSI,
  DAY,
  tmp,
  SECRETS,
  secret,
  run,
  sh,
  expectFailure,
  expectSuccess,
  parseReport,
  randomSub,
} from './helpers/cli.mjs';

jest.setTimeout(CLI_TIMEOUT_MS);
cliSuite();

const { SessionCipher } = loadAddon();

// ---------------------------------------------------------------------------------------------------
// Errors: exit codes and one-line messages
// ---------------------------------------------------------------------------------------------------

describe('errors', () => {
  test('wrong secret: exit 1, ERR_JWE_DECRYPTION_FAILED (text and --json)', async () => {
    const key = secret();
    const wrong = secret();
    const generated = await run(['generate', '--sub', randomSub()], { env: { AUTH0_SECRET: key } });
    const [text, json] = await Promise.all([
      run(['inspect'], { input: generated.stdout, env: { AUTH0_SECRET: wrong } }),
      run(['inspect', '--json'], { input: generated.stdout, env: { AUTH0_SECRET: wrong } }),
    ]);
    expectFailure(text, 1, 'ERR_JWE_DECRYPTION_FAILED');
    expect(text.stdout).toMatch(/^cookie\s+__session, \d+ bytes\n$/);
    expect(json.status).toBe(1);
    const report = parseReport(json);
    expect(report.error.code).toBe('ERR_JWE_DECRYPTION_FAILED');
    expect(report.session).toBeUndefined();
  });

  test('a tampered cookie (ciphertext, tag, iv) does not open: exit 1 with a coded line', async () => {
    const key = secret();
    const value = (await run(['generate', '--sub', randomSub()], { env: { AUTH0_SECRET: key } })).stdout.trim();
    const tampered = [
      withSegment(value, 3, (s) => flipChar(s, randomInt(0, s.length - 1))),
      withSegment(value, 4, (s) => flipChar(s, randomInt(0, s.length - 1))),
      withSegment(value, 2, (s) => flipChar(s, randomInt(0, s.length - 1))),
    ];
    const results = await Promise.all(tampered.map((t) => run(['inspect', t], { env: { AUTH0_SECRET: key } })));
    for (const result of results) expectFailure(result, 1, 'ERR_JWE_DECRYPTION_FAILED');
    // a mangled header is not a JWE at all
    const badHeader = withSegment(value, 0, Buffer.from('{"alg":"dir"').toString('base64url'));
    expectFailure(await run(['inspect', badHeader], { env: { AUTH0_SECRET: key } }), 1, 'ERR_JWE_INVALID');
  });

  test('an expired cookie (--now far in the future): exit 1, ERR_JWT_EXPIRED', async () => {
    const key = secret();
    const generated = await run(['generate', '--sub', randomSub()], { env: { AUTH0_SECRET: key } });
    const future = String(nowSeconds() + 10 * 365 * DAY);
    const [text, json] = await Promise.all([
      run(['inspect', '--now', future], { input: generated.stdout, env: { AUTH0_SECRET: key } }),
      run(['inspect', '--json', '--now', future], { input: generated.stdout, env: { AUTH0_SECRET: key } }),
    ]);
    expectFailure(text, 1, 'ERR_JWT_EXPIRED');
    expect(json.status).toBe(1);
    expect(parseReport(json).error.code).toBe('ERR_JWT_EXPIRED');
  });

  test('--now that is not a number is bad usage', async () => {
    expectFailure(await run(['inspect', 'a.b.c.d.e', '--now', 'tomorrow'], { env: { AUTH0_SECRET: secret() } }), 2, 'ERR_USAGE');
  });

  test.each([
    ['a word', 'garbage'],
    ['five empty segments', '....'],
    ['five junk segments', 'a.b.c.d.e'],
    ['binary-ish', '%%%%.$$$$'],
  ])('garbage input (%s): exit 1, one coded line', async (_label, input) => {
    const result = await run(['inspect'], { input, env: { AUTH0_SECRET: secret() } });
    expectFailure(result, 1, 'ERR_[A-Z_]+');
    expect(result.stderr).not.toContain('ERR_UNEXPECTED');
  });

  test('a Cookie header without a session cookie: exit 1, ERR_NO_SESSION_COOKIE', async () => {
    const key = secret();
    const results = await Promise.all([
      run(['inspect', 'Cookie: theme=dark; lang=en'], { env: { AUTH0_SECRET: key } }),
      run(['inspect', '--json'], { input: 'theme=dark; __sessionx=1\n', env: { AUTH0_SECRET: key } }),
      run(['inspect'], { input: 'Set-Cookie: __session=; Path=/; Max-Age=0\n', env: { AUTH0_SECRET: key } }),
    ]);
    for (const result of results) {
      expectFailure(result, 1, 'ERR_NO_SESSION_COOKIE');
      expect(result.stdout).toBe('');
    }
  });

  test('no secret at all: exit 2 for inspect, seal and generate', async () => {
    const key = secret();
    const value = new SessionCipher({ secret: key }).seal(typical(), nowSeconds() + DAY);
    const results = await Promise.all([
      run(['inspect', value]),
      run(['seal'], { input: JSON.stringify(typical()) }),
      run(['generate', '--sub', randomSub()]),
      run(['generate', '--stateful']),
      run(['inspect', value], { env: { AUTH0_SECRET: '' } }),
    ]);
    for (const result of results) {
      expectFailure(result, 2, 'ERR_USAGE');
      expect(result.stderr).toContain('AUTH0_SECRET');
      expect(result.stdout).toBe('');
    }
  });

  test('no input for inspect (empty stdin): exit 2', async () => {
    expectFailure(await run(['inspect'], { env: { AUTH0_SECRET: secret() } }), 2, 'ERR_USAGE');
    expectFailure(await run(['inspect', 'a', 'b'], { env: { AUTH0_SECRET: secret() } }), 2, 'ERR_USAGE');
  });

  test('an unknown command: exit 2, listing the commands; no command: the overview, exit 2', async () => {
    const [unknown, none, help] = await Promise.all([run(['unseal-everything']), run([]), run(['--help'])]);
    expectFailure(unknown, 2, 'ERR_USAGE');
    for (const name of COMMAND_NAMES) expect(unknown.stderr).toContain(name);
    expect(none.status).toBe(2);
    expect(none.stdout).toMatch(/^usage: session-seal <command>/);
    expectSuccess(help);
    expect(help.stdout).toMatch(/^usage: session-seal <command>/);
    for (const name of COMMAND_NAMES) expect(help.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
  });

  test.each(COMMAND_NAMES)('%s with an unknown flag: exit 2, one line', async (name) => {
    const result = await run([name, '--bogus-flag', '--secret', secret()]);
    expectFailure(result, 2, 'ERR_USAGE');
    expect(result.stderr).toContain('--bogus-flag');
    expect(result.stderr).toContain(`session-seal ${name} --help`);
  });

  test.each(COMMAND_NAMES)('%s --help and -h: exit 0, the usage line', async (name) => {
    const [long, short] = await Promise.all([run([name, '--help']), run([name, '-h'])]);
    for (const result of [long, short]) {
      expectSuccess(result);
      expect(result.stdout).toMatch(new RegExp(`^usage: session-seal ${name}\\b`));
      if (['inspect', 'seal', 'generate'].includes(name)) expect(result.stdout).toContain('AUTH0_SECRET');
    }
    expect(short.stdout).toBe(long.stdout);
  });

  test('a secret that looks like a flag: a one-line usage error that does not echo it', async () => {
    const dashed = `-${randomSecret()}`;
    SECRETS.add(dashed);
    const result = await run(['inspect', 'a.b.c.d.e', '--secret', dashed]);
    expectFailure(result, 2, 'ERR_USAGE'); // one line, though node's own message has several
    expect(result.stderr).toContain('--secret=');
  });

  test('a reader that goes away early (`… | head`) is not an error', async () => {
    const key = secret();
    const result = await run(['seal', '--set-cookie'], { input: JSON.stringify(large()), closeStdout: true, env: { AUTH0_SECRET: key } });
    expect({ status: result.status, stderr: result.stderr }).toStrictEqual({ status: 0, stderr: '' });
  });

  test('demo: runs with its own secret, the SDK agrees, no secret printed', async () => {
    const result = await run(['demo']);
    expectSuccess(result);
    expect(result.stdout).toContain('identical session, exp included');
    expect(result.stdout).not.toMatch(/[0-9a-f]{64}/);
  });
});

// ---------------------------------------------------------------------------------------------------
// Colour
// ---------------------------------------------------------------------------------------------------

/** util-linux `script` runs a command on a pseudo-terminal; a machine without it fails the test that needs it. */
function requireScript() {
  if (spawnSync('script', ['--version'], { encoding: 'utf8' }).status !== 0) {
    throw new Error('the terminal test needs `script` from util-linux (Debian/Ubuntu: apt-get install bsdutils)');
  }
}

describe('colour', () => {
  test('off a terminal: no ANSI escapes, with and without NO_COLOR (every run in this file is checked too)', async () => {
    const key = secret();
    const generated = await run(['generate', '--sub', randomSub()], { env: { AUTH0_SECRET: key } });
    const results = await Promise.all([
      run(['inspect'], { input: generated.stdout, env: { AUTH0_SECRET: key, TERM: 'xterm-256color' } }),
      run(['inspect'], { input: generated.stdout, env: { AUTH0_SECRET: key, NO_COLOR: '1', TERM: 'xterm-256color' } }),
      run(['inspect'], { input: generated.stdout, env: { AUTH0_SECRET: secret(), TERM: 'xterm-256color' } }),
      run(['--help'], { env: { TERM: 'xterm-256color' } }),
    ]);
    for (const result of results) {
      expect(result.stdout + result.stderr).not.toMatch(ANSI);
    }
  });

  // On a real terminal (a pty from util-linux `script`): colours, unless NO_COLOR is set; and stderr
  // redirected to a file gets none even when stdout is a terminal.
  test('on a terminal: colour, but none with NO_COLOR=1 and none in a redirected stderr', async () => {
    requireScript();
    const key = secret();
    const cookie = (await run(['generate', '--sub', randomSub()], { env: { AUTH0_SECRET: key } })).stdout.trim();
    const errors = path.join(tmp, `errors-${randomHex(4)}.log`);
    const onTty = (command, env = {}) =>
      sh(`script -qec ${JSON.stringify(command)} /dev/null`, { env: { SHELL: '/bin/sh', TERM: 'xterm-256color', AUTH0_SECRET: key, COOKIE: cookie, ERRORS: errors, ...env }, tty: true });
    const [coloured, noColor, redirected] = await Promise.all([
      onTty('$SS inspect "$COOKIE"'),
      onTty('$SS inspect "$COOKIE"; $SS inspect garbage', { NO_COLOR: '1' }),
      onTty('$SS inspect garbage 2>"$ERRORS"'),
    ]);
    expect(coloured.status).toBe(0);
    expect(coloured.stdout).toMatch(ANSI); // the test can see colours when there are some
    expect(coloured.stdout).toContain('v4 session cookie');
    expect(noColor.stdout).toContain('v4 session cookie');
    expect(noColor.stdout).toContain('ERR_JWE_INVALID');
    expect(noColor.stdout).not.toMatch(ANSI);
    const logged = fs.readFileSync(errors, 'utf8');
    expect(logged).toMatch(/^session-seal: ERR_JWE_INVALID: [^\n]+\n$/);
    for (const s of SECRETS) expect(logged.includes(s)).toBe(false);
    expect(redirected.stdout).toMatch(ANSI); // stdout still a terminal
  });
});
