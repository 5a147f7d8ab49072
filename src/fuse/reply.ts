// The only way a FUSE request is answered. A Reply sends exactly once: a second
// attempt throws LXCFS_DOUBLE_REPLY, and the session answers EIO for any request whose
// handler finished without replying. One reply = one write(2) of header + body.
import { LxcfsError } from '../errors.js';
import { encodeOutHeader } from './protocol.js';

/** Where encoded replies go: /dev/fuse in production, an array in unit tests. */
export interface ReplySink {
  send(chunks: readonly Buffer[]): void;
}

export class Reply {
  readonly #unique: Buffer;
  readonly #sink: ReplySink;
  #sent = false;

  constructor(unique: Buffer, sink: ReplySink) {
    this.#unique = unique;
    this.#sink = sink;
  }

  get sent(): boolean {
    return this.#sent;
  }

  ok(body: Buffer | readonly Buffer[] = []): void {
    // Empty chunks are left out: each costs writev a useless iovec (Node even adds a write(2)).
    const chunks = (Buffer.isBuffer(body) ? [body] : body).filter((chunk) => chunk.length > 0);
    let length = 0;
    for (const chunk of chunks) length += chunk.length;
    chunks.unshift(encodeOutHeader(this.#unique, 0, length));
    this.#send(chunks);
  }

  error(errno: number): void {
    this.#send([encodeOutHeader(this.#unique, errno, 0)]);
  }

  /**
   * Gives the request to `to`, which must answer it exactly once instead of this Reply. If
   * `to` throws, nothing was handed over and this Reply can still answer.
   */
  handOver(to: () => void): void {
    this.#unsent();
    to();
    this.#sent = true;
  }

  #send(chunks: Buffer[]): void {
    this.#unsent();
    // Marked before writing: a failed write must not be retried as a second reply.
    this.#sent = true;
    this.#sink.send(chunks);
  }

  #unsent(): void {
    if (this.#sent) throw new LxcfsError('LXCFS_DOUBLE_REPLY', `unique ${this.#unique.readBigUInt64LE(0)}`);
  }
}
