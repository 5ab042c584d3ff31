/** A fixed-capacity FIFO that overwrites its oldest item, for per-channel history without O(n) shifts. */
export class RingBuffer<T> {
  readonly #items: Array<T | undefined>;
  #start = 0;
  #count = 0;
  /** The most items kept. */
  readonly capacity: number;

  constructor(capacity: number) {
    // Set here, not initialized in place: an initialized public field would move every #field's
    // initializer into the constructor as well (TypeScript's assign semantics), a larger bundle.
    this.capacity = capacity;
    this.#items = new Array(Math.max(1, Math.floor(capacity)));
  }

  /** Number of stored items. */
  get size(): number {
    return this.#count;
  }

  /** Appends an item, dropping the oldest when full. */
  push(item: T): void {
    const capacity = this.#items.length;
    this.#items[(this.#start + this.#count) % capacity] = item;
    if (this.#count < capacity) this.#count++;
    else this.#start = (this.#start + 1) % capacity;
  }

  /** The newest `limit` items (all by default), oldest first. */
  toArray(limit = this.#count): T[] {
    const n = Math.max(0, Math.min(limit, this.#count));
    const out: T[] = [];
    for (let i = this.#count - n; i < this.#count; i++) out.push(this.#items[(this.#start + i) % this.#items.length] as T);
    return out;
  }

  /** Removes every item. */
  clear(): void {
    this.#items.fill(undefined);
    this.#start = 0;
    this.#count = 0;
  }
}
