/**
 * Flush scheduling: one timer per flush interval ends the flush window of every session that
 * asked. A session's first update in a window was already written at once (see Outbox); the
 * window's end sends what queued up behind it as one frame, so a burst of updates becomes one
 * frame per client per interval while an isolated update waits for no timer.
 *
 * Memory: the sessions to flush are kept in two arrays used in turn and emptied in place, and each
 * session carries its own "scheduled" mark. A Set cleared and refilled every tick would allocate
 * new hash tables each time — and V8 allocates those of a long-lived Set straight in the old
 * generation, which then filled with garbage at ~0.8 MB/s under P5's load (a full GC every ~10 s).
 */
import type { FlushResult, FrameCache } from './outbox.js';

/** A session as the flusher sees it. */
export interface Flushable {
  /** Whether it is waiting for the flusher's next tick (set and cleared by the flusher only). */
  flushScheduled: boolean;
  flush(now: number, frames: FrameCache): FlushResult;
}

/** One timer for all sessions: flushes every session that asked, once per interval. */
export class Flusher {
  /** Sessions to flush at the next tick, each once. */
  private due: Flushable[] = [];
  /** The array `due` becomes after the next tick (empty meanwhile). */
  private spare: Flushable[] = [];
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly tick = (): void => this.run();

  constructor(private readonly intervalMs: number) {}

  /**
   * Asks for a flush of `session` within one interval. A session that closes meanwhile is
   * flushed once more (it answers `idle`) and then let go.
   */
  schedule(session: Flushable): void {
    if (session.flushScheduled || this.stopped) return;
    session.flushScheduled = true;
    this.due.push(session);
    this.timer ??= setTimeout(this.tick, this.intervalMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const session of this.due) session.flushScheduled = false;
    this.due = [];
  }

  private run(): void {
    this.timer = null;
    const now = performance.now(); // monotonic: a wall-clock step must not end or stretch a slow client's grace
    const sessions = this.due;
    this.due = this.spare;
    // Sessions with the same subscriptions get the same batch this round: encode it once.
    const frames: FrameCache = new Map();
    for (let i = 0; i < sessions.length; i++) {
      const session = sessions[i] as Flushable;
      session.flushScheduled = false;
      // A session that was just sent a batch stays scheduled: its window goes on for one more
      // interval, so updates right behind the batch are batched too. Held (lagging) sessions
      // stay scheduled so they are sent to as soon as they drain, and so their time behind
      // keeps being measured; sessions that are slow close themselves.
      const result = session.flush(now, frames);
      if (result === 'sent' || result === 'held') this.schedule(session);
    }
    while (sessions.length > 0) sessions.pop(); // emptied in place (no new array per tick)
    this.spare = sessions;
  }
}
