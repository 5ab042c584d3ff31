// The relay epoch on the HTTP read endpoints: `/v1/snapshot` and `/v1/history` name the run of seqs
// they answer from, as `ack` does on the socket, so a client fed only by polling can tell a relay
// that started over from one that went on. Real relays on 127.0.0.1, restarted on the same port.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemoryBackend } from '../../src/server/backend/memory-backend.js';
import type { ChannelBackend } from '../../src/server/backend/types.js';
import type { Relay } from '../../src/server/relay.js';
import { connect, startRelay, tick } from './helpers.js';

interface SnapshotBody {
  epoch?: string;
  channels: Record<string, { seq: number; data: { price: number } } | null>;
}

interface HistoryBody {
  epoch?: string;
  channel: string;
  updates: Array<{ seq: number; data: { price: number } }>;
}

const getJson = async <T>(url: string): Promise<{ status: number; body: T }> => {
  // No kept-alive socket: the relay behind the port changes between requests.
  const response = await fetch(url, { headers: { connection: 'close' } });
  return { status: response.status, body: (await response.json()) as T };
};
const snapshot = (relay: Relay) => getJson<SnapshotBody>(`${relay.httpUrl}/v1/snapshot?channels=price:EP`);
const history = (relay: Relay) => getJson<HistoryBody>(`${relay.httpUrl}/v1/history?channel=price:EP`);

/** The epoch a WebSocket client is told in the `ack` of a subscribe. */
async function ackEpoch(relay: Relay): Promise<string | undefined> {
  const client = await connect(relay.wsUrl);
  try {
    client.send({ type: 'subscribe', id: 1, channels: ['price:EP'] });
    const ack = await client.waitFor((m) => m.type === 'ack');
    return 'epoch' in ack ? ack.epoch : undefined;
  } finally {
    await client.close();
  }
}

test('/v1/snapshot and /v1/history name the epoch of the socket\'s ack; a relay restarted with a new store names another, one with the same store the same', async () => {
  const backend = createMemoryBackend();
  let relay = await startRelay({ backend });
  const port = relay.port;
  try {
    for (let price = 1; price <= 3; price++) await relay.publish('price:EP', tick('EP', price));
    const epoch = await ackEpoch(relay);
    assert.match(String(epoch), /^[\w-]{1,64}$/);
    const [snap, hist] = [await snapshot(relay), await history(relay)];
    for (const { status, body } of [snap, hist]) {
      assert.equal(status, 200);
      assert.equal(body.epoch, epoch, 'the same run as the socket names');
    }
    assert.equal(snap.body.channels['price:EP']?.seq, 3, 'the rest of the answer as before');
    assert.deepEqual(hist.body.updates.map((u) => u.seq), [1, 2, 3]);

    // The same store behind a restarted relay: the seqs go on, and so does the epoch.
    await relay.close();
    relay = await startRelay({ backend, port });
    assert.equal((await snapshot(relay)).body.epoch, epoch);
    assert.equal((await history(relay)).body.epoch, epoch);

    // A new process with a store of its own: seqs 1… again, another epoch on both endpoints.
    await relay.close();
    relay = await startRelay({ port });
    for (let price = 101; price <= 103; price++) await relay.publish('price:EP', tick('EP', price));
    const fresh = await ackEpoch(relay);
    assert.notEqual(fresh, epoch);
    const second = await snapshot(relay);
    assert.equal(second.body.epoch, fresh);
    const value = second.body.channels['price:EP'];
    assert.deepEqual([value?.seq, value?.data.price], [3, 103], 'the same seq as before the restart: only the epoch tells the runs apart');
    assert.equal((await history(relay)).body.epoch, fresh);
  } finally {
    await relay.close();
    await backend.close();
  }
});

test('a backend without an epoch: both endpoints answer as before, with no `epoch` key', async () => {
  const inner = createMemoryBackend();
  // A backend of one's own that names no epoch (the field is optional).
  const backend = Object.assign(Object.create(inner) as ChannelBackend, { epoch: undefined });
  const relay = await startRelay({ backend });
  try {
    await relay.publish('price:EP', tick('EP', 7));
    const { body: snap } = await snapshot(relay);
    assert.deepEqual(Object.keys(snap), ['channels']);
    assert.equal(snap.channels['price:EP']?.seq, 1);
    const { body: hist } = await history(relay);
    assert.deepEqual(Object.keys(hist).sort(), ['channel', 'updates']);
    assert.deepEqual(hist.updates.map((u) => u.seq), [1]);
  } finally {
    await relay.close();
    await inner.close();
  }
});

test('when the epoch changes during the read, both endpoints answer 503 instead of putting either run\'s name on the seqs', async () => {
  const inner = createMemoryBackend();
  let reads = 0;
  // A store whose numbering starts over while a read is in flight: each read moves to a new run.
  const backend = Object.create(inner, {
    epoch: { get: () => `run-${reads}` },
    latest: { value: async (channel: string) => (reads++, inner.latest(channel)) },
    latestMany: { value: async (channels: readonly string[]) => (reads++, inner.latestMany!(channels)) },
    history: { value: async (channel: string, limit: number) => (reads++, inner.history!(channel, limit)) },
  }) as ChannelBackend;
  const relay = await startRelay({ backend });
  try {
    await inner.publish('price:EP', tick('EP', 1));
    for (const answer of [await snapshot(relay), await history(relay)]) {
      assert.equal(answer.status, 503);
      assert.equal(typeof (answer.body as unknown as { error: unknown }).error, 'string');
    }
    assert.equal(reads, 2, 'the snapshot is one latestMany read, the history one history read');
  } finally {
    await relay.close();
    await inner.close();
  }
});

test('a backend of one\'s own without latestMany: the snapshot reads latest per channel, and an epoch change during those reads is a 503 too', async () => {
  const inner = createMemoryBackend();
  let reads = 0;
  let epoch = 'run-a';
  let startOverAt: string | null = null; // the channel whose read finds the numbering started over
  const backend = Object.create(inner, {
    epoch: { get: () => epoch },
    latestMany: { value: undefined },
    latest: {
      value: async (channel: string) => {
        reads++;
        if (channel === startOverAt) epoch = 'run-b';
        return inner.latest(channel);
      },
    },
  }) as ChannelBackend;
  const relay = await startRelay({ backend });
  try {
    await inner.publish('price:EP', tick('EP', 1));
    const url = `${relay.httpUrl}/v1/snapshot?channels=price:EP,price:NONE`;
    const steady = await getJson<SnapshotBody>(url);
    assert.equal(steady.status, 200);
    assert.deepEqual([steady.body.epoch, steady.body.channels['price:EP']?.seq, steady.body.channels['price:NONE']], ['run-a', 1, null]);
    assert.equal(reads, 2, 'one latest() per channel asked');
    // The numbering starts over between the two channels' reads.
    startOverAt = 'price:NONE';
    const moved = await getJson<SnapshotBody>(url);
    assert.equal(moved.status, 503);
  } finally {
    await relay.close();
    await inner.close();
  }
});
