/**
 * Flush scheduling: one timer per flush interval ends the flush window of every session that
 * asked. A session's first update in a window was already written at once (see Outbox); the
 * window's end sends what queued up behind it as one frame, so a burst of updates becomes one
 * frame per client per interval while an isolated update waits for no timer.
 */
import type { FlushResult, FrameCache } from './outbox.js';

/** A session as the flusher sees it. */
export interface Flushable {
  flush(now: number, frames: FrameCache): FlushResult;
}

/** One timer for all sessions: flushes every session that asked, once per interval. */
export class Flusher {
  private readonly dirty = new Set<Flushable>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly intervalMs: number) {}

  /** Asks for a flush of `session` within one interval. */
  schedule(session: Flushable): void {
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
    const now = performance.now(); // monotonic: a wall-clock step must not end or stretch a slow client's grace
    const sessions = [...this.dirty];
    this.dirty.clear();
    // Sessions with the same subscriptions get the same batch this round: encode it once.
    const frames: FrameCache = new Map();
    for (const session of sessions) {
      // A session that was just sent a batch stays scheduled: its window goes on for one more
      // interval, so updates right behind the batch are batched too. Held (lagging) sessions
      // stay scheduled so they are sent to as soon as they drain, and so their time behind
      // keeps being measured; sessions that are slow close themselves.
      const result = session.flush(now, frames);
      if (result === 'sent' || result === 'held') this.dirty.add(session);
    }
    if (this.dirty.size > 0) this.timer = setTimeout(() => this.run(), this.intervalMs);
  }
}
