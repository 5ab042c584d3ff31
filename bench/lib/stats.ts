/** Small statistics helpers for benchmark samples. */

/** The q-quantile (0..1) of `values` by nearest rank; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** The median of `values`; NaN when empty. */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return Number.NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Fixed-bucket latency histogram (0.1 ms buckets up to 10 s): constant memory however many
 * samples a load run records, and merges across processes by adding counts.
 */
export class LatencyHistogram {
  static readonly BUCKET_MS = 0.1;
  static readonly BUCKETS = 100_000;
  readonly counts = new Uint32Array(LatencyHistogram.BUCKETS);
  total = 0;

  record(ms: number): void {
    const index = Math.min(LatencyHistogram.BUCKETS - 1, Math.max(0, Math.floor(ms / LatencyHistogram.BUCKET_MS)));
    this.counts[index]!++;
    this.total++;
  }

  /** The q-quantile in ms (upper edge of its bucket); NaN when empty. */
  quantile(q: number): number {
    if (this.total === 0) return Number.NaN;
    const target = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= target) return (i + 1) * LatencyHistogram.BUCKET_MS;
    }
    return LatencyHistogram.BUCKETS * LatencyHistogram.BUCKET_MS;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
  }
}

/** Wall-clock time in fractional ms since the epoch; comparable across processes on one machine. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
