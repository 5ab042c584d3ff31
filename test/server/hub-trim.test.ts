/**
 * The hub gives back its lists' spare slots once a wave of subscribes is over (see hub.ts): a
 * channel's list waits for a trim round while subscribers keep joining, is rebuilt once they
 * stop, and every subscriber still gets each delivery exactly once — also when the channel was
 * dropped, or subscribers left, while it waited.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChannelBackend, Envelope } from '../../src/server/backend/types.js';
import type { Delivery } from '../../src/server/ws/delivery.js';
import { Hub, TRIM_AFTER_MS, type HubSubscriber } from '../../src/server/ws/hub.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A backend that only lets the test hand the hub envelopes. */
function fakeBackend(): { backend: ChannelBackend; publish(envelope: Envelope): void } {
  let listener: (envelope: Envelope) => void = () => undefined;
  const backend = {
    onMessage(callback: (envelope: Envelope) => void) {
      listener = callback;
    },
    watch() {},
    unwatch() {},
  } as unknown as ChannelBackend;
  return { backend, publish: (envelope) => listener(envelope) };
}

/** A subscriber counting the seqs it got per channel. */
function subscriber(): HubSubscriber & { channels: Set<string>; got: number[] } {
  return {
    channels: new Set(),
    got: [],
    receive(delivery: Delivery) {
      this.got.push(delivery.envelope.seq);
    },
    isSubscribed(channel: string) {
      return this.channels.has(channel);
    },
  };
}

function join(hub: Hub, channel: string, count: number): ReturnType<typeof subscriber>[] {
  return Array.from({ length: count }, () => {
    const s = subscriber();
    s.channels.add(channel);
    hub.add(channel, s);
    return s;
  });
}

test('a list waits while subscribers keep joining, is trimmed once they stop, and still reaches everyone once', async () => {
  const { backend, publish } = fakeBackend();
  const hub = new Hub(backend, (error) => assert.fail(String(error)));
  const members = join(hub, 'price:WAVE', 500);
  // Newcomers every half round: the list keeps waiting.
  for (let i = 0; i < 4; i++) {
    await sleep(TRIM_AFTER_MS / 2);
    members.push(...join(hub, 'price:WAVE', 20));
    assert.equal(hub.untrimmed, 1, 'no trim while subscribers keep coming');
  }
  await sleep(TRIM_AFTER_MS * 2 + 200);
  assert.equal(hub.untrimmed, 0, 'trimmed once they stopped');
  publish({ channel: 'price:WAVE', seq: 1, data: { price: 1 } });
  for (const member of members) assert.deepEqual(member.got, [1]);
  // Some leave after the trim: the rest still get each delivery once, the leavers none.
  const leaving = members.slice(0, 100);
  for (const member of leaving) {
    member.channels.delete('price:WAVE');
    hub.remove('price:WAVE', member);
  }
  publish({ channel: 'price:WAVE', seq: 2, data: { price: 2 } });
  for (const member of members.slice(100)) assert.deepEqual(member.got, [1, 2]);
  for (const member of leaving) assert.deepEqual(member.got, [1]);
});

test('a channel dropped while waiting for its trim is not brought back; a new one of that name starts over', async () => {
  const { backend, publish } = fakeBackend();
  const hub = new Hub(backend, (error) => assert.fail(String(error)));
  const first = join(hub, 'price:GONE', 100);
  for (const member of first) {
    member.channels.delete('price:GONE');
    hub.remove('price:GONE', member);
  }
  assert.equal(hub.channelCount, 0);
  const second = join(hub, 'price:GONE', 80);
  await sleep(TRIM_AFTER_MS * 2 + 200);
  assert.equal(hub.untrimmed, 0);
  assert.equal(hub.subscriptions, 80);
  publish({ channel: 'price:GONE', seq: 1, data: { price: 1 } });
  for (const member of second) assert.deepEqual(member.got, [1]);
  for (const member of first) assert.deepEqual(member.got, []);
});
