/**
 * One byte budget over the histories of every channel of the in-process backend. When the kept
 * updates add up to more than `maxBytes`, the oldest ones across all channels are dropped first,
 * so a few channels with large messages cannot make the relay hold gigabytes, while `latest`
 * values (the snapshots) are never touched. An update's size is the UTF-8 length of its data as
 * JSON.
 *
 * The publish order is kept in typed arrays (which history, seq, size: 16 B per update), not as
 * an object per update: like the histories themselves (channel-history.ts), it then gives the
 * garbage collector nothing to trace or copy however many updates it covers.
 */
import type { ChannelHistory } from './channel-history.js';

/** Smallest order table. */
const MIN_ENTRIES = 64;
/** Stale entries are compacted away past this many (and past the kept count). */
const COMPACT_AFTER = 1024;

export class HistoryBudget {
  /** Histories by the number `register` gave them. */
  private readonly histories: ChannelHistory[] = [];
  /** Every kept update in publish order, plus entries of updates already pushed out of their ring: */
  /** …which history holds it, */
  private owners = new Uint32Array(0);
  /** …its seq, */
  private seqs = new Float64Array(0);
  /** …and its size. */
  private sizes = new Uint32Array(0);
  /** Entries are `head` .. `tail - 1`. */
  private head = 0;
  private tail = 0;
  private keptCount = 0;
  private keptBytes = 0;

  constructor(readonly maxBytes: number) {}

  /** Bytes of the updates kept now. */
  get bytes(): number {
    return this.keptBytes;
  }

  /** Makes `history` one the budget covers; returns its number for `added`. */
  register(history: ChannelHistory): number {
    this.histories.push(history);
    return this.histories.length - 1;
  }

  /**
   * Records an update just pushed into history number `owner` (and the size of the one it pushed
   * out of that ring, if any), then drops the oldest updates overall while over budget.
   */
  added(owner: number, seq: number, bytes: number, pushedOutBytes: number | undefined): void {
    if (this.tail === this.seqs.length) this.makeRoom();
    this.owners[this.tail] = owner;
    this.seqs[this.tail] = seq;
    this.sizes[this.tail] = bytes;
    this.tail++;
    this.keptCount++;
    this.keptBytes += bytes;
    this.forget(pushedOutBytes);
    while (this.keptBytes > this.maxBytes && this.head < this.tail) {
      const history = this.histories[this.owners[this.head] as number] as ChannelHistory;
      const oldestSeq = this.seqs[this.head] as number;
      this.head++;
      // Entries of updates that their own ring already pushed out are skipped; a channel's
      // entries are in seq order, so a live one is always its history's oldest.
      if (oldestSeq >= history.oldestSeq) this.forget(history.dropOldest());
    }
  }

  private forget(bytes: number | undefined): void {
    if (bytes === undefined) return;
    this.keptCount--;
    this.keptBytes -= bytes;
  }

  /**
   * Room for one more entry: the live entries move to the front, without the stale ones once
   * those outnumber the kept updates (so the tables stay O(kept)), into larger tables if needed.
   */
  private makeRoom(): void {
    const entries = this.tail - this.head;
    const dropStale = entries >= COMPACT_AFTER && entries >= 2 * this.keptCount;
    const live = dropStale ? this.keptCount : entries;
    const length = Math.max(MIN_ENTRIES, live * 2 <= this.seqs.length ? this.seqs.length : live * 2);
    const owners = length === this.owners.length ? this.owners : new Uint32Array(length);
    const seqs = length === this.seqs.length ? this.seqs : new Float64Array(length);
    const sizes = length === this.sizes.length ? this.sizes : new Uint32Array(length);
    let to = 0;
    for (let from = this.head; from < this.tail; from++) {
      const owner = this.owners[from] as number;
      const seq = this.seqs[from] as number;
      if (dropStale && seq < (this.histories[owner] as ChannelHistory).oldestSeq) continue;
      owners[to] = owner;
      seqs[to] = seq;
      sizes[to] = this.sizes[from] as number;
      to++;
    }
    this.owners = owners;
    this.seqs = seqs;
    this.sizes = sizes;
    this.head = 0;
    this.tail = to;
  }
}
