/**
 * A bare WebSocket client for the load generator: a `net` socket that does the upgrade itself and
 * reads frames with FrameReader. Reads land in one buffer shared by every socket of the process
 * (`onread`: no Buffer per read, no stream machinery, no events per message), each message goes
 * to the handler as a byte range with the time of its read. Pings are answered with pongs, a
 * close frame with a close frame; what it sends is masked, as RFC 6455 requires of a client.
 */
import net from 'node:net';
import { preciseNow } from './stats.js';
import { FrameReader } from './ws-frame-reader.js';
import { OP, checkUpgradeAnswer, clientFrame, upgradeRequest } from './ws-wire.js';

/**
 * Reads are handled synchronously, one socket at a time, and no byte range outlives its handler
 * call, so one buffer serves every socket of the thread.
 */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);
/** An upgrade answer longer than this is refused (it is ~130 bytes from the relays under test). */
const MAX_ANSWER_BYTES = 16 * 1024;

/** What a client reports to its owner. */
export interface RawWsHandlers {
  /** A message in `buf[start, end)` (valid only during the call), read at `receivedAt` (preciseNow). */
  onMessage(client: RawWsClient, buf: Buffer, start: number, end: number, receivedAt: number): void;
  /** The connection is gone: the close frame's code, 1006 when there was none. */
  onClose(client: RawWsClient, code: number): void;
}

export class RawWsClient {
  readonly socket: net.Socket;
  /** Resolves once the upgrade is accepted; rejects on refusal, error or timeout. */
  readonly opened: Promise<void>;
  private reader: FrameReader | null = null;
  /** The upgrade answer gathered so far; null once it has been read. */
  private answer: Buffer | null = Buffer.alloc(0);
  private readonly answerKey: string;
  /** Settles `opened`. */
  private accepted: (error: Error | null) => void = () => undefined;
  private closeCode = 1006;
  private receivedAt = 0;

  constructor(url: string, private readonly handlers: RawWsHandlers, timeoutMs: number) {
    const target = new URL(url);
    if (target.protocol !== 'ws:') throw new Error(`only ws: URLs (the relays under test are local): ${url}`);
    const { request, key } = upgradeRequest(target);
    this.answerKey = key;
    this.socket = net.connect({
      host: target.hostname,
      port: Number(target.port || 80),
      noDelay: true,
      onread: { buffer: READ_BUFFER, callback: (nread: number, buf: Uint8Array) => this.onRead(nread, buf as Buffer) },
    });
    this.opened = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error('connect timeout')), timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        this.socket.destroy();
        reject(error);
      };
      this.socket.once('error', fail);
      this.socket.once('close', () => fail(new Error('closed during the upgrade')));
      this.socket.once('connect', () => this.socket.write(request));
      this.accepted = (error) => {
        if (error) return fail(error);
        clearTimeout(timer);
        this.socket.removeAllListeners('error').removeAllListeners('close');
        this.socket.on('error', () => undefined); // 'close' follows, which is what counts
        this.socket.on('close', () => this.handlers.onClose(this, this.closeCode));
        resolve();
      };
    });
  }

  /** Sends a text message (masked). */
  send(text: string): void {
    this.socket.write(clientFrame(OP.text, Buffer.from(text)));
  }

  /** Drops the connection at once (no close handshake). */
  terminate(): void {
    this.socket.destroy();
  }

  /** Every read of the socket; true: keep reading. */
  private onRead(nread: number, buf: Buffer): boolean {
    this.receivedAt = preciseNow();
    if (this.reader) this.reader.feed(buf, 0, nread);
    else this.readAnswer(buf, nread);
    return true;
  }

  /** Gathers the upgrade answer; whatever follows its blank line is already frames. */
  private readAnswer(buf: Buffer, nread: number): void {
    const answer = Buffer.concat([this.answer!, buf.subarray(0, nread)]);
    const blank = answer.indexOf('\r\n\r\n');
    if (blank < 0) {
      this.answer = answer;
      if (answer.length > MAX_ANSWER_BYTES) this.accepted(new Error('upgrade answer too long'));
      return;
    }
    this.answer = null;
    const problem = checkUpgradeAnswer(answer.toString('latin1', 0, blank), this.answerKey);
    if (problem) return this.accepted(new Error(problem));
    this.reader = new FrameReader({
      onMessage: (b, start, end) => this.handlers.onMessage(this, b, start, end, this.receivedAt),
      onPing: (payload) => this.socket.write(clientFrame(OP.pong, payload)),
      onClose: (code) => {
        this.closeCode = code;
        this.socket.end(clientFrame(OP.close, code === 1005 ? Buffer.alloc(0) : Buffer.from([code >> 8, code & 0xff])));
      },
      onError: () => {
        this.closeCode = 1002;
        this.socket.end(clientFrame(OP.close, Buffer.from([0x03, 0xea]))); // 1002 protocol error
      },
    });
    this.accepted(null);
    if (blank + 4 < answer.length) this.reader.feed(answer, blank + 4, answer.length);
  }
}
