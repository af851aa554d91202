// A Jest reporter for one failure mode only: a run whose every suite has finished but whose process stays up,
// kept alive by a handle some test left open (a Redis client reconnecting to a server a suite stopped, say).
// Jest then waits for ever. A minute after the run, if the process is still here, this names what holds it
// and exits with the run's own verdict, so the results stand and the leak is reported rather than hung on.
// The timer is unref'd: a run that ends cleanly never sees it.

const GRACE_MS = 60_000;

/** What each open handle is, without its data: a socket's peer, a child's command, a timer's kind. */
function describeHandles() {
  return process._getActiveHandles().map((handle) => {
    const kind = handle?.constructor?.name ?? typeof handle;
    if (kind === 'Socket' && handle.remotePort) return `Socket to ${handle.remoteAddress}:${handle.remotePort}`;
    if (kind === 'ChildProcess') return `ChildProcess ${handle.spawnfile} (pid ${handle.pid})`;
    return kind;
  });
}

class OpenHandlesReporter {
  onRunComplete(_contexts, results) {
    const timer = setTimeout(() => {
      const lines = [
        `open-handles-reporter: Jest's process is still up ${GRACE_MS / 1000} s after its run; what holds it:`,
        `  resources: ${process.getActiveResourcesInfo().join(', ')}`,
        ...describeHandles().map((handle) => `  handle: ${handle}`),
      ];
      process.stderr.write(`${lines.join('\n')}\n`);
      process.exit(results.success ? 0 : 1);
    }, GRACE_MS);
    timer.unref();
  }
}

module.exports = OpenHandlesReporter;
