/**
 * The two canvases of a chart (series below, crosshair above): keeps their bitmaps at the
 * element's size times devicePixelRatio, and merges invalidations into at most one draw per
 * animation frame, whatever the tick rate.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { FrameTask } from '../shared/frame-task.js';

/** Invalidation flags, merged until the next frame. */
export const DIRTY_MAIN = 1;
export const DIRTY_OVERLAY = 2;
export const DIRTY_ALL = DIRTY_MAIN | DIRTY_OVERLAY;

/** What the surface needs from its host. */
export interface ChartSurfaceOptions {
  /** The box whose size the canvases follow. */
  container: () => HTMLElement | null | undefined;
  /** The canvases, bottom first. */
  canvases: () => HTMLCanvasElement[];
  /** Draws what `mask` says is dirty; called once per frame at most. */
  draw: (mask: number) => void;
}

/** Canvas sizing and frame scheduling of a chart. */
export class ChartSurface implements ReactiveController {
  /** Bitmap pixels per CSS pixel of the canvases. */
  ratio = 1;
  /** Bitmap size of the canvases. */
  width = 0;
  height = 0;
  #dirty = 0;
  #observer?: ResizeObserver;
  #stopRatioWatch?: () => void;
  #cssWidth = 0;
  #cssHeight = 0;
  #dpr = 1;
  readonly #frame = new FrameTask(() => this.#flush());

  readonly #options: ChartSurfaceOptions;

  constructor(host: ReactiveControllerHost, options: ChartSurfaceOptions) {
    this.#options = options;
    host.addController(this);
  }

  hostConnected(): void {
    this.#observe();
  }

  hostUpdated(): void {
    if (!this.#observer) this.#observe();
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    this.#observer = undefined;
    this.#stopRatioWatch?.();
    this.#frame.cancel();
  }

  /** Marks parts dirty; they are drawn together in the next frame. */
  invalidate(mask: number): void {
    this.#dirty |= mask;
    this.#frame.request();
  }

  #observe(): void {
    const container = this.#options.container();
    if (!container) return;
    this.#observer = new ResizeObserver(([entry]) => this.#resize(entry));
    try {
      // Exact bitmap size where supported.
      this.#observer.observe(container, { box: 'device-pixel-content-box' });
    } catch {
      this.#observer.observe(container);
    }
    this.#watchRatio(container);
  }

  /** A devicePixelRatio change (zoom, a move to another screen) does not always resize the box. */
  #watchRatio(container: HTMLElement): void {
    this.#stopRatioWatch?.();
    if (typeof matchMedia !== 'function') return;
    const query = matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
    const onChange = () => {
      if (!this.#observer) return;
      // Observing again delivers a fresh measurement at the new ratio.
      this.#observer.unobserve(container);
      this.#observer.disconnect();
      this.#observer = undefined;
      this.#observe();
    };
    query.addEventListener('change', onChange, { once: true });
    this.#stopRatioWatch = () => query.removeEventListener('change', onChange);
  }

  #resize(entry: ResizeObserverEntry): void {
    const exact = entry.devicePixelContentBoxSize?.[0];
    this.#applySize(entry.contentRect.width, entry.contentRect.height, exact ? [exact.inlineSize, exact.blockSize] : undefined);
  }

  /**
   * Sizes the bitmaps for a CSS size at the current devicePixelRatio. The exact device-pixel size
   * from ResizeObserver wins when it agrees with the ratio (emulated ratios do not update it).
   */
  #applySize(cssWidth: number, cssHeight: number, exact?: [number, number]): void {
    const dpr = window.devicePixelRatio || 1;
    this.#cssWidth = cssWidth;
    this.#cssHeight = cssHeight;
    this.#dpr = dpr;
    const agrees = exact && Math.abs(exact[0] - cssWidth * dpr) <= 1 && Math.abs(exact[1] - cssHeight * dpr) <= 1;
    const width = agrees ? exact[0] : Math.round(cssWidth * dpr);
    const height = agrees ? exact[1] : Math.round(cssHeight * dpr);
    if (width === this.width && height === this.height) return;
    this.width = width;
    this.height = height;
    this.ratio = cssWidth > 0 ? width / cssWidth : dpr;
    for (const canvas of this.#options.canvases()) {
      canvas.width = width;
      canvas.height = height;
    }
    // Draw now: a resized canvas is blank until redrawn.
    this.#dirty |= DIRTY_ALL;
    this.#frame.cancel();
    this.#flush();
  }

  #flush(): void {
    if ((window.devicePixelRatio || 1) !== this.#dpr && this.#cssWidth > 0) {
      this.#applySize(this.#cssWidth, this.#cssHeight); // the ratio changed since the last measure
      if (!this.#dirty) return; // applySize drew already
    }
    const mask = this.#dirty;
    this.#dirty = 0;
    if (mask && this.width > 0 && this.height > 0) this.#options.draw(mask);
  }
}
