/** The relay's HTTP side, as the core's polling fallback and history backfill use it. */
import { isPlainObject } from '../../protocol/index.js';
import { isEpoch } from '../../protocol/epoch.js';

/**
 * The relay epoch an HTTP answer names (the run of seqs it comes from, as in `ack`); undefined
 * when it names none (an older relay) or something that is not an epoch.
 */
export function epochOf(body: unknown): string | undefined {
  return isPlainObject(body) && isEpoch(body.epoch) ? body.epoch : undefined;
}

/** The HTTP base (`http://host:port`) of a feed URL (`ws://host:port/ws`). */
export function httpBaseOf(feedUrl: string): string {
  const url = new URL(feedUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  return url.origin;
}

/**
 * GETs a JSON body from the relay, uncached, within `timeoutMs`. With a token, sends
 * `Authorization: Bearer <token>` (a relay with auth on requires it; it answers the CORS preflight
 * this needs). Throws on network errors, timeouts and non-2xx answers, so callers can count failures.
 */
export async function getJson(fetchImpl: typeof fetch, url: string, token: string | undefined, timeoutMs: number): Promise<unknown> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    const response = await fetchImpl(url, { headers, signal: controller.signal, cache: 'no-store' });
    if (!response.ok) throw new Error(`${new URL(url).pathname} answered ${response.status}`);
    return await response.json();
  } finally {
    clearTimeout(timer);
  }
}
