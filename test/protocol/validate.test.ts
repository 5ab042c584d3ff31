import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  channelMatches,
  ErrorCode,
  isTerminalCloseCode,
  CloseCode,
  parseClientMessage,
  parseServerMessage,
  priceChannel,
  readServerMessage,
} from '../../src/protocol/index.js';

test('a subscribe frame with since is accepted and typed', () => {
  const result = parseClientMessage(JSON.stringify({ type: 'subscribe', id: 1, channels: ['price:BTC-USD'], since: { 'price:BTC-USD': 41 } }));
  assert.deepEqual(result.ok && result.message, {
    type: 'subscribe', id: 1, channels: ['price:BTC-USD'], since: { 'price:BTC-USD': 41 },
  });
});

test('a subscribe frame names the epoch of its since; an ack names the relay\'s', () => {
  const result = parseClientMessage(JSON.stringify({ type: 'subscribe', id: 2, channels: ['price:A'], since: { 'price:A': 3 }, epoch: 'run-7f3a' }));
  assert.deepEqual(result.ok && result.message, { type: 'subscribe', id: 2, channels: ['price:A'], since: { 'price:A': 3 }, epoch: 'run-7f3a' });
  assert.deepEqual(readServerMessage('{"type":"ack","id":2,"epoch":"run-7f3a"}'), { type: 'ack', id: 2, epoch: 'run-7f3a' });
  // A hostile epoch in an ack is dropped, not trusted; the ack itself stands.
  assert.deepEqual(readServerMessage('{"type":"ack","id":2,"epoch":"<img src=x>"}'), { type: 'ack', id: 2 });
});

test('malformed client frames are refused with a code, never thrown', () => {
  const cases: Array<[unknown, ErrorCode]> = [
    ['not json', ErrorCode.BadFrame],
    ['[1,2]', ErrorCode.BadFrame],
    ['null', ErrorCode.BadFrame],
    ['{"type":"launch"}', ErrorCode.UnknownType],
    ['{"id":1}', ErrorCode.UnknownType],
    ['{"type":"subscribe","id":"1","channels":["price:A"]}', ErrorCode.BadFrame],
    ['{"type":"subscribe","id":1,"channels":[]}', ErrorCode.BadFrame],
    ['{"type":"subscribe","id":1,"channels":["price:<img src=x onerror=alert(1)>"]}', ErrorCode.InvalidChannel],
    [JSON.stringify({ type: 'subscribe', id: 1, channels: Array.from({ length: 101 }, (_, i) => `price:S${i}`) }), ErrorCode.BadFrame],
    ['{"type":"subscribe","id":1,"channels":["price:A"],"since":{"price:B":1}}', ErrorCode.BadFrame],
    ['{"type":"subscribe","id":1,"channels":["price:A"],"since":{"price:A":-1}}', ErrorCode.BadFrame],
    ['{"type":"subscribe","id":1,"channels":["price:A"],"since":{"price:A":1},"epoch":"a b"}', ErrorCode.BadFrame],
    [JSON.stringify({ type: 'subscribe', id: 1, channels: ['price:A'], epoch: 'x'.repeat(65) }), ErrorCode.BadFrame],
    ['{"type":"subscribe","id":1,"channels":["price:A"],"epoch":7}', ErrorCode.BadFrame],
    ['{"__proto__":{"polluted":true},"type":"ping","t":1}', ErrorCode.BadFrame],
    ['{"type":"auth","token":""}', ErrorCode.BadFrame],
    ['{"type":"ping","t":"now"}', ErrorCode.BadFrame],
    [new Uint8Array([1, 2, 3]), ErrorCode.BadFrame],
  ];
  for (const [raw, code] of cases) {
    const result = parseClientMessage(raw);
    assert.equal(result.ok, false, String(raw));
    assert.equal(!result.ok && result.code, code, String(raw));
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('server frames are validated by the client', () => {
  const batch = parseServerMessage('{"type":"batch","messages":[{"type":"update","channel":"price:A","seq":2,"data":{"price":1}}]}');
  assert.equal(batch.ok && batch.message.type, 'batch');
  assert.equal(parseServerMessage('{"type":"update","channel":"price:A","seq":2,"data":5}').ok, false);
  assert.equal(parseServerMessage('{"type":"batch","messages":[{"type":"ack","id":1}]}').ok, false);
  const snapshot = parseServerMessage('{"type":"snapshot","channel":"price:A","seq":0,"data":null,"recovered":false}');
  assert.deepEqual(snapshot.ok && snapshot.message, { type: 'snapshot', channel: 'price:A', seq: 0, data: null, recovered: false });
  // Refusals say why: an unknown type apart from a malformed known one.
  const unknown = parseServerMessage('{"type":"hello"}');
  assert.equal(!unknown.ok && unknown.code, ErrorCode.UnknownType);
  const badAck = parseServerMessage('{"type":"ack","id":-1}');
  assert.equal(!badAck.ok && badAck.code, ErrorCode.BadFrame);
  // The client's lean reader: the message, or null for anything malformed.
  assert.deepEqual(readServerMessage('{"type":"pong","t":5}'), { type: 'pong', t: 5 });
  for (const raw of ['nope', '[]', '{"type":"ack"}', '{"type":"error","code":1,"message":"x"}', '{"type":"__proto__"}', 42]) {
    assert.equal(readServerMessage(raw), null, String(raw));
  }
});

test('hostile symbols never become channels', () => {
  assert.equal(priceChannel('BTC-USD'), 'price:BTC-USD');
  assert.throws(() => priceChannel('<script>'), TypeError);
  assert.throws(() => priceChannel('A'.repeat(33)), TypeError);
});

test('permission patterns match channels', () => {
  assert.ok(channelMatches('price:*', 'price:BTC-USD'));
  assert.ok(!channelMatches('price:*', 'portfolio:1'));
  assert.ok(channelMatches('price:BTC-*', 'price:BTC-USD'));
  assert.ok(!channelMatches('price:BTC-*', 'price:ETH-USD'));
  assert.ok(channelMatches('*', 'alerts:bob'));
  assert.ok(!channelMatches('price:A.B', 'price:AxB'));
});

test('close codes split into transient and terminal', () => {
  assert.equal(isTerminalCloseCode(CloseCode.SlowConsumer), false);
  assert.equal(isTerminalCloseCode(CloseCode.GoingAway), false);
  assert.equal(isTerminalCloseCode(CloseCode.AuthFailed), true);
  assert.equal(isTerminalCloseCode(CloseCode.MessageTooBig), true);
});
