/**
 * Channel → seq, for the subscriptions of one connection: a Map would do, but most connections
 * hold a handful of channels, and a Map's hash table costs ~50 B per entry even then (over
 * 0.5 kB for 10 channels, times every connection). Up to SMALL_LIMIT channels each pair is one
 * number, `id × 2^32 + seq` (the channel's id from a registry shared by every table), in an array
 * of exactly their count searched linearly: 8 B per channel, where a [channel, seq] pair of slots
 * costs 16. Past SMALL_LIMIT channels, or for a seq of 2^32 or more, the table is a Map.
 *
 * The table is held in one field and has no other state, so that a class extending it
 * (Subscriptions) adds one field to its own object rather than an object of its own.
 */

/** Most channels kept in the array; more switch to a Map. */
const SMALL_LIMIT = 16;
/** Seqs packed with an id are below this. */
const SEQ_SPAN = 2 ** 32;
/** Ids are below this, so that `id × SEQ_SPAN + seq` is below 2^52, exact in a double. */
const MAX_IDS = 2 ** 20;

/**
 * Channel ↔ small integer id, for the channels some table holds; an id is reused once no table
 * holds its channel. One per process, shared by every connection.
 */
class ChannelIds {
  private readonly byName = new Map<string, number>();
  /** Id → channel (undefined when free). */
  private readonly names: Array<string | undefined> = [];
  /** Id → how many tables hold it. */
  private readonly holders: number[] = [];
  private readonly free: number[] = [];

  /** The id of `channel` if some table holds it. */
  idOf(channel: string): number | undefined {
    return this.byName.get(channel);
  }

  /** The channel of an id held by some table. */
  name(id: number): string {
    return this.names[id] as string;
  }

  /** The id of `channel` for one more holder; undefined when every id is taken. */
  acquire(channel: string): number | undefined {
    let id = this.byName.get(channel);
    if (id === undefined) {
      id = this.free.pop() ?? (this.names.length < MAX_IDS ? this.names.length : undefined);
      if (id === undefined) return undefined;
      this.byName.set(channel, id);
      this.names[id] = channel;
      this.holders[id] = 0;
    }
    this.holders[id] = (this.holders[id] as number) + 1;
    return id;
  }

  /** One holder less for `id`; the id is freed with the last. */
  release(id: number): void {
    const left = (this.holders[id] as number) - 1;
    this.holders[id] = left;
    if (left > 0) return;
    this.byName.delete(this.names[id] as string);
    this.names[id] = undefined;
    this.free.push(id);
  }
}

const ids = new ChannelIds();

const idOfPair = (pair: number): number => Math.floor(pair / SEQ_SPAN);
const fitsPair = (seq: number): boolean => Number.isInteger(seq) && seq >= 0 && seq < SEQ_SPAN;

/** Channel → seq of the last message queued for one connection. */
export class ChannelSeqs {
  /** `id × 2^32 + seq` per channel while there are at most SMALL_LIMIT channels, else a Map. */
  private entries: number[] | Map<string, number> = [];

  get size(): number {
    const entries = this.entries;
    return Array.isArray(entries) ? entries.length : entries.size;
  }

  /** The seq of `channel`, or undefined when it is not there. */
  get(channel: string): number | undefined {
    const entries = this.entries;
    if (!Array.isArray(entries)) return entries.get(channel);
    const index = this.indexOf(channel);
    return index < 0 ? undefined : (entries[index] as number) % SEQ_SPAN;
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
    const index = this.indexOf(channel);
    if (index >= 0 && fitsPair(seq)) {
      entries[index] = idOfPair(entries[index] as number) * SEQ_SPAN + seq;
      return;
    }
    if (index < 0 && entries.length < SMALL_LIMIT && fitsPair(seq)) {
      const id = ids.acquire(channel);
      if (id !== undefined) {
        this.entries = entries.concat(id * SEQ_SPAN + seq); // a new array of exactly the needed length
        return;
      }
    }
    this.toMap().set(channel, seq);
  }

  /**
   * Moves `channel`'s seq up to `seq` (one lookup, for the per-delivery path): 'absent' when the
   * channel is not there, 'covered' when its seq is already `seq` or more (nothing changes),
   * 'advanced' when it was raised.
   */
  advance(channel: string, seq: number): 'absent' | 'covered' | 'advanced' {
    const entries = this.entries;
    if (!Array.isArray(entries)) {
      const last = entries.get(channel);
      if (last === undefined) return 'absent';
      if (seq <= last) return 'covered';
      entries.set(channel, seq);
      return 'advanced';
    }
    const index = this.indexOf(channel);
    if (index < 0) return 'absent';
    const pair = entries[index] as number;
    if (seq <= pair % SEQ_SPAN) return 'covered';
    if (fitsPair(seq)) entries[index] = idOfPair(pair) * SEQ_SPAN + seq;
    else this.toMap().set(channel, seq);
    return 'advanced';
  }

  /** Removes `channel`; false when it was not there. */
  delete(channel: string): boolean {
    const entries = this.entries;
    if (!Array.isArray(entries)) return entries.delete(channel);
    const index = this.indexOf(channel);
    if (index < 0) return false;
    ids.release(idOfPair(entries[index] as number));
    this.entries = entries.slice(0, index).concat(entries.slice(index + 1));
    return true;
  }

  /** The channels, in the order they were added. */
  channels(): string[] {
    const entries = this.entries;
    if (!Array.isArray(entries)) return [...entries.keys()];
    return entries.map((pair) => ids.name(idOfPair(pair)));
  }

  clear(): void {
    const entries = this.entries;
    if (Array.isArray(entries)) for (const pair of entries) ids.release(idOfPair(pair));
    this.entries = [];
  }

  /** Index of `channel`'s pair in the array form; -1 when it is not there. */
  private indexOf(channel: string): number {
    const id = ids.idOf(channel);
    if (id === undefined) return -1;
    const entries = this.entries as number[];
    const low = id * SEQ_SPAN;
    const high = low + SEQ_SPAN;
    for (let i = 0; i < entries.length; i++) {
      const pair = entries[i] as number;
      if (pair >= low && pair < high) return i;
    }
    return -1;
  }

  /** Switches to the Map form (too many channels, or a seq too large to pack); returns the Map. */
  private toMap(): Map<string, number> {
    const map = new Map<string, number>();
    for (const pair of this.entries as number[]) {
      const id = idOfPair(pair);
      map.set(ids.name(id), pair % SEQ_SPAN);
      ids.release(id);
    }
    this.entries = map;
    return map;
  }
}
