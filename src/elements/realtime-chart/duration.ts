/** Durations written like `500ms`, `30s`, `5m`, `1h`, `1d` (a bare number is seconds). */

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Milliseconds of a duration string, or `fallback` when it does not parse or is out of bounds
 * (at least 1 ms, at most 30 days).
 */
export function parseDuration(value: string | null | undefined, fallback: number): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(value ?? '');
  if (!match) return fallback;
  const ms = Number(match[1]) * UNITS[(match[2] ?? 's').toLowerCase()];
  return ms >= 1 && ms <= 30 * UNITS.d ? ms : fallback;
}
