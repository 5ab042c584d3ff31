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
  private dirty = 0;
  private observer?: ResizeObserver;
  private readonly frame = new FrameTask(() => this.flush());

  constructor(
    host: ReactiveControllerHost,
    private readonly options: ChartSurfaceOptions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.observe();
  }

  hostUpdated(): void {
    if (!this.observer) this.observe();
  }

  hostDisconnected(): void {
    this.observer?.disconnect();
    this.observer = undefined;
    this.frame.cancel();
  }

  /** Marks parts dirty; they are drawn together in the next frame. */
  invalidate(mask: number): void {
    this.dirty |= mask;
    this.frame.request();
  }

  private observe(): void {
    const container = this.options.container();
    if (!container) return;
    this.observer = new ResizeObserver(([entry]) => this.resize(entry));
    try {
      // Exact bitmap size where supported (also follows zoom and devicePixelRatio changes).
      this.observer.observe(container, { box: 'device-pixel-content-box' });
    } catch {
      this.observer.observe(container);
    }
  }

  private resize(entry: ResizeObserverEntry): void {
    const cssWidth = entry.contentRect.width;
    const cssHeight = entry.contentRect.height;
    const exact = entry.devicePixelContentBoxSize?.[0];
    const dpr = window.devicePixelRatio || 1;
    const width = exact ? exact.inlineSize : Math.round(cssWidth * dpr);
    const height = exact ? exact.blockSize : Math.round(cssHeight * dpr);
    if (width === this.width && height === this.height) return;
    this.width = width;
    this.height = height;
    this.ratio = cssWidth > 0 ? width / cssWidth : dpr;
    for (const canvas of this.options.canvases()) {
      canvas.width = width;
      canvas.height = height;
    }
    // Draw in this frame: a resized canvas is blank until redrawn.
    this.dirty |= DIRTY_ALL;
    this.frame.cancel();
    this.flush();
  }

  private flush(): void {
    const mask = this.dirty;
    this.dirty = 0;
    if (mask && this.width > 0 && this.height > 0) this.options.draw(mask);
  }
}
