/** Token options: a fixed string or a provider called before each connection and before expiry. */

/** A token, or a function that returns a fresh one. */
export type TokenSource = string | (() => string | Promise<string>);

/** Resolves a token source; a throwing provider yields `undefined` (connect without a token). */
export async function resolveToken(source: TokenSource | undefined): Promise<string | undefined> {
  if (source === undefined) return undefined;
  if (typeof source === 'string') return source;
  try {
    const token = await source();
    return typeof token === 'string' && token.length > 0 ? token : undefined;
  } catch {
    return undefined;
  }
}
