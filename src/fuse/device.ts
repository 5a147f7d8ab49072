// The /dev/fuse connection of a mounted filesystem: replies are written with one
// writev(2) each (the kernel wants a reply in a single write); requests arrive in batches
// (everything pending at once) through the native readiness-driven reader on the main
// loop, never the libuv thread pool. With a journal region, every request read is recorded
// until answered, so that a successor on the same fd can answer what a killed predecessor
// held even where the kernel cannot resend it.
import { closeSync, writeSync, writevSync } from 'node:fs';
import { constants } from 'node:os';
import type { DeviceReaderHandle, NativeAddon } from '../native/addon.js';
import type { Logger } from '../log.js';
import type { ReplySink } from './reply.js';
import { encodeNotifyResend, encodeOutHeader, SIZE } from './protocol.js';

/** A region of the in-flight journal (native createJournal): one per /dev/fuse fd. */
export interface JournalRegion {
  readonly fd: number;
  readonly region: number;
}

/** How the requests a dead predecessor held get answered (see FuseDevice.recover). */
export type Recovery = 'resent' | 'replayed' | 'lost';

/** Big enough for any request with max_write 128 KiB (header + write_in + data). */
export const READ_BUFFER_SIZE = 128 * 1024 + 4096;

export class FuseDevice implements ReplySink {
  readonly fd: number;
  readonly #native: NativeAddon;
  readonly #logger: Logger;
  readonly #journal: JournalRegion | undefined;
  #reader: DeviceReaderHandle | undefined;
  #closed = false;

  constructor(fd: number, native: NativeAddon, logger: Logger, journal?: JournalRegion) {
    this.fd = fd;
    this.#native = native;
    this.#logger = logger;
    this.#journal = journal;
  }

  /**
   * Starts delivering requests, in batches; onClose fires once when the kernel ends the
   * connection. spinMicros: how long to poll awake for the next request (see DeviceReader).
   * openTable: an open-file table whose requests are then answered natively. onRequests
   * returns true when it handed a request to another thread (its journal records then stay).
   */
  start(onRequests: (batch: Buffer[]) => boolean | void, onClose: (errno: number) => void, spinMicros = 0, openTable?: number): void {
    const journal = this.#journal;
    this.#reader = new this.#native.DeviceReader(this.fd, READ_BUFFER_SIZE, onRequests, onClose, spinMicros, openTable, journal?.fd, journal?.region);
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
      if (code === 'ENODEV') return;
      if (code !== 'ENOENT') {
        this.#logger.warn({ err, code }, 'FUSE reply could not be written');
        return;
      }
    }
    this.answered(chunks[0]!);
  }

  /**
   * The request whose unique `header` holds (a reply's or a request's header) is answered:
   * its journal record goes. For the replies this device writes, and for a request this
   * device's reader handed to another thread, which said it answered it.
   */
  answered(header: Buffer): void {
    if (this.#journal !== undefined) this.#reader?.answered(header);
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
      this.#logger.warn({ err }, 'the kernel cannot resend requests a predecessor left unanswered (Linux < 6.9?)');
      return false;
    }
  }

  /**
   * A predecessor on this fd died: have the requests it read but never answered answered
   * here. The kernel resends them (resendUnanswered) unless `kernelResend` is false or it
   * refuses; then the journal's records are replayed through `handle`, before this fd is read
   * again (a record that was answered after all gets a reply the kernel refuses, ENOENT).
   * 'lost' without a journal: those readers wait until interrupted.
   */
  recover(handle: (raw: Buffer) => void, kernelResend: boolean): Recovery {
    if (kernelResend && this.resendUnanswered()) return 'resent';
    if (this.#journal === undefined) {
      this.#logger.warn({}, 'no journal of requests in flight: those a predecessor left unanswered wait until interrupted');
      return 'lost';
    }
    const { fd, region } = this.#journal;
    const records = this.#native.readJournal(fd, region);
    for (const { slot, request: raw } of records) {
      // Cut short in its slot (longer than any request this filesystem answers with data):
      // there is nothing to decode, so the reader gets EIO rather than nothing.
      if (raw.length >= SIZE.IN_HEADER && raw.readUInt32LE(0) > raw.length) this.send([encodeOutHeader(raw.subarray(8, 16), constants.errno.EIO, 0)]);
      else handle(raw);
      // Answered (or handed on): a crash from here on must not answer it again.
      this.#native.clearJournal(fd, region, slot);
    }
    this.#logger.info({ requests: records.length, region: this.#journal.region }, 'replayed the requests a predecessor left unanswered from the journal');
    return 'replayed';
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
