/**
 * fast-check arbitraries for hostile attribute values of the elements, run in the browser: symbols
 * and symbol lists with markup, quotes, lone surrogates, bidi overrides, separators and prototype
 * keys; invalid locales, currency codes, durations, types, themes and numbers. Built on the relay
 * fuzz tests' `hostileString` (plain fast-check, so it runs here too).
 */
import fc from 'fast-check';
import { hostileString } from '../server/hostile-values.js';

/** Valid symbols the tests push ticks for. */
export const SYMBOL_POOL = ['BTC-USD', 'ETH-USD', 'SAP.DE', 'brk/b', 'X_1', 'A'] as const;

/** Markup that would run script or show up as elements if an attribute were ever parsed as HTML. */
export const MARKUP = [
  '<img src=x onerror="window.__xss=1">',
  '"><img src=x onerror=window.__xss=1>',
  "'><svg onload=window.__xss=1>",
  '<script>window.__xss=1</script>',
  '</span><b>bold</b><span>',
  '<!--',
  '&lt;b&gt;&amp;',
  '${window.__xss=1}',
  'javascript:window.__xss=1',
] as const;

/** Characters and words that trip string handling: lone surrogates, bidi controls, NUL, prototype keys. */
const TRICKY = ['\uD800', '\uDC00BTC', 'BTC\uD83D', '\uD800'.repeat(5_000), '\u202E', '\u202EDSU-CTB', '\u2067BTC', 'BTC\u0000USD', '\uFEFF',
  '\u00A0', 'BTC\u2028USD', '__proto__', 'constructor', 'toString', 'hasOwnProperty'] as const;

/** Strings that look like data but are not: markup, bidi controls, lone surrogates, prototype keys, 10k chars. */
export const oddString = fc.oneof(
  { weight: 2, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.constantFrom(...MARKUP) },
  { weight: 3, arbitrary: fc.constantFrom(...TRICKY) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(' BTC-USD', 'BTC-USD ', 'BTC,USD', '"', "'", '`', '\\', '{symbol}', 'A'.repeat(33), '-BTC', '.', '/', 'x'.repeat(10_000)),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
);

/** A symbol: mostly one the feed has values for, else anything. */
export const symbolValue = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SYMBOL_POOL) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._\-/]{0,31}$/) },
  { weight: 3, arbitrary: oddString },
);

const separator = fc.constantFrom(',', ' ', ', ', '\t', '\n', ',,', ' , ', '\u00A0', ';', '|', '');

/** A `symbols` list: generated entries and separators, a list longer than the tape's bound, or one odd string. */
export const symbolListValue = fc.oneof(
  { weight: 5, arbitrary: fc.array(fc.tuple(symbolValue, separator), { maxLength: 12 }).map((parts) => parts.map(([s, sep]) => s + sep).join('')) },
  { weight: 1, arbitrary: fc.constant(Array.from({ length: 700 }, (_, i) => `S${i}`).join(',')) },
  { weight: 1, arbitrary: fc.constant([...SYMBOL_POOL, ...SYMBOL_POOL, ...MARKUP, '\uD800', 'BTC\uD83D', '\u202EDSU-CTB', '__proto__'].join(',')) },
  { weight: 2, arbitrary: oddString },
);

/** Locales that work, and BCP 47 tags that do not (or barely do). */
export const localeValue = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('en-US', 'de-DE', 'fr-CH', 'ja-JP', 'ar-EG', 'he-IL', 'en-u-nu-thai', 'zz-ZZ', 'i-klingon') },
  {
    weight: 3,
    arbitrary: fc.constantFrom('', ' ', 'no such locale!!', 'en_US', 'x', 'en-', '-', 'en--US', '123', 'en-US-u-nu-', 'en-u-ca-', '__proto__',
      'toString', 'de-DE\u0000', 'en-'.repeat(3_000), 'x'.repeat(10_000), '\uD800', '<img src=x onerror="window.__xss=1">'),
  },
  { weight: 1, arbitrary: hostileString },
);

/** ISO 4217 codes, codes of the right shape that do not exist, and garbage. */
export const currencyValue = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('USD', 'EUR', 'JPY', 'usd', 'CHF', 'ABC', 'XXX') },
  { weight: 3, arbitrary: fc.constantFrom('', 'US', 'USDD', 'U$D', '€', '123', '__proto__', ' USD', 'USD ', '\uD800SD', 'ÜSD', 'US\u0000', 'x'.repeat(10_000)) },
  { weight: 1, arbitrary: hostileString },
);

/** Numbers as attributes: edge values, overflow (past what a timer can wait), non-numbers. */
export const numberValue = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('0', '1', '2', '30', '-5', '-0', '0.001', '', ' 5 ', '0x10', '1e-309', '12', '13', '2.5', 'abc', '5m') },
  { weight: 2, arbitrary: fc.constantFrom('1e309', '-1e309', 'Infinity', 'NaN', '9007199254740993', '1e21', '3000000') },
  { weight: 1, arbitrary: fc.integer({ min: -10, max: 100 }).map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: hostileString },
);

/** Durations (`window`, `interval`): valid ones, out-of-range ones, garbage. */
export const durationValue = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('5m', '30s', '1h', '1d', '500ms', '1ms', '30d', '1', '15M') },
  {
    weight: 3,
    arbitrary: fc.constantFrom('31d', '-5m', '0', '0s', '1e309s', '1e3s', 'Infinity', 'NaN', '5 m', '5mm', 'm', '.5s', '5.s', '0.1ms',
      '00000000000000000000001s', '99999999999999999999d', '', '__proto__'),
  },
  { weight: 1, arbitrary: hostileString },
);

/** Chart types. */
export const chartTypeValue = fc.oneof(
  fc.constantFrom('line', 'area', 'candles'),
  fc.constantFrom('LINE', 'Candles', 'bar', '', '__proto__', 'constructor', 'line ', 'area\u0000'),
  hostileString,
);

/** Themes. */
export const themeValue = fc.oneof(fc.constantFrom('light', 'dark'), fc.constantFrom('DARK', 'Dark', 'auto', '', ' dark', 'dark ', 'light dark', '__proto__'), hostileString);

/**
 * URLs with a scheme that runs script or is not a web page, in the spellings the URL parser
 * accepts anyway: any case, leading spaces and C0 controls, tabs and newlines inside.
 */
export const SCRIPT_URLS = [
  'javascript:window.__xss=1//{symbol}',
  'JAVASCRIPT:window.__xss=1',
  ' java\tscript:window.__xss=1//{symbol}',
  '\u0000\u001f JaVa\nScRiPt:window.__xss=1',
  'data:text/html,<script>window.__xss=1</script>{symbol}',
  'vbscript:msgbox({symbol})',
  'file:///etc/passwd?{symbol}',
  'blob:https://example.com/{symbol}',
] as const;

/** Link templates of `<ticker-tape href>`. */
export const hrefValue = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom('/quote/{symbol}', '{symbol}', '#{symbol}{symbol}', 'https://example.com/?s={symbol}&x=<b>', '//example.com/{symbol}', '{symbol', ''),
  },
  { weight: 2, arbitrary: fc.constantFrom(...SCRIPT_URLS, '{symbol}t:window.__xss=1', 'mailto:a@example.com?subject={symbol}') },
  { weight: 1, arbitrary: fc.constantFrom(...MARKUP) },
  { weight: 1, arbitrary: hostileString },
);

/** Where the tests' relay listens: its `ws://` URL. */
export interface RelayUrls {
  ws: string;
}

/**
 * Values of `<market-feed src>`: the running relay's URL in spellings that work (read from `relay`
 * when a value is generated), URLs that are no feed URL (script and other schemes, unparseable
 * ones), unreachable ones, and a fixed set of odd strings (relative: they resolve against the page).
 * No random strings: every distinct feed URL that resolves starts its own SharedWorker, which
 * lives as long as the page.
 */
export function feedSrcValue(relay: RelayUrls): fc.Arbitrary<string> {
  const spellings: Record<string, (url: string) => string> = {
    relay: (url) => url,
    'relay over http': (url) => url.replace(/^ws:/, 'http:'),
    'relay with spaces and capitals': (url) => ` \t${url.replace(/^ws:/, 'WS:')}\n`,
    'relay with markup in the query': (url) => `${url}?q=<img src=x onerror="window.__xss=1">`,
    'relay, wrong path': (url) => url.replace(/\/ws$/, '/no-such-path'),
  };
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...Object.keys(spellings)).map((name) => spellings[name](relay.ws)) },
    {
      weight: 4,
      arbitrary: fc.constantFrom(...SCRIPT_URLS, 'ftp://127.0.0.1/ws', 'mailto:feed@example.com', 'about:blank', 'ws://', 'ws://[::1', 'wss://exa mple.com/ws',
        'http://:80/ws', 'ws://127.0.0.1:99999/ws'),
    },
    { weight: 1, arbitrary: fc.constantFrom('ws://127.0.0.1:1/ws', '') },
    { weight: 1, arbitrary: fc.constantFrom(...MARKUP, '\uD800', '\u202E', '__proto__', 'x'.repeat(10_000)) },
  );
}

/** Tokens of `<market-feed token>` (the tests' relay does not check them): JWT-shaped, empty, odd. */
export const tokenValue = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom('eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.x', 'eyJhbGciOiJub25lIn0.eyJleHAiOjk5OTk5OTk5OTl9.', 'a.b.c', '', ' ') },
  { weight: 2, arbitrary: oddString },
);

/** `<market-feed worker>`: a script that is not there, cross-origin and script URLs, odd strings. */
export const workerValue = fc.constantFrom('', '/no-such-worker.js', 'https://cdn.example.com/worker.js', 'javascript:window.__xss=1',
  'data:text/javascript,window.__xss=1', '\uD800', ...MARKUP);

/** `<market-feed mode>`: the four modes, and words that are none. */
export const feedModeValue = fc.oneof(
  fc.constantFrom('auto', 'shared-worker', 'leader', 'direct'),
  fc.constantFrom('Direct', 'DIRECT', '', ' direct', 'worker', 'sharedworker', '__proto__', 'constructor'),
  hostileString,
);

/** Any value for a boolean attribute (only its presence counts). */
export const booleanValue = fc.constantFrom('', 'false', 'true', '0', 'compact', '<img src=x onerror="window.__xss=1">');

/** Prices pushed by the feed: mostly finite, sometimes malformed (which elements ignore). */
export const priceValue = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: 0.0001, max: 1e7, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(0, -5, NaN, Infinity, -Infinity, '101', null, undefined) },
);
