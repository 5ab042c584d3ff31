/**
 * A fixed-capacity ring of rows of numbers, stored column by column in typed arrays: no
 * allocation per tick, and the oldest row is overwritten once the ring is full.
 */
export class ColumnRing {
  private readonly columns: Float64Array[];
  private start = 0;
  /** Number of rows held. */
  length = 0;

  constructor(
    /** Most rows held. */
    readonly capacity: number,
    columnCount: number,
  ) {
    this.columns = Array.from({ length: columnCount }, () => new Float64Array(capacity));
  }

  private slot(index: number): number {
    return (this.start + index) % this.capacity;
  }

  /** Appends a row (one value per column); drops the oldest row when full. */
  push(...values: number[]): void {
    let slot: number;
    if (this.length < this.capacity) {
      slot = this.slot(this.length++);
    } else {
      slot = this.start;
      this.start = (this.start + 1) % this.capacity;
    }
    for (let c = 0; c < this.columns.length; c++) this.columns[c][slot] = values[c] ?? NaN;
  }

  /** The value of `column` in row `index` (0 = oldest). */
  get(index: number, column: number): number {
    return this.columns[column][this.slot(index)];
  }

  /** Overwrites the value of `column` in row `index`. */
  set(index: number, column: number, value: number): void {
    this.columns[column][this.slot(index)] = value;
  }

  /** Drops the `count` oldest rows. */
  dropOldest(count: number): void {
    const n = Math.min(Math.max(0, count), this.length);
    this.start = (this.start + n) % this.capacity;
    this.length -= n;
  }

  /** Drops every row. */
  clear(): void {
    this.start = 0;
    this.length = 0;
  }
}
