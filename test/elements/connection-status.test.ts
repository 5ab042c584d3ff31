import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../src/elements/connection-status/define.js';
import type { ConnectionStatus } from '../../src/elements/connection-status/connection-status.js';
import { configureFeed } from '../../src/elements/shared/default-feed.js';
import type { ConnectionState } from '../../src/client/types.js';
import type { MemoryFeed } from '../../src/client/memory-feed.js';
import { partText, shadow, until, useDefaultMemoryFeed, XSS } from './helpers.js';

const retryButton = (el: ConnectionStatus) => shadow(el).querySelector<HTMLButtonElement>('[part=retry]');

describe('<connection-status>', () => {
  let feed: MemoryFeed;
  beforeEach(() => {
    feed = useDefaultMemoryFeed();
  });

  const cases: [ConnectionState, string, boolean][] = [
    ['idle', 'Connecting', false],
    ['connecting', 'Connecting', false],
    ['open', 'Live', false],
    ['reconnecting', 'Reconnecting', true],
    ['offline', 'Offline', true],
    ['polling', 'Polling', true],
    ['closed', 'Closed', true],
  ];
  for (const [state, label, retry] of cases) {
    it(`shows ${state} as "${label}"${retry ? ' with a retry button' : ''}, accessibly, in light and dark`, async () => {
      feed.setStatus({ state, mode: 'shared-worker' });
      const el = await fixture<ConnectionStatus>(html`<connection-status></connection-status>`);
      expect(partText(el, 'label')).to.equal(label);
      expect(shadow(el).querySelector('[role=status]')!.textContent!.trim()).to.equal(label);
      expect(Boolean(retryButton(el))).to.equal(retry);
      await expect(el).to.be.accessible();
      el.theme = 'dark';
      await el.updateComplete;
      await expect(el).to.be.accessible();
    });
  }

  it('shows mode, latency and time since the last message, and keeps the clock running', async () => {
    feed.setStatus({ state: 'open', mode: 'leader', stats: { latencyMs: 23.4, messagesPerSecond: 3, lastMessageAt: Date.now() - 5000 } });
    const el = await fixture<ConnectionStatus>(html`<connection-status locale="en-US"></connection-status>`);
    expect(partText(el, 'detail')).to.match(/^leader tab · 23 ms · [56] seconds ago$/); // 6 on a slow machine
    await until(() => partText(el, 'detail').endsWith('7 seconds ago'), 'clock tick', 4000);
    feed.setStatus({ mode: 'direct', stats: { latencyMs: 120, messagesPerSecond: 0, lastMessageAt: Date.now() } });
    await el.updateComplete;
    expect(partText(el, 'detail')).to.equal('direct · 120 ms · now');
  });

  it('formats details per locale', async () => {
    feed.setStatus({ state: 'open', mode: 'direct', stats: { latencyMs: 1234, messagesPerSecond: 0, lastMessageAt: Date.now() - 120_000 } });
    const el = await fixture<ConnectionStatus>(html`<connection-status locale="de-DE"></connection-status>`);
    expect(partText(el, 'detail')).to.equal('direct · 1.234 ms · vor 2 Minuten');
  });

  it('retry calls feed.reconnect() and fires a cancelable mp-retry', async () => {
    feed.setStatus({ state: 'offline' });
    const el = await fixture<ConnectionStatus>(html`<connection-status></connection-status>`);
    setTimeout(() => retryButton(el)!.click());
    const event = await oneEvent(el, 'mp-retry');
    expect(event.detail).to.deep.equal({ state: 'offline' });
    expect(feed.reconnectCount).to.equal(1);
    el.addEventListener('mp-retry', (e) => e.preventDefault(), { once: true });
    retryButton(el)!.click();
    expect(feed.reconnectCount).to.equal(1);
  });

  it('follows status changes of the feed', async () => {
    const el = await fixture<ConnectionStatus>(html`<connection-status></connection-status>`);
    expect(el.state).to.equal('live');
    feed.setStatus({ state: 'reconnecting' });
    await el.updateComplete;
    expect(partText(el, 'label')).to.equal('Reconnecting');
    feed.setStatus({ state: 'open' });
    await el.updateComplete;
    expect(partText(el, 'label')).to.equal('Live');
    expect(retryButton(el)).to.equal(null);
  });

  it('compact: a dot named by the state, details in the tooltip, accessible', async () => {
    feed.setStatus({ state: 'polling', mode: 'direct', stats: { latencyMs: 40, messagesPerSecond: 1, lastMessageAt: Date.now() } });
    const el = await fixture<ConnectionStatus>(html`<connection-status compact locale="en-US"></connection-status>`);
    const dot = shadow(el).querySelector('[part=dot]')!;
    expect(dot.getAttribute('aria-label')).to.equal('Connection: Polling');
    expect(shadow(el).querySelector('[part=base]')!.getAttribute('title')).to.equal('Polling · direct · 40 ms · now');
    expect(shadow(el).querySelector('[part=label]')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('shows the reason of a terminal error as text', async () => {
    feed.setStatus({ state: 'closed', mode: 'direct', error: { code: 'forbidden', message: XSS } });
    const el = await fixture<ConnectionStatus>(html`<connection-status></connection-status>`);
    expect(partText(el, 'detail')).to.equal(`direct · ${XSS}`);
    expect(shadow(el).querySelector('img')).to.equal(null);
    expect((window as { __xss?: number }).__xss).to.equal(undefined);
    await expect(el).to.be.accessible();
  });

  it('says so when there is no feed', async () => {
    configureFeed(null);
    const el = await fixture<ConnectionStatus>(html`<connection-status></connection-status>`);
    expect(el.state).to.equal('no-feed');
    expect(partText(el, 'label')).to.equal('No feed');
    await expect(el).to.be.accessible();
  });

  it('fires nothing when properties are set from script', async () => {
    feed.setStatus({ state: 'offline' });
    const el = await fixture<ConnectionStatus>(html`<connection-status></connection-status>`);
    let fired = 0;
    el.addEventListener('mp-retry', () => fired++);
    el.compact = true;
    el.locale = 'fr-FR';
    await el.updateComplete;
    feed.setStatus({ state: 'closed' });
    await el.updateComplete;
    expect(fired).to.equal(0);
    expect(feed.reconnectCount).to.equal(0);
  });
});
