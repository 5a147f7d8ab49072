// The upgrade hand-over between two keepers of one mount (protocol HAND_OVER_PROTOCOL), over
// a Unix seqpacket socket beside the pidfile, one JSON document per message:
//   successor → holder   { type: "take-over", protocol, version, pid }
//   holder → successor   { type: "connection", state }   + the fds (SCM_RIGHTS)
//                     or { type: "refused", reason }
//   successor → holder   { type: "serving" }     (its child reads the connection now)
//   holder → successor   { type: "released" }    (the holder's child stopped reading and
//                                                 answered what it held; pidfile unlocked)
// Until "released" both sides may read the connection; each answers what it reads on the
// same open file, so nothing is lost. If the successor goes away before "serving", the
// holder keeps serving and asks the kernel to resend what the successor had read. The socket
// is created mode 0600 and only a peer running as root (SO_PEERCRED) is answered: the fds it would get
// decide what every container on the node reads.
import { closeSync, existsSync, unlinkSync } from 'node:fs';
import { LxcfsError } from '../errors.js';
import type { NativeAddon } from '../native/addon.js';
import { HAND_OVER_PROTOCOL, parseConnectionState, type ConnectionState } from './connection-state.js';

export type SocketApi = Pick<NativeAddon, 'unixListen' | 'unixAccept' | 'unixConnect' | 'peerCredentials' | 'sendMessage' | 'receiveMessage'>;

/** Where the holder of `pidfile` listens. */
export function handOverSocketPath(pidfile: string): string {
  return `${pidfile}.sock`;
}

const POLL_MS = 100;
const REQUEST_TIMEOUT_MS = 5_000;
/** The successor starts a serving process meanwhile: node start-up on a loaded node. */
const SERVING_TIMEOUT_MS = 60_000;

type Message = Record<string, unknown> & { readonly type?: unknown };

/** A socket error (the peer hung up: EPIPE, ECONNRESET) as the protocol's typed error. */
function peerFailed(err: unknown): LxcfsError {
  return err instanceof LxcfsError ? err : new LxcfsError('LXCFS_HAND_OVER_FAILED', `the peer hung up: ${(err as Error).message}`, { cause: err });
}

function send(api: SocketApi, fd: number, message: object, fds: readonly number[] = []): void {
  try {
    api.sendMessage(fd, Buffer.from(JSON.stringify(message)), fds);
  } catch (err) {
    throw peerFailed(err);
  }
}

/** The next message, null on timeout; an end of stream or garbage throws. */
function receive(api: SocketApi, fd: number, timeoutMs: number): { message: Message; fds: readonly number[] } | null {
  let got;
  try {
    got = api.receiveMessage(fd, timeoutMs);
  } catch (err) {
    throw peerFailed(err);
  }
  if (got === null) return null;
  if (got.data.length === 0) throw new LxcfsError('LXCFS_HAND_OVER_FAILED', 'the peer closed the hand-over socket');
  try {
    const message = JSON.parse(got.data.toString('utf8')) as unknown;
    if (typeof message !== 'object' || message === null) throw new Error('not an object');
    return { message: message as Message, fds: got.fds };
  } catch (err) {
    for (const fd of got.fds) closeQuietly(fd);
    throw new LxcfsError('LXCFS_HAND_OVER_FAILED', `unreadable hand-over message: ${(err as Error).message}`);
  }
}

/** The peer closed its end (or the socket broke); nothing pending counts as still there. */
function hungUp(api: SocketApi, fd: number): boolean {
  try {
    const got = api.receiveMessage(fd, 0);
    if (got === null) return false;
    for (const received of got.fds) closeQuietly(received);
    return got.data.length === 0;
  } catch {
    return true;
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

export interface HolderDeps {
  readonly api: SocketApi;
  /** The state and fds to hand over, as of now. */
  current(): { readonly state: ConnectionState; readonly fds: readonly number[] };
  /** Stop serving: resolves once our serving process stopped reading and answered what it held. */
  release(): Promise<void>;
  /** A successor failed after it got the fds: whatever it read must be resent. */
  resend(): void;
  /** The successor went away after release() stopped our serving: serve again. */
  resume(): void;
  /** After "released": nothing of the connection is ours any more. */
  onHandedOver(successorPid: number): void;
  readonly log: (level: 'info' | 'warn', fields: object, message: string) => void;
}

interface Session {
  readonly fd: number;
  readonly since: number;
  phase: 'request' | 'serving' | 'releasing';
  successor: number;
}

/** The holder's side: accepts one successor at a time, polled (the keeper is otherwise idle). */
export class HandOverListener {
  readonly #path: string;
  readonly #deps: HolderDeps;
  readonly #fd: number;
  readonly #timer: NodeJS.Timeout;
  #session: Session | null = null;
  #closed = false;

  /** A successor has the fds: it may serve the connection any moment now. */
  get handingOver(): boolean {
    return this.#session !== null && this.#session.phase !== 'request';
  }

  /** Listens at `path`; a stale socket file there is removed (the caller holds the pidfile lock). */
  constructor(path: string, deps: HolderDeps) {
    this.#path = path;
    this.#deps = deps;
    if (existsSync(path)) unlinkSync(path);
    // Whoever gets the fds controls what every container reads: the socket is root's alone
    // from the moment it exists (bound under umask 177: mode 0600), and peers are checked too.
    const umask = process.umask(0o177);
    try {
      this.#fd = deps.api.unixListen(path);
    } finally {
      process.umask(umask);
    }
    this.#timer = setInterval(() => this.#poll(), POLL_MS);
    this.#timer.unref();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    if (this.#session !== null) closeQuietly(this.#session.fd);
    closeQuietly(this.#fd);
    try {
      unlinkSync(this.#path);
    } catch {
      // removed already
    }
  }

  #poll(): void {
    try {
      this.#accept();
      if (this.#session !== null) this.#advance(this.#session);
    } catch (err) {
      this.#deps.log('warn', { err }, 'hand-over failed; still serving');
      this.#abort();
    }
  }

  #accept(): void {
    for (;;) {
      const fd = this.#deps.api.unixAccept(this.#fd);
      if (fd < 0) return;
      const peer = this.#deps.api.peerCredentials(fd);
      if (peer.uid !== 0) {
        this.#deps.log('warn', { peer }, 'hand-over refused to a process not running as root');
        closeQuietly(fd);
      } else if (this.#session === null) {
        this.#session = { fd, since: Date.now(), phase: 'request', successor: 0 };
      } else {
        try {
          send(this.#deps.api, fd, { type: 'refused', reason: 'a hand-over is already in progress' });
        } catch {
          // the late peer went away already
        }
        closeQuietly(fd);
      }
    }
  }

  #advance(session: Session): void {
    const { api } = this.#deps;
    if (session.phase === 'releasing') return;
    const got = receive(api, session.fd, 0);
    if (got === null) {
      const limit = session.phase === 'request' ? REQUEST_TIMEOUT_MS : SERVING_TIMEOUT_MS;
      if (Date.now() - session.since > limit) throw new LxcfsError('LXCFS_HAND_OVER_FAILED', `no ${session.phase} message within ${limit} ms`);
      return;
    }
    for (const fd of got.fds) closeQuietly(fd); // a successor never sends fds
    const { message } = got;
    if (session.phase === 'request') {
      if (message.type !== 'take-over' || message.protocol !== HAND_OVER_PROTOCOL) {
        send(api, session.fd, { type: 'refused', reason: `this instance speaks hand-over protocol ${HAND_OVER_PROTOCOL}` });
        throw new LxcfsError('LXCFS_HAND_OVER_FAILED', `request ${JSON.stringify(message).slice(0, 200)}`);
      }
      session.successor = typeof message.pid === 'number' ? message.pid : 0;
      const { state, fds } = this.#deps.current();
      if (state.negotiated === null) {
        // A successor could not answer requests without INIT's outcome; it may ask again.
        send(api, session.fd, { type: 'refused', reason: 'the connection is not initialised yet' });
        closeQuietly(session.fd);
        this.#session = null;
        return;
      }
      send(api, session.fd, { type: 'connection', state }, fds);
      session.phase = 'serving';
      this.#deps.log('info', { successor: session.successor, version: message.version }, 'handing the connection over');
      return;
    }
    if (message.type !== 'serving') throw new LxcfsError('LXCFS_HAND_OVER_FAILED', `expected "serving", got ${String(message.type)}`);
    session.phase = 'releasing';
    void this.#deps.release().then(() => {
      if (hungUp(api, session.fd)) {
        // Nobody would read the connection: serve again (and have the kernel resend).
        this.#session = null;
        closeQuietly(session.fd);
        this.#deps.resume();
        return;
      }
      // Socket path and pidfile lock are let go before "released": the successor then
      // takes both, and our unlink can never remove its socket.
      this.#session = null;
      this.close();
      this.#deps.onHandedOver(session.successor);
      try {
        send(api, session.fd, { type: 'released' });
      } catch {
        // The successor went away: it serves or it does not; the connection is its now.
      }
      closeQuietly(session.fd);
    }, (err: unknown) => {
      this.#deps.log('warn', { err }, 'could not stop serving for the hand-over');
      this.#abort();
    });
  }

  #abort(): void {
    const session = this.#session;
    if (session === null) return;
    this.#session = null;
    closeQuietly(session.fd);
    // The successor may have read requests on our connection before it failed.
    if (session.phase !== 'request') this.#deps.resend();
  }
}

/** The successor's side, step 1: what the holder at `path` hands over. */
export interface TakenOver {
  readonly state: ConnectionState;
  readonly fds: readonly number[];
  /** Step 2, once our serving process reads the connection: waits until the holder let go. */
  confirm(timeoutMs?: number): void;
  /** Gives up (before confirm): the holder keeps serving. Closes the fds. */
  abandon(): void;
}

export function requestHandOver(api: SocketApi, path: string, version: string): TakenOver {
  let fd: number;
  try {
    fd = api.unixConnect(path);
  } catch (err) {
    throw new LxcfsError('LXCFS_HAND_OVER_FAILED', `${path}: ${(err as Error).message} (is the running instance too old to hand over?)`, { cause: err });
  }
  try {
    send(api, fd, { type: 'take-over', protocol: HAND_OVER_PROTOCOL, version, pid: process.pid });
    const got = receive(api, fd, REQUEST_TIMEOUT_MS);
    if (got === null) throw new LxcfsError('LXCFS_HAND_OVER_FAILED', `no answer from ${path} within ${REQUEST_TIMEOUT_MS} ms`);
    if (got.message.type !== 'connection') {
      for (const received of got.fds) closeQuietly(received);
      throw new LxcfsError('LXCFS_HAND_OVER_FAILED', `refused: ${String(got.message.reason ?? got.message.type)}`);
    }
    let state: ConnectionState;
    try {
      state = parseConnectionState(got.message.state);
      if (got.fds.length === 0) throw new LxcfsError('LXCFS_HAND_OVER_FAILED', 'no fds came with the connection');
    } catch (err) {
      for (const received of got.fds) closeQuietly(received);
      throw err;
    }
    const fds = got.fds;
    return {
      state,
      fds,
      confirm(timeoutMs = 10_000) {
        try {
          send(api, fd, { type: 'serving' });
          const released = receive(api, fd, timeoutMs);
          if (released?.message.type !== 'released') throw new LxcfsError('LXCFS_HAND_OVER_FAILED', 'the holder did not release the connection in time');
        } finally {
          closeQuietly(fd);
        }
      },
      abandon() {
        closeQuietly(fd);
        for (const received of fds) closeQuietly(received);
      },
    };
  } catch (err) {
    closeQuietly(fd);
    throw err;
  }
}
