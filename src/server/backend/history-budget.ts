/**
 * One byte budget over the histories of every channel of the in-process backend. When the kept
 * updates add up to more than `maxBytes`, the oldest ones across all channels are dropped first,
 * so a few channels with large messages cannot make the relay hold gigabytes, while `latest`
 * values (the snapshots) are never touched. An update's size is the length of its data as JSON.
 */
import type { ChannelHistory } from './channel-history.js';

/** An update in publish order: which history holds it, its `seq` and size. */
interface Kept {
  history: ChannelHistory;
  seq: number;
  bytes: number;
}

export class HistoryBudget {
  /** Every kept update in publish order, plus entries of updates already pushed out of their ring. */
  private order: Kept[] = [];
  private head = 0;
  private keptCount = 0;
  private keptBytes = 0;

  constructor(readonly maxBytes: number) {}

  /** Bytes of the updates kept now. */
  get bytes(): number {
    return this.keptBytes;
  }

  /**
   * Records an update just pushed into `history` (and the size of the one it pushed out of that
   * ring, if any), then drops the oldest updates overall while over budget.
   */
  added(history: ChannelHistory, seq: number, bytes: number, pushedOutBytes: number | undefined): void {
    this.order.push({ history, seq, bytes });
    this.keptCount++;
    this.keptBytes += bytes;
    this.forget(pushedOutBytes);
    while (this.keptBytes > this.maxBytes && this.head < this.order.length) {
      const oldest = this.order[this.head++] as Kept;
      // Entries of updates that their own ring already pushed out are skipped; a channel's
      // entries are in seq order, so a live one is always its history's oldest.
      if (oldest.seq >= oldest.history.oldestSeq) this.forget(oldest.history.dropOldest());
    }
    this.compact();
  }

  private forget(bytes: number | undefined): void {
    if (bytes === undefined) return;
    this.keptCount--;
    this.keptBytes -= bytes;
  }

  /** Drops stale entries once they outnumber the kept updates, so `order` stays O(kept). */
  private compact(): void {
    const entries = this.order.length - this.head;
    if (entries < 1024 || entries < 2 * this.keptCount) return;
    this.order = this.order.slice(this.head).filter((kept) => kept.seq >= kept.history.oldestSeq);
    this.head = 0;
  }
}
