/**
 * HTTP polling through `GET /v1/snapshot?channels=…`, used when the WebSocket cannot connect
 * (a proxy that blocks upgrades, for instance). It yields snapshot frames that the core applies
 * like any other, so `seq` ordering and de-duplication stay in one place.
 */
import { isPlainObject, isSafeData, isValidChannel, MAX_CHANNELS_PER_FRAME } from '../../protocol/index.js';
import type { SnapshotMessage } from '../../protocol/index.js';

/** The HTTP base (`http://host:port`) of a feed URL (`ws://host:port/ws`). */
export function httpBaseOf(feedUrl: string): string {
  const url = new URL(feedUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  return url.origin;
}

/** The snapshot URLs for a set of channels, at most `MAX_CHANNELS_PER_FRAME` channels each. */
export function snapshotUrls(feedUrl: string, channels: readonly string[]): string[] {
  const base = httpBaseOf(feedUrl);
  const urls: string[] = [];
  for (let i = 0; i < channels.length; i += MAX_CHANNELS_PER_FRAME) {
    const list = channels.slice(i, i + MAX_CHANNELS_PER_FRAME).map(encodeURIComponent).join(',');
    urls.push(`${base}/v1/snapshot?channels=${list}`);
  }
  return urls;
}

function toSnapshot(channel: unknown, value: unknown): SnapshotMessage | null {
  if (!isPlainObject(value)) return null;
  const name = value.channel ?? channel;
  const { seq, data } = value;
  if (!isValidChannel(name) || !Number.isSafeInteger(seq) || (seq as number) < 0) return null;
  if (data !== null && !isSafeData(data)) return null;
  return { type: 'snapshot', channel: name, seq: seq as number, data: (data ?? null) as SnapshotMessage['data'] };
}

/**
 * Reads a snapshot response body. Accepts `{"channels":{name:{seq,data}}}`, `{name:{seq,data}}`
 * and arrays of `{channel,seq,data}` (alone or under `channels`/`snapshots`); skips bad entries.
 */
export function parseSnapshotBody(body: unknown): SnapshotMessage[] {
  const container = isPlainObject(body) ? (body.channels ?? body.snapshots ?? body) : body;
  const out: SnapshotMessage[] = [];
  if (Array.isArray(container)) {
    for (const item of container) {
      const snapshot = toSnapshot(undefined, item);
      if (snapshot) out.push(snapshot);
    }
  } else if (isPlainObject(container)) {
    for (const [channel, value] of Object.entries(container)) {
      const snapshot = toSnapshot(channel, value);
      if (snapshot) out.push(snapshot);
    }
  }
  return out;
}

/**
 * Fetches the current values of `channels`. Throws on network errors and non-2xx answers so the
 * caller can count failures. With a token, sends `Authorization: Bearer <token>`: a relay with
 * auth on refuses snapshots without it (the relay answers the CORS preflight this needs).
 */
export async function fetchSnapshots(
  fetchImpl: typeof fetch,
  feedUrl: string,
  channels: readonly string[],
  timeoutMs: number,
  token?: string,
): Promise<SnapshotMessage[]> {
  const out: SnapshotMessage[] = [];
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  for (const url of snapshotUrls(feedUrl, channels)) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await fetchImpl(url, { headers, signal: controller.signal, cache: 'no-store' });
      if (!response.ok) throw new Error(`snapshot answered ${response.status}`);
      out.push(...parseSnapshotBody(await response.json()));
    } finally {
      clearTimeout(timer);
    }
  }
  return out;
}
