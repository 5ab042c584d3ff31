/** A benchmark figure: one result line `ID figure: ours X, peer Y, ratio R, target T, met|unmet`. */

export interface MeasuredFigure {
  id: string;
  /** What is measured, e.g. `deliveries/s, 1k clients, vs naive ws`. */
  name: string;
  unit: string;
  ours: number;
  peer: number;
  /** Name of the peer compared with. */
  peerName: string;
  /** Human-readable target, e.g. `≥ 2× naive`. */
  target: string;
  met: boolean;
  /** Raw per-repetition samples and anything else worth keeping in the JSON file. */
  detail?: Record<string, unknown>;
}

export interface SkippedFigure {
  id: string;
  name: string;
  skipped: string;
}

export type Figure = MeasuredFigure | SkippedFigure;

export function isSkipped(figure: Figure): figure is SkippedFigure {
  return 'skipped' in figure;
}

/** Formats a number with about three significant digits. */
export function formatValue(value: number, unit = ''): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  const text = abs >= 1000 ? Math.round(value).toString() : abs >= 100 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : value.toFixed(2);
  return unit ? `${text} ${unit}` : text;
}

/** ours / peer, or NaN when the peer is 0 or missing. */
export function ratio(ours: number, peer: number): number {
  return peer !== 0 && Number.isFinite(peer) && Number.isFinite(ours) ? ours / peer : Number.NaN;
}

/** The one output line of a figure. */
export function formatFigure(figure: Figure): string {
  if (isSkipped(figure)) return `${figure.id} ${figure.name}: skipped (${figure.skipped})`;
  const r = ratio(figure.ours, figure.peer);
  return `${figure.id} ${figure.name}: ours ${formatValue(figure.ours, figure.unit)}, peer ${figure.peerName} ${formatValue(figure.peer, figure.unit)}, ratio ${Number.isFinite(r) ? r.toFixed(2) : 'n/a'}, target ${figure.target}, ${figure.met ? 'met' : 'unmet'}`;
}

/** Matches every well-formed output line (used by the smoke test). */
export const FIGURE_LINE = /^P\d+ [^:]+: (ours .+, peer .+, ratio .+, target .+, (met|unmet)|skipped \(.+\))$/;
