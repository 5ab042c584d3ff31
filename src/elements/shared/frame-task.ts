/**
 * Coalesces any number of requests into one callback on the next animation frame. Ticks arrive
 * faster than frames under load; elements buffer the latest value and render once per frame.
 * All tasks of the page share a single requestAnimationFrame callback, so 500 tickers cost one
 * rAF, not 500.
 */

const queue = new Set<FrameTask>();
let frame: number | undefined;

function flush(time: number): void {
  frame = undefined;
  const tasks = [...queue];
  queue.clear();
  for (const task of tasks) {
    try {
      task.run(time);
    } catch (error) {
      // One failing element must not stop the others' frames; still report it.
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}

/** A callback run at most once per animation frame. */
export class FrameTask {
  readonly #callback: (time: number) => void;

  /** @param callback runs at most once per animation frame, after one or more `request()` calls. */
  constructor(callback: (time: number) => void) {
    this.#callback = callback;
  }

  /** Whether a frame is already booked. */
  get pending(): boolean {
    return queue.has(this);
  }

  /** Books the callback for the next frame, unless it is booked already. */
  request(): void {
    queue.add(this);
    frame ??= requestAnimationFrame(flush);
  }

  /** Drops a booked frame (e.g. when the host leaves the page). */
  cancel(): void {
    queue.delete(this);
  }

  /** @internal Runs the callback (called by the shared frame). */
  run(time: number): void {
    this.#callback(time);
  }
}
