/**
 * A channel message serialized once, however many clients receive it: every client's frame is
 * assembled from the same strings, and identical frames share one encoded Buffer (see Outbox).
 */
import type { Envelope } from '../backend/types.js';

/** The two wire forms of a channel message. */
export type Form = 'update' | 'snapshot';

let nextId = 0;

/** One envelope and its lazily built wire forms. */
export class Delivery {
  /** Identifies this delivery within the process (to recognize identical frames cheaply). */
  readonly id = nextId++;
  private updateJson: string | undefined;
  private snapshotJson: string | undefined;
  private readonly encoded: Partial<Record<Form, Buffer>> = {};

  constructor(readonly envelope: Envelope) {}

  /** `{"type":"update",…}` — built on first use, then shared. */
  get updateText(): string {
    const { channel, seq, data } = this.envelope;
    return (this.updateJson ??= JSON.stringify({ type: 'update', channel, seq, data }));
  }

  /** `{"type":"snapshot",…}` — the form sent when a lagging client is conflated. */
  get snapshotText(): string {
    const { channel, seq, data } = this.envelope;
    return (this.snapshotJson ??= JSON.stringify({ type: 'snapshot', channel, seq, data }));
  }

  /** The text of a form. */
  text(form: Form): string {
    return form === 'update' ? this.updateText : this.snapshotText;
  }

  /** The UTF-8 bytes of a form, encoded once and shared by every client sent this frame alone. */
  bytes(form: Form): Buffer {
    return (this.encoded[form] ??= Buffer.from(this.text(form)));
  }
}

/** The snapshot of a channel that has no value yet, or one marked `recovered: false`. */
export function snapshotText(channel: string, envelope: Envelope | null, recovered?: boolean): string {
  const message: Record<string, unknown> = { type: 'snapshot', channel, seq: envelope?.seq ?? 0, data: envelope?.data ?? null };
  if (recovered !== undefined) message.recovered = recovered;
  return JSON.stringify(message);
}
