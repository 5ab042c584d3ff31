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
    return (this.updateJson ??= messageText('update', this.envelope.channel, this.envelope));
  }

  /** `{"type":"snapshot",…}` — the form sent when a lagging client is conflated. */
  get snapshotText(): string {
    return (this.snapshotJson ??= messageText('snapshot', this.envelope.channel, this.envelope));
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

/**
 * `{"type":…,"channel":…,"seq":…,"data":…}` for an envelope: from the data's JSON when the backend
 * has it (the same text JSON.stringify would give, without serializing the data again).
 */
function messageText(type: Form, channel: string, envelope: Envelope, recovered?: boolean): string {
  const { seq, dataJson } = envelope;
  if (dataJson === undefined) {
    const message: Record<string, unknown> = { type, channel, seq, data: envelope.data };
    if (recovered !== undefined) message.recovered = recovered;
    return JSON.stringify(message);
  }
  const tail = recovered === undefined ? '}' : `,"recovered":${recovered}}`;
  return `{"type":"${type}","channel":${JSON.stringify(channel)},"seq":${seq},"data":${dataJson}${tail}`;
}

/** The snapshot of a channel that has no value yet, or one marked `recovered: false`. */
export function snapshotText(channel: string, envelope: Envelope | null, recovered?: boolean): string {
  if (envelope) return messageText('snapshot', channel, envelope, recovered);
  const message: Record<string, unknown> = { type: 'snapshot', channel, seq: 0, data: null };
  if (recovered !== undefined) message.recovered = recovered;
  return JSON.stringify(message);
}
