/**
 * The JSON text of the `/v1/snapshot` and `/v1/history` answers, assembled from each update's
 * stored JSON (`Envelope.dataJson`) instead of parsing it into objects and serializing them again:
 * a polling tab asks for its channels every few seconds, and that round trip was most of the
 * answer's CPU. The text is exactly what `JSON.stringify` gives for the same answer object.
 */
import type { Envelope } from '../backend/types.js';

/**
 * `{"seq":N,"data":…}` for one update: the stored data JSON spliced in as is when the envelope has
 * it, else `JSON.stringify({ seq, data })` (backends of your own, or a seq that is not an integer).
 */
export function updateJson(envelope: Envelope): string {
  const { seq, dataJson } = envelope;
  if (typeof dataJson === 'string' && Number.isSafeInteger(seq)) return `{"seq":${seq},"data":${dataJson}}`;
  return JSON.stringify({ seq, data: envelope.data });
}

/** `"epoch":E,` — or nothing for a backend without an epoch (as JSON.stringify leaves out `undefined`). */
function epochField(epoch: string | undefined): string {
  return epoch === undefined ? '' : `"epoch":${JSON.stringify(epoch)},`;
}

/**
 * The snapshot answer `{"epoch":E,"channels":{C:{"seq","data"}|null,…}}`, channels in the order
 * asked. Every channel name goes through JSON.stringify (names come from the query string).
 */
export function snapshotAnswer(epoch: string | undefined, channels: readonly string[], latest: ReadonlyArray<Envelope | null>): string {
  const entries = channels.map((channel, index) => {
    const envelope = latest[index];
    return `${JSON.stringify(channel)}:${envelope ? updateJson(envelope) : 'null'}`;
  });
  return `{${epochField(epoch)}"channels":{${entries.join(',')}}}`;
}

/** The history answer `{"epoch":E,"channel":C,"updates":[{"seq","data"},…]}`. */
export function historyAnswer(epoch: string | undefined, channel: string, updates: readonly Envelope[]): string {
  return `{${epochField(epoch)}"channel":${JSON.stringify(channel)},"updates":[${updates.map(updateJson).join(',')}]}`;
}
