import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SnapshotMessage, UpdateMessage } from '../../src/protocol/index.js';
import { createMemoryBackend } from '../../src/server/backend/memory-backend.js';
import type { ChannelBackend } from '../../src/server/backend/types.js';
import { connect, startRelay, tick } from './helpers.js';

interface SlowBackend extends ChannelBackend {
  failReads: boolean;
  /** Backend calls that read last values: `latestMany` (one per subscribe frame) or `latest`. */
  reads: { latest: number; latestMany: number };
}

/**
 * A memory backend whose reads take `delayMs` (like a remote store) and can be made to fail.
 * `batched`: it reads several last values at once (`latestMany`, as the built-in backends do);
 * otherwise it has only `latest` (a backend of one's own that predates `latestMany`).
 */
function slowBackend(delayMs: number, batched: boolean): SlowBackend {
  const inner = createMemoryBackend();
  const wait = () => new Promise((resolve) => setTimeout(resolve, delayMs));
  const reads = { latest: 0, latestMany: 0 };
  return Object.assign(Object.create(inner) as ChannelBackend, {
    failReads: false,
    reads,
    async latest(this: SlowBackend, channel: string) {
      reads.latest += 1;
      await wait();
      if (this.failReads) throw new Error('store unreachable');
      return inner.latest(channel);
    },
    latestMany: batched
      ? async function latestMany(this: SlowBackend, channels: readonly string[]) {
        reads.latestMany += 1;
        await wait();
        if (this.failReads) throw new Error('store unreachable');
        return inner.latestMany!(channels);
      }
      : undefined,
    async recover(this: SlowBackend, channel: string, since: number) {
      await wait();
      if (this.failReads) throw new Error('store unreachable');
      return inner.recover(channel, since);
    },
  });
}

for (const batched of [true, false]) {
  describe(batched ? 'a backend that reads last values together (latestMany)' : 'a backend with latest() only', () => {
    test('updates published while the snapshot is being read arrive after it with no gap and no duplicate', async () => {
      const backend = slowBackend(150, batched);
      const relay = await startRelay({ backend });
      try {
        for (let i = 1; i <= 3; i++) await relay.publish('price:RACE', tick('RACE', i));
        const client = await connect(relay.wsUrl);
        client.send({ type: 'subscribe', id: 1, channels: ['price:RACE'] });
        await client.waitFor((m) => m.type === 'ack');
        // These land while the read is still pending; some before, some after its value is taken.
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
        assert.deepEqual(backend.reads, batched ? { latest: 0, latestMany: 1 } : { latest: 1, latestMany: 0 }, 'the slow read is the one taken');
        await client.close();
      } finally {
        await relay.close();
        await backend.close();
      }
    });

    test('several channels read while updates land on each: every channel continues from its snapshot with no gap and no duplicate', async () => {
      const backend = slowBackend(150, batched);
      const relay = await startRelay({ backend });
      const channels = ['price:R1', 'price:R2', 'price:R3'];
      try {
        for (const channel of channels) await relay.publish(channel, tick(channel.slice(6), 1));
        const client = await connect(relay.wsUrl);
        client.send({ type: 'subscribe', id: 1, channels });
        await client.waitFor((m) => m.type === 'ack');
        for (let i = 2; i <= 8; i++) {
          for (const channel of channels) await relay.publish(channel, tick(channel.slice(6), i));
          await new Promise((resolve) => setTimeout(resolve, 30));
        }
        for (const channel of channels) await client.waitFor((m) => m.type === 'update' && m.channel === channel && m.seq === 8);
        for (const channel of channels) {
          const messages = client.received.filter((m): m is SnapshotMessage | UpdateMessage =>
            (m.type === 'snapshot' || m.type === 'update') && m.channel === channel);
          assert.equal(messages[0]?.type, 'snapshot', channel);
          const seqs = messages.map((m) => m.seq);
          assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => (seqs[0] as number) + i), channel);
        }
        assert.deepEqual(backend.reads, batched ? { latest: 0, latestMany: 1 } : { latest: 3, latestMany: 0 });
        await client.close();
      } finally {
        await relay.close();
        await backend.close();
      }
    });

    test('a channel whose backend read fails gets an internal error and can be subscribed again later', async () => {
      const backend = slowBackend(5, batched);
      const relay = await startRelay({ backend });
      try {
        const client = await connect(relay.wsUrl);
        backend.failReads = true;
        client.send({ type: 'subscribe', id: 1, channels: ['price:FAIL'] });
        const error = await client.waitFor((m) => m.type === 'error');
        assert.deepEqual(error.type === 'error' && [error.code, error.id, error.channel], ['internal', 1, 'price:FAIL']);
        assert.match(error.type === 'error' ? error.message : '', /channel unavailable/);
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
  });
}
