// Child processes for the e2e suites and the Next.js benchmark: commands with deadlines, servers in their
// own process groups (killed whole), free loopback ports, and readiness polling. Nothing here waits
// without a bound.

import { spawn } from 'node:child_process';
import net from 'node:net';

/** Kills a detached child's whole process group (SIGTERM, then SIGKILL), and waits for it. */
export async function killGroup(child, graceMs = 5_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const signal = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  let timer;
  const late = new Promise((resolve) => {
    timer = setTimeout(resolve, graceMs, 'late');
  });
  if ((await Promise.race([exited, late])) === 'late') {
    signal('SIGKILL');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2_000))]);
  }
  clearTimeout(timer);
}

/** Every detached child started here, killed (SIGKILL) should the process exit without cleaning up. */
const living = new Set();
process.once('exit', () => {
  for (const child of living) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

/** Starts a long-running child in its own process group; its output is collected in `child.output`. */
export function startDetached(command, args, { cwd, env }) {
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  living.add(child);
  child.once('exit', () => living.delete(child));
  child.output = '';
  child.stdout.on('data', (d) => (child.output += d));
  child.stderr.on('data', (d) => (child.output += d));
  return child;
}

/** Runs a command in its own process group with a deadline; resolves with its output, rejects on failure. */
export function run(command, args, { cwd, env, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = startDetached(command, args, { cwd, env });
    const timer = setTimeout(() => {
      killGroup(child, 2_000);
      reject(new Error(`${command} ${args.join(' ')} took over ${timeoutMs / 1000} s:\n${child.output.slice(-4000)}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      if (code === 0) resolve(child.output);
      else reject(new Error(`${command} ${args.join(' ')} exited ${code ?? sig}:\n${child.output.slice(-4000)}`));
    });
  });
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released for the server). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls `url` until `ready(response)` is true; fails at once if `child` exits, and after `timeoutMs`.
 * Each poll is bounded too.
 */
export async function waitUntilReady(child, url, { timeoutMs, ready = (r) => r.status < 500, what = 'server' }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited ${child.exitCode ?? child.signalCode}:\n${child.output.slice(-4000)}`);
    }
    try {
      const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      if (ready(response)) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs / 1000} s:\n${child.output.slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Waits (bounded) for the first line a child prints on stdout. */
export function firstLine(child, timeoutMs) {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`no output after ${timeoutMs / 1000} s:\n${child.output}`)), timeoutMs);
    const onData = (d) => {
      buffer += d;
      const end = buffer.indexOf('\n');
      if (end !== -1) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve(buffer.slice(0, end));
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before printing a line:\n${child.output}`));
    });
  });
}
