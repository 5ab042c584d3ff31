/**
 * The kept updates of one channel in the in-process backend: the newest ones, oldest first, always
 * a contiguous run of `seq`s ending at the channel's latest. It grows with use up to `capacity`
 * updates, so a channel with few updates costs little; the shared byte budget (history-budget.ts)
 * may also drop its oldest ones.
 *
 * An update is kept as the UTF-8 bytes of its data as JSON, in one buffer per channel (measured:
 * 1.3× the kept bytes for full rings of price ticks), with its end offset in a typed array (4 B). So a kept update is no
 * JavaScript object: history, which lives for minutes, gives the garbage collector nothing to
 * trace, and nothing to copy out of V8's young generation — copied bytes are what makes V8 grow
 * the young generation, i.e. the relay's RSS (P5 in BENCHMARKS.md). Reading history back (a
 * `since` recovery, `/v1/history`) decodes the bytes.
 */

/** An update as read back: its seq and its data as JSON. */
export interface KeptUpdate {
  seq: number;
  dataJson: string;
}

/** Smallest byte buffer of a channel with history. */
const MIN_BYTES = 256;
/** Smallest offset table. */
const MIN_ENTRIES = 8;
const EMPTY_BYTES = Buffer.alloc(0);
const EMPTY_ENDS = new Uint32Array(0);

export class ChannelHistory {
  /** The kept updates' bytes, oldest first, from `start` to the end offset of the newest. */
  private bytes = EMPTY_BYTES;
  /** Offset in `bytes` where the oldest kept update starts. */
  private start = 0;
  /** End offset in `bytes` of each kept update, oldest at `head`, newest at `tail - 1`. */
  private ends = EMPTY_ENDS;
  private head = 0;
  private tail = 0;
  /** `seq` of the newest kept update (meaningful while one is kept). */
  private newestSeq = 0;

  constructor(private readonly capacity: number) {}

  /** Updates kept. */
  get size(): number {
    return this.tail - this.head;
  }

  /** `seq` of the oldest kept update, or Infinity when none is kept. */
  get oldestSeq(): number {
    return this.size > 0 ? this.newestSeq - this.size + 1 : Infinity;
  }

  /**
   * Keeps the update `seq` (data as JSON) as the newest; `seq` must follow the newest kept one
   * (the backend's seqs are consecutive). Returns the bytes it pushed out of the ring (the oldest
   * update, when over capacity), or undefined. `bytes` is `dataJson`'s UTF-8 length (the caller
   * has it for the budget).
   */
  push(seq: number, dataJson: string, bytes: number): number | undefined {
    if (this.size > 0 && seq !== this.newestSeq + 1) throw new RangeError(`history of seq ${this.newestSeq} cannot take seq ${seq}`);
    const end = this.end();
    const at = this.reserve(bytes, end);
    this.bytes.write(dataJson, at, bytes, 'utf8');
    if (this.tail === this.ends.length) this.growEnds();
    this.ends[this.tail++] = at + bytes;
    this.newestSeq = seq;
    return this.size > this.capacity ? this.dropOldest() : undefined;
  }

  /** Forgets the oldest kept update; returns its size in bytes (undefined when none is kept). */
  dropOldest(): number | undefined {
    if (this.size === 0) return undefined;
    const end = this.ends[this.head++] as number;
    const bytes = end - this.start;
    this.start = end;
    if (this.size === 0) {
      // All dropped (by the byte budget): the buffers go too, so the budget bounds memory.
      this.clear();
      this.bytes = EMPTY_BYTES;
      this.ends = EMPTY_ENDS;
    }
    return bytes;
  }

  /** The newest `count` kept updates (at most what is kept), oldest first. */
  newest(count: number): KeptUpdate[] {
    const n = Math.max(0, Math.min(Math.floor(count), this.size));
    const updates: KeptUpdate[] = [];
    const first = this.tail - n;
    let from = first === this.head ? this.start : (this.ends[first - 1] as number);
    for (let i = first; i < this.tail; i++) {
      const to = this.ends[i] as number;
      updates.push({ seq: this.newestSeq - (this.tail - 1 - i), dataJson: this.bytes.toString('utf8', from, to) });
      from = to;
    }
    return updates;
  }

  /** Updates with `seq > since`, or null when the oldest kept one is already past `since + 1`. */
  after(since: number, latestSeq: number): KeptUpdate[] | null {
    const missed = latestSeq - since;
    if (missed <= 0) return [];
    if (missed > this.size || (this.size > 0 && this.newestSeq !== latestSeq)) return null;
    return this.newest(missed);
  }

  /** End offset of the newest kept update (where the next one goes). */
  private end(): number {
    return this.size > 0 ? (this.ends[this.tail - 1] as number) : this.start;
  }

  /**
   * Makes room for `bytes` more after `end`; returns where they go. When the buffer is full, the
   * kept bytes move to its front if that leaves a third of it free (and it is not over 4× what is
   * needed), else to a new buffer of 1.5–3× what is needed (a power of two, which the allocator
   * reuses best): each byte is moved O(1) times on average, and the buffer stays within 1.5–4×
   * the kept bytes.
   */
  private reserve(bytes: number, end: number): number {
    if (end + bytes <= this.bytes.length) return end;
    const kept = end - this.start;
    const needed = kept + bytes;
    const length = this.bytes.length;
    const inPlace = needed * 3 <= length * 2 && needed * 4 >= length;
    const target = inPlace ? this.bytes : Buffer.allocUnsafeSlow(Math.max(MIN_BYTES, 2 ** Math.ceil(Math.log2(needed * 1.5))));
    this.bytes.copy(target, 0, this.start, end);
    this.bytes = target;
    const shift = this.start;
    const count = this.size;
    for (let i = 0; i < count; i++) this.ends[i] = (this.ends[this.head + i] as number) - shift;
    this.head = 0;
    this.tail = count;
    this.start = 0;
    return kept;
  }

  /** More room in the offset table: entries move to its front, in a table twice as large if needed. */
  private growEnds(): void {
    const size = this.size;
    const table = size * 2 <= this.ends.length && this.ends.length > 0 ? this.ends : new Uint32Array(Math.max(MIN_ENTRIES, size * 2));
    table.set(this.ends.subarray(this.head, this.tail));
    this.ends = table;
    this.head = 0;
    this.tail = size;
  }

  /** Forgets everything kept (the buffers stay for reuse). */
  private clear(): void {
    this.head = 0;
    this.tail = 0;
    this.start = 0;
  }
}
