// What a process serving a live FUSE connection must know besides its fds, as one JSON
// document: the keeper hands it to each serving child (environment) and to a successor
// keeper (hand-over socket). Parsing is strict — a state that does not validate is refused,
// never guessed at — and versioned by HAND_OVER_PROTOCOL: a keeper only hands over to, or
// takes over from, a peer speaking the same protocol number.
import { LxcfsError } from '../errors.js';
import type { InitOut } from '../fuse/protocol.js';

export const HAND_OVER_PROTOCOL = 1;

/** fh values of generation g start at g · 2^40 + 1; generations wrap after 8191. */
const FH_GENERATION_BITS = 2 ** 40;
const GENERATIONS = 8191;

export interface ConnectionState {
  readonly protocol: typeof HAND_OVER_PROTOCOL;
  /** Package version of the process that wrote it (logged; compatibility is the protocol's). */
  readonly version: string;
  readonly mountpoint: string;
  /** st_dev of the mount as "major:minor" (mountinfo field 3): the same in every mount namespace. */
  readonly device: string;
  /** INIT as negotiated with the kernel; null until a serving child answered INIT. */
  readonly negotiated: InitOut | null;
  /** Serving processes so far; the next one gives out handles from firstFhOf(generation). */
  readonly generation: number;
}

/** What a serving child is told (environment variable LXCFS_NODE_CONNECTION). */
export interface ChildConnection {
  /** The fds are 3, 4, … 3 + fds - 1: the connection's own fd first. */
  readonly fds: number;
  readonly negotiated: InitOut | null;
  readonly firstFh: number;
  readonly mountId: number | null;
  /**
   * Taking over from a live predecessor: get ready, then wait for the keeper's "start" (sent
   * once the predecessor stopped reading), so two processes never read the connection at
   * once — a resend would otherwise hand one request to both.
   */
  readonly standby: boolean;
  /** A predecessor served this connection: ask the kernel to resend what it left unanswered. */
  readonly resend: boolean;
  /** The keeper's journal of requests in flight is inherited too, as fd 3 + fds. */
  readonly journal: boolean;
}

export const CHILD_CONNECTION_ENV = 'LXCFS_NODE_CONNECTION';
export const FIRST_INHERITED_FD = 3;

export function firstFhOf(generation: number): number {
  return ((generation % GENERATIONS) + 1) * FH_GENERATION_BITS + 1;
}

const INIT_KEYS = ['major', 'minor', 'maxReadahead', 'flags', 'maxBackground', 'congestionThreshold', 'maxWrite', 'timeGran', 'maxPages'] as const;

function invalid(detail: string): LxcfsError {
  return new LxcfsError('LXCFS_HAND_OVER_FAILED', `invalid connection state: ${detail}`);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function parseInitOut(value: unknown): InitOut | null {
  if (value === null) return null;
  if (typeof value !== 'object') throw invalid('negotiated is not an object');
  const record = value as Record<string, unknown>;
  for (const key of INIT_KEYS) if (!isCount(record[key])) throw invalid(`negotiated.${key}`);
  if (record.major !== 7) throw invalid(`FUSE major ${String(record.major)}`);
  return Object.fromEntries(INIT_KEYS.map((key) => [key, record[key]])) as unknown as InitOut;
}

export function parseConnectionState(json: unknown): ConnectionState {
  if (typeof json !== 'object' || json === null) throw invalid('not an object');
  const r = json as Record<string, unknown>;
  if (r.protocol !== HAND_OVER_PROTOCOL) throw invalid(`protocol ${String(r.protocol)}, this one speaks ${HAND_OVER_PROTOCOL}`);
  if (typeof r.version !== 'string') throw invalid('version');
  if (typeof r.mountpoint !== 'string' || !r.mountpoint.startsWith('/')) throw invalid('mountpoint');
  if (typeof r.device !== 'string' || !/^\d+:\d+$/.test(r.device)) throw invalid('device');
  if (!isCount(r.generation)) throw invalid('generation');
  return { protocol: HAND_OVER_PROTOCOL, version: r.version, mountpoint: r.mountpoint, device: r.device, negotiated: parseInitOut(r.negotiated), generation: r.generation };
}

export function parseChildConnection(text: string | undefined): ChildConnection {
  if (text === undefined) throw new LxcfsError('LXCFS_USAGE', `${CHILD_CONNECTION_ENV} is not set: serve-connection is started by lxcfs-node itself`);
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new LxcfsError('LXCFS_USAGE', `${CHILD_CONNECTION_ENV}: ${(err as Error).message}`);
  }
  if (typeof r !== 'object' || r === null || !isCount(r.fds) || r.fds < 1 || !isCount(r.firstFh) || r.firstFh < 1) {
    throw new LxcfsError('LXCFS_USAGE', `${CHILD_CONNECTION_ENV}: fds and firstFh must be positive integers`);
  }
  const mountId = r.mountId === null || isCount(r.mountId) ? r.mountId : null;
  return { fds: r.fds, negotiated: parseInitOut(r.negotiated), firstFh: r.firstFh, mountId, standby: r.standby === true, resend: r.resend === true, journal: r.journal === true };
}
