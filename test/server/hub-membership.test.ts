/**
 * Channel membership as clients see it while others come and go: the hub keeps each channel's
 * subscribers in an array and lets leavers go lazily (see src/server/ws/hub.ts), which must never
 * show as a lost, repeated or misdirected update, or a channel watched after its last subscriber.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ServerMessage } from '../../src/protocol/index.js';
import { connect, eventually, startRelay, tick, type TestClient } from './helpers.js';

const seqsOf = (received: ServerMessage[], channel: string) =>
  received.filter((m) => m.type === 'update' && m.channel === channel).map((m) => ('seq' in m ? m.seq : -1));

async function health(httpUrl: string): Promise<{ channels: number; subscriptions: number }> {
  return (await (await fetch(`${httpUrl}/healthz`)).json()) as { channels: number; subscriptions: number };
}

/** Subscribes and waits for this request's ack and the snapshot after it. */
async function subscribe(client: TestClient, id: number, channel: string): Promise<void> {
  client.send({ type: 'subscribe', id, channels: [channel] });
  await client.waitFor((m) => m.type === 'ack' && m.id === id);
  const ackAt = client.received.findIndex((m) => m.type === 'ack' && m.id === id);
  await eventually(() => client.received.slice(ackAt).some((m) => m.type === 'snapshot' && m.channel === channel), 5_000, `snapshot of ${channel}`);
}

describe('hub membership', () => {
  test('after most subscribers leave, the rest get every update exactly once and the leavers none', async () => {
    const relay = await startRelay();
    try {
      const clients = await Promise.all(Array.from({ length: 30 }, () => connect(relay.wsUrl)));
      await Promise.all(clients.map((client) => subscribe(client, 1, 'price:CHURN')));
      const [leaving, staying] = [clients.slice(0, 10), clients.slice(10)];
      // Ten close their sockets and ten unsubscribe: twenty leave, ten stay.
      await Promise.all(leaving.map((client) => client.close()));
      const unsubscribing = staying.splice(0, 10);
      for (const client of unsubscribing) client.send({ type: 'unsubscribe', id: 2, channels: ['price:CHURN'] });
      await eventually(async () => (await health(relay.httpUrl)).subscriptions === 10, 5_000, '10 subscriptions left');
      for (let i = 1; i <= 5; i++) await relay.publish('price:CHURN', tick('CHURN', i));
      await Promise.all(staying.map((client) => client.waitFor((m) => m.type === 'update' && m.seq === 5)));
      for (const client of staying) assert.deepEqual(seqsOf(client.received, 'price:CHURN'), [1, 2, 3, 4, 5]);
      // Published after the unsubscribes were processed (the count above): none of it reaches them.
      for (const client of unsubscribing) assert.deepEqual(seqsOf(client.received, 'price:CHURN'), []);
      const { channels, subscriptions } = await health(relay.httpUrl);
      assert.deepEqual({ channels, subscriptions }, { channels: 1, subscriptions: 10 });
      await Promise.all([...staying, ...unsubscribing].map((client) => client.close()));
      await eventually(async () => (await health(relay.httpUrl)).channels === 0, 5_000, 'no channel watched');
    } finally {
      await relay.close();
    }
  });

  test('a client that leaves and comes back on one connection gets each update once', async () => {
    const relay = await startRelay();
    try {
      const other = await connect(relay.wsUrl); // keeps the channel from emptying in between
      await subscribe(other, 1, 'price:BACK');
      const client = await connect(relay.wsUrl);
      for (let round = 0; round < 3; round++) {
        await subscribe(client, 10 + round, 'price:BACK');
        client.send({ type: 'unsubscribe', id: 20 + round, channels: ['price:BACK'] });
      }
      await subscribe(client, 30, 'price:BACK');
      assert.equal((await health(relay.httpUrl)).subscriptions, 2);
      for (let i = 1; i <= 4; i++) await relay.publish('price:BACK', tick('BACK', i));
      await client.waitFor((m) => m.type === 'update' && m.seq === 4);
      await other.waitFor((m) => m.type === 'update' && m.seq === 4);
      assert.deepEqual(seqsOf(client.received, 'price:BACK'), [1, 2, 3, 4]);
      assert.deepEqual(seqsOf(other.received, 'price:BACK'), [1, 2, 3, 4]);
      await Promise.all([client.close(), other.close()]);
      await eventually(async () => (await health(relay.httpUrl)).channels === 0, 5_000, 'no channel watched');
    } finally {
      await relay.close();
    }
  });
});
