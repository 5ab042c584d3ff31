/**
 * Incremental reader of server→client WebSocket frames (RFC 6455 §5): fed the socket's bytes as
 * they arrive, it hands each complete message to its sink as a byte range, usually straight out
 * of the read buffer (no copy, no string, no event). Only a frame split across reads is copied,
 * once, into a buffer of its exact size; fragmented messages are joined. Memory is bounded by
 * `maxMessageBytes`: a larger frame or message is a protocol error, never buffered.
 */
import { OP } from './ws-wire.js';

/** What the reader reports. Byte ranges are only valid during the call. */
export interface FrameSink {
  /** A complete text or binary message in `buf[start, end)`. */
  onMessage(buf: Buffer, start: number, end: number): void;
  /** A ping; `payload` is a copy the sink may keep. */
  onPing(payload: Buffer): void;
  /** A close frame with its status code (1005 when it carried none). */
  onClose(code: number): void;
  /** A protocol violation; the reader stops. */
  onError(reason: string): void;
}

export class FrameReader {
  /** A header split across reads is gathered here (at most 14 bytes: 2 + 8 length + 4 mask). */
  private readonly head = Buffer.alloc(14);
  private headLength = 0;
  /** The payload of a frame split across reads, and how much of it has arrived. */
  private partial: Buffer | null = null;
  private filled = 0;
  private opcode = 0;
  private fin = true;
  /** Fragments of a message sent in several frames (rare: the relays under test do not). */
  private fragments: Buffer[] | null = null;
  private fragmentBytes = 0;
  private stopped = false;

  constructor(
    private readonly sink: FrameSink,
    private readonly maxMessageBytes = 16 * 1024 * 1024,
  ) {}

  /** Reads `buf[start, end)`; returns false once the reader has stopped (close frame or error). */
  feed(buf: Buffer, start: number, end: number): boolean {
    let at = start;
    while (at < end && !this.stopped) {
      if (this.partial) {
        const take = Math.min(end - at, this.partial.length - this.filled);
        buf.copy(this.partial, this.filled, at, at + take);
        this.filled += take;
        at += take;
        if (this.filled === this.partial.length) {
          const payload = this.partial;
          this.partial = null;
          this.frame(payload, 0, payload.length);
        }
        continue;
      }
      // A header: parsed in place when the read holds all of it, else gathered byte by byte.
      let src = buf;
      let pos = at;
      if (this.headLength === 0 && end - at >= 2 && end - at >= headerLength(buf[at + 1]!)) {
        at += headerLength(buf[at + 1]!);
      } else {
        this.head[this.headLength++] = buf[at++]!;
        if (this.headLength < 2 || this.headLength < headerLength(this.head[1]!)) continue;
        src = this.head;
        pos = 0;
        this.headLength = 0;
      }
      const length = this.header(src, pos);
      if (length < 0) return false;
      if (end - at >= length) {
        this.frame(buf, at, at + length);
        at += length;
      } else {
        this.partial = Buffer.allocUnsafe(length);
        this.filled = 0;
      }
    }
    return !this.stopped;
  }

  /** Parses a complete header at `src[pos]`; returns the payload length, or −1 on a protocol error. */
  private header(src: Buffer, pos: number): number {
    const b0 = src[pos]!;
    const b1 = src[pos + 1]!;
    if (b0 & 0x70) return this.fail('RSV bits set without an extension');
    if (b1 & 0x80) return this.fail('masked server frame');
    this.fin = (b0 & 0x80) !== 0;
    this.opcode = b0 & 0x0f;
    let length = b1 & 0x7f;
    if (length === 126) length = src.readUInt16BE(pos + 2);
    else if (length === 127) length = src.readUInt32BE(pos + 2) * 2 ** 32 + src.readUInt32BE(pos + 6);
    if (this.opcode >= 0x8 && (!this.fin || length > 125)) return this.fail('bad control frame');
    if (length > this.maxMessageBytes) return this.fail(`frame of ${length} bytes over the limit`);
    return length;
  }

  /** One complete frame's payload in `buf[start, end)`. */
  private frame(buf: Buffer, start: number, end: number): void {
    switch (this.opcode) {
      case OP.text:
      case OP.binary:
        if (this.fragments) return void this.fail('new message inside a fragmented one');
        if (this.fin) return this.sink.onMessage(buf, start, end);
        this.fragments = [Buffer.from(buf.subarray(start, end))];
        this.fragmentBytes = end - start;
        return;
      case OP.continuation: {
        if (!this.fragments) return void this.fail('continuation without a message');
        this.fragments.push(Buffer.from(buf.subarray(start, end)));
        this.fragmentBytes += end - start;
        if (this.fragmentBytes > this.maxMessageBytes) return void this.fail('fragmented message over the limit');
        if (!this.fin) return;
        const message = Buffer.concat(this.fragments, this.fragmentBytes);
        this.fragments = null;
        return this.sink.onMessage(message, 0, message.length);
      }
      case OP.ping:
        return this.sink.onPing(Buffer.from(buf.subarray(start, end)));
      case OP.pong:
        return;
      case OP.close:
        this.stopped = true;
        return this.sink.onClose(end - start >= 2 ? buf.readUInt16BE(start) : 1005);
      default:
        return void this.fail(`unknown opcode ${this.opcode}`);
    }
  }

  private fail(reason: string): -1 {
    this.stopped = true;
    this.sink.onError(reason);
    return -1;
  }
}

/** Header bytes implied by the second header byte (server frames: no mask key). */
function headerLength(b1: number): number {
  const length = b1 & 0x7f;
  return length < 126 ? 2 : length === 126 ? 4 : 10;
}
