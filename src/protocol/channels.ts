/**
 * Channel names: `<kind>:<id>`, e.g. `price:BTC-USD`. Names are data, never markup: the grammar
 * leaves out `<`, `>`, quotes, spaces and control characters, and consumers render them as text.
 */

/** Longest accepted channel name, in characters. */
export const MAX_CHANNEL_LENGTH = 96;

/** Longest accepted symbol, in characters. */
export const MAX_SYMBOL_LENGTH = 32;

/** A symbol: letters, digits and `.`, `-`, `_`, `/`; starts with a letter or digit. */
export const SYMBOL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._\-/]{0,31}$/;

/** {@link SYMBOL_PATTERN} in words, for messages to people (keep the two in step). */
export const SYMBOL_RULE = 'up to 32 letters, digits, . - _ and /, starting with a letter or digit';

/** A channel: a lower-case kind, a colon, an id of the symbol alphabet (up to 64 chars). */
export const CHANNEL_PATTERN = /^[a-z][a-z0-9_-]{0,15}:[A-Za-z0-9][A-Za-z0-9._\-/]{0,63}$/;

/** Prefix of price channels. */
export const PRICE_PREFIX = 'price:';

/** Whether `value` is a well-formed channel name. */
export function isValidChannel(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_CHANNEL_LENGTH && CHANNEL_PATTERN.test(value);
}

/** Whether `value` is a well-formed symbol. */
export function isValidSymbol(value: unknown): value is string {
  return typeof value === 'string' && SYMBOL_PATTERN.test(value);
}

/**
 * The price channel of a symbol.
 * @throws TypeError when the symbol is not well formed (so a hostile string never reaches the wire).
 */
export function priceChannel(symbol: string): string {
  if (!isValidSymbol(symbol)) throw new TypeError(`Invalid symbol: ${JSON.stringify(String(symbol).slice(0, 40))}`);
  return PRICE_PREFIX + symbol;
}

/** The symbol of a price channel, or `null` for any other channel. */
export function symbolOf(channel: string): string | null {
  return channel.startsWith(PRICE_PREFIX) ? channel.slice(PRICE_PREFIX.length) : null;
}

/**
 * Whether `channel` matches a permission pattern from a token's `channels` claim.
 * A pattern is a channel name in which `*` matches any run of id characters
 * (`price:*`, `portfolio:42`, `*` for everything).
 */
export function channelMatches(pattern: string, channel: string): boolean {
  if (pattern === '*') return true;
  if (!pattern.includes('*')) return pattern === channel;
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('[A-Za-z0-9._\\-/]*')}$`).test(channel);
}
