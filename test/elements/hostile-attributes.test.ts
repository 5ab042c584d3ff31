// The elements against generated hostile attribute values (fast-check), in Chromium: symbols and
// symbol lists with markup, quotes, 10k chars, lone surrogates, bidi overrides, separators and
// prototype keys; invalid locales, currencies, durations, types, themes and numbers — set and
// removed in any order, the element moved in the DOM, while the in-memory feed pushes values (some
// malformed) for some of the symbols. What a user would notice is asserted: no uncaught exception,
// no unhandled rejection and no console.error; nothing from an attribute becomes markup (the shadow
// root holds only the template's own elements); the parts still render, with the documented
// fallbacks (unknown symbol, plain number without a valid currency, light theme unless `dark`);
// only valid symbols are subscribed; idle, the element books no timers (no timer loop burning CPU);
// once the attributes are valid again it shows the live price again; removed, it follows nothing.
// <market-feed> gets hostile src, token, worker, mode and polling-interval values with consumers
// inside, against the real relay of test/support/relay-plugin.mjs: a URL that is no feed URL shows
// as a closed feed with its reason, never an exception; once valid it is live again; removed, it
// leaves no socket open on the relay.
// Longer hunts: FUZZ_RUNS=500 FUZZ_SEED=7 node scripts/test.mjs test/elements/hostile-attributes.test.ts
// (the test runner serves both variables at /__fuzz).
import { expect } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import fc from 'fast-check';
import type { LitElement } from 'lit';
import '../../src/elements/price-ticker/define.js';
import '../../src/elements/ticker-tape/define.js';
import '../../src/elements/realtime-chart/define.js';
import '../../src/elements/connection-status/define.js';
import '../../src/elements/market-feed/define.js';
import type { PriceTicker } from '../../src/elements/price-ticker/price-ticker.js';
import type { TickerTape } from '../../src/elements/ticker-tape/ticker-tape.js';
import type { RealtimeChart } from '../../src/elements/realtime-chart/realtime-chart.js';
import type { ConnectionStatus } from '../../src/elements/connection-status/connection-status.js';
import type { MarketFeed } from '../../src/elements/market-feed/market-feed.js';
import type { MemoryFeed } from '../../src/client/memory-feed.js';
import { isValidChannel, isValidSymbol } from '../../src/protocol/channels.js';
import { frames, partText, shadow, tick, until, useDefaultMemoryFeed } from './helpers.js';
import {
  SYMBOL_POOL, booleanValue, chartTypeValue, currencyValue, durationValue, feedModeValue, feedSrcValue, hrefValue, localeValue, numberValue,
  oddString, priceValue, symbolListValue, symbolValue, themeValue, tokenValue, workerValue, type RelayUrls,
} from './hostile-attribute-values.js';

const DEFAULT_SEED = 20261202;
const LIGHT_TEXT = 'rgb(20, 23, 26)';
const DARK_TEXT = 'rgb(232, 235, 239)';

type Step =
  | { kind: 'set'; name: string; value: string }
  | { kind: 'remove'; name: string }
  | { kind: 'push'; symbol: string; price: unknown; open: number | undefined }
  | { kind: 'frame' }
  | { kind: 'move'; wait: boolean };

/** One element under test: its attributes with their values, its template's tags, and its checks. */
interface ElementSpec<E extends LitElement> {
  tag: string;
  /** Default number of generated runs (FUZZ_RUNS overrides). */
  runs: number;
  attributes: Record<string, fc.Arbitrary<string>>;
  /** How often an attribute is set, relative to the others (default 1). */
  weights?: Record<string, number>;
  /** Tag names the element's own template renders; anything else in its shadow root came from data. */
  templateTags: string[];
  /** Light DOM the element gets before it goes on the page (default: none). */
  children?(element: E): void;
  /** Whether the element, idle, must book no timers (default true; a live connection has its heartbeat). */
  idle?: boolean;
  /** What must hold after any sequence of steps. */
  check(element: E, feed: MemoryFeed): void | Promise<void>;
  /** Sets valid attributes and waits until the element shows live data again. */
  restore(element: E, feed: MemoryFeed): Promise<void>;
  /** Called before the steps; what it returns is awaited once the element is removed (what removal must release). */
  watchRemoval?(element: E): Promise<(element: E) => Promise<void>>;
}

/** FUZZ_RUNS / FUZZ_SEED of the shell running the tests, when the test runner serves them. */
async function fuzzSettings(): Promise<{ runs: number | undefined; seed: number }> {
  try {
    const response = await fetch('/__fuzz');
    if (response.ok) {
      const { runs, seed } = (await response.json()) as { runs: string | null; seed: string | null };
      return { runs: runs ? Number(runs) : undefined, seed: seed ? Number(seed) : DEFAULT_SEED };
    }
  } catch {
    // Served by the runner's config only; the defaults apply without it.
  }
  return { runs: undefined, seed: DEFAULT_SEED };
}

/** Uncaught errors, unhandled rejections and console.error calls while it is on. */
function watchPageErrors() {
  const errors: string[] = [];
  const onError = (event: ErrorEvent) => errors.push(`uncaught: ${event.message}`);
  const onRejection = (event: PromiseRejectionEvent) => errors.push(`unhandled rejection: ${String(event.reason)}`);
  const consoleError = console.error;
  console.error = (...args: unknown[]) => {
    errors.push(`console.error: ${args.map((arg) => String(arg).slice(0, 200)).join(' ')}`);
    consoleError.apply(console, args);
  };
  window.addEventListener('error', onError);
  window.addEventListener('unhandledrejection', onRejection);
  return {
    errors,
    stop() {
      console.error = consoleError;
      window.removeEventListener('error', onError);
      window.removeEventListener('unhandledrejection', onRejection);
    },
  };
}

/** Records every channel the elements subscribe on `feed`. */
function recordSubscriptions(feed: MemoryFeed): string[] {
  const channels: string[] = [];
  const subscribe = feed.subscribe.bind(feed);
  feed.subscribe = (channel, ...rest) => (channels.push(channel), subscribe(channel, ...rest));
  return channels;
}

function stepsFor(spec: ElementSpec<LitElement>): fc.Arbitrary<Step[]> {
  const names = Object.keys(spec.attributes);
  const set = fc.oneof(...names.map((name) => ({
    weight: spec.weights?.[name] ?? 1,
    arbitrary: fc.record({ kind: fc.constant('set' as const), name: fc.constant(name), value: spec.attributes[name] }),
  })));
  return fc.array(
    fc.oneof(
      { weight: 8, arbitrary: set },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), name: fc.constantFrom(...names) }) },
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('push' as const),
          symbol: fc.constantFrom(...SYMBOL_POOL),
          price: priceValue,
          open: fc.option(fc.double({ min: 1, max: 1e6, noNaN: true }), { nil: undefined }),
        }),
      },
      { weight: 2, arbitrary: fc.constant({ kind: 'frame' as const }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('move' as const), wait: fc.boolean() }) },
    ),
    { minLength: 1, maxLength: 30, size: 'medium' },
  );
}

async function settle(element: LitElement): Promise<void> {
  await element.updateComplete;
  await frames(2);
  await element.updateComplete;
}

/** Nothing but the template's own elements, and no event-handler attribute, anywhere in the shadow root; no new light DOM. */
function expectOnlyTemplateElements(element: Element, templateTags: string[], lightChildren = 0): void {
  const strangers = [...shadow(element).querySelectorAll('*')]
    .filter((node) => !templateTags.includes(node.localName) || [...node.attributes].some((attr) => attr.name.startsWith('on')))
    .map((node) => node.outerHTML.slice(0, 120));
  expect(strangers, 'elements that came from data').to.deep.equal([]);
  expect(element.children.length, 'light DOM children').to.equal(lightChildren);
  expect((window as { __xss?: unknown }).__xss, 'script from an attribute ran').to.equal(undefined);
}

function part(element: Element, name: string): HTMLElement {
  const found = shadow(element).querySelector<HTMLElement>(`[part~="${name}"]`);
  if (!found) throw new Error(`${element.localName} lost its ${name} part`);
  return found;
}

/** Light unless `theme` is exactly `dark` (the page prefers light): the text colour of the host. */
function expectTheme(element: Element): void {
  const expected = element.getAttribute('theme') === 'dark' ? DARK_TEXT : LIGHT_TEXT;
  expect(getComputedStyle(element).color, `text colour for theme=${JSON.stringify(element.getAttribute('theme'))}`).to.equal(expected);
}

function hasFinitePrice(data: unknown): boolean {
  const price = (data as { price?: unknown } | null | undefined)?.price;
  return typeof price === 'number' && Number.isFinite(price);
}

/** Idle (no ticks), an element books no timers: a timer that fires and books itself again at once would burn CPU for good. */
async function expectIdle(element: Element): Promise<void> {
  const setTimeoutBefore = window.setTimeout;
  let booked = 0;
  window.setTimeout = ((handler: TimerHandler, timeout?: number, ...args: unknown[]) => (booked++, setTimeoutBefore(handler, timeout, ...args))) as typeof setTimeout;
  try {
    await frames(2);
  } finally {
    window.setTimeout = setTimeoutBefore;
  }
  expect(booked, `timers booked by an idle <${element.localName}>`).to.be.at.most(2);
}

async function apply(element: LitElement, host: HTMLElement, feed: MemoryFeed, step: Step): Promise<void> {
  switch (step.kind) {
    case 'set':
      element.setAttribute(step.name, step.value);
      break;
    case 'remove':
      element.removeAttribute(step.name);
      break;
    case 'push':
      feed.push(`price:${step.symbol}`, { symbol: step.symbol, price: step.price as number, ts: Date.now(), open: step.open });
      break;
    case 'frame':
      await frames(1);
      break;
    case 'move':
      element.remove();
      if (step.wait) await frames(1);
      host.append(element);
      break;
  }
}

/** Runs the generated steps on a fresh element, then checks it, restores valid attributes and checks it again. */
async function run<E extends LitElement>(spec: ElementSpec<E>, steps: Step[]): Promise<void> {
  delete (window as { __xss?: unknown }).__xss; // each run answers for its own script
  const feed = useDefaultMemoryFeed();
  feed.setStatus({ stats: { latencyMs: 23, messagesPerSecond: 1, lastMessageAt: Date.now() } });
  const subscribed = recordSubscriptions(feed);
  const page = watchPageErrors();
  const host = document.createElement('div');
  document.body.append(host);
  const element = document.createElement(spec.tag) as E;
  spec.children?.(element);
  const lightChildren = element.children.length;
  const removed = await spec.watchRemoval?.(element);
  host.append(element);
  try {
    for (const step of steps) await apply(element, host, feed, step);
    await settle(element);
    expect(page.errors).to.deep.equal([]);
    expectOnlyTemplateElements(element, spec.templateTags, lightChildren);
    await spec.check(element, feed);
    const invalid = subscribed.filter((channel) => !(isValidChannel(channel) && channel.startsWith('price:') && isValidSymbol(channel.slice(6))));
    expect(invalid, 'channels subscribed for invalid symbols').to.deep.equal([]);

    if (spec.idle ?? true) await expectIdle(element);

    await spec.restore(element, feed);
    await settle(element);
    expectOnlyTemplateElements(element, spec.templateTags, lightChildren);
    expect(page.errors).to.deep.equal([]);
  } finally {
    host.remove();
    // What its removal sets off (an update, a rejection) belongs to this run, not to the next.
    await frames(1);
    await new Promise((resolve) => setTimeout(resolve));
    page.stop();
  }
  expect(page.errors, 'errors after removal').to.deep.equal([]);
  expect((window as { __xss?: unknown }).__xss, 'script from an attribute ran').to.equal(undefined);
  // Removed from the page, the element follows nothing.
  for (const symbol of SYMBOL_POOL) expect(feed.listenerCount(`price:${symbol}`), `listeners of ${symbol} after removal`).to.equal(0);
  await removed?.(element);
}

const priceTicker: ElementSpec<PriceTicker> = {
  tag: 'price-ticker',
  runs: 25,
  attributes: {
    symbol: symbolValue,
    locale: localeValue,
    currency: currencyValue,
    precision: numberValue,
    'stale-after': numberValue,
    announce: numberValue,
    compact: booleanValue,
    theme: themeValue,
  },
  weights: { symbol: 3, 'stale-after': 2 },
  templateTags: ['div', 'span'],
  check(element, feed) {
    const symbol = element.getAttribute('symbol') ?? '';
    for (const name of ['base', 'flash', 'badge', 'price']) part(element, name);
    expect(part(element, 'symbol').textContent, 'the symbol, as text').to.equal(symbol);
    expect(part(element, 'base').getAttribute('aria-label')).to.equal(`${symbol || 'Price'} price`);
    expectTheme(element);
    if (!isValidSymbol(symbol)) {
      expect(element.state).to.equal('error');
      expect(partText(element, 'badge')).to.equal('Error');
      expect(shadow(element).querySelector('.message')?.textContent).to.equal(symbol ? 'Unknown symbol' : 'No symbol');
      return;
    }
    part(element, 'change');
    if (!hasFinitePrice(feed.get(`price:${symbol}`)?.data)) return;
    expect(element.state).to.be.oneOf(['live', 'stale']);
    const price = partText(element, 'price');
    expect(price).not.to.equal('—');
    const currency = element.getAttribute('currency') ?? '';
    // A valid ISO code shows a currency (symbol or code); anything else, a plain number.
    if (/^[A-Za-z]{3}$/.test(currency)) expect(price, `price with currency ${currency}`).to.match(/[\p{Sc}\p{L}]/u);
    else expect(price, `price with currency ${JSON.stringify(currency.slice(0, 20))}`).not.to.match(/[\p{Sc}\p{L}]/u);
  },
  async restore(element, feed) {
    element.setAttribute('symbol', 'BTC-USD');
    element.setAttribute('locale', 'en-US');
    for (const name of ['currency', 'precision', 'compact', 'theme']) element.removeAttribute(name);
    element.setAttribute('stale-after', '30');
    element.setAttribute('announce', '30');
    feed.push('price:BTC-USD', tick('BTC-USD', 101.5, 100));
    await until(() => element.state === 'live' && partText(element, 'price') === '101.50', 'the live price once the attributes are valid');
    await element.updateComplete;
    expect(partText(element, 'change')).to.equal('▲up +1.50 (+1.50%)');
    expect(getComputedStyle(element).color).to.equal(LIGHT_TEXT);
  },
};

/** Whether a link to `url` (resolved as a link on this page resolves it) would open a web page: http: or https:. */
function isWebUrl(url: string): boolean {
  const link = document.createElement('a');
  link.href = url;
  return link.protocol === 'http:' || link.protocol === 'https:';
}

/** The tape's list as documented: comma- or space-separated, duplicates dropped, at most 500. */
function documentedList(value: string | null): string[] {
  return [...new Set((value ?? '').split(/[\s,]+/).filter(Boolean))].slice(0, 500);
}

function tapeItems(element: Element, copy: 0 | 1): HTMLElement[] {
  const group = shadow(element).querySelectorAll('.group')[copy];
  if (!group) throw new Error('ticker-tape lost a copy of its list');
  return [...group.querySelectorAll<HTMLElement>('[part~="item"]')];
}

const tickerTape: ElementSpec<TickerTape> = {
  tag: 'ticker-tape',
  runs: 15,
  attributes: {
    symbols: symbolListValue,
    href: hrefValue,
    speed: numberValue,
    paused: booleanValue,
    locale: localeValue,
    label: oddString,
    theme: themeValue,
  },
  weights: { symbols: 3, href: 2 },
  templateTags: ['div', 'ul', 'li', 'a', 'button', 'span'],
  check(element) {
    const list = documentedList(element.getAttribute('symbols'));
    expect(element.symbolList).to.deep.equal(list);
    const base = part(element, 'base');
    expect(base.getAttribute('aria-label'), 'accessible name').to.equal(element.getAttribute('label') || 'Market prices');
    expectTheme(element);
    const href = element.getAttribute('href');
    const linked = !!href && isWebUrl(href.split('{symbol}').join('x'));
    for (const copy of [0, 1] as const) {
      const items = tapeItems(element, copy);
      expect(items.map((item) => item.dataset.symbol), `symbols of copy ${copy}`).to.deep.equal(list);
      expect(items.map((item) => item.querySelector('[part~="symbol"]')?.textContent), 'symbols, as text').to.deep.equal(list);
      for (const [i, item] of items.entries()) {
        expect(item.localName, `a link with an http(s) href, else a button: ${JSON.stringify(href?.slice(0, 80))}`).to.equal(linked ? 'a' : 'button');
        if (item instanceof HTMLAnchorElement) expect(item.protocol, 'the scheme of a link').to.be.oneOf(['http:', 'https:']);
        if (linked && !/[\uD800-\uDFFF]/.test(list[i])) expect(item.getAttribute('href')).to.equal(href.split('{symbol}').join(encodeURIComponent(list[i])));
      }
    }
  },
  async restore(element, feed) {
    element.setAttribute('symbols', 'BTC-USD,ETH-USD');
    element.setAttribute('locale', 'en-US');
    element.setAttribute('speed', '50');
    element.setAttribute('label', 'Market prices');
    for (const name of ['href', 'paused', 'theme']) element.removeAttribute(name);
    feed.push('price:BTC-USD', tick('BTC-USD', 101.5, 100));
    feed.push('price:ETH-USD', tick('ETH-USD', 2000, 2000));
    const shown = (copy: 0 | 1, symbol: string) => tapeItems(element, copy).find((item) => item.dataset.symbol === symbol);
    const price = (symbol: string) => shown(0, symbol)?.querySelector('[part~="price"]')?.textContent;
    // Items off screen catch up within about a second.
    await until(() => price('BTC-USD') === '101.50' && price('ETH-USD') === '2,000.00', 'the live prices once the attributes are valid', 3000);
    expect(shown(0, 'BTC-USD')!.querySelector('[part~="change"]')!.textContent!.trim()).to.equal('▲ +1.50%');
    expect(tapeItems(element, 1).map((item) => item.dataset.symbol)).to.deep.equal(['BTC-USD', 'ETH-USD']);
    expect(getComputedStyle(element).color).to.equal(LIGHT_TEXT);
  },
};

const realtimeChart: ElementSpec<RealtimeChart> = {
  tag: 'realtime-chart',
  runs: 6,
  attributes: {
    symbol: symbolValue,
    window: durationValue,
    interval: durationValue,
    type: chartTypeValue,
    paused: booleanValue,
    locale: localeValue,
    precision: numberValue,
    label: oddString,
    theme: themeValue,
  },
  weights: { symbol: 3, window: 2, interval: 2 },
  templateTags: ['div', 'canvas', 'p'],
  check(element) {
    const symbol = element.getAttribute('symbol') ?? '';
    const base = part(element, 'base');
    part(element, 'tooltip');
    part(element, 'summary');
    expect(shadow(element).querySelectorAll('canvas.main, canvas.overlay')).to.have.length(2);
    expect(base.getAttribute('aria-label'), 'accessible name').to.equal(element.getAttribute('label') || `${symbol || 'Price'} price chart`);
    expectTheme(element);
    if (!isValidSymbol(symbol)) expect(shadow(element).querySelector('.empty')?.textContent).to.equal('Unknown symbol');
  },
  async restore(element, feed) {
    element.setAttribute('symbol', 'BTC-USD');
    element.setAttribute('window', '5m');
    element.setAttribute('interval', '5s');
    element.setAttribute('type', 'line');
    element.setAttribute('locale', 'en-US');
    for (const name of ['precision', 'label', 'paused', 'theme']) element.removeAttribute(name);
    await settle(element);
    const draws = element.drawCount;
    feed.push('price:BTC-USD', tick('BTC-USD', 101.5, 100));
    await until(() => partText(element, 'summary').startsWith('Last 101.50,'), 'the live price in the summary once the attributes are valid', 3000);
    await settle(element);
    expect(element.drawCount, 'draws after the tick').to.be.above(draws);
    expect(shadow(element).querySelector('.empty')).to.equal(null);
    expect(part(element, 'base').getAttribute('aria-label')).to.equal('BTC-USD price chart');
  },
};

const connectionStatus: ElementSpec<ConnectionStatus> = {
  tag: 'connection-status',
  runs: 10,
  attributes: { compact: booleanValue, locale: localeValue, theme: themeValue },
  templateTags: ['span', 'button'],
  check(element) {
    const base = part(element, 'base');
    part(element, 'dot');
    expect(element.state).to.equal('live');
    expectTheme(element);
    if (element.hasAttribute('compact')) {
      expect(part(element, 'dot').getAttribute('aria-label')).to.equal('Connection: Live');
      expect(base.title).to.match(/^Live · in-memory · /);
    } else {
      expect(partText(element, 'label')).to.equal('Live');
      expect(partText(element, 'detail')).to.match(/^in-memory · /);
    }
  },
  async restore(element) {
    element.setAttribute('locale', 'en-US');
    for (const name of ['compact', 'theme']) element.removeAttribute(name);
    await settle(element);
    expect(partText(element, 'label')).to.equal('Live');
    expect(partText(element, 'detail')).to.match(/^in-memory · 23 ms · /);
    expect(getComputedStyle(element).color).to.equal(LIGHT_TEXT);
  },
};

/** The tests' relay (test/support/relay-plugin.mjs), known once the suite starts. */
const relay: RelayUrls = { ws: '' };

/** Sockets open on the relay now. */
async function relayConnections(): Promise<number> {
  return ((await (await fetch('/__relay/health')).json()) as { connections: number }).connections;
}

/** Whether `<market-feed>` can connect to `src` (documented: a ws:, wss:, http: or https: URL, resolved against the page). */
function isFeedUrl(src: string): boolean {
  try {
    return ['ws:', 'wss:', 'http:', 'https:'].includes(new URL(src, location.href).protocol);
  } catch {
    return false;
  }
}

const FEED_SYMBOL = 'FUZZ-FEED';

const marketFeed: ElementSpec<MarketFeed> = {
  tag: 'market-feed',
  runs: 12,
  attributes: {
    src: feedSrcValue(relay),
    token: tokenValue,
    worker: workerValue,
    mode: feedModeValue,
    'polling-interval': numberValue,
  },
  weights: { src: 4, mode: 2 },
  templateTags: ['slot'],
  idle: false,
  children(element) {
    element.innerHTML = `<connection-status locale="en-US"></connection-status><price-ticker symbol="${FEED_SYMBOL}" locale="en-US"></price-ticker>`;
  },
  async check(element) {
    const status = element.querySelector<ConnectionStatus>('connection-status')!;
    const ticker = element.querySelector<PriceTicker>('price-ticker')!;
    await status.updateComplete;
    const src = element.getAttribute('src');
    if (!src) {
      expect(element.activeFeed, 'no feed without src').to.equal(undefined);
      expect(status.state).to.equal('no-feed');
      return;
    }
    const feed = element.activeFeed;
    if (!isFeedUrl(src)) {
      // A clear error, for the page's own status element and for the prices.
      expect(feed?.status.state, `state of src=${JSON.stringify(src.slice(0, 80))}`).to.equal('closed');
      expect(feed?.status.error?.code).to.equal('bad_url');
      expect(status.state).to.equal('closed');
      expect(partText(status, 'detail')).to.contain('The feed URL must be a ws:, wss:, http: or https: URL');
      expect(ticker.state).to.equal('error');
      return;
    }
    expect(feed?.url, `the feed of src=${JSON.stringify(src.slice(0, 80))}`).to.match(/^wss?:\/\//);
    expect(status.state).not.to.equal('no-feed');
  },
  async restore(element) {
    element.setAttribute('src', relay.ws);
    element.setAttribute('mode', 'direct');
    for (const name of ['token', 'worker', 'polling-interval']) element.removeAttribute(name);
    const status = element.querySelector<ConnectionStatus>('connection-status')!;
    const ticker = element.querySelector<PriceTicker>('price-ticker')!;
    await until(() => status.state === 'live', 'the status live once the attributes are valid', 10_000);
    await status.updateComplete;
    expect(partText(status, 'detail')).to.match(/^direct/);
    // The subscription may not be on the relay yet when the first price is published.
    const price = 100 + Math.round(Math.random() * 1000);
    for (let attempt = 0; attempt < 40 && ticker.quote?.price !== price; attempt++) {
      await fetch('/__relay/publish', { method: 'POST', body: JSON.stringify({ channel: `price:${FEED_SYMBOL}`, data: tick(FEED_SYMBOL, price, 100) }) });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await until(() => ticker.state === 'live' && ticker.quote?.price === price, 'the live price once the attributes are valid', 5000);
  },
  async watchRemoval() {
    const before = await relayConnections();
    return async (element) => {
      await until(() => element.activeFeed === undefined || element.activeFeed.status.state === 'closed', 'the feed closed on removal', 2000);
      // Every socket of the run is closed: none piles up on the relay (nor in a SharedWorker's hub).
      let open = Infinity;
      const deadline = performance.now() + 5000;
      while ((open = await relayConnections()) > before && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(open, 'sockets on the relay after removal').to.be.at.most(before);
    };
  },
};

describe('hostile attribute values (property test)', () => {
  let settings: { runs: number | undefined; seed: number };
  before(async () => {
    settings = await fuzzSettings();
    relay.ws = ((await (await fetch('/__relay')).json()) as { wsUrl: string }).wsUrl;
    await emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
  });

  for (const spec of [priceTicker, tickerTape, realtimeChart, connectionStatus, marketFeed] as ElementSpec<LitElement>[]) {
    it(`<${spec.tag}>: no error, no markup from attributes, parts and fallbacks hold, live again once valid`, async function () {
      const numRuns = settings.runs ?? spec.runs;
      this.timeout(Math.max(120_000, numRuns * 3_000)); // a run takes up to ~1.5 s (the chart's summary waits a second)
      await fc.assert(fc.asyncProperty(stepsFor(spec), (steps) => run(spec, steps)), {
        numRuns,
        seed: settings.seed,
        includeErrorInReport: true,
      });
    });
  }
});
