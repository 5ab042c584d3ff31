/**
 * Channel → seq, for the subscriptions of one connection: a Map would do, but most connections
 * hold a handful of channels, and a Map's hash table costs ~50 B per entry even then (over
 * 0.5 kB for 10 channels, times every connection). Up to SMALL_LIMIT channels the pairs live in
 * one array of exactly their size, searched linearly (a few string compares, no hashing); past
 * it, in a Map. Either is held in one field, and the table has no other state, so that a class
 * extending it (Subscriptions) adds one field to its own object rather than an object of its own.
 */

/** Most channels kept in the array; more switch to a Map. */
const SMALL_LIMIT = 16;

/** [channel, seq, channel, seq, …] */
type Pairs = Array<string | number>;

/** Channel → seq of the last message queued for one connection. */
export class ChannelSeqs {
  /** The pairs while there are at most SMALL_LIMIT channels, else a Map. */
  private entries: Pairs | Map<string, number> = [];

  get size(): number {
    const entries = this.entries;
    return Array.isArray(entries) ? entries.length / 2 : entries.size;
  }

  /** The seq of `channel`, or undefined when it is not there. */
  get(channel: string): number | undefined {
    const entries = this.entries;
    if (!Array.isArray(entries)) return entries.get(channel);
    for (let i = 0; i < entries.length; i += 2) if (entries[i] === channel) return entries[i + 1] as number;
    return undefined;
  }

  has(channel: string): boolean {
    return this.get(channel) !== undefined;
  }

  /** Sets the seq of `channel`, adding it if needed. */
  set(channel: string, seq: number): void {
    const entries = this.entries;
    if (!Array.isArray(entries)) {
      entries.set(channel, seq);
      return;
    }
    for (let i = 0; i < entries.length; i += 2) {
      if (entries[i] === channel) {
        entries[i + 1] = seq;
        return;
      }
    }
    if (entries.length / 2 < SMALL_LIMIT) {
      this.entries = entries.concat(channel, seq); // a new array of exactly the needed length
      return;
    }
    const map = new Map<string, number>();
    for (let i = 0; i < entries.length; i += 2) map.set(entries[i] as string, entries[i + 1] as number);
    map.set(channel, seq);
    this.entries = map;
  }

  /** Removes `channel`; false when it was not there. */
  delete(channel: string): boolean {
    const entries = this.entries;
    if (!Array.isArray(entries)) return entries.delete(channel);
    for (let i = 0; i < entries.length; i += 2) {
      if (entries[i] === channel) {
        this.entries = entries.slice(0, i).concat(entries.slice(i + 2));
        return true;
      }
    }
    return false;
  }

  /** The channels, in the order they were added. */
  channels(): string[] {
    const entries = this.entries;
    if (!Array.isArray(entries)) return [...entries.keys()];
    return entries.filter((_, i) => i % 2 === 0) as string[];
  }

  clear(): void {
    this.entries = [];
  }
}
