// What the Redis backend accepts from Redis: envelopes in the publish script's layout keep their
// data's JSON text (sent on to clients as is), and nothing a hostile or broken writer puts on the
// bus can get text past the data object into that JSON. No Redis needed: these are the texts it carries.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { envelopeText, KnownEnvelopes, parseEnvelope } from '../../src/server/backend/redis-envelopes.js';
import type { Envelope } from '../../src/server/backend/types.js';
import { asRead, TRICKY_DATA } from './tricky-data.js';

/** The text the publish script stores and publishes (redis-scripts.ts), built the same way. */
const scriptText = (channel: string, seq: number, data: unknown): string =>
  `{"channel":${JSON.stringify(channel)},"seq":${seq},"data":${JSON.stringify(data)}}`;

test('an envelope as the publish script writes it keeps its data JSON, exactly JSON.stringify(data)', () => {
  for (const [channel, data] of Object.entries(TRICKY_DATA)) {
    const envelope = parseEnvelope(scriptText(channel, 42, data));
    assert.ok(envelope, channel);
    assert.equal(envelope.channel, channel);
    assert.equal(envelope.seq, 42);
    assert.deepEqual(envelope.data, asRead(data));
    assert.equal(envelope.dataJson, JSON.stringify(data), channel);
  }
});

test('the same envelope in another layout is read as before, without data JSON', () => {
  const data = { price: 1, nested: { a: [1, 2] } };
  for (const text of [
    JSON.stringify({ seq: 3, channel: 'price:X', data }), // other field order
    JSON.stringify({ channel: 'price:X', seq: 3, data }, null, 2), // spaces
    `{"channel":"price:X","seq":3,"data":${JSON.stringify(data)},"extra":{"y":1}}`, // a field after data
    `{"channel":"price:X","seq":3.0,"data":${JSON.stringify(data)}}`, // seq spelled otherwise
  ]) {
    const envelope = parseEnvelope(text);
    assert.deepEqual(envelope, { channel: 'price:X', seq: 3, data }, text);
  }
});

test('text after the data object never becomes part of the data JSON (no frame injection)', () => {
  const attempts = [
    '{"channel":"price:X","seq":2,"data":{"price":1},"type":"error","code":"x","z":{}}',
    '{"channel":"price:X","seq":2,"data":{"price":1},"data":{"price":2}}',
    '{"channel":"price:X","seq":2,"data":{"price":1},"seq":2,"data":{"price":1}}',
    '{"channel":"price:X","seq":2,"data":{"price":1}  }',
  ];
  for (const text of attempts) {
    const envelope = parseEnvelope(text);
    assert.ok(envelope, `valid JSON stays accepted as today: ${text}`);
    assert.equal(envelope.seq, 2);
    if (envelope.dataJson !== undefined) {
      assert.deepEqual(JSON.parse(envelope.dataJson), envelope.data, text);
      assert.doesNotThrow(() => JSON.parse(`{"data":${envelope.dataJson}}`), text);
    }
    // What a client is sent for this envelope: one object whose only data is the parsed `data`.
    const frame = JSON.parse(`{"type":"update","seq":${envelope.seq},"data":${envelope.dataJson ?? JSON.stringify(envelope.data)}}`);
    assert.deepEqual(Object.keys(frame), ['type', 'seq', 'data'], text);
    assert.equal(frame.type, 'update', text);
  }
});

test('malformed and hostile texts are refused (null), never thrown', () => {
  for (const text of [
    'not json', '', '{', '}', 'null', '[]', '42', '"text"',
    '{"channel":"price:X","seq":2,"data":{"price":1}', // truncated
    '{"channel":"price:X","seq":2,"data":{"price":1}}}', // one brace too many
    '{"channel":"price:X","seq":2,"data":{"price":1},}',
    '{"channel":"price:X","seq":2,"data":{"a":1},"b":}',
    '{"channel":"price:X","seq":2,"data":{}} {"x":1}',
    '{"channel":"price:X","seq":2,"data":[1,2]}', // data not an object
    '{"channel":"price:X","seq":2,"data":null}',
    '{"channel":"price:X","seq":2,"data":"{}"}',
    '{"channel":"price:X","seq":0,"data":{}}',
    '{"channel":"price:X","seq":-1,"data":{}}',
    '{"channel":"price:X","seq":99999999999999999,"data":{}}', // beyond a safe integer
    '{"channel":"price:X","seq":"2","data":{}}',
    '{"channel":7,"seq":2,"data":{}}',
    '{"channel":"price:\u0001X","seq":2,"data":{}}', // a raw control character in a JSON string
    '{"channel":"price:X\\","seq":2,"data":{}}',
    `{"channel":"${'\\'.repeat(10_001)}","seq":2,"data":{}}`,
  ]) {
    assert.equal(parseEnvelope(text), null, text.slice(0, 60));
  }
  for (const value of [undefined, null, 42, {}, Buffer.from('{}')]) assert.equal(parseEnvelope(value), null);
});

test('envelopeText writes the script layout back, from the stored data JSON, never a dataJson field', () => {
  const data = { price: 2, note: '\u2028é' };
  const parsed = parseEnvelope(scriptText('price:X', 9, data)) as Envelope;
  assert.equal(envelopeText(parsed), scriptText('price:X', 9, data));
  assert.equal(envelopeText({ channel: 'price:X', seq: 9, data }), scriptText('price:X', 9, data));
  assert.deepEqual(parseEnvelope(envelopeText(parsed)), parsed);
});

test('readLast: the last value read again as the same text is the same answer; any other text is read afresh', () => {
  const known = new KnownEnvelopes(10);
  const first = scriptText('price:K', 1, { price: 1 });
  const read = known.readLast('price:K', first);
  assert.deepEqual([read?.seq, read?.dataJson], [1, '{"price":1}']);
  assert.equal(known.readLast('price:K', first), read, 'the same text: the envelope read before');
  assert.equal(known.get('price:K'), read, 'remembered for reads while Redis is away');

  // A newer value, and a value in another spelling of the same seq: each read as it is now.
  const second = known.readLast('price:K', scriptText('price:K', 2, { price: 2 }));
  assert.deepEqual([second?.seq, second?.data], [2, { price: 2 }]);
  const respelled = known.readLast('price:K', JSON.stringify({ seq: 2, channel: 'price:K', data: { price: 2 } }));
  assert.deepEqual([respelled?.seq, respelled?.data, respelled?.dataJson], [2, { price: 2 }, undefined]);

  // Malformed text: null, and what the node remembers stays.
  assert.equal(known.readLast('price:K', '{"channel":"price:K","seq":3,"data":{"price":3}} trailing'), null);
  assert.equal(known.readLast('price:K', null), null);
  assert.equal(known.get('price:K')?.seq, 2);
});

test('readLast: a value with the seq the node remembers from elsewhere (its own publish) is answered as Redis holds it', () => {
  const known = new KnownEnvelopes(10);
  const own: Envelope = { channel: 'price:S', seq: 7, data: { price: 70 }, dataJson: '{"price":70}' };
  known.note(own);
  // Redis holds another value under seq 7 (another node published it while Redis had lost this one).
  const text = scriptText('price:S', 7, { price: 71 });
  const read = known.readLast('price:S', text);
  assert.deepEqual(read?.data, { price: 71 });
  assert.equal(known.get('price:S'), read, 'the value Redis holds is the one remembered');
  assert.equal(known.readLast('price:S', text), read);
  // An older seq read late never replaces a newer remembered one, but is answered as read.
  const older = known.readLast('price:S', scriptText('price:S', 6, { price: 60 }));
  assert.equal(older?.seq, 6);
  assert.equal(known.get('price:S')?.seq, 7);
});

test('a read for a known channel refuses an envelope that names another channel (a misplaced or foreign write)', () => {
  const text = scriptText('price:ETH-USD', 9, { price: 2 });
  assert.equal(parseEnvelope(text, 'price:BTC-USD'), null);
  assert.equal(parseEnvelope(JSON.stringify({ seq: 9, channel: 'price:ETH-USD', data: { price: 2 } }), 'price:BTC-USD'), null, 'in any layout');
  assert.equal(parseEnvelope(text, 'price:ETH-USD')?.seq, 9, 'its own channel is read as before');

  const known = new KnownEnvelopes(10);
  known.note({ channel: 'price:BTC-USD', seq: 3, data: { price: 1 } });
  assert.equal(known.readLast('price:BTC-USD', text), null, 'unreadable, as a malformed value is');
  assert.equal(known.readLast('price:BTC-USD', text), null, 'also when read again');
  assert.equal(known.get('price:ETH-USD'), null, 'nothing remembered for the channel it names');
  assert.equal(known.seq('price:BTC-USD'), 3, 'nor for the channel it was read for');
});
