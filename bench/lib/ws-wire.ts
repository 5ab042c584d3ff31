/**
 * The client side of RFC 6455 that the benchmark's raw WebSocket client needs: the upgrade request
 * and its answer, and masked client frames. Nothing here runs per received frame.
 */
import { createHash, randomBytes, randomFillSync } from 'node:crypto';

/** WebSocket opcodes (RFC 6455 §5.2). */
export const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** The HTTP/1.1 upgrade request for `url` (ws: only) and the key its answer must accept. */
export function upgradeRequest(url: URL): { request: string; key: string } {
  const key = randomBytes(16).toString('base64');
  const request =
    `GET ${url.pathname}${url.search} HTTP/1.1\r\n` +
    `Host: ${url.host}\r\n` +
    'Upgrade: websocket\r\n' +
    'Connection: Upgrade\r\n' +
    `Sec-WebSocket-Key: ${key}\r\n` +
    'Sec-WebSocket-Version: 13\r\n\r\n';
  return { request, key };
}

/** The `Sec-WebSocket-Accept` a server must answer to `key`. */
export function acceptFor(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

/**
 * Checks an upgrade answer (the bytes before its blank line, latin1): status 101 and the right
 * accept key. Returns null when it is good, else why not.
 */
export function checkUpgradeAnswer(head: string, key: string): string | null {
  const lines = head.split('\r\n');
  if (!/^HTTP\/1\.1 101 /.test(lines[0] ?? '')) return `upgrade refused: ${lines[0]}`;
  const accept = lines.find((line) => /^sec-websocket-accept:/i.test(line))?.slice(21).trim();
  return accept === acceptFor(key) ? null : 'bad Sec-WebSocket-Accept';
}

/** One masked client frame (FIN set) carrying `payload`, as RFC 6455 §5.3 requires of clients. */
export function clientFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length < 65_536 ? 2 : 8;
  const head = 2 + lengthBytes;
  const frame = Buffer.allocUnsafe(head + 4 + length);
  frame[0] = 0x80 | opcode;
  if (lengthBytes === 0) frame[1] = 0x80 | length;
  else if (lengthBytes === 2) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  randomFillSync(frame, head, 4);
  for (let i = 0; i < length; i++) frame[head + 4 + i] = payload[i]! ^ frame[head + (i & 3)]!;
  return frame;
}
