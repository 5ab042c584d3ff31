/**
 * A channel's history as bytes (channel-history.ts): whatever the mix of pushes, ring overflows and
 * budget drops — and the buffer moves and resizes they cause — it answers exactly the updates a
 * plain list would, non-ASCII data included.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChannelHistory } from '../../src/server/backend/channel-history.js';

/** Deterministic pseudo-random numbers, so a failure replays. */
function random(seed: number): () => number {
  let state = seed;
  return () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

const samples = ['{"p":1}', '{"name":"Société Générale","cur":"€"}', '{"emoji":"📈📉"}', `{"pad":"${'x'.repeat(3_000)}"}`, '"plain"', 'null'];

test('history kept as bytes answers what a plain list of the updates would, through overflows, drops and resizes', () => {
  const next = random(42);
  const capacity = 50;
  const history = new ChannelHistory(capacity);
  const model: Array<{ seq: number; dataJson: string }> = [];
  let seq = 0;
  for (let step = 0; step < 20_000; step++) {
    const roll = next();
    if (roll < 0.8) {
      seq++;
      const dataJson = (samples[Math.floor(next() * samples.length)] as string).replace('1', String(seq));
      const pushedOut = history.push(seq, dataJson, Buffer.byteLength(dataJson));
      model.push({ seq, dataJson });
      const expectedOut = model.length > capacity ? Buffer.byteLength((model.shift() as { dataJson: string }).dataJson) : undefined;
      assert.equal(pushedOut, expectedOut, `step ${step}: bytes pushed out`);
    } else {
      // The byte budget dropping this channel's oldest (sometimes all of them).
      const dropped = history.dropOldest();
      const expected = model.shift();
      assert.equal(dropped, expected === undefined ? undefined : Buffer.byteLength(expected.dataJson), `step ${step}: bytes dropped`);
    }
    assert.equal(history.size, model.length);
    assert.equal(history.oldestSeq, model[0]?.seq ?? Infinity);
    if (step % 97 === 0) {
      const count = Math.floor(next() * (capacity + 5));
      assert.deepEqual(history.newest(count), model.slice(Math.max(0, model.length - count)), `step ${step}: newest(${count})`);
    }
  }
  assert.deepEqual(history.newest(capacity), model);
});

test('after(since) answers the missed updates, or null once the oldest needed is gone', () => {
  const history = new ChannelHistory(5);
  for (let seq = 1; seq <= 8; seq++) history.push(seq, `{"v":${seq}}`, `{"v":${seq}}`.length);
  assert.deepEqual(history.after(5, 8)?.map((u) => u.seq), [6, 7, 8]);
  assert.deepEqual(history.after(3, 8)?.map((u) => u.seq), [4, 5, 6, 7, 8]);
  assert.equal(history.after(2, 8), null, 'seq 3 was pushed out');
  assert.deepEqual(history.after(8, 8), []);
});

test('a seq that does not follow the newest is refused instead of mislabelling history', () => {
  const history = new ChannelHistory(5);
  history.push(1, '1', 1);
  assert.throws(() => history.push(3, '3', 1), RangeError);
  assert.deepEqual(history.newest(5), [{ seq: 1, dataJson: '1' }]);
});
