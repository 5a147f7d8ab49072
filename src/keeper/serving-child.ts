// One serving process: `lxcfs-node serve-connection <daemon args>` run by the same node
// binary with the same V8 flags, the connection's fds inherited as 3, 4, … (dup'ed copies of
// the keeper's open files: the kernel's per-file queue of requests in processing survives
// the child), its state in CHILD_CONNECTION_ENV, and an IPC channel for the few messages
// below. stdout and stderr are the keeper's, so both log to one stream.
import { spawn, type ChildProcess } from 'node:child_process';
import type { InitOut } from '../fuse/protocol.js';
import { CHILD_CONNECTION_ENV, parseInitOut, type ChildConnection } from './connection-state.js';

/** Child → keeper. */
export type ChildMessage =
  | { readonly type: 'init'; readonly negotiated: InitOut }
  | { readonly type: 'ready' }
  | { readonly type: 'serving' }
  | { readonly type: 'released' };

/** Keeper → child: stop reading the connection (it was handed over), keep /livez up. */
export const RELEASE = { type: 'release' } as const;
/** Keeper → a child started in standby: the predecessor stopped reading; start. */
export const START = { type: 'start' } as const;

/** The command line (process title) of a child started in standby until it is told to start. */
export const STANDBY_TITLE = 'lxcfs-node standby';

/** Exit status of a child whose connection the kernel ended (unmounted): not a crash. */
export const EXIT_CONNECTION_ENDED = 3;

export interface ServingChildSpec {
  /** The command that runs lxcfs-node: node, its flags, the script (defaults: this process's). */
  readonly command?: { readonly file: string; readonly args: readonly string[] };
  /** The daemon's own argv (flags and mountpoint), passed through. */
  readonly argv: readonly string[];
  readonly fds: readonly number[];
  /** The keeper's journal of requests in flight, inherited after the fds. */
  readonly journal?: number;
  readonly connection: Omit<ChildConnection, 'fds' | 'journal'>;
  onMessage(message: ChildMessage): void;
  onExit(code: number | null, signal: NodeJS.Signals | null): void;
}

export function thisCommand(): { file: string; args: string[] } {
  return { file: process.execPath, args: [...process.execArgv, process.argv[1]!] };
}

export function spawnServingChild(spec: ServingChildSpec): ChildProcess {
  const command = spec.command ?? thisCommand();
  const journal = spec.journal === undefined ? [] : [spec.journal];
  const connection: ChildConnection = { ...spec.connection, fds: spec.fds.length, journal: journal.length > 0 };
  const child = spawn(command.file, [...command.args, 'serve-connection', ...spec.argv], {
    stdio: ['ignore', 'inherit', 'inherit', ...spec.fds, ...journal, 'ipc'],
    env: { ...process.env, [CHILD_CONNECTION_ENV]: JSON.stringify(connection) },
  });
  child.on('message', (raw: unknown) => {
    const message = parseChildMessage(raw);
    if (message !== null) spec.onMessage(message);
  });
  child.once('exit', (code, signal) => spec.onExit(code, signal));
  // A child that dies mid-send breaks the channel; its exit is what counts.
  child.on('error', () => {});
  return child;
}

function parseChildMessage(raw: unknown): ChildMessage | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const m = raw as Record<string, unknown>;
  if (m.type === 'ready' || m.type === 'serving' || m.type === 'released') return { type: m.type };
  if (m.type === 'init') {
    try {
      const negotiated = parseInitOut(m.negotiated);
      return negotiated === null ? null : { type: 'init', negotiated };
    } catch {
      return null;
    }
  }
  return null;
}
