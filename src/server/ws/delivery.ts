/**
 * A channel message serialized once, however many clients receive it: every client's frame is
 * assembled from the same strings (see Outbox), so fan-out costs one JSON.stringify per message.
 */
import type { Envelope } from '../backend/types.js';

/** One envelope and its lazily built wire forms. */
export class Delivery {
  private updateJson: string | undefined;
  private snapshotJson: string | undefined;

  constructor(readonly envelope: Envelope) {}

  /** `{"type":"update",…}` — built on first use, then shared. */
  get updateText(): string {
    const { channel, seq, data } = this.envelope;
    return (this.updateJson ??= JSON.stringify({ type: 'update', channel, seq, data }));
  }

  /** `{"type":"snapshot",…}` — the form sent on subscribe and when a lagging client is conflated. */
  get snapshotText(): string {
    const { channel, seq, data } = this.envelope;
    return (this.snapshotJson ??= JSON.stringify({ type: 'snapshot', channel, seq, data }));
  }
}

/** The snapshot of a channel that has no value yet, or one marked `recovered: false`. */
export function snapshotText(channel: string, envelope: Envelope | null, recovered?: boolean): string {
  const message: Record<string, unknown> = { type: 'snapshot', channel, seq: envelope?.seq ?? 0, data: envelope?.data ?? null };
  if (recovered !== undefined) message.recovered = recovered;
  return JSON.stringify(message);
}
