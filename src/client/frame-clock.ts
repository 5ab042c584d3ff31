/**
 * Tells the hub when this tab's animation frames happen, so that a batch the hub holds back (at
 * most one per frame) is posted just before the tab's next frame instead of a frame late.
 *
 * rAF timestamps sit on the display's frame grid. While updates flow and the tab is visible, the
 * clock samples three consecutive frames at most once a second: the shorter of the two gaps is a
 * rough interval (timestamps are coarsened to 0.1 ms), and the span since the previous sample
 * divided by the whole number of frames in it is a precise one. The first sample is refined after
 * 250 ms, while the rough interval cannot yet be a whole frame off over the span.
 */

/** Where the frame grid goes: wall-clock ms of a frame start, and the frame interval in ms. */
export type FrameReport = (at: number, interval: number) => void;

/** A frame clock; call the returned function when updates arrive (cheap when it is not time). */
export function frameClock(report: FrameReport): () => void {
  let last: { at: number; interval: number } | undefined;
  let nextSample = 0;
  let sampling = false;
  return () => {
    if (sampling || performance.now() < nextSample || typeof requestAnimationFrame !== 'function') return;
    if (globalThis.document?.visibilityState === 'hidden') return; // no frames to aim at
    sampling = true;
    const stamps: number[] = [];
    const onFrame = (time: number) => {
      if (stamps.push(time) < 3) return void requestAnimationFrame(onFrame);
      sampling = false;
      const rough = Math.min(stamps[1]! - stamps[0]!, time - stamps[1]!);
      const at = performance.timeOrigin + time;
      const span = last ? at - last.at : 0;
      // Within 2 s the previous interval cannot be a whole frame off over the span; after a longer
      // quiet spell (or on a display with another rate) start over from the rough interval.
      const refine = !!last && span > 0 && span < 2000 && Math.abs(rough - last.interval) < last.interval / 10;
      const interval = refine ? span / Math.max(1, Math.round(span / last!.interval)) : rough;
      last = { at, interval };
      nextSample = performance.now() + (refine ? 1000 : 250);
      if (interval >= 4 && interval <= 100) report(at, interval);
    };
    requestAnimationFrame(onFrame);
  };
}
