/**
 * The flusher's schedule: a session asking several times within an interval is flushed once at
 * the interval's end; one that just sent (or is held) is flushed again next interval; an idle one
 * is let go; a stopped flusher runs no more ticks.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Flusher, type Flushable } from '../../src/server/ws/flusher.js';
import type { FlushResult } from '../../src/server/ws/outbox.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A session answering the given results in turn (then `idle`), recording its flush times. */
function session(...results: FlushResult[]): Flushable & { flushes: number } {
  return {
    flushScheduled: false,
    flushes: 0,
    flush() {
      this.flushes++;
      return results.shift() ?? 'idle';
    },
  };
}

test('asked many times within an interval, a session is flushed once when it ends', async () => {
  const flusher = new Flusher(20);
  const a = session();
  for (let i = 0; i < 5; i++) flusher.schedule(a);
  await sleep(80);
  assert.equal(a.flushes, 1);
  flusher.stop();
});

test('a session that sent or is held is flushed again next interval; an idle one is let go', async () => {
  const flusher = new Flusher(20);
  const busy = session('sent', 'held', 'sent');
  const quiet = session();
  flusher.schedule(busy);
  flusher.schedule(quiet);
  await sleep(250);
  assert.equal(busy.flushes, 4, 'sent, held, sent, then idle');
  assert.equal(quiet.flushes, 1);
  // Let go means asking again works: it is scheduled anew.
  flusher.schedule(quiet);
  await sleep(80);
  assert.equal(quiet.flushes, 2);
  flusher.stop();
});

test('a stopped flusher runs no more ticks', async () => {
  const flusher = new Flusher(20);
  const a = session('sent', 'sent', 'sent');
  flusher.schedule(a);
  flusher.stop();
  flusher.schedule(a);
  await sleep(80);
  assert.equal(a.flushes, 0);
});
