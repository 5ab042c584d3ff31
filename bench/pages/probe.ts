/**
 * In-page probe shared by every benchmark page: frame intervals from requestAnimationFrame
 * timestamps and long tasks from PerformanceObserver, between `start()` and `stop()`.
 * Pages call `ready()` once set up; the harness waits for `window.__benchReady`.
 */

export interface ProbeResult {
  frames: number;
  frameIntervals: number[];
  longTasks: number;
  longTaskMs: number;
  elapsedMs: number;
  extra: Record<string, unknown>;
}

interface Probe {
  start(): void;
  stop(): ProbeResult;
  extra: Record<string, unknown>;
}

declare global {
  interface Window {
    __benchProbe?: Probe;
    __benchReady?: boolean;
  }
}

function createProbe(): Probe {
  let running = false;
  let last = 0;
  let startedAt = 0;
  let intervals: number[] = [];
  let longTasks = 0;
  let longTaskMs = 0;
  const extra: Record<string, unknown> = {};
  const onFrame = (t: number) => {
    if (!running) return;
    if (last > 0) intervals.push(t - last);
    last = t;
    requestAnimationFrame(onFrame);
  };
  try {
    new PerformanceObserver((list) => {
      if (!running) return;
      for (const entry of list.getEntries()) {
        longTasks++;
        longTaskMs += entry.duration;
      }
    }).observe({ type: 'longtask', buffered: false });
  } catch {
    // no longtask support: reported as 0
  }
  return {
    extra,
    start() {
      intervals = [];
      longTasks = longTaskMs = 0;
      last = 0;
      running = true;
      startedAt = performance.now();
      requestAnimationFrame(onFrame);
    },
    stop() {
      running = false;
      return { frames: intervals.length, frameIntervals: intervals, longTasks, longTaskMs, elapsedMs: performance.now() - startedAt, extra };
    },
  };
}

window.__benchProbe = createProbe();

/** Marks the page as set up. */
export function ready(): void {
  window.__benchReady = true;
}

/** The probe's free-form results (e.g. latency samples). */
export const probeExtra = window.__benchProbe.extra;

/** A query-string number with a default. */
export function param(name: string, fallback: number): number {
  const value = Number(new URLSearchParams(location.search).get(name));
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
