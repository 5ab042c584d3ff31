/**
 * Channel → seq, for the subscriptions of one connection: a Map would do, but most connections
 * hold a handful of channels, and a Map's hash table costs ~50 B per entry even then (over
 * 0.5 kB for 10 channels, times every connection). Up to SMALL_LIMIT channels the pairs live in
 * one array of exactly their size, searched linearly (a few string compares, no hashing); past
 * it, in a Map.
 */

/** Most channels kept in the array; more switch to a Map. */
const SMALL_LIMIT = 16;

/** Channel → seq of the last message queued for one connection. */
export class ChannelSeqs {
  /** [channel, seq, channel, seq, …] while there are at most SMALL_LIMIT channels, else null. */
  private pairs: Array<string | number> | null = [];
  private map: Map<string, number> | null = null;

  get size(): number {
    return this.map ? this.map.size : (this.pairs as Array<string | number>).length / 2;
  }

  /** The seq of `channel`, or undefined when it is not there. */
  get(channel: string): number | undefined {
    if (this.map) return this.map.get(channel);
    const pairs = this.pairs as Array<string | number>;
    for (let i = 0; i < pairs.length; i += 2) if (pairs[i] === channel) return pairs[i + 1] as number;
    return undefined;
  }

  has(channel: string): boolean {
    return this.get(channel) !== undefined;
  }

  /** Sets the seq of `channel`, adding it if needed. */
  set(channel: string, seq: number): void {
    if (this.map) {
      this.map.set(channel, seq);
      return;
    }
    const pairs = this.pairs as Array<string | number>;
    for (let i = 0; i < pairs.length; i += 2) {
      if (pairs[i] === channel) {
        pairs[i + 1] = seq;
        return;
      }
    }
    if (pairs.length / 2 < SMALL_LIMIT) {
      this.pairs = pairs.concat(channel, seq); // a new array of exactly the needed length
      return;
    }
    this.map = new Map();
    for (let i = 0; i < pairs.length; i += 2) this.map.set(pairs[i] as string, pairs[i + 1] as number);
    this.map.set(channel, seq);
    this.pairs = null;
  }

  /** Removes `channel`; false when it was not there. */
  delete(channel: string): boolean {
    if (this.map) return this.map.delete(channel);
    const pairs = this.pairs as Array<string | number>;
    for (let i = 0; i < pairs.length; i += 2) {
      if (pairs[i] === channel) {
        this.pairs = pairs.slice(0, i).concat(pairs.slice(i + 2));
        return true;
      }
    }
    return false;
  }

  /** The channels, in the order they were added. */
  channels(): string[] {
    if (this.map) return [...this.map.keys()];
    return (this.pairs as Array<string | number>).filter((_, i) => i % 2 === 0) as string[];
  }

  clear(): void {
    this.pairs = [];
    this.map = null;
  }
}
