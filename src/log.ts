// The logger seen by the daemon's edges (CLI, FUSE session). pino-compatible so the
// CLI can hand in a pino instance; tests hand in a recorder. Quiet by default:
// lifecycle events at info, per-request detail only at debug; warnings and errors
// rate-limited per class (rateLimited).
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

export interface RateLimit {
  /** One line per class of warning or error per interval (default 60 s). */
  readonly intervalMs?: number;
  readonly now?: () => number;
}

const DEFAULT_LIMIT_MS = 60_000;
/** Classes remembered at once; more (which would be a bug) forget the oldest. */
const MAX_CLASSES = 1024;

/**
 * Warnings and errors at most once per class per interval, so one broken cgroup read
 * a thousand times a second is one line a minute, not a full disk. A class is the
 * message plus the error's code (or the fallback reason); the next line of a class says
 * how many were suppressed since the last. Lifecycle (info) and opt-in debug lines pass.
 */
export function rateLimited(inner: Logger, limit: RateLimit = {}): Logger {
  const intervalMs = limit.intervalMs ?? DEFAULT_LIMIT_MS;
  const now = limit.now ?? Date.now;
  const classes = new Map<string, { until: number; suppressed: number }>();
  const limited = (level: 'warn' | 'error') => (fields: object, message: string): void => {
    const key = `${level}\n${message}\n${classOf(fields)}`;
    const at = now();
    const seen = classes.get(key);
    if (seen !== undefined && at < seen.until) {
      seen.suppressed++;
      return;
    }
    const suppressed = seen?.suppressed ?? 0;
    classes.delete(key);
    if (classes.size >= MAX_CLASSES) classes.delete(classes.keys().next().value as string);
    classes.set(key, { until: at + intervalMs, suppressed: 0 });
    inner[level](suppressed > 0 ? { ...fields, suppressed } : fields, message);
  };
  return {
    debug: (fields, message) => inner.debug(fields, message),
    info: (fields, message) => inner.info(fields, message),
    warn: limited('warn'),
    error: limited('error'),
  };
}

function classOf(fields: object): string {
  const { reason, err } = fields as { reason?: unknown; err?: unknown };
  if (typeof reason === 'string') return reason;
  if (err instanceof Error) return String((err as NodeJS.ErrnoException).code ?? err.name);
  return '';
}
