/**
 * The kept updates of one channel in the in-process backend: the newest ones, oldest first, always
 * a contiguous run of `seq`s ending at the channel's latest. It grows with use up to `capacity`,
 * so a channel with few updates costs few slots; the shared byte budget (history-budget.ts) may
 * also drop its oldest ones.
 */
import type { Envelope } from './types.js';

/** Spare slots dropped from the front before the array is compacted. */
const COMPACT_AFTER = 256;

export class ChannelHistory {
  private items: Envelope[] = [];
  /** Sizes of `items` (bytes counted against the budget), index for index. */
  private sizes: number[] = [];
  /** Index of the oldest kept item; the slots before it are spare. */
  private head = 0;

  constructor(private readonly capacity: number) {}

  /** Updates kept. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** `seq` of the oldest kept update, or Infinity when none is kept. */
  get oldestSeq(): number {
    return this.size > 0 ? (this.items[this.head] as Envelope).seq : Infinity;
  }

  /** Keeps `envelope` as the newest; returns the size of the update this pushed out, if any. */
  push(envelope: Envelope, bytes: number): number | undefined {
    this.items.push(envelope);
    this.sizes.push(bytes);
    return this.size > this.capacity ? this.dropOldest() : undefined;
  }

  /** Forgets the oldest kept update; returns its size (undefined when none is kept). */
  dropOldest(): number | undefined {
    if (this.size === 0) return undefined;
    const bytes = this.sizes[this.head] as number;
    this.head++;
    if (this.head >= COMPACT_AFTER && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.head = 0;
    }
    return bytes;
  }

  /** The newest `count` kept updates (at most what is kept), oldest first. */
  newest(count: number): Envelope[] {
    const n = Math.max(0, Math.min(Math.floor(count), this.size));
    return this.items.slice(this.items.length - n);
  }

  /** Updates with `seq > since`, or null when the oldest kept one is already past `since + 1`. */
  after(since: number, latestSeq: number): Envelope[] | null {
    const missed = latestSeq - since;
    if (missed <= 0) return [];
    if (missed > this.size) return null;
    return this.newest(missed);
  }
}
