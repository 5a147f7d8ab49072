// `lxcfs-node serve-connection <daemon args>`: the serving process a keeper starts (never
// run by hand). It serves the connection on the inherited fds (Daemon.serve: no mount, no
// pidfile) — in standby, only once the keeper says "start" — tells the keeper INIT's
// outcome and when it serves, stops reading when the
// connection was handed over (keeping /livez up until the keeper ends it), and exits
// EXIT_CONNECTION_ENDED when the kernel ended the connection. SIGINT and SIGHUP are the
// keeper's to act on; if the keeper dies, this process serves on until the connection ends.
import { LxcfsError } from '../errors.js';
import { parseCommandLine, serveHttp } from '../cli.js';
import type { HttpEndpoint } from '../agent/http-server.js';
import { createLogger, rateLimited } from '../log.js';
import { CHILD_CONNECTION_ENV, FIRST_INHERITED_FD, parseChildConnection } from './connection-state.js';
import { EXIT_CONNECTION_ENDED, STANDBY_TITLE, type ChildMessage } from './serving-child.js';

/** Resolves on the keeper's next message of `type`; a keeper gone first ends this process's wait with an error. */
function nextMessage(type: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown): void => {
      if ((message as { type?: unknown } | null)?.type !== type) return;
      process.off('message', onMessage);
      process.off('disconnect', onDisconnect);
      resolve();
    };
    const onDisconnect = (): void => reject(new LxcfsError('LXCFS_HAND_OVER_FAILED', `the keeper went away before "${type}"`));
    process.on('message', onMessage);
    process.once('disconnect', onDisconnect);
  });
}

export async function serveConnection(argv: readonly string[], version: string): Promise<number> {
  const command = parseCommandLine(argv);
  if (command.kind !== 'run') throw new LxcfsError('LXCFS_USAGE', 'serve-connection takes the daemon\'s options');
  const connection = parseChildConnection(process.env[CHILD_CONNECTION_ENV]);
  const logger = rateLimited(createLogger(command.options.debug));
  const tell = (message: ChildMessage): void => {
    if (process.connected) process.send?.(message);
  };
  const { native } = await import('../native/addon.js');
  const { Daemon } = await import('../daemon.js');
  const fds = Array.from({ length: connection.fds }, (_, i) => FIRST_INHERITED_FD + i);
  if (connection.standby) {
    // Told apart from the serving process (ps, tests) while it waits — a keeper's spare, or a
    // successor's child during a hand-over — and its command line again once it serves.
    const commandLine = [process.argv0, ...process.execArgv, ...process.argv.slice(1)].join(' ');
    process.title = STANDBY_TITLE;
    const start = nextMessage('start');
    tell({ type: 'ready' });
    await start;
    process.title = commandLine;
  }
  const daemon = Daemon.serve(command.options, { native, logger }, {
    fds, negotiated: connection.negotiated ?? undefined, firstFh: connection.firstFh, mountId: connection.mountId ?? undefined, resend: connection.resend,
    journal: connection.journal ? FIRST_INHERITED_FD + connection.fds : undefined,
    onInit: (negotiated) => tell({ type: 'init', negotiated }),
  });
  // The keeper's re-attach outcomes, for /metrics; it sends the totals after each pass.
  let repairs: ReadonlyMap<string, number> = new Map();
  process.on('message', (message: unknown) => {
    const m = message as { type?: unknown; totals?: unknown } | null;
    if (m?.type !== 'repairs' || typeof m.totals !== 'object' || m.totals === null) return;
    repairs = new Map(Object.entries(m.totals).filter((e): e is [string, number] => Number.isSafeInteger(e[1])));
  });
  let http: HttpEndpoint | null = null;
  if (command.http !== null) http = await serveHttp(command.http, daemon, command.options, logger, version, () => repairs);
  process.on('uncaughtException', (err) => logger.error({ err }, 'uncaught exception; still serving'));
  for (const signal of ['SIGINT', 'SIGHUP'] as const) process.on(signal, () => {});
  let ending = false;
  process.on('disconnect', () => { if (!ending) logger.warn({}, 'the keeper is gone; serving until the connection ends'); });
  process.on('message', (message: unknown) => {
    if ((message as { type?: unknown } | null)?.type !== 'release') return;
    void daemon.release().then(() => {
      logger.info({}, 'connection handed over; no longer reading it');
      tell({ type: 'released' });
    });
  });
  tell({ type: 'serving' });
  return await new Promise<number>((resolveExit) => {
    const end = (code: number) => {
      ending = true;
      daemon.stop();
      void (http?.close() ?? Promise.resolve()).then(() => {
        // The IPC channel alone would keep this process alive.
        if (process.connected) process.disconnect();
        resolveExit(code);
      });
    };
    process.once('SIGTERM', () => end(0));
    void daemon.closed.then((errno) => {
      if (errno !== 0) end(EXIT_CONNECTION_ENDED);
    });
  });
}
