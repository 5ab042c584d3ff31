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

/** Samples this tab's frame grid on demand. */
export class FrameClock {
  private last: { at: number; interval: number } | null = null;
  private nextSample = 0;
  private sampling = false;

  constructor(private readonly report: FrameReport) {}

  /** Updates arrived: sample the frames if it is time (visible tabs with rAF only). */
  poke(): void {
    if (this.sampling || performance.now() < this.nextSample || typeof requestAnimationFrame !== 'function') return;
    if (globalThis.document?.visibilityState === 'hidden') return; // no frames to aim at
    this.sampling = true;
    const stamps: number[] = [];
    const onFrame = (time: number) => {
      if (stamps.push(time) < 3) return void requestAnimationFrame(onFrame);
      this.sampling = false;
      this.sample(stamps[0]!, stamps[1]!, stamps[2]!);
    };
    requestAnimationFrame(onFrame);
  }

  private sample(t0: number, t1: number, t2: number): void {
    const rough = Math.min(t1 - t0, t2 - t1);
    const at = performance.timeOrigin + t2;
    const last = this.last;
    let interval = rough;
    const span = last ? at - last.at : 0;
    // Within 2 s the previous interval cannot be a whole frame off over the span; after a longer
    // quiet spell (or a display with another rate) start over from the rough interval.
    if (last && span > 0 && span < 2000 && Math.abs(rough - last.interval) < last.interval * 0.1) {
      interval = span / Math.max(1, Math.round(span / last.interval));
    }
    const refined = interval !== rough;
    this.last = { at, interval };
    this.nextSample = performance.now() + (refined ? 1000 : 250);
    if (interval >= 4 && interval <= 100) this.report(at, interval);
  }
}
