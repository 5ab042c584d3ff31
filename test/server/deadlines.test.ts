/**
 * The sessions' deadlines (auth deadline, token expiry, forced close) share one timer: each owner
 * is told once its own deadline has passed, in deadline order, never before; a new deadline
 * replaces the old one; a cleared one never fires; and however many owners are armed, one Node
 * timer is pending.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Deadlines, NO_SLOT, type DeadlineOwner } from '../../src/server/ws/deadlines.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An owner recording when (ms after `start`) it was told, appending its name to `log`. */
function owner(name: string, log: string[], onPassed?: () => void): DeadlineOwner & { passedAt: number[] } {
  const start = performance.now();
  return {
    deadlineSlot: NO_SLOT,
    passedAt: [],
    deadlinePassed() {
      this.passedAt.push(performance.now() - start);
      log.push(name);
      onPassed?.();
    },
  };
}

/**
 * Node timers set and neither fired nor cleared since `watchTimers()` (Deadlines' timer is unref'd,
 * so process.getActiveResourcesInfo() does not list it).
 */
function watchTimers(): { pending: () => number; restore: () => void } {
  const { setTimeout: realSet, clearTimeout: realClear } = globalThis;
  const live = new Set<unknown>();
  globalThis.setTimeout = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const timer = realSet((...a: unknown[]) => {
      live.delete(timer);
      callback(...a);
    }, ms, ...args);
    live.add(timer);
    return timer;
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((timer: NodeJS.Timeout | undefined) => {
    live.delete(timer);
    realClear(timer);
  }) as typeof clearTimeout;
  return {
    pending: () => live.size,
    restore: () => {
      globalThis.setTimeout = realSet;
      globalThis.clearTimeout = realClear;
    },
  };
}

test('owners are told once each, in deadline order, not before their deadline', async () => {
  const deadlines = new Deadlines();
  const log: string[] = [];
  const late = owner('late', log);
  const early = owner('early', log);
  const middle = owner('middle', log);
  deadlines.arm(late, 90);
  deadlines.arm(early, 30);
  deadlines.arm(middle, 60);
  await sleep(150);
  assert.deepEqual(log, ['early', 'middle', 'late']);
  assert.ok((early.passedAt[0] as number) >= 29, `early told at ${early.passedAt[0]} ms`);
  assert.ok((late.passedAt[0] as number) >= 89, `late told at ${late.passedAt[0]} ms`);
  assert.equal(deadlines.size, 0);
  assert.equal(late.deadlineSlot, NO_SLOT);
});

test('a new deadline replaces the old one, earlier or later; a cleared one never fires', async () => {
  const deadlines = new Deadlines();
  const log: string[] = [];
  const postponed = owner('postponed', log);
  const advanced = owner('advanced', log);
  const cleared = owner('cleared', log);
  deadlines.arm(postponed, 20);
  deadlines.arm(advanced, 500);
  deadlines.arm(cleared, 40);
  deadlines.arm(postponed, 100);
  deadlines.arm(advanced, 60);
  deadlines.clear(cleared);
  await sleep(50);
  assert.deepEqual(log, []);
  await sleep(100);
  assert.deepEqual(log, ['advanced', 'postponed']);
  assert.equal(postponed.passedAt.length, 1);
  await sleep(450);
  assert.deepEqual(log, ['advanced', 'postponed'], 'the replaced deadlines did not fire');
});

test('an owner may arm again when told (the auth deadline, then the forced close)', async () => {
  const deadlines = new Deadlines();
  const log: string[] = [];
  let rounds = 0;
  const session: DeadlineOwner & { passedAt: number[] } = owner('session', log, () => {
    if (++rounds < 3) deadlines.arm(session, 20);
  });
  deadlines.arm(session, 20);
  await sleep(150);
  assert.equal(log.length, 3);
  assert.equal(deadlines.size, 0);
});

test('a thousand armed owners share one Node timer, and none is left once all have passed or been cleared', async () => {
  const timers = watchTimers();
  try {
    const deadlines = new Deadlines();
    const log: string[] = [];
    const owners = Array.from({ length: 1_000 }, (_, i) => owner(String(i), log));
    owners.forEach((o, i) => deadlines.arm(o, 40 + (i % 97)));
    assert.equal(timers.pending(), 1);
    for (const o of owners.slice(0, 500)) deadlines.clear(o);
    await sleep(250);
    assert.equal(log.length, 500);
    assert.deepEqual(new Set(log), new Set(owners.slice(500).map((_, i) => String(500 + i))));
    assert.equal(timers.pending(), 0);
    deadlines.arm(owners[0] as DeadlineOwner, 10_000);
    assert.equal(timers.pending(), 1);
    deadlines.stop();
    assert.equal(timers.pending(), 0);
    assert.equal(owners[0]?.deadlineSlot, NO_SLOT);
  } finally {
    timers.restore();
  }
});
