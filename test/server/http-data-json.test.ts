// `/v1/snapshot` and `/v1/history` splice each update's stored JSON into the answer instead of
// parsing and serializing it again. A poller must not notice: answers parse to exactly the published
// data, and are byte for byte the text JSON.stringify gives for the same answer. Real relay on 127.0.0.1.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMemoryBackend } from '../../src/server/backend/memory-backend.js';
import type { ChannelBackend, Envelope } from '../../src/server/backend/types.js';
import type { Relay } from '../../src/server/relay.js';
import { startRelay } from './helpers.js';
import { asRead, TRICKY_DATA } from './tricky-data.js';

const CHANNELS = Object.keys(TRICKY_DATA);

describe('HTTP read answers carry the stored JSON as is (in-process backend)', () => {
  let relay: Relay;
  before(async () => {
    relay = await startRelay();
    for (const round of [1, 2, 3]) {
      for (const channel of CHANNELS) await relay.publish(channel, { ...TRICKY_DATA[channel], round });
    }
  });
  after(() => relay.close());

  test('/v1/snapshot parses to exactly the published data, in the exact answer text of JSON.stringify', async () => {
    const response = await fetch(`${relay.httpUrl}/v1/snapshot?channels=${CHANNELS.join(',')},price:NONE`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const text = await response.text();
    assert.equal(Number(response.headers.get('content-length')), Buffer.byteLength(text));
    const channels: Record<string, unknown> = {};
    for (const channel of CHANNELS) channels[channel] = { seq: 3, data: asRead({ ...TRICKY_DATA[channel], round: 3 }) };
    channels['price:NONE'] = null;
    const expected = { epoch: relay.backend.epoch, channels };
    assert.deepEqual(JSON.parse(text), expected);
    assert.equal(text, JSON.stringify(expected), 'the same bytes as serializing the answer object');
    assert.deepEqual(Object.keys(JSON.parse(text).channels), [...CHANNELS, 'price:NONE'], 'channels in the order asked');
  });

  test('/v1/history parses to exactly the published updates, oldest first, in the exact answer text', async () => {
    for (const channel of CHANNELS) {
      const response = await fetch(`${relay.httpUrl}/v1/history?channel=${channel}&limit=2`);
      assert.equal(response.status, 200);
      const text = await response.text();
      const expected = {
        epoch: relay.backend.epoch,
        channel,
        updates: [2, 3].map((round) => ({ seq: round, data: asRead({ ...TRICKY_DATA[channel], round }) })),
      };
      assert.deepEqual(JSON.parse(text), expected, channel);
      assert.equal(text, JSON.stringify(expected), channel);
    }
  });

  test('U+2028/U+2029 and astral characters arrive as the characters, not mangled or split', async () => {
    const body = (await (await fetch(`${relay.httpUrl}/v1/snapshot?channels=price:UNI`)).json()) as {
      channels: Record<string, { data: { note: string } }>;
    };
    const note = body.channels['price:UNI']?.data.note ?? '';
    assert.ok(note.includes('\u2028line\u2029para'));
    assert.ok(note.includes('🚀📈'));
    assert.equal(note, TRICKY_DATA['price:UNI']?.note);
  });
});

test('a backend of one\'s own whose envelopes carry no stored JSON: both answers serialize `data`, same text', async () => {
  const inner = createMemoryBackend();
  const plain = (envelope: Envelope): Envelope => ({ channel: envelope.channel, seq: envelope.seq, data: envelope.data });
  const backend = Object.create(inner, {
    latest: { value: async (channel: string) => { const envelope = await inner.latest(channel); return envelope && plain(envelope); } },
    latestMany: { value: async (channels: readonly string[]) => (await inner.latestMany!(channels)).map((envelope) => envelope && plain(envelope)) },
    history: { value: async (channel: string, limit: number) => (await inner.history!(channel, limit)).map(plain) },
  }) as ChannelBackend;
  const relay = await startRelay({ backend });
  try {
    for (const channel of CHANNELS) await relay.publish(channel, TRICKY_DATA[channel] as Envelope['data']);
    const snapshotText = await (await fetch(`${relay.httpUrl}/v1/snapshot?channels=${CHANNELS.join(',')}`)).text();
    const channels = Object.fromEntries(CHANNELS.map((channel) => [channel, { seq: 1, data: asRead(TRICKY_DATA[channel]) }]));
    assert.equal(snapshotText, JSON.stringify({ epoch: inner.epoch, channels }));
    const historyText = await (await fetch(`${relay.httpUrl}/v1/history?channel=price:BIG`)).text();
    assert.equal(historyText, JSON.stringify({ epoch: inner.epoch, channel: 'price:BIG', updates: [{ seq: 1, data: asRead(TRICKY_DATA['price:BIG']) }] }));
  } finally {
    await relay.close();
    await inner.close();
  }
});
