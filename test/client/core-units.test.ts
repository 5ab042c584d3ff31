// The connection core's pure parts: no network, no timers beyond what each test drives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from '../../src/client/core/backoff.js';
import { ChannelStore } from '../../src/client/core/channel-store.js';
import { RateMeter } from '../../src/client/core/rate-meter.js';
import { RefCounter } from '../../src/client/core/ref-counter.js';
import { RingBuffer } from '../../src/client/core/ring-buffer.js';
import { parseSnapshotBody, snapshotUrls } from '../../src/client/core/snapshot-poller.js';
import { refreshDelay, tokenExpiry } from '../../src/client/core/token-refresh.js';
import { requireToken, SHARED_CALL_MS } from '../../src/client/core/token.js';

const update = (seq: number, price = seq) => ({ type: 'update' as const, channel: 'price:A', seq, data: { symbol: 'A', price, ts: seq } });
const snapshot = (seq: number, price: number | null, recovered?: boolean) => ({
  type: 'snapshot' as const, channel: 'price:A', seq, data: price === null ? null : { symbol: 'A', price, ts: seq },
  ...(recovered === undefined ? {} : { recovered }),
});

test('backoff stays within [min, max] and its ceiling doubles per failure (full jitter)', () => {
  const bounds = { minMs: 100, maxMs: 5000 };
  for (let failures = 1; failures <= 40; failures++) {
    const ceiling = Math.min(5000, 100 * 2 ** failures);
    assert.equal(backoffDelay(failures, bounds, () => 0), 100);
    assert.equal(backoffDelay(failures, bounds, () => 0.999999), Math.round(100 + 0.999999 * (ceiling - 100)));
    for (let i = 0; i < 50; i++) {
      const delay = backoffDelay(failures, bounds);
      assert.ok(delay >= 100 && delay <= ceiling, `failures=${failures}: ${delay} outside [100, ${ceiling}]`);
    }
  }
  const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(6, bounds)));
  assert.ok(spread.size > 10, 'delays are jittered, not in lockstep');
  assert.equal(backoffDelay(3, bounds, () => Number.NaN), 100, 'a broken random source cannot produce NaN');
  // Bounds past a timer's 2³¹−1 ms would make setTimeout fire at once: a tight retry loop.
  assert.equal(backoffDelay(40, { minMs: 1e10, maxMs: 1e12 }, () => 0), 2 ** 31 - 1);
  assert.equal(backoffDelay(40, { minMs: 100, maxMs: Infinity }, () => 0.999999), Math.round(100 + 0.999999 * (2 ** 31 - 1 - 100)));
});

test('the channel store applies the next seq, drops duplicates and reports gaps', () => {
  const store = new ChannelStore(10);
  assert.equal(store.apply(snapshot(3, 30)).kind, 'applied');
  assert.equal(store.apply(update(4)).kind, 'applied');
  assert.equal(store.apply(update(4)).kind, 'duplicate');
  assert.equal(store.apply(update(2)).kind, 'duplicate', 'an older update never goes back in time');
  assert.deepEqual(store.apply(update(6)), { kind: 'gap', lastSeq: 4 });
  assert.equal(store.get('price:A')?.seq, 4, 'a gap leaves the last value untouched');
  assert.equal(store.apply(update(5)).kind, 'applied');
  assert.equal(store.apply(update(6)).kind, 'applied');
  assert.deepEqual(store.history('price:A').map((u) => u.seq), [3, 4, 5, 6]);
  assert.deepEqual(store.since(['price:A', 'price:B']), { 'price:A': 6 });
});

test('a snapshot with a lower seq (relay restarted without history) resets the channel and marks the next update', () => {
  const store = new ChannelStore(10);
  store.apply(snapshot(0, null));
  for (let seq = 1; seq <= 5; seq++) store.apply(update(seq));
  assert.equal(store.apply(snapshot(0, null, false)).kind, 'empty');
  assert.deepEqual(store.history('price:A'), []);
  const result = store.apply(update(1, 99));
  assert.ok(result.kind === 'applied' && result.update.reset === true && result.update.data.price === 99);
  const next = store.apply(update(2));
  assert.ok(next.kind === 'applied' && next.update.reset === undefined, 'only the first update after the reset is marked');
});

test('the reset mark goes out with the applied update only: the cached value and the history handed to later users carry none', () => {
  const store = new ChannelStore(10);
  for (let seq = 1; seq <= 5; seq++) store.apply(update(seq));
  store.startOver(); // the relay's new run
  const result = store.apply(snapshot(2, 99));
  assert.ok(result.kind === 'applied' && result.update.reset === true, 'the live delivery says the channel started over');
  assert.deepEqual(store.get('price:A'), { channel: 'price:A', seq: 2, data: { symbol: 'A', price: 99, ts: 2 } }, 'no reset on the cached value');
  assert.deepEqual(store.history('price:A').map((u) => 'reset' in u), [false], 'no reset in the history');
});

test('a recovered snapshot or a repeated snapshot is not applied twice', () => {
  const store = new ChannelStore(10);
  store.apply(snapshot(7, 70));
  assert.equal(store.apply(snapshot(7, 70)).kind, 'duplicate');
  assert.equal(store.apply(snapshot(7, 70, true)).kind, 'duplicate');
  assert.equal(store.apply(snapshot(9, 90)).kind, 'applied', 'an authoritative snapshot may jump ahead');
});

test('hints from other tabs keep the lowest seq, so no tab misses an update', () => {
  const store = new ChannelStore(10);
  store.hint('price:A', 12);
  store.hint('price:A', 10);
  store.hint('price:A', 11);
  assert.equal(store.lastSeq('price:A'), 10);
  assert.equal(store.apply(update(11)).kind, 'applied');
  store.hint('price:A', 3);
  assert.equal(store.lastSeq('price:A'), 11, 'live data beats hints');
});

test('refcounts: many users cost one subscribe; unsubscribe only when the last leaves', () => {
  const refs = new RefCounter();
  assert.equal(refs.retain('price:A'), true);
  assert.equal(refs.retain('price:A'), false);
  assert.equal(refs.retain('price:A'), false);
  assert.deepEqual(refs.takeChanges(), { added: ['price:A'], removed: [] });
  assert.equal(refs.release('price:A'), false);
  assert.equal(refs.release('price:A'), false);
  assert.deepEqual(refs.takeChanges(), { added: [], removed: [] });
  assert.equal(refs.release('price:A'), true);
  assert.deepEqual(refs.takeChanges(), { added: [], removed: ['price:A'] });
  assert.equal(refs.release('price:A'), false, 'releasing an unknown channel is a no-op');
  refs.retain('price:B');
  refs.release('price:B');
  assert.deepEqual(refs.takeChanges(), { added: [], removed: [] }, 'a channel added and removed before a flush costs nothing');
});

test('the history ring keeps the newest items in order', () => {
  const ring = new RingBuffer<number>(3);
  for (let i = 1; i <= 7; i++) ring.push(i);
  assert.deepEqual(ring.toArray(), [5, 6, 7]);
  assert.deepEqual(ring.toArray(2), [6, 7]);
  assert.equal(ring.size, 3);
  ring.clear();
  assert.deepEqual(ring.toArray(), []);
});

test('the rate meter averages complete seconds', () => {
  let now = 10_000;
  const meter = new RateMeter(5, () => now);
  for (let second = 0; second < 5; second++) {
    meter.add(20);
    now += 1000;
  }
  assert.equal(meter.perSecond, 20);
  now += 10_000;
  assert.equal(meter.perSecond, 0, 'an idle feed drops to zero');
});

test('token expiry is read from a JWT and refreshed ahead of it', () => {
  const payload = Buffer.from(JSON.stringify({ exp: 2_000_000_000 })).toString('base64url');
  assert.equal(tokenExpiry(`h.${payload}.s`), 2_000_000_000_000);
  assert.equal(tokenExpiry('not-a-jwt'), null);
  assert.equal(tokenExpiry('a.!!!.b'), null);
  assert.equal(refreshDelay(1_000_000 + 600_000, 1_000_000), 570_000, '30 s before a long-lived token expires');
  assert.equal(refreshDelay(1_000_000 + 10_000, 1_000_000), 8000, 'short-lived tokens at 80 % of their life');
  assert.equal(refreshDelay(1_000_000 + 500, 1_000_000), 1000, 'never sooner than a second');
});

test('snapshot bodies of the relay are parsed; bad entries are skipped', () => {
  const body = { channels: { 'price:A': { seq: 4, data: { symbol: 'A', price: 1, ts: 1 } }, 'price:B': null, 'price:C': { seq: -1, data: {} } } };
  const snapshots = [{ type: 'snapshot', channel: 'price:A', seq: 4, data: { symbol: 'A', price: 1, ts: 1 } }];
  assert.deepEqual(parseSnapshotBody(body), { epoch: undefined, snapshots }, 'an older relay names no epoch');
  assert.deepEqual(parseSnapshotBody({ ...body, epoch: '3f9c1a2b' }), { epoch: '3f9c1a2b', snapshots });
  assert.deepEqual(parseSnapshotBody({ ...body, epoch: 'x'.repeat(65) }), { epoch: undefined, snapshots }, 'not an epoch name: taken as none');
  assert.deepEqual(parseSnapshotBody('garbage'), { epoch: undefined, snapshots: [] });
  assert.deepEqual(parseSnapshotBody({ channels: { 'bad channel': { seq: 1, data: {} } } }).snapshots, []);
  const urls = snapshotUrls('wss://q.example.com/ws', Array.from({ length: 150 }, (_, i) => `price:S${i}`));
  assert.equal(urls.length, 2);
  assert.ok(urls[0]!.startsWith('https://q.example.com/v1/snapshot?channels=price%3AS0,'));
});

test('a pending provider call is shared, but not past SHARED_CALL_MS: a call that never settles is not waited on for ever', async () => {
  let calls = 0;
  const never = () => (calls++, new Promise<string>(() => {})); // a fetch stuck on a dead connection
  const realNow = Date.now;
  let now = realNow();
  Date.now = () => now;
  try {
    void requireToken(never);
    void requireToken(never);
    assert.equal(calls, 1, 'asked again while its call is pending: the same call');
    now += SHARED_CALL_MS + 1;
    void requireToken(never);
    assert.equal(calls, 2, 'a call older than SHARED_CALL_MS is given up: the provider is asked anew');
  } finally {
    Date.now = realNow;
  }
  let answered = 0;
  const quick = async () => `t${++answered}`;
  assert.equal(await requireToken(quick), 't1');
  assert.equal(await requireToken(quick), 't2', 'a settled call is not reused: each request after it gets a fresh token');
});
