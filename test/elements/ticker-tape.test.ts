import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia, sendMouse, resetMouse } from '@web/test-runner-commands';
import '../../src/elements/ticker-tape/define.js';
import { MAX_TAPE_SYMBOLS, parseSymbols, type TickerTape } from '../../src/elements/ticker-tape/ticker-tape.js';
import type { MemoryFeed } from '../../src/client/memory-feed.js';
import { frames, shadow, tick, until, useDefaultMemoryFeed, XSS } from './helpers.js';

const items = (el: TickerTape) => [...shadow(el).querySelectorAll<HTMLElement>('.group:first-child [part~=item]')];
const track = (el: TickerTape) => shadow(el).querySelector<HTMLElement>('.track')!;
const itemText = (item: Element) => item.textContent!.replace(/\s+/g, ' ').trim();

describe('<ticker-tape>', () => {
  let feed: MemoryFeed;
  beforeEach(() => {
    feed = useDefaultMemoryFeed();
  });
  afterEach(async () => {
    await emulateMedia({ reducedMotion: 'no-preference' });
    await resetMouse();
  });

  it('parses symbol lists', () => {
    expect(parseSymbols(' BTC-USD, ETH-USD ,,BTC-USD SOL-USD')).to.deep.equal(['BTC-USD', 'ETH-USD', 'SOL-USD']);
    expect(parseSymbols(null)).to.deep.equal([]);
    // A 200-symbol band shows all 200; a hostile list stops at MAX_TAPE_SYMBOLS (500).
    const list = (length: number) => Array.from({ length }, (_, i) => `S${i}`).join(',');
    expect(parseSymbols(list(200))).to.have.length(200);
    expect(parseSymbols(list(5000))).to.deep.equal(parseSymbols(list(500)));
    expect(parseSymbols(list(5000))).to.have.length(MAX_TAPE_SYMBOLS);
  });

  it('shows every symbol, then live prices from the feed, once per frame', async () => {
    const el = await fixture<TickerTape>(html`<ticker-tape symbols="BTC-USD,ETH-USD" locale="en-US"></ticker-tape>`);
    expect(items(el).map(itemText)).to.deep.equal(['BTC-USD —', 'ETH-USD —']);
    await expect(el).to.be.accessible();
    for (let i = 0; i < 200; i++) feed.push('price:BTC-USD', tick('BTC-USD', 100 + i, 100));
    feed.push('price:ETH-USD', tick('ETH-USD', 95, 100));
    await until(() => itemText(items(el)[1]).includes('95.00'), 'ETH price');
    expect(itemText(items(el)[0])).to.equal('BTC-USD 299.00 ▲ +199.00%');
    expect(itemText(items(el)[1])).to.equal('ETH-USD 95.00 ▼ -5.00%');
    expect(feed.listenerCount('price:BTC-USD')).to.equal(1);
    await expect(el).to.be.accessible();
    el.symbols = 'ETH-USD';
    await el.updateComplete;
    expect(feed.listenerCount('price:BTC-USD')).to.equal(0);
    expect(items(el).map(itemText)).to.deep.equal(['ETH-USD 95.00 ▼ -5.00%']);
  });

  it('says "no data" for a symbol without a price once the feed has been open no-data-after seconds (a misspelt symbol)', async () => {
    feed.setStatus({ state: 'reconnecting' });
    feed.push('price:BTC-USD', tick('BTC-USD', 101, 100));
    const el = await fixture<TickerTape>(html`<ticker-tape symbols="BTC-USD,BTCUSD" no-data-after="0.5" locale="en-US"></ticker-tape>`);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(itemText(items(el)[1]), 'no clock while the feed is not open: the price may still come').to.equal('BTCUSD —');
    feed.setStatus({ state: 'open' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(itemText(items(el)[1]), 'open for less than no-data-after').to.equal('BTCUSD —');
    await until(() => itemText(items(el)[1]) === 'BTCUSD — no data', 'no data');
    expect(items(el)[1]!.getAttribute('title')).to.equal('BTCUSD: no price has arrived: is the symbol right?');
    expect(itemText(items(el)[0])).to.equal('BTC-USD 101.00 ▲ +1.00%');
    expect(items(el)[0]!.hasAttribute('title')).to.be.false;
    await expect(el).to.be.accessible();

    el.symbols = 'BTC-USD,ETH-USD'; // corrected: the new symbol gets its own wait
    await el.updateComplete;
    expect(itemText(items(el)[1])).to.equal('ETH-USD —');
    feed.push('price:ETH-USD', tick('ETH-USD', 95, 100));
    await until(() => itemText(items(el)[1]) === 'ETH-USD 95.00 ▼ -5.00%', 'its price');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(items(el).map(itemText), 'every symbol has a price: nothing to mark').to.deep.equal(['BTC-USD 101.00 ▲ +1.00%', 'ETH-USD 95.00 ▼ -5.00%']);

    const never = await fixture<TickerTape>(html`<ticker-tape symbols="NOPE" no-data-after="0"></ticker-tape>`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(itemText(items(never)[0]), 'no-data-after="0": never').to.equal('NOPE —');
  });

  it('marks a symbol whose channel the relay refused, with its reason, until a tick of it comes', async () => {
    feed.push('price:BTC-USD', tick('BTC-USD', 101, 100));
    const el = await fixture<TickerTape>(html`<ticker-tape symbols="BTC-USD,SECRET" locale="en-US"></ticker-tape>`);
    feed.refuse('price:SECRET', { code: 'forbidden', message: 'the token does not allow this channel' });
    await until(() => itemText(items(el)[1]) === 'SECRET — n/a', 'the refused item');
    expect(items(el)[1]!.getAttribute('title')).to.equal('SECRET: the token does not allow this channel');
    expect(items(el)[0]!.hasAttribute('title')).to.be.false;
    await until(() => itemText(items(el)[0]).startsWith('BTC-USD 101.00'), 'the other item live');
    await expect(el).to.be.accessible();
    feed.push('price:SECRET', tick('SECRET', 5, 5));
    await until(() => itemText(items(el)[1]).startsWith('SECRET 5.00'), 'accepted after all');
    expect(items(el)[1]!.hasAttribute('title')).to.be.false;
  });

  it('formats per locale', async () => {
    feed.push('price:BTC-USD', tick('BTC-USD', 64012.5, 64000));
    const el = await fixture<TickerTape>(html`<ticker-tape symbols="BTC-USD" locale="de-DE"></ticker-tape>`);
    await until(() => itemText(items(el)[0]).includes('64.012,50'), 'German number');
    expect(itemText(items(el)[0])).to.contain('+0,02 %');
  });

  it('shows FX pairs with 4 digits and a tiny fall as flat, as displayed', async () => {
    feed.push('price:EUR-USD', tick('EUR-USD', 1.07123, 1.0712301));
    const el = await fixture<TickerTape>(html`<ticker-tape symbols="EUR-USD" locale="en-US"></ticker-tape>`);
    await until(() => itemText(items(el)[0]).includes('1.0712'), 'FX price');
    expect(itemText(items(el)[0])).to.equal('EUR-USD 1.0712 0.00%');
    expect(items(el)[0].closest('li')!.dataset.direction).to.equal('flat');
  });

  it('scrolls with a transform animation that pauses on hover and keyboard focus', async () => {
    const el = await fixture<TickerTape>(html`<ticker-tape symbols="BTC-USD,ETH-USD,SOL-USD" style="width:300px"></ticker-tape>`);
    const [animation] = shadow(el).getAnimations() as CSSAnimation[];
    expect(animation.animationName).to.equal('mp-tape-scroll');
    const keyframes = (animation.effect as KeyframeEffect).getKeyframes();
    expect(keyframes.map((frame) => frame.transform)).to.deep.equal(['translateX(0px)', 'translateX(-50%)']);
    expect(getComputedStyle(track(el)).animationPlayState).to.equal('running');

    const box = el.getBoundingClientRect();
    await sendMouse({ type: 'move', position: [Math.round(box.left + 20), Math.round(box.top + box.height / 2)] });
    await until(() => getComputedStyle(track(el)).animationPlayState === 'paused', 'paused on hover');
    await sendMouse({ type: 'move', position: [Math.round(box.left + 20), Math.round(box.bottom + 200)] });
    await until(() => getComputedStyle(track(el)).animationPlayState === 'running', 'running after hover');

    items(el)[0].focus();
    expect(getComputedStyle(track(el)).animationPlayState).to.equal('paused');
    items(el)[0].blur();
    el.paused = true;
    await el.updateComplete;
    expect(getComputedStyle(track(el)).animationPlayState).to.equal('paused');
  });

  it('scrolls at `speed` pixels per second whatever the content width', async () => {
    const el = await fixture<TickerTape>(html`<ticker-tape symbols="BTC-USD,ETH-USD,SOL-USD,ADA-USD" speed="100"></ticker-tape>`);
    const group = shadow(el).querySelector<HTMLElement>('.group')!;
    const seconds = () => parseFloat(getComputedStyle(track(el)).animationDuration);
    await until(() => Math.abs(seconds() - group.offsetWidth / 100) < 0.02, 'duration = width / speed');
    el.speed = 25;
    await el.updateComplete;
    expect(seconds()).to.be.closeTo(group.offsetWidth / 25, 0.02);
  });

  it('moves the other way on a right-to-left page, so the loop has no gap', async () => {
    const root = await fixture<HTMLElement>(html`<div dir="rtl"><ticker-tape symbols="BTC-USD,ETH-USD"></ticker-tape></div>`);
    const el = root.querySelector('ticker-tape')!;
    await el.updateComplete;
    const [animation] = shadow(el).getAnimations() as CSSAnimation[];
    expect(animation.animationName).to.equal('mp-tape-scroll-rtl');
    expect((animation.effect as KeyframeEffect).getKeyframes().map((frame) => frame.transform)).to.deep.equal(['translateX(0px)', 'translateX(50%)']);
  });

  it('is a static scrollable row under reduced motion', async () => {
    await emulateMedia({ reducedMotion: 'reduce' });
    const el = await fixture<TickerTape>(html`<ticker-tape symbols="BTC-USD,ETH-USD,SOL-USD,ADA-USD,DOGE-USD,XRP-USD" style="width:200px"></ticker-tape>`);
    expect(shadow(el).getAnimations()).to.have.length(0);
    const viewport = shadow(el).querySelector<HTMLElement>('[part=base]')!;
    expect(getComputedStyle(viewport).overflowX).to.equal('auto');
    expect(viewport.scrollWidth).to.be.greaterThan(viewport.clientWidth);
    expect(getComputedStyle(shadow(el).querySelector('.group[aria-hidden]')!).display).to.equal('none');
    await expect(el).to.be.accessible();
  });

  it('prices the items on screen at once, and those off screen within about a second', async () => {
    const symbols = Array.from({ length: 40 }, (_, i) => `S${i}-USD`);
    const el = await fixture<TickerTape>(html`<ticker-tape symbols=${symbols.join(',')} locale="en-US" paused style="width:300px"></ticker-tape>`);
    const showing = (price: string) => items(el).filter((item) => itemText(item).includes(price)).length;
    const pushAll = (price: number) => symbols.forEach((symbol) => feed.push(`price:${symbol}`, tick(symbol, price, 100)));
    pushAll(100);
    await until(() => showing('100.00') === 40, 'first prices');
    await frames(2);
    pushAll(101);
    await until(() => itemText(items(el)[0]).includes('101.00'), 'price on screen');
    const updatedAt = performance.now();
    expect(showing('100.00')).to.be.above(20); // items 1,000s of px away are not repainted every frame
    await until(() => showing('101.00') === 40, 'prices off screen', 3000);
    expect(performance.now() - updatedAt).to.be.below(1500);
  });

  it('prices an item scrolled into view ahead of the others', async () => {
    await emulateMedia({ reducedMotion: 'reduce' });
    const symbols = Array.from({ length: 40 }, (_, i) => `S${i}-USD`);
    const el = await fixture<TickerTape>(html`<ticker-tape symbols=${symbols.join(',')} locale="en-US" style="width:300px"></ticker-tape>`);
    const showing = (price: string) => items(el).filter((item) => itemText(item).includes(price)).length;
    const pushAll = (price: number) => symbols.forEach((symbol) => feed.push(`price:${symbol}`, tick(symbol, price, 100)));
    pushAll(100);
    await until(() => showing('100.00') === 40, 'first prices');
    pushAll(101);
    const far = items(el)[39]; // its quote came last: off screen, it would be the last one priced
    far.scrollIntoView({ inline: 'center' });
    await until(() => itemText(far).includes('101.00'), 'price in view');
    expect(showing('100.00')).to.be.above(10);
  });

  it('shows the prices of the list in the duplicate copy that completes the loop', async () => {
    const el = await fixture<TickerTape>(html`<ticker-tape symbols="BTC-USD,ETH-USD" locale="en-US" style="width:400px"></ticker-tape>`);
    const copy = () => [...shadow(el).querySelectorAll('.group[aria-hidden] [part~=item]')].map(itemText);
    feed.push('price:ETH-USD', tick('ETH-USD', 95, 100));
    await until(() => copy()[1] === 'ETH-USD 95.00 ▼ -5.00%', 'price in the duplicate');
    expect(copy()).to.deep.equal(items(el).map(itemText));
  });

  it('does not move the items after one whose price changes', async () => {
    const el = await fixture<TickerTape>(html`<ticker-tape symbols="BTC-USD,ETH-USD,SOL-USD" locale="en-US" paused></ticker-tape>`);
    const positions = () => items(el).map((item) => Math.round(item.getBoundingClientRect().left));
    feed.push('price:BTC-USD', tick('BTC-USD', 100, 100)); // unchanged: no arrow, 0.00%
    await until(() => itemText(items(el)[0]).includes('0.00%'), 'first price');
    const before = positions();
    for (const price of [101.5, 98.25, 109.99, 100]) {
      feed.push('price:BTC-USD', tick('BTC-USD', price, 100));
      await until(() => itemText(items(el)[0]).includes(price.toFixed(2)), `price ${price}`);
      expect(positions()).to.deep.equal(before);
    }
  });

  it('fires mp-symbol-click with the symbol when an item is clicked', async () => {
    const el = await fixture<TickerTape>(html`<ticker-tape symbols="BTC-USD,ETH-USD"></ticker-tape>`);
    setTimeout(() => items(el)[1].click());
    const event = await oneEvent(el, 'mp-symbol-click');
    expect(event.detail).to.deep.equal({ symbol: 'ETH-USD' });
    expect(event.composed).to.equal(true);
  });

  it('renders links from an href template with the symbol URL-encoded; cancelling stops navigation', async () => {
    const el = await fixture<TickerTape>(html`<ticker-tape symbols="BRK/B,BTC-USD" href="#/quote/{symbol}?s={symbol}"></ticker-tape>`);
    const [first] = items(el);
    expect(first.localName).to.equal('a');
    expect(first.getAttribute('href')).to.equal('#/quote/BRK%2FB?s=BRK%2FB');
    el.addEventListener('mp-symbol-click', (event) => event.preventDefault(), { once: true });
    const before = location.hash;
    first.click();
    expect(location.hash).to.equal(before);
  });

  describe('href templates that are not http(s) links', () => {
    /** console.warn calls while a test runs. */
    let warnings: string[];
    let consoleWarn: typeof console.warn;
    beforeEach(() => {
      warnings = [];
      consoleWarn = console.warn;
      console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
    });
    afterEach(() => {
      console.warn = consoleWarn;
    });

    /** Every item of both copies, and every link anywhere in the shadow root. */
    const allItems = (el: TickerTape) => [...shadow(el).querySelectorAll<HTMLElement>('[part~=item]')];
    const links = (el: TickerTape) => [...shadow(el).querySelectorAll('a')];

    // What a CMS editor could type: script schemes in any case, with the whitespace and control
    // characters the URL parser strips or skips (leading C0 and spaces, tabs and newlines anywhere).
    const scripted = [
      "javascript:alert('{symbol}')",
      "JAVASCRIPT:alert('{symbol}')",
      " java\tscript:alert('{symbol}')",
      "\u0000 \u001fJaVa\nScRiPt\r:alert('{symbol}')",
      'data:text/html,<script>alert("{symbol}")</script>',
      ' DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==#{symbol}',
      "vbscript:msgbox('{symbol}')",
      'blob:https://example.com/{symbol}',
      'file:///etc/{symbol}',
      'mailto:quotes@example.com?subject={symbol}',
    ];

    it('renders buttons, not links, for javascript:, data:, vbscript: and other schemes, whatever the case or control characters', async () => {
      const el = await fixture<TickerTape>(html`<ticker-tape symbols="BTC-USD,ETH-USD"></ticker-tape>`);
      for (const href of scripted) {
        el.setAttribute('href', href);
        await el.updateComplete;
        expect(links(el).map((a) => a.getAttribute('href')), `links for href=${JSON.stringify(href)}`).to.deep.equal([]);
        expect(allItems(el).map((item) => item.localName), `items for href=${JSON.stringify(href)}`).to.deep.equal(['button', 'button', 'button', 'button']);
      }
      // Still usable: activating an item tells the page which symbol it was.
      setTimeout(() => items(el)[1].click());
      expect((await oneEvent(el, 'mp-symbol-click')).detail).to.deep.equal({ symbol: 'ETH-USD' });
      expect((window as { __xss?: unknown }).__xss).to.equal(undefined);
    });

    it('warns once per distinct refused template, not per item or render', async () => {
      const el = await fixture<TickerTape>(html`<ticker-tape symbols="BTC-USD,ETH-USD,SOL-USD" href="javascript:void('{symbol}')"></ticker-tape>`);
      const other = await fixture<TickerTape>(html`<ticker-tape symbols="BTC-USD" href="javascript:void('{symbol}')"></ticker-tape>`);
      for (let i = 0; i < 5; i++) feed.push('price:BTC-USD', tick('BTC-USD', 100 + i, 100));
      await frames(3);
      el.setAttribute('href', 'vbscript:void({symbol})');
      await el.updateComplete;
      el.setAttribute('href', "javascript:void('{symbol}')");
      await el.updateComplete;
      await other.updateComplete;
      expect(warnings, 'one warning for each of the two templates').to.have.length(2);
      expect(warnings[0]).to.contain("javascript:void('{symbol}')").and.to.contain('http');
      expect(warnings[1]).to.contain('vbscript:void({symbol})');
    });

    it('a symbol cannot change the scheme of the link', async () => {
      // With the letters of a scheme as symbol, a template starting with {symbol} would spell one.
      const el = await fixture<TickerTape>(html`<ticker-tape symbols="javascrip,BTC-USD" href="{symbol}t:alert(1)"></ticker-tape>`);
      expect(links(el).map((a) => a.getAttribute('href'))).to.deep.equal([]);
      // A symbol with a colon stays URL-encoded: a relative link on this page, not a scheme.
      el.setAttribute('symbols', 'javascript:alert(1),DATA:x');
      el.setAttribute('href', '{symbol}');
      await el.updateComplete;
      expect(links(el).map((a) => a.getAttribute('href'))).to.deep.equal(['javascript%3Aalert(1)', 'DATA%3Ax', 'javascript%3Aalert(1)', 'DATA%3Ax']);
      expect(links(el).map((a) => a.protocol)).to.deep.equal(['http:', 'http:', 'http:', 'http:']);
    });

    it('keeps links for http:, https: and relative templates, without a warning', async () => {
      const el = await fixture<TickerTape>(html`<ticker-tape symbols="BRK/B"></ticker-tape>`);
      const templates = {
        'https://example.com/q/{symbol}': 'https://example.com/q/BRK%2FB',
        'HTTP://example.com/?s={symbol}': 'HTTP://example.com/?s=BRK%2FB',
        ' https://example.com/{symbol}': ' https://example.com/BRK%2FB',
        '/quote/{symbol}': '/quote/BRK%2FB',
        'quote?s={symbol}': 'quote?s=BRK%2FB',
        '//cdn.example.com/{symbol}': '//cdn.example.com/BRK%2FB',
        '#{symbol}': '#BRK%2FB',
        '{symbol}': 'BRK%2FB',
      };
      for (const [href, expected] of Object.entries(templates)) {
        el.setAttribute('href', href);
        await el.updateComplete;
        expect(links(el).map((a) => a.getAttribute('href')), `links for href=${JSON.stringify(href)}`).to.deep.equal([expected, expected]);
        expect(links(el).every((a) => a.protocol === 'http:' || a.protocol === 'https:')).to.equal(true);
      }
      expect(warnings).to.deep.equal([]);
    });
  });

  it('does not fire events when properties are set from script', async () => {
    const el = await fixture<TickerTape>(html`<ticker-tape symbols="BTC-USD"></ticker-tape>`);
    let fired = 0;
    el.addEventListener('mp-symbol-click', () => fired++);
    el.symbols = 'ETH-USD,SOL-USD';
    el.paused = true;
    el.href = '/x/{symbol}';
    await el.updateComplete;
    await frames(2);
    expect(fired).to.equal(0);
  });

  it('keeps the duplicate copy out of the tab order and the accessibility tree', async () => {
    const el = await fixture<TickerTape>(html`<ticker-tape symbols="BTC-USD,ETH-USD"></ticker-tape>`);
    const copy = shadow(el).querySelectorAll('.group')[1];
    expect(copy.getAttribute('aria-hidden')).to.equal('true');
    expect([...copy.querySelectorAll('[part~=item]')].every((item) => item.getAttribute('tabindex') === '-1')).to.equal(true);
  });

  it('renders hostile symbols as text and does not subscribe to them', async () => {
    const el = await fixture<TickerTape>(html`<ticker-tape .symbols=${`BTC-USD,${XSS}`} theme="dark"></ticker-tape>`);
    await el.updateComplete;
    expect(shadow(el).querySelector('img')).to.equal(null);
    expect(items(el).map(itemText).join(' ')).to.contain('<img');
    expect(feed.listenerCount('price:BTC-USD')).to.equal(1);
    // Said at once, not after the no-data wait: they are never asked for. (The list splits at spaces.)
    const hostile = items(el).slice(1);
    expect(hostile.map(itemText)).to.deep.equal(XSS.split(' ').map((part) => `${part} — n/a`));
    expect(hostile[0]!.getAttribute('title')).to.equal('<img: not a valid symbol (up to 32 letters, digits, . - _ and /, starting with a letter or digit)');
    expect(items(el)[0]!.hasAttribute('title'), 'the valid one has no such title').to.be.false;
    feed.push('price:BTC-USD', { symbol: XSS, price: 1, ts: 1 });
    await frames(3);
    expect((window as { __xss?: number }).__xss).to.equal(undefined);
    await expect(el).to.be.accessible();
  });

  it('keeps its accessible name when label is empty or removed', async () => {
    const el = await fixture<TickerTape>(html`<ticker-tape symbols="BTC-USD" label="Crypto"></ticker-tape>`);
    const name = () => shadow(el).querySelector('[part=base]')!.getAttribute('aria-label');
    expect(name()).to.equal('Crypto');
    el.setAttribute('label', '');
    await el.updateComplete;
    expect(name()).to.equal('Market prices');
    el.removeAttribute('label');
    await el.updateComplete;
    expect(name()).to.equal('Market prices');
    await expect(el).to.be.accessible();
  });

  it('links symbols with lone surrogates instead of failing to render', async () => {
    const el = await fixture<TickerTape>(html`<ticker-tape symbols="BTC-USD" href="/quote/{symbol}"></ticker-tape>`);
    el.setAttribute('symbols', 'AAA,\uD800,BTC\uD83D,ETH-USD');
    await el.updateComplete; // encodeURIComponent's URIError rejected the update here, leaving the old list
    expect(items(el).map((item) => item.dataset.symbol)).to.deep.equal(['AAA', '\uD800', 'BTC\uD83D', 'ETH-USD']);
    expect(items(el).map((item) => item.getAttribute('href'))).to.deep.equal(['/quote/AAA', '/quote/%EF%BF%BD', '/quote/BTC%EF%BF%BD', '/quote/ETH-USD']);
  });
});
