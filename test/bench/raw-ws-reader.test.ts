/**
 * The load generator's byte-level WebSocket reader and delivery scanner: whatever way the socket
 * splits the stream, the same messages, pings and close come out, and the scanner finds exactly
 * the updates (and their `ts`) that JSON.parse would.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameReader } from '../../bench/lib/ws-frame-reader.js';
import { findBytes, pattern, readNumber, scanSocketIo, scanV1 } from '../../bench/lib/update-scan.js';
import { OP, acceptFor, clientFrame } from '../../bench/lib/ws-wire.js';

/** An unmasked server frame. */
function serverFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0, n]) : n < 65_536 ? Buffer.from([0, 126, n >> 8, n & 0xff]) : Buffer.alloc(10);
  if (n >= 65_536) {
    head[1] = 127;
    head.writeUInt32BE(Math.floor(n / 2 ** 32), 2);
    head.writeUInt32BE(n >>> 0, 6);
  }
  head[0] = (fin ? 0x80 : 0) | opcode;
  return Buffer.concat([head, payload]);
}

type Event = ['message', string] | ['ping', string] | ['close', number] | ['error', string];

function readAll(stream: Buffer, chunk: number, maxMessageBytes?: number): Event[] {
  const events: Event[] = [];
  const reader = new FrameReader({
    onMessage: (buf, start, end) => events.push(['message', buf.toString('latin1', start, end)]),
    onPing: (payload) => events.push(['ping', payload.toString('latin1')]),
    onClose: (code) => events.push(['close', code]),
    onError: (reason) => events.push(['error', reason]),
  }, maxMessageBytes);
  // Each chunk sits at an odd offset inside a larger buffer, like a read into a shared buffer.
  const scratch = Buffer.alloc(chunk + 7, 0xee);
  for (let at = 0; at < stream.length; at += chunk) {
    const piece = stream.subarray(at, Math.min(stream.length, at + chunk));
    piece.copy(scratch, 3);
    if (!reader.feed(scratch, 3, 3 + piece.length)) break;
  }
  return events;
}

test('every split of the stream gives the same messages, pings and close', () => {
  const medium = 'm'.repeat(300);
  const large = 'L'.repeat(70_000);
  const stream = Buffer.concat([
    serverFrame(OP.text, Buffer.from('{"type":"update","ts":1}')),
    serverFrame(OP.text, Buffer.alloc(0)),
    serverFrame(OP.text, Buffer.from(medium)),
    serverFrame(OP.text, Buffer.from('frag-'), false),
    serverFrame(OP.ping, Buffer.from('hb')),
    serverFrame(OP.continuation, Buffer.from('ment'), false),
    serverFrame(OP.continuation, Buffer.from('ed'), true),
    serverFrame(OP.pong, Buffer.from('ignored')),
    serverFrame(OP.binary, Buffer.from(large)),
    serverFrame(OP.close, Buffer.from([0x03, 0xe9])),
    serverFrame(OP.text, Buffer.from('after close')),
  ]);
  const expected: Event[] = [
    ['message', '{"type":"update","ts":1}'],
    ['message', ''],
    ['message', medium],
    ['ping', 'hb'],
    ['message', 'frag-mented'],
    ['message', large],
    ['close', 1001],
  ];
  for (const chunk of [1, 2, 3, 5, 13, 64, 1000, 65_536, stream.length]) {
    assert.deepEqual(readAll(stream, chunk), expected, `chunks of ${chunk} bytes`);
  }
});

test('a close frame without a code reports 1005; protocol errors stop the reader', () => {
  assert.deepEqual(readAll(serverFrame(OP.close, Buffer.alloc(0)), 1), [['close', 1005]]);
  const masked = Buffer.from([0x81, 0x81, 1, 2, 3, 4, 0x41]);
  assert.equal(readAll(masked, 4)[0]?.[0], 'error');
  assert.equal(readAll(serverFrame(OP.continuation, Buffer.from('x')), 4)[0]?.[0], 'error');
  // A frame over the limit is refused from its header, before any of it is buffered.
  const big = serverFrame(OP.text, Buffer.alloc(2000, 0x61));
  assert.deepEqual(readAll(big, 10, 1000).map((e) => e[0]), ['error']);
});

test('client frames are masked and unmask to their payload', () => {
  for (const size of [0, 5, 125, 126, 65_535, 65_536]) {
    const payload = Buffer.alloc(size, 0x5a);
    const frame = clientFrame(OP.text, payload);
    assert.equal(frame[0], 0x81);
    assert.ok(frame[1]! & 0x80, 'mask bit');
    const lengthCode = frame[1]! & 0x7f;
    const head = lengthCode < 126 ? 2 : lengthCode === 126 ? 4 : 10;
    const length = lengthCode < 126 ? lengthCode : lengthCode === 126 ? frame.readUInt16BE(2) : frame.readUInt32BE(6);
    assert.equal(length, size);
    const key = frame.subarray(head, head + 4);
    const unmasked = Buffer.from(frame.subarray(head + 4).map((b, i) => b ^ key[i & 3]!));
    assert.deepEqual(unmasked, payload);
  }
  // RFC 6455 §1.3's example key.
  assert.equal(acceptFor('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
});

test('the scanner finds each update and its ts, as JSON.parse does', () => {
  const tick = (ts: number) => ({ symbol: 'SYM001', price: 101.5, open: 100, change: 1.5, changePct: 1.5, bid: 101.49, ask: 101.51, volume: 1003, ts });
  const update = (seq: number, ts: number) => ({ type: 'update', channel: 'price:SYM001', seq, data: tick(ts) });
  const frames = [
    JSON.stringify(update(1, 1764651828214.1235)),
    JSON.stringify({ type: 'batch', messages: [update(2, 1764651828215.5), { type: 'snapshot', channel: 'price:SYM002', seq: 9, data: tick(1) }, update(3, 1764651828216)] }),
    JSON.stringify({ type: 'snapshot', channel: 'price:SYM002', seq: 9, data: tick(2) }),
    JSON.stringify({ type: 'ack', id: 1 }),
  ];
  for (const text of frames) {
    const parsed = JSON.parse(text) as { type: string; data: { ts: number }; messages?: Array<{ type: string; data: { ts: number } }> };
    const want = (parsed.messages ?? [parsed]).filter((m) => m.type === 'update').map((m) => m.data.ts);
    const got: number[] = [];
    const buf = Buffer.from(`xx${text}yy`, 'latin1');
    assert.equal(scanV1(buf, 2, buf.length - 2, (ts) => got.push(ts)), want.length, text);
    assert.equal(got.length, want.length);
    got.forEach((ts, i) => assert.ok(Math.abs(ts - want[i]!) < 1e-3, `${ts} vs ${want[i]}`));
  }
  const sio = Buffer.from(`42["update",${JSON.stringify({ channel: 'price:SYM001', seq: 1, data: tick(1764651828214.25) })}]`);
  const got: number[] = [];
  assert.equal(scanSocketIo(sio, 0, sio.length, (ts) => got.push(ts)), 1);
  assert.deepEqual(got, [1764651828214.25]);
  assert.equal(scanSocketIo(Buffer.from('431[]'), 0, 5, () => assert.fail('not an update')), 0);
  for (const text of ['0', '12.5', '-3.25', '1764651828214.123456', '1e3', '2.5E-2']) {
    const read = readNumber(Buffer.from(`${text},`), 0, text.length + 1);
    assert.ok(Math.abs(read - Number.parseFloat(text)) < 1e-3, `${text} read as ${read}`);
  }
  assert.ok(Number.isNaN(readNumber(Buffer.from('"x"'), 0, 3)));
});

test('findBytes finds what indexOf finds, within the range only', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (const text of ['"ts":', '"type":"update"', 'aa', 'x']) {
    const p = pattern(text);
    for (let round = 0; round < 300; round++) {
      // Text over a tiny alphabet made of the pattern's own bytes: many near-misses.
      const alphabet = `${text}"a`;
      const hay = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 120) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''), 'latin1');
      const from = Math.floor(random() * hay.length);
      const end = from + Math.floor(random() * (hay.length - from + 1));
      const found = hay.subarray(0, end).indexOf(text, from, 'latin1');
      assert.equal(findBytes(hay, p, from, end), found, `${text} in ${hay.toString('latin1')} [${from}, ${end})`);
    }
  }
});
