/**
 * The `Origin` allow-list shared by WebSocket upgrades and CORS. An empty list allows every
 * origin. A request without an `Origin` header (not a browser: curl, a server) is allowed, because
 * origin checks protect browsers from cross-site use of their users' sessions, nothing more.
 */

/** Whether `origin` (an `Origin` header value) passes the allow-list. */
export function isOriginAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  if (allowed.length === 0 || allowed.includes('*')) return true;
  if (origin === undefined) return true;
  return allowed.includes(origin);
}

/** Parses `MARKET_PULSE_ALLOWED_ORIGINS`: comma-separated origins, blanks ignored. */
export function parseOrigins(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter((origin) => origin.length > 0);
}
