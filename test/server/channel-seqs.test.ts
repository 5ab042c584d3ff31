/**
 * The per-connection channel → seq table: what the delivery path relies on to drop what a
 * snapshot already covered and to pass on each newer update once, in both of its forms.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChannelSeqs } from '../../src/server/ws/channel-seqs.js';

describe('ChannelSeqs.advance', () => {
  for (const [form, count] of [['packed (few channels)', 3], ['Map (more than 16 channels)', 20]] as const) {
    test(`${form}: absent, covered or advanced, and the seq moves only up`, () => {
      const seqs = new ChannelSeqs();
      for (let i = 0; i < count; i++) seqs.set(`price:ADV${i}`, 10);
      assert.equal(seqs.advance('price:NOPE', 5), 'absent');
      assert.equal(seqs.advance('price:ADV1', 10), 'covered');
      assert.equal(seqs.advance('price:ADV1', 7), 'covered');
      assert.equal(seqs.get('price:ADV1'), 10);
      assert.equal(seqs.advance('price:ADV1', 11), 'advanced');
      assert.equal(seqs.advance('price:ADV1', 11), 'covered', 'the same delivery twice is taken once');
      assert.equal(seqs.get('price:ADV1'), 11);
      assert.equal(seqs.get('price:ADV2'), 10, 'other channels untouched');
      assert.equal(seqs.advance('price:ADV2', 2 ** 33), 'advanced', 'a seq too large to pack');
      assert.equal(seqs.get('price:ADV2'), 2 ** 33);
      assert.equal(seqs.get('price:ADV1'), 11);
      assert.equal(seqs.size, count);
      seqs.clear();
    });
  }
});
