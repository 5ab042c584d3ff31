import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SnapshotMessage, UpdateMessage } from '../../src/protocol/index.js';
import { createMemoryBackend } from '../../src/server/backend/memory-backend.js';
import type { ChannelBackend } from '../../src/server/backend/types.js';
import { connect, startRelay, tick } from './helpers.js';

/** A memory backend whose reads take `delayMs` (like a remote store) and can be made to fail. */
function slowBackend(delayMs: number): ChannelBackend & { failReads: boolean } {
  const inner = createMemoryBackend();
  const wait = () => new Promise((resolve) => setTimeout(resolve, delayMs));
  return Object.assign(Object.create(inner) as ChannelBackend, {
    failReads: false,
    async latest(this: { failReads: boolean }, channel: string) {
      await wait();
      if (this.failReads) throw new Error('store unreachable');
      return inner.latest(channel);
    },
    async recover(this: { failReads: boolean }, channel: string, since: number) {
      await wait();
      if (this.failReads) throw new Error('store unreachable');
      return inner.recover(channel, since);
    },
  });
}

test('updates published while the snapshot is being read arrive after it with no gap and no duplicate', async () => {
  const backend = slowBackend(150);
  const relay = await startRelay({ backend });
  try {
    for (let i = 1; i <= 3; i++) await relay.publish('price:RACE', tick('RACE', i));
    const client = await connect(relay.wsUrl);
    client.send({ type: 'subscribe', id: 1, channels: ['price:RACE'] });
    await client.waitFor((m) => m.type === 'ack');
    // These land while latest() is still pending; some before, some after its value is taken.
    for (let i = 4; i <= 10; i++) {
      await relay.publish('price:RACE', tick('RACE', i));
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await client.waitFor((m) => m.type === 'update' && m.seq === 10);
    const messages = client.received.filter((m): m is SnapshotMessage | UpdateMessage => m.type === 'snapshot' || m.type === 'update');
    assert.equal(messages[0]?.type, 'snapshot');
    const seqs = messages.map((m) => m.seq);
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => (seqs[0] as number) + i));
    assert.equal(seqs.at(-1), 10);
    await client.close();
  } finally {
    await relay.close();
    await backend.close();
  }
});

test('a channel whose backend read fails gets an internal error and can be subscribed again later', async () => {
  const backend = slowBackend(5);
  const relay = await startRelay({ backend });
  try {
    const client = await connect(relay.wsUrl);
    backend.failReads = true;
    client.send({ type: 'subscribe', id: 1, channels: ['price:FAIL'] });
    const error = await client.waitFor((m) => m.type === 'error');
    assert.deepEqual(error.type === 'error' && [error.code, error.id, error.channel], ['internal', 1, 'price:FAIL']);
    backend.failReads = false;
    client.send({ type: 'subscribe', id: 2, channels: ['price:FAIL'] });
    await client.waitFor((m) => m.type === 'snapshot');
    await relay.publish('price:FAIL', tick('FAIL', 1));
    await client.waitFor((m) => m.type === 'update');
    await client.close();
  } finally {
    await relay.close();
    await backend.close();
  }
});
