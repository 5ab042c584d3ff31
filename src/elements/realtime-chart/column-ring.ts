/**
 * A fixed-capacity ring of rows of numbers, stored column by column in typed arrays: no
 * allocation per tick, and the oldest row is overwritten once the ring is full.
 */
export class ColumnRing {
  readonly #columns: Float64Array[];
  #start = 0;
  /** Number of rows held. */
  length = 0;

  constructor(
    /** Most rows held. */
    readonly capacity: number,
    columnCount: number,
  ) {
    this.#columns = Array.from({ length: columnCount }, () => new Float64Array(capacity));
  }

  #slot(index: number): number {
    return (this.#start + index) % this.capacity;
  }

  /** Appends a row (one value per column); drops the oldest row when full. */
  push(...values: number[]): void {
    let slot: number;
    if (this.length < this.capacity) {
      slot = this.#slot(this.length++);
    } else {
      slot = this.#start;
      this.#start = (this.#start + 1) % this.capacity;
    }
    for (let c = 0; c < this.#columns.length; c++) this.#columns[c][slot] = values[c] ?? NaN;
  }

  /** The value of `column` in row `index` (0 = oldest). */
  get(index: number, column: number): number {
    return this.#columns[column][this.#slot(index)];
  }

  /** Overwrites the value of `column` in row `index`. */
  set(index: number, column: number, value: number): void {
    this.#columns[column][this.#slot(index)] = value;
  }

  /** The least and greatest value of `column` over all rows (Infinity, -Infinity when empty). */
  range(column: number): [min: number, max: number] {
    const values = this.#columns[column];
    let min = Infinity;
    let max = -Infinity;
    // Rows sit in at most two runs of the array: no index arithmetic per row.
    const end = Math.min(this.#start + this.length, this.capacity);
    for (let s = this.#start; s < end; s++) {
      const v = values[s];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    for (let s = 0; s < this.#start + this.length - this.capacity; s++) {
      const v = values[s];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return [min, max];
  }

  /**
   * Calls `visit(a, b)` with the values of columns `a` and `b` of every row from row `from`
   * (0: the oldest) to the newest: the fast way to walk many rows.
   */
  forEachRow(a: number, b: number, visit: (first: number, second: number) => void, from = 0): void {
    const colA = this.#columns[a];
    const colB = this.#columns[b];
    const begin = this.#start + Math.max(0, from);
    const total = this.#start + this.length;
    const end = Math.min(total, this.capacity);
    for (let s = begin; s < end; s++) visit(colA[s], colB[s]);
    for (let s = Math.max(0, begin - this.capacity); s < total - this.capacity; s++) visit(colA[s], colB[s]);
  }

  /** Drops the `count` oldest rows. */
  dropOldest(count: number): void {
    const n = Math.min(Math.max(0, count), this.length);
    this.#start = (this.#start + n) % this.capacity;
    this.length -= n;
  }

  /** Drops every row. */
  clear(): void {
    this.#start = 0;
    this.length = 0;
  }
}
