import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../src/elements/price-ticker/define.js';
import type { PriceTicker } from '../../src/elements/price-ticker/price-ticker.js';
import type { MemoryFeed } from '../../src/client/memory-feed.js';
import { frames, partText, shadow, tick, until, useDefaultMemoryFeed, XSS } from './helpers.js';

const CHANNEL = 'price:BTC-USD';

describe('<price-ticker>', () => {
  let feed: MemoryFeed;
  beforeEach(() => {
    feed = useDefaultMemoryFeed();
  });
  afterEach(async () => {
    await emulateMedia({ reducedMotion: 'no-preference', colorScheme: 'light' });
  });

  it('shows a loading state until the first tick, then the price and change', async () => {
    const el = await fixture<PriceTicker>(html`<price-ticker symbol="BTC-USD" locale="en-US"></price-ticker>`);
    expect(el.state).to.equal('loading');
    expect(partText(el, 'price')).to.equal('—');
    expect(partText(el, 'badge')).to.equal('Loading');
    await expect(el).to.be.accessible();

    feed.push(CHANNEL, tick('BTC-USD', 101.5, 100));
    await until(() => el.state === 'live', 'live state');
    await el.updateComplete;
    expect(partText(el, 'price')).to.equal('101.50');
    expect(partText(el, 'change')).to.equal('▲up +1.50 (+1.50%)'); // arrow, hidden word, text
    expect(shadow(el).querySelector('[part=base]')!.getAttribute('data-direction')).to.equal('up');
    await expect(el).to.be.accessible();

    feed.push(CHANNEL, tick('BTC-USD', 98.25, 100));
    await until(() => partText(el, 'price') === '98.25', 'falling price');
    expect(partText(el, 'change')).to.equal('▼down -1.75 (-1.75%)');
    const change = shadow(el).querySelector('[part=change]')!;
    expect(getComputedStyle(change).color).to.equal('rgb(192, 38, 45)');
  });

  it('uses the cached value of the feed at once', async () => {
    feed.push(CHANNEL, tick('BTC-USD', 64000, 63000));
    const el = await fixture<PriceTicker>(html`<price-ticker symbol="BTC-USD" locale="en-US" currency="USD"></price-ticker>`);
    await until(() => el.state === 'live', 'live state');
    await el.updateComplete;
    expect(partText(el, 'price')).to.equal('$64,000.00');
  });

  it('formats per locale and currency', async () => {
    feed.push(CHANNEL, tick('BTC-USD', 64012.5, 63000));
    const de = await fixture<PriceTicker>(html`<price-ticker symbol="BTC-USD" locale="de-DE" currency="EUR"></price-ticker>`);
    const ja = await fixture<PriceTicker>(html`<price-ticker symbol="BTC-USD" locale="ja-JP" currency="JPY" precision="0"></price-ticker>`);
    await until(() => de.state === 'live' && ja.state === 'live', 'both live');
    await de.updateComplete;
    await ja.updateComplete;
    expect(partText(de, 'price')).to.equal('64.012,50 €');
    expect(partText(de, 'change')).to.contain('+1.012,50').and.contain('+1,61 %');
    expect(partText(ja, 'price')).to.equal('￥64,013');
  });

  it('falls back gracefully on a bad locale, currency or precision', async () => {
    feed.push(CHANNEL, tick('BTC-USD', 10, 9));
    const el = await fixture<PriceTicker>(html`<price-ticker symbol="BTC-USD" locale="no such locale!!" currency="??" precision="-4"></price-ticker>`);
    await until(() => el.state === 'live', 'live state');
    await el.updateComplete;
    expect(partText(el, 'price')).to.match(/^10[.,]00$/);
  });

  it('keeps a valid currency when only the locale is invalid', async () => {
    feed.push(CHANNEL, tick('BTC-USD', 10, 9));
    const el = await fixture<PriceTicker>(html`<price-ticker symbol="BTC-USD" locale="no such locale!!" currency="USD"></price-ticker>`);
    await until(() => el.state === 'live', 'live state');
    await el.updateComplete;
    // The browser's locale with the currency asked for, not a bare number that could be any currency.
    expect(partText(el, 'price')).to.contain('$').and.match(/10[.,]00/);
  });

  it('renders once per frame however many ticks arrive', async () => {
    const el = await fixture<PriceTicker>(html`<price-ticker symbol="BTC-USD" locale="en-US"></price-ticker>`);
    let renders = 0;
    const original = (el as unknown as { render(): unknown }).render.bind(el);
    (el as unknown as { render(): unknown }).render = () => (renders++, original());
    await frames(1);
    for (let i = 0; i < 500; i++) feed.push(CHANNEL, tick('BTC-USD', 100 + i / 100));
    await until(() => partText(el, 'price') === '104.99', 'last tick shown');
    expect(renders).to.be.at.most(2);
  });

  it('many tickers share one animation frame callback', async () => {
    const symbols = Array.from({ length: 50 }, (_, i) => `S${i}`);
    const root = await fixture<HTMLElement>(html`<div>${symbols.map((s) => html`<price-ticker symbol=${s}></price-ticker>`)}</div>`);
    await frames(2);
    const original = window.requestAnimationFrame;
    let booked = 0;
    window.requestAnimationFrame = (callback) => (booked++, original.call(window, callback));
    try {
      for (const symbol of symbols) feed.push(`price:${symbol}`, tick(symbol, 10));
      const tickers = [...root.querySelectorAll('price-ticker')];
      await until(() => tickers.every((t) => t.state === 'live'), 'all live');
    } finally {
      window.requestAnimationFrame = original;
    }
    expect(booked).to.equal(1);
  });

  it('flashes anew on every change, in the colour of its direction', async () => {
    feed.push(CHANNEL, tick('BTC-USD', 100, 100));
    const el = await fixture<PriceTicker>(html`<price-ticker symbol="BTC-USD" locale="en-US"></price-ticker>`);
    await until(() => el.state === 'live', 'live');
    const flash = shadow(el).querySelector<HTMLElement>('[part=flash]')!;
    const flashAfter = async (price: number) => {
      feed.push(CHANNEL, tick('BTC-USD', price, 100));
      await until(() => el.quote?.price === price, `price ${price}`);
      const animations = shadow(el).getAnimations();
      expect(animations).to.have.length(1); // one flash at a time, not one per tick piling up
      expect(animations[0].playState).to.equal('running');
      expect(Number(animations[0].currentTime)).to.be.below(200); // started over
      return getComputedStyle(flash).backgroundColor;
    };
    const up = await flashAfter(101);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const down = await flashAfter(99);
    expect(down).not.to.equal(up);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await flashAfter(100)).to.equal(up);
  });

  it('flashes with opacity only, and not under reduced motion', async () => {
    feed.push(CHANNEL, tick('BTC-USD', 100, 100));
    const el = await fixture<PriceTicker>(html`<price-ticker symbol="BTC-USD" locale="en-US"></price-ticker>`);
    await until(() => el.state === 'live', 'live');
    await el.updateComplete;
    const box = () => JSON.stringify(el.getBoundingClientRect());
    const priceBox = () => JSON.stringify(shadow(el).querySelector('[part=price]')!.getBoundingClientRect());
    const before = [box(), priceBox()];
    feed.push(CHANNEL, tick('BTC-USD', 101.11, 100));
    await until(() => shadow(el).getAnimations().length > 0, 'flash animation');
    const [animation] = shadow(el).getAnimations() as Animation[];
    const keyframes = (animation.effect as KeyframeEffect).getKeyframes();
    const animated = new Set(keyframes.flatMap((frame) => Object.keys(frame)).filter((key) => !['offset', 'easing', 'composite', 'computedOffset'].includes(key)));
    expect([...animated]).to.deep.equal(['opacity']);
    for (const price of [99.99, 100.01, 111.11, 88.88]) {
      feed.push(CHANNEL, tick('BTC-USD', price, 100));
      await until(() => el.quote?.price === price, `price ${price}`);
      await el.updateComplete;
      expect([box(), priceBox()]).to.deep.equal(before);
    }

    await emulateMedia({ reducedMotion: 'reduce' });
    shadow(el).getAnimations().forEach((a) => a.cancel());
    feed.push(CHANNEL, tick('BTC-USD', 95, 100));
    await until(() => el.quote?.price === 95, 'price 95');
    await frames(2);
    expect(shadow(el).getAnimations()).to.have.length(0);
  });

  it('turns stale after stale-after seconds without updates, and live again on the next', async () => {
    const el = await fixture<PriceTicker>(html`<price-ticker symbol="BTC-USD" stale-after="0.2"></price-ticker>`);
    feed.push(CHANNEL, tick('BTC-USD', 100));
    await until(() => el.state === 'live', 'live');
    await until(() => el.state === 'stale', 'stale');
    await el.updateComplete;
    expect(partText(el, 'badge')).to.equal('Stale');
    await expect(el).to.be.accessible();
    feed.push(CHANNEL, tick('BTC-USD', 101));
    await until(() => el.state === 'live', 'live again');
  });

  it('says "No data" when the feed has been open stale-after seconds without a value of its symbol (a misspelt symbol)', async () => {
    feed.setStatus({ state: 'reconnecting' });
    const el = await fixture<PriceTicker>(html`<price-ticker symbol="BTC-USDX" stale-after="0.2"></price-ticker>`);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(el.state, 'no clock while the feed is not open: the value may still come').to.equal('loading');
    feed.setStatus({ state: 'open' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(el.state, 'open for less than stale-after').to.equal('loading');
    await until(() => el.state === 'stale', 'no data');
    await el.updateComplete;
    expect(partText(el, 'badge')).to.equal('No data');
    expect(shadow(el).querySelector('[part=badge]')!.getAttribute('title')).to.contain('BTC-USDX');
    expect(shadow(el).querySelector('[part=base]')!.getAttribute('aria-busy'), 'no longer busy').to.equal('false');
    await expect(el).to.be.accessible();

    const polled = await fixture<PriceTicker>(html`<price-ticker symbol="ETH-USDX" stale-after="0.2"></price-ticker>`);
    feed.setStatus({ state: 'polling' }); // values by HTTP: the relay answers with last values just the same
    await until(() => polled.state === 'stale', 'no data while polling too');
    feed.setStatus({ state: 'open' });

    el.symbol = 'BTC-USD'; // corrected: loading again, then its value
    await el.updateComplete;
    expect(el.state).to.equal('loading');
    expect(partText(el, 'badge')).to.equal('Loading');
    feed.push(CHANNEL, tick('BTC-USD', 100));
    await until(() => el.state === 'live', 'live');
    expect(partText(el, 'price')).to.equal('100.00');
  });

  it('takes its own no-data-after like the tape and the chart, else stale-after', async () => {
    // Never stale (a quiet market), but a misspelt symbol still says so.
    const el = await fixture<PriceTicker>(html`<price-ticker symbol="BTCUSD" stale-after="0" no-data-after="0.3"></price-ticker>`);
    await until(() => el.state === 'stale', 'no data');
    await el.updateComplete;
    expect(partText(el, 'badge')).to.equal('No data');
    const never = await fixture<PriceTicker>(html`<price-ticker symbol="ETHUSD" stale-after="0.2" no-data-after="0"></price-ticker>`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(never.state, 'no-data-after="0": never, whatever stale-after says').to.equal('loading');
  });

  it('books no timer loop for a stale-after longer than a timer can wait', async () => {
    for (const staleAfter of ['1e309', '3000000']) {
      const el = await fixture<PriceTicker>(html`<price-ticker symbol="BTC-USD" stale-after=${staleAfter}></price-ticker>`);
      feed.push(CHANNEL, tick('BTC-USD', 100));
      await until(() => el.state === 'live', 'live');
      const setTimeoutBefore = window.setTimeout;
      let booked = 0;
      window.setTimeout = ((handler: TimerHandler, timeout?: number, ...args: unknown[]) => (booked++, setTimeoutBefore(handler, timeout, ...args))) as typeof setTimeout;
      try {
        await new Promise((resolve) => setTimeoutBefore(resolve, 200));
      } finally {
        window.setTimeout = setTimeoutBefore;
      }
      // Past 2^31 ms a timer fires at once: the stale check booked itself again every few ms.
      expect(booked, `timers booked in 200 ms with stale-after=${staleAfter}`).to.be.at.most(2);
      expect(el.state).to.equal('live');
      el.remove();
    }
  });

  it('shows an error state for a terminal feed error and for a bad symbol', async () => {
    const el = await fixture<PriceTicker>(html`<price-ticker symbol="BTC-USD"></price-ticker>`);
    feed.setStatus({ state: 'closed', error: { code: 'forbidden', message: 'Not allowed' } });
    await el.updateComplete;
    expect(el.state).to.equal('error');
    expect(shadow(el).textContent).to.contain('Not allowed');
    await expect(el).to.be.accessible();
    const bad = await fixture<PriceTicker>(html`<price-ticker symbol="no spaces"></price-ticker>`);
    expect(bad.state).to.equal('error');
    expect(shadow(bad).textContent).to.contain('Unknown symbol');
  });

  it('says when the relay refuses its channel, the others going on; live again once it is accepted', async () => {
    const el = await fixture<PriceTicker>(html`<price-ticker symbol="BTC-USD" locale="en-US"></price-ticker>`);
    const other = await fixture<PriceTicker>(html`<price-ticker symbol="ETH-USD" locale="en-US"></price-ticker>`);
    feed.refuse(CHANNEL, { code: 'forbidden', message: 'the token does not allow this channel' });
    feed.push('price:ETH-USD', tick('ETH-USD', 3000, 3000));
    await until(() => el.state === 'error', 'error state');
    expect(partText(el, 'price')).to.equal('—');
    expect(shadow(el).querySelector('.message')?.textContent).to.equal('Not allowed');
    expect(shadow(el).querySelector('.message')?.getAttribute('title')).to.equal('the token does not allow this channel');
    await expect(el).to.be.accessible();
    await until(() => other.state === 'live', 'the other ticker live');

    // A ticker added later learns it at once; one that moves to another symbol forgets it.
    const late = await fixture<PriceTicker>(html`<price-ticker symbol="BTC-USD"></price-ticker>`);
    expect(late.state).to.equal('error');
    late.symbol = 'ETH-USD';
    await until(() => late.state === 'live', 'the late ticker on another symbol');

    feed.push(CHANNEL, tick('BTC-USD', 101.5, 100)); // accepted after all (a new token)
    await until(() => el.state === 'live', 'live again');
    expect(partText(el, 'price')).to.equal('101.50');
  });

  it('renders hostile symbols and feed data as text', async () => {
    const el = await fixture<PriceTicker>(html`<price-ticker .symbol=${XSS}></price-ticker>`);
    await el.updateComplete;
    expect(partText(el, 'symbol')).to.equal(XSS);
    expect(shadow(el).querySelector('img')).to.equal(null);
    const fine = await fixture<PriceTicker>(html`<price-ticker symbol="EVIL"></price-ticker>`);
    feed.push('price:EVIL', { symbol: XSS, price: 1, ts: Date.now(), currency: XSS });
    await until(() => fine.state === 'live', 'live');
    await frames(2);
    expect(shadow(fine).querySelector('img')).to.equal(null);
    expect((window as { __xss?: number }).__xss).to.equal(undefined);
  });

  it('ignores malformed ticks', async () => {
    const el = await fixture<PriceTicker>(html`<price-ticker symbol="BTC-USD"></price-ticker>`);
    feed.push(CHANNEL, { symbol: 'BTC-USD', price: 'NaN', ts: 'x' });
    feed.push(CHANNEL, { price: Infinity });
    await frames(3);
    expect(el.state).to.equal('loading');
  });

  it('announces politely, throttled, and not at all with announce="0"', async () => {
    const el = await fixture<PriceTicker>(html`<price-ticker symbol="BTC-USD" locale="en-US" announce="0.1"></price-ticker>`);
    const region = shadow(el).querySelector('[role=status]')!;
    feed.push(CHANNEL, tick('BTC-USD', 100, 100));
    await until(() => el.state === 'live', 'live');
    expect(region.textContent).to.equal('');
    await new Promise((resolve) => setTimeout(resolve, 150));
    feed.push(CHANNEL, tick('BTC-USD', 102, 100));
    await until(() => region.textContent !== '', 'announcement');
    expect(region.textContent).to.equal('BTC-USD 102.00, up 2.00%');
    feed.push(CHANNEL, tick('BTC-USD', 103, 100));
    await frames(3);
    expect(region.textContent, 'throttled').to.equal('BTC-USD 102.00, up 2.00%');

    const quiet = await fixture<PriceTicker>(html`<price-ticker symbol="BTC-USD" announce="0"></price-ticker>`);
    feed.push(CHANNEL, tick('BTC-USD', 104, 100));
    await frames(3);
    expect(shadow(quiet).querySelector('[role=status]')!.textContent).to.equal('');
  });

  it('switches symbol and follows the new channel only', async () => {
    const el = await fixture<PriceTicker>(html`<price-ticker symbol="BTC-USD"></price-ticker>`);
    expect(feed.listenerCount(CHANNEL)).to.equal(1);
    el.symbol = 'ETH-USD';
    await el.updateComplete;
    expect(feed.listenerCount(CHANNEL)).to.equal(0);
    expect(feed.listenerCount('price:ETH-USD')).to.equal(1);
    el.remove();
    expect(feed.listenerCount('price:ETH-USD')).to.equal(0);
  });

  it('has a compact variant and a dark theme that stay accessible', async () => {
    feed.push(CHANNEL, tick('BTC-USD', 99, 100));
    const el = await fixture<PriceTicker>(html`<price-ticker symbol="BTC-USD" compact theme="dark"></price-ticker>`);
    await until(() => el.state === 'live', 'live');
    await el.updateComplete;
    expect(partText(el, 'change')).to.equal('▼down -1.00%');
    expect(getComputedStyle(shadow(el).querySelector('[part=base]')!).backgroundColor).to.equal('rgb(17, 20, 24)');
    await expect(el).to.be.accessible();
    await emulateMedia({ colorScheme: 'dark' });
    const auto = await fixture<PriceTicker>(html`<price-ticker symbol="BTC-USD"></price-ticker>`);
    expect(getComputedStyle(shadow(auto).querySelector('[part=base]')!).backgroundColor).to.equal('rgb(17, 20, 24)');
    auto.theme = 'light';
    await auto.updateComplete;
    expect(getComputedStyle(shadow(auto).querySelector('[part=base]')!).backgroundColor).to.equal('rgb(255, 255, 255)');
  });
});
