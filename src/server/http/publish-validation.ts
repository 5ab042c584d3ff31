/**
 * Validation of `POST /v1/publish` bodies: `{channel, data}` or an array of them. Price channels
 * must carry a well-formed tick whose symbol matches the channel.
 */
import { isSafeData, isValidChannel, isValidSymbol, symbolOf, type ChannelData } from '../../protocol/index.js';

/** One message to publish. */
export interface PublishItem {
  channel: string;
  data: ChannelData;
}

const OPTIONAL_NUMBERS = ['open', 'change', 'changePct', 'bid', 'ask', 'volume'] as const;

/** Why a price tick is refused, or null when it is valid for `symbol`. */
export function priceTickProblem(data: ChannelData, symbol: string): string | null {
  if (data.symbol !== symbol) return '`data.symbol` must equal the channel symbol';
  if (!isValidSymbol(data.symbol)) return '`data.symbol` is not a valid symbol';
  if (typeof data.price !== 'number' || !Number.isFinite(data.price) || data.price <= 0) return '`data.price` must be a positive finite number';
  if (typeof data.ts !== 'number' || !Number.isFinite(data.ts) || data.ts <= 0) return '`data.ts` must be a time in ms since the epoch';
  for (const key of OPTIONAL_NUMBERS) {
    const value = data[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) return `\`data.${key}\` must be a finite number`;
  }
  if (data.currency !== undefined && (typeof data.currency !== 'string' || !/^[A-Z]{3}$/.test(data.currency))) {
    return '`data.currency` must be an ISO 4217 code';
  }
  return null;
}

/** Parses a publish body: the items, or the reason it is refused. */
export function parsePublishBody(text: string, maxItems: number): { ok: true; items: PublishItem[] } | { ok: false; reason: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'body is not valid JSON' };
  }
  const list = Array.isArray(body) ? body : [body];
  if (list.length === 0) return { ok: false, reason: 'nothing to publish' };
  if (list.length > maxItems) return { ok: false, reason: `at most ${maxItems} messages per request` };
  const items: PublishItem[] = [];
  for (const [index, entry] of list.entries()) {
    const where = Array.isArray(body) ? `[${index}]: ` : '';
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return { ok: false, reason: `${where}each message must be an object {channel, data}` };
    const { channel, data } = entry as Record<string, unknown>;
    if (!isValidChannel(channel)) return { ok: false, reason: `${where}invalid channel name` };
    if (!isSafeData(data)) return { ok: false, reason: `${where}\`data\` must be a JSON object (no __proto__/constructor keys, nesting up to 4)` };
    const symbol = symbolOf(channel);
    if (symbol !== null) {
      const problem = priceTickProblem(data, symbol);
      if (problem) return { ok: false, reason: where + problem };
    }
    items.push({ channel, data });
  }
  return { ok: true, items };
}
