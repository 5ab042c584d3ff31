/**
 * HTTP polling through `GET /v1/snapshot?channels=…`, used when the WebSocket cannot connect
 * (a proxy that blocks upgrades, for instance). It yields snapshot frames that the core applies
 * like any other, so `seq` ordering and de-duplication stay in one place.
 */
import { isPlainObject, isSafeData, isValidChannel } from '../../protocol/index.js';
import type { SnapshotMessage } from '../../protocol/index.js';
import { channelChunks } from './frames.js';
import { epochOf, getJson, httpBaseOf } from './relay-http.js';

/** The snapshot URLs for a set of channels, at most `MAX_CHANNELS_PER_FRAME` channels each. */
export function snapshotUrls(feedUrl: string, channels: readonly string[]): string[] {
  const base = httpBaseOf(feedUrl);
  return channelChunks(channels).map((chunk) => `${base}/v1/snapshot?channels=${chunk.map(encodeURIComponent).join(',')}`);
}

function toSnapshot(channel: string, value: unknown): SnapshotMessage | null {
  if (!isPlainObject(value) || !isValidChannel(channel)) return null;
  const { seq, data } = value;
  if (!Number.isSafeInteger(seq) || (seq as number) < 0) return null;
  if (data !== null && !isSafeData(data)) return null;
  return { type: 'snapshot', channel, seq: seq as number, data: (data ?? null) as SnapshotMessage['data'] };
}

/** One snapshot answer: its values, and the relay epoch their seqs belong to (undefined: none named). */
export interface PolledSnapshots {
  epoch: string | undefined;
  snapshots: SnapshotMessage[];
}

/**
 * Reads a snapshot response body, `{"epoch": E, "channels": {name: {seq, data} | null}}`
 * (docs/protocol.md); skips bad entries and channels without a value yet. An older relay names no
 * epoch: then `epoch` is undefined.
 */
export function parseSnapshotBody(body: unknown): PolledSnapshots {
  const out: PolledSnapshots = { epoch: epochOf(body), snapshots: [] };
  if (!isPlainObject(body) || !isPlainObject(body.channels)) return out;
  for (const [channel, value] of Object.entries(body.channels)) {
    const snapshot = toSnapshot(channel, value);
    if (snapshot) out.snapshots.push(snapshot);
  }
  return out;
}

/**
 * Fetches the current values of `channels`: one answer per request (at most
 * `MAX_CHANNELS_PER_FRAME` channels each), each with its own epoch. Throws on network errors and
 * non-2xx answers so the caller can count failures. With a token, sends
 * `Authorization: Bearer <token>`: a relay with auth on refuses snapshots without it (the relay
 * answers the CORS preflight this needs).
 */
export async function fetchSnapshots(
  fetchImpl: typeof fetch,
  feedUrl: string,
  channels: readonly string[],
  timeoutMs: number,
  token?: string,
): Promise<PolledSnapshots[]> {
  const out: PolledSnapshots[] = [];
  for (const url of snapshotUrls(feedUrl, channels)) out.push(parseSnapshotBody(await getJson(fetchImpl, url, token, timeoutMs)));
  return out;
}
