/** Token options: a fixed string or a provider called before each connection and before expiry. */

/** A token, or a function that returns a fresh one. */
export type TokenSource = string | (() => string | Promise<string>);

/**
 * Resolves a token source: the token, or undefined when there is none (no source, or a provider
 * that returns no token: connect without one). Throws when the provider throws or rejects (its
 * endpoint is down?): the caller waits and asks again rather than connecting without a token,
 * which a relay that checks tokens would close for good (4500).
 */
export async function requireToken(source: TokenSource | undefined): Promise<string | undefined> {
  if (source === undefined) return undefined;
  if (typeof source === 'string') return source;
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
