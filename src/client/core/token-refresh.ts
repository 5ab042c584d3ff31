/**
 * Token refresh: reading a JWT's expiry and asking a provider for a fresh token ahead of it. Only
 * the connection core needs this (in the worker or the in-tab transports); the tab side of a feed
 * only resolves tokens (token.ts), so it stays out of the page's bundle.
 */
import { MAX_TIMER_MS } from './backoff.js';
import { resolveToken, type TokenSource } from './token.js';

/** The `exp` claim of a JWT in ms since the epoch, or null when the token is not a readable JWT. */
export function tokenExpiry(token: string): number | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json = JSON.parse(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4))) as { exp?: unknown };
    return typeof json.exp === 'number' && Number.isFinite(json.exp) ? json.exp * 1000 : null;
  } catch {
    return null;
  }
}

/**
 * When to ask the provider for a fresh token: 30 s before `exp`, or at 80 % of the remaining
 * lifetime for short-lived tokens; never sooner than 1 s from now.
 */
export function refreshDelay(expiresAt: number, now = Date.now()): number {
  const remaining = expiresAt - now;
  return Math.max(1000, Math.max(remaining - 30_000, remaining * 0.8));
}

/**
 * Asks a provider for a new token ahead of the current one's expiry, again and again, and hands
 * each one to `use`. Returns a canceller. Does nothing for fixed tokens and tokens without `exp`.
 */
export function scheduleTokenRefresh(source: TokenSource | undefined, token: string | undefined, use: (token: string) => void): () => void {
  if (typeof source !== 'function' || !token) return () => {};
  const expiresAt = tokenExpiry(token);
  if (expiresAt === null) return () => {};
  let cancelNext: () => void = () => {};
  let cancelled = false;
  const delay = refreshDelay(expiresAt);
  // A token that lives longer than a timer can wait (~24.8 days): wait the longest a timer can,
  // then look again. A longer setTimeout fires at once, which asked the provider in a tight loop.
  const timer = delay > MAX_TIMER_MS
    ? setTimeout(() => {
      if (!cancelled) cancelNext = scheduleTokenRefresh(source, token, use);
    }, MAX_TIMER_MS)
    : setTimeout(async () => {
      const fresh = await resolveToken(source);
      if (cancelled || !fresh) return;
      use(fresh);
      cancelNext = scheduleTokenRefresh(source, fresh, use);
    }, delay);
  return () => {
    cancelled = true;
    clearTimeout(timer);
    cancelNext();
  };
}
