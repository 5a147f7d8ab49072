// The /dev/fuse connection of a mounted filesystem: replies are written with one
// writev(2) each (the kernel wants a reply in a single write); requests arrive in batches
// (everything pending at once) through the native readiness-driven reader on the main
// loop, never the libuv thread pool.
import { closeSync, writeSync, writevSync } from 'node:fs';
import type { DeviceReaderHandle, NativeAddon } from '../native/addon.js';
import type { Logger } from '../log.js';
import type { ReplySink } from './reply.js';
import { encodeNotifyResend } from './protocol.js';

/** Big enough for any request with max_write 128 KiB (header + write_in + data). */
export const READ_BUFFER_SIZE = 128 * 1024 + 4096;

export class FuseDevice implements ReplySink {
  readonly fd: number;
  readonly #native: NativeAddon;
  readonly #logger: Logger;
  #reader: DeviceReaderHandle | undefined;
  #closed = false;

  constructor(fd: number, native: NativeAddon, logger: Logger) {
    this.fd = fd;
    this.#native = native;
    this.#logger = logger;
  }

  /**
   * Starts delivering requests, in batches; onClose fires once when the kernel ends the
   * connection. spinMicros: how long to poll awake for the next request (see DeviceReader).
   * openTable: an open-file table whose requests are then answered natively.
   */
  start(onRequests: (batch: Buffer[]) => void, onClose: (errno: number) => void, spinMicros = 0, openTable?: number): void {
    this.#reader = new this.#native.DeviceReader(this.fd, READ_BUFFER_SIZE, onRequests, onClose, spinMicros, openTable);
    this.#reader.start();
  }

  send(chunks: readonly Buffer[]): void {
    if (this.#closed) return;
    try {
      writevSync(this.fd, chunks as Buffer[]);
    } catch (err) {
      // ENOENT: the request was interrupted or aborted meanwhile; nobody waits for it.
      // ENODEV: the connection is gone (unmounted, aborted); the rest of a batch read
      // before that would otherwise log one warning per request.
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENODEV') return;
      this.#logger.warn({ err, code }, 'FUSE reply could not be written');
    }
  }

  /**
   * FUSE_NOTIFY_RESEND (Linux ≥ 6.9): the kernel puts every request read from any fd of this
   * connection but not yet answered back in the queue (unique with bit 63 set), so the
   * requests a dead predecessor held are read again and answered here. A request that is
   * answered twice meanwhile is harmless: the kernel refuses the second reply (ENOENT, ignored
   * by send()). False when the kernel refuses the notification (too old, or gone).
   */
  resendUnanswered(): boolean {
    try {
      writeSync(this.fd, encodeNotifyResend());
      return true;
    } catch (err) {
      this.#logger.warn({ err }, 'the kernel cannot resend requests a predecessor left unanswered (Linux < 6.9?); those readers wait until interrupted');
      return false;
    }
  }

  /** Stops reading requests; replies can still be sent. Idempotent. */
  stopReading(): void {
    this.#reader?.stop();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#reader?.stop();
    closeSync(this.fd);
  }
}
