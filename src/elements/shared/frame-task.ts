/**
 * Coalesces any number of requests into one callback on the next animation frame. Ticks arrive
 * faster than frames under load; elements buffer the latest value and render once per frame.
 */
export class FrameTask {
  private handle: number | undefined;

  /** @param callback runs at most once per animation frame, after one or more `request()` calls. */
  constructor(private readonly callback: (time: number) => void) {}

  /** Whether a frame is already booked. */
  get pending(): boolean {
    return this.handle !== undefined;
  }

  /** Books the callback for the next frame, unless it is booked already. */
  request(): void {
    if (this.handle !== undefined) return;
    this.handle = requestAnimationFrame((time) => {
      this.handle = undefined;
      this.callback(time);
    });
  }

  /** Drops a booked frame (e.g. when the host leaves the page). */
  cancel(): void {
    if (this.handle !== undefined) cancelAnimationFrame(this.handle);
    this.handle = undefined;
  }
}
