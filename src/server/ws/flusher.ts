/**
 * Flush scheduling: one timer per flush interval for every session with something queued. A
 * session's first update in a window was already written at once (see Outbox) and asked for
 * nothing; what queued up behind it goes as one frame on the first tick an interval after that
 * write, so a burst of updates becomes one frame per client per interval while an isolated
 * update costs no timer work at all.
 */
import type { FlushResult, FrameCache } from './outbox.js';

/** A session as the flusher sees it. */
export interface Flushable {
  /** Messages waiting to be sent: a session with none needs no tick. */
  readonly queued: number;
  flush(now: number, frames: FrameCache): FlushResult;
}

/** One timer for all sessions: flushes every session that asked, once per interval. */
export class Flusher {
  private readonly dirty = new Set<Flushable>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly intervalMs: number) {}

  /** Asks for a flush of `session` within one interval, if it has something queued. */
  schedule(session: Flushable): void {
    if (session.queued === 0) return;
    this.dirty.add(session);
    this.timer ??= setTimeout(() => this.run(), this.intervalMs);
  }

  /** Forgets a closed session. */
  forget(session: Flushable): void {
    this.dirty.delete(session);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.dirty.clear();
  }

  private run(): void {
    this.timer = null;
    const now = performance.now(); // monotonic: a clock step must not hold or rush a batch
    const sessions = [...this.dirty];
    this.dirty.clear();
    // Sessions with the same subscriptions get the same batch this round: encode it once.
    const frames: FrameCache = new Map();
    for (const session of sessions) {
      // Sessions whose batch must wait for the interval stay scheduled, and so do held (lagging)
      // ones, so they are sent to as soon as they drain and their time behind keeps being
      // measured; sessions that are slow close themselves.
      const result = session.flush(now, frames);
      if (result === 'waiting' || result === 'held') this.dirty.add(session);
    }
    if (this.dirty.size > 0) this.timer = setTimeout(() => this.run(), this.intervalMs);
  }
}
