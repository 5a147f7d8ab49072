// The logger seen by the daemon's edges (CLI, FUSE session). pino-compatible so the
// CLI can hand in a pino instance; tests hand in a recorder. Quiet by default:
// lifecycle events at info, per-request detail only at debug.
import { pino } from 'pino';

export interface Logger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** One JSON line per event on stderr. */
export function createLogger(debug: boolean): Logger {
  return pino({ name: 'lxcfs-node', level: debug ? 'debug' : 'info', base: { pid: process.pid } }, pino.destination(2));
}

export const silentLogger: Logger = Object.freeze({
  debug() {}, info() {}, warn() {}, error() {},
});
