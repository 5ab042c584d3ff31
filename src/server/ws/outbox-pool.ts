/**
 * Outboxes at rest, kept for reuse. A session gives its outbox back once nothing is queued and no
 * frame went out for a flush interval (so an idle connection holds none, see Session), and takes
 * one again with its next update. Without reuse, a client updated every few flush intervals would
 * get a new outbox per update: objects that live for a few ticks, long enough for V8's scavenger
 * to catch and copy some, and copied bytes are what makes V8 grow the young generation (the relay's
 * RSS, P5 in BENCHMARKS.md). Kept outboxes are long-lived instead, and there are at most
 * `capacity` of them.
 */
import { Outbox, type OutboxLimits, type OutboxSink, type OutboxStats } from './outbox.js';

/** Outboxes kept at most: enough for the clients active within a few flush intervals. */
export const OUTBOX_POOL_CAPACITY = 256;

/** Idle outboxes of one gateway (they share its limits and counters). */
export class OutboxPool {
  private readonly idle: Outbox[] = [];

  constructor(
    private readonly limits: OutboxLimits,
    private readonly stats: OutboxStats,
    private readonly capacity = OUTBOX_POOL_CAPACITY,
  ) {}

  /** Outboxes waiting for reuse. */
  get size(): number {
    return this.idle.length;
  }

  /** An empty outbox writing to `sink`: a kept one if any, else a new one. */
  take(sink: OutboxSink): Outbox {
    const outbox = this.idle.pop();
    if (!outbox) return new Outbox(sink, this.limits, this.stats);
    outbox.attach(sink);
    return outbox;
  }

  /** Takes back an outbox at rest (its last flush said `idle`); dropped when the pool is full. */
  give(outbox: Outbox): void {
    if (this.idle.length >= this.capacity || !outbox.atRest) return;
    outbox.detach();
    this.idle.push(outbox);
  }
}
