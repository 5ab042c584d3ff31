/** Token options: a fixed string or a provider called before each connection and before expiry. */

/** A token, or a function that returns a fresh one. */
export type TokenSource = string | (() => string | Promise<string>);

/** Provider calls pending, by provider, with when each started. */
const calls = new WeakMap<() => unknown, { call: Promise<string | undefined>; at: number }>();

/**
 * How long a pending provider call is shared, in ms. Past that it may never settle (a fetch stuck
 * on a dead connection has no timeout of its own), and the next request calls the provider anew.
 */
export const SHARED_CALL_MS = 60_000;

/**
 * Resolves a token source: the token, or undefined when there is none (no source, or a provider
 * that returns no token: connect without one). Rejects when the provider throws or rejects (its
 * endpoint is down?): the caller waits and asks again rather than connecting without a token,
 * which a relay that checks tokens would close for good (4500).
 */
export function requireToken(source: TokenSource | undefined): Promise<string | undefined> {
  if (typeof source !== 'function') return Promise.resolve(source);
  // One call at a time per provider: asked again while a call is pending (the hub gave up waiting
  // after 30 s and asks anew), the same call is awaited — a slow provider (a cold endpoint, a
  // sign-in form) is not called again and again, and its late answer serves the request waiting now.
  let pending = calls.get(source);
  if (!pending || Date.now() - pending.at > SHARED_CALL_MS) {
    const entry = { at: Date.now(), call: callProvider(source) };
    const forget = () => calls.get(source) === entry && calls.delete(source);
    entry.call.then(forget, forget);
    calls.set(source, (pending = entry));
  }
  return pending.call;
}

/** Calls a provider: its token, or undefined for none. */
async function callProvider(source: () => string | Promise<string>): Promise<string | undefined> {
  const token = await source();
  return typeof token === 'string' && token.length > 0 ? token : undefined;
}

/** Resolves a token source where going on without a token is fine (a refresh, a history backfill): a failing provider yields undefined. */
export async function resolveToken(source: TokenSource | undefined): Promise<string | undefined> {
  try {
    return await requireToken(source);
  } catch {
    return undefined;
  }
}

/** A short description of why a token provider failed, for `status.error` (at most 200 characters); never throws, whatever was thrown. */
export function providerFailure(error: unknown): string {
  try {
    return String(error instanceof Error ? error.message || error.name : error).slice(0, 200);
  } catch {
    return 'a value that cannot be printed'; // e.g. an object without a prototype
  }
}
