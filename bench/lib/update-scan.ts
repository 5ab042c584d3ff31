/**
 * Reads deliveries out of a message's bytes without decoding it: no string, no JSON.parse. Every
 * update (alone or in a batch) is one `"type":"update"` followed by its tick's `"ts":` (the key
 * order every relay under test writes); a socket.io update is one `42["update",…` packet. The
 * same few byte comparisons per message for every relay, so the reader costs them all alike.
 */

const UPDATE = pattern('"type":"update"');
const TS = pattern('"ts":');
const SIO_UPDATE = bytesOf('42["update"');

/** The latin1 bytes of `text`. */
export function bytesOf(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** A byte pattern with its Boyer–Moore–Horspool skip table. */
export interface Pattern {
  bytes: Uint8Array;
  /** How far the window may move when its last byte is b. */
  skip: Uint8Array;
}

/** A pattern (latin1, at most 255 bytes) ready for findBytes. */
export function pattern(text: string): Pattern {
  const bytes = bytesOf(text);
  const n = bytes.length;
  const skip = new Uint8Array(256).fill(n);
  for (let j = 0; j < n - 1; j++) skip[bytes[j]!] = n - 1 - j;
  return { bytes, skip };
}

/**
 * Where `p` next starts in `buf[from, end)`, or −1. Horspool's skips look at about one byte in
 * four for `"ts":` and one in twelve for `"type":"update"`, instead of every byte.
 */
export function findBytes(buf: Uint8Array, p: Pattern, from: number, end: number): number {
  const { bytes, skip } = p;
  const n = bytes.length;
  const lastByte = bytes[n - 1]!;
  for (let i = from + n - 1; i < end; i += skip[buf[i]!]!) {
    if (buf[i] !== lastByte) continue;
    let j = n - 2;
    while (j >= 0 && buf[i - n + 1 + j] === bytes[j]) j--;
    if (j < 0) return i - n + 1;
  }
  return -1;
}

/** Whether `buf[start, end)` starts with `pattern`. */
export function startsWith(buf: Uint8Array, pattern: Uint8Array, start: number, end: number): boolean {
  if (end - start < pattern.length) return false;
  for (let j = 0; j < pattern.length; j++) if (buf[start + j] !== pattern[j]) return false;
  return true;
}

/**
 * The JSON number at `buf[at]` (digits, optional fraction; exponents fall back to parseFloat);
 * NaN when there is none. Exact to well under the 0.1 ms the latency histogram keeps.
 */
export function readNumber(buf: Uint8Array, at: number, end: number): number {
  let i = at;
  const negative = buf[i] === 45; // -
  if (negative) i++;
  const digitsFrom = i;
  let value = 0;
  let c = 0;
  while (i < end && (c = buf[i]!) >= 48 && c <= 57) {
    value = value * 10 + (c - 48);
    i++;
  }
  if (i === digitsFrom) return Number.NaN;
  if (i < end && buf[i] === 46) {
    let fraction = 0;
    let scale = 1;
    i++;
    while (i < end && (c = buf[i]!) >= 48 && c <= 57) {
      fraction = fraction * 10 + (c - 48);
      scale *= 10;
      i++;
    }
    value += fraction / scale;
  }
  if (i < end && (buf[i] === 101 || buf[i] === 69)) {
    return Number.parseFloat(String.fromCharCode(...buf.subarray(at, Math.min(end, at + 32))));
  }
  return negative ? -value : value;
}

/** Receives each delivery found: its tick `ts`, NaN when the update carried none. */
export type OnDelivery = (ts: number) => void;

/** Protocol v1 message: calls `onDelivery` once per update in it; returns how many there were. */
export function scanV1(buf: Uint8Array, start: number, end: number, onDelivery: OnDelivery): number {
  let count = 0;
  let at = findBytes(buf, UPDATE, start, end);
  while (at >= 0) {
    count++;
    const ts = findBytes(buf, TS, at + UPDATE.bytes.length, end);
    onDelivery(ts < 0 ? Number.NaN : readNumber(buf, ts + TS.bytes.length, end));
    at = findBytes(buf, UPDATE, ts < 0 ? at + UPDATE.bytes.length : ts + TS.bytes.length, end);
  }
  return count;
}

/** socket.io message (an engine.io packet): 1 when it is an `update` event, and its `ts`; else 0. */
export function scanSocketIo(buf: Uint8Array, start: number, end: number, onDelivery: OnDelivery): number {
  if (!startsWith(buf, SIO_UPDATE, start, end)) return 0;
  const ts = findBytes(buf, TS, start + SIO_UPDATE.length, end);
  onDelivery(ts < 0 ? Number.NaN : readNumber(buf, ts + TS.bytes.length, end));
  return 1;
}
