/**
 * The pool of outboxes at rest: a session's next update reuses a kept outbox instead of making a
 * new one, a kept outbox holds no connection, and the pool is bounded.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Delivery } from '../../src/server/ws/delivery.js';
import type { OutboxSink } from '../../src/server/ws/outbox.js';
import { OutboxPool } from '../../src/server/ws/outbox-pool.js';

const limits = { slowConsumerBytes: 1 << 20, slowConsumerGraceMs: 10_000, maxQueuedMessages: 100 };
const stats = { sent() {}, conflated() {} };

function sink(): OutboxSink & { frames: string[] } {
  const frames: string[] = [];
  return { frames, bufferedAmount: 0, send: (frame) => void frames.push(frame.toString()) };
}

const delivery = (seq: number) => new Delivery({ channel: 'price:A', seq, data: { price: seq } });

test('an outbox at rest is reused by the next connection, writing to that connection only', () => {
  const pool = new OutboxPool(limits, stats);
  const first = sink();
  const second = sink();
  const outbox = pool.take(first);
  outbox.pushUpdate(delivery(1)); // idle: written at once
  assert.equal(outbox.flush(0), 'sent'); // the direct write's interval
  assert.equal(outbox.flush(5), 'idle');
  pool.give(outbox);
  assert.equal(pool.size, 1);
  const reused = pool.take(second);
  assert.equal(reused, outbox, 'the kept outbox is handed out again');
  reused.pushUpdate(delivery(2));
  assert.deepEqual(first.frames.map((f) => JSON.parse(f).seq), [1]);
  assert.deepEqual(second.frames.map((f) => JSON.parse(f).seq), [2]);
});

test('an outbox with queued messages is not kept', () => {
  const pool = new OutboxPool(limits, stats);
  const busy = pool.take(sink());
  busy.pushUpdate(delivery(1));
  busy.pushUpdate(delivery(2)); // queued behind the direct write
  pool.give(busy);
  assert.equal(pool.size, 0, 'an outbox with a queued message is never handed to another connection');
});

test('a kept outbox does not keep its last connection alive', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const pool = new OutboxPool(limits, stats);
  const closed = (() => {
    const connection = sink();
    pool.give(pool.take(connection));
    return new WeakRef(connection);
  })();
  assert.equal(pool.size, 1);
  await new Promise((resolve) => setImmediate(resolve)); // WeakRef targets are kept until the job ends
  gc();
  assert.equal(closed.deref(), undefined, 'the closed connection was collected');
});

test('the pool keeps at most its capacity', () => {
  const pool = new OutboxPool(limits, stats, 3);
  const outboxes = Array.from({ length: 5 }, () => pool.take(sink()));
  for (const outbox of outboxes) pool.give(outbox);
  assert.equal(pool.size, 3);
});
