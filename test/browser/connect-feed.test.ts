/// <reference types="mocha" />
// The three transports end to end in Chromium, against the real relay of the wtr relay plugin.
import { expect } from '@open-wc/testing';
import { connectFeed } from '../../src/client/index.js';
import type { Feed, FeedError, FeedUpdate } from '../../src/client/index.js';
import { publish, relayHealth, relayInfo, tick, until } from './relay.js';

/** Runs `body` and returns what it printed with console.warn. */
async function warningsOf(body: () => Promise<void>): Promise<string[]> {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
  try {
    await body();
  } finally {
    console.warn = warn;
  }
  return warnings;
}

async function roundTrip(feed: Feed, channel: string): Promise<FeedUpdate[]> {
  const seen: FeedUpdate[] = [];
  const stop = feed.subscribe(channel, (update) => seen.push(update));
  await until(() => feed.status.state === 'open', `${channel}: state open (is ${feed.status.state})`);
  await until(async () => (await relayHealth()).subscriptions >= 1, 'the relay to see the subscription');
  const symbol = channel.slice('price:'.length);
  for (let i = 1; i <= 3; i++) await publish(channel, tick(symbol, i));
  await until(() => seen.at(-1)?.data.price === 3, `${channel}: the last update`);
  stop();
  return seen;
}

describe('connectFeed in Chromium', () => {
  let feed: Feed | undefined;
  afterEach(async () => {
    feed?.close();
    feed = undefined;
    await until(async () => (await relayHealth()).connections === 0, 'the relay to see every socket closed');
  });

  it('shared-worker mode: the socket lives in a SharedWorker and updates reach the tab', async () => {
    const { wsUrl } = await relayInfo();
    feed = connectFeed(wsUrl, { mode: 'shared-worker' });
    const seen = await roundTrip(feed, 'price:SW-1');
    expect(feed.status.mode).to.equal('shared-worker');
    // Values may be coalesced per frame, never reordered or repeated.
    const prices = seen.map((u) => u.data.price as number);
    expect(prices).to.deep.equal([...new Set(prices)].sort((a, b) => a - b));
  });

  it('auto mode picks the SharedWorker when the kit is same-origin', async () => {
    const { wsUrl } = await relayInfo();
    feed = connectFeed(wsUrl);
    await roundTrip(feed, 'price:AUTO-1');
    expect(feed.status.mode).to.equal('shared-worker');
  });

  it('two feeds on one URL with different options still share the worker: one socket', async () => {
    const { wsUrl } = await relayInfo();
    feed = connectFeed(wsUrl, { mode: 'shared-worker' });
    const other = connectFeed(wsUrl, { mode: 'shared-worker', pollingInterval: 5000 });
    try {
      const got: number[] = [];
      other.subscribe('price:SW-2', (u) => got.push(u.data.price as number));
      await roundTrip(feed, 'price:SW-3');
      await publish('price:SW-2', tick('SW-2', 9));
      await until(() => got.includes(9), 'the second feed to get its update');
      expect((await relayHealth()).connections).to.equal(1);
    } finally {
      other.close();
    }
  });

  it('forced leader mode: one tab alone becomes leader and gets updates', async () => {
    const { wsUrl } = await relayInfo();
    feed = connectFeed(wsUrl, { mode: 'leader' });
    await roundTrip(feed, 'price:LEAD-1');
    expect(feed.status.mode).to.equal('leader');
  });

  it('forced direct mode: the tab holds its own socket', async () => {
    const { wsUrl } = await relayInfo();
    feed = connectFeed(wsUrl, { mode: 'direct' });
    await roundTrip(feed, 'price:DIR-1');
    expect(feed.status.mode).to.equal('direct');
  });

  it('a worker URL on another origin falls back to leader mode by itself', async () => {
    const { wsUrl, httpUrl } = await relayInfo();
    // The relay's origin differs from the test page's: a SharedWorker from there is refused.
    const warnings = await warningsOf(async () => {
      feed = connectFeed(wsUrl, { worker: `${httpUrl}/market-pulse-worker.js` });
      await roundTrip(feed, 'price:CDN-1');
    });
    expect(feed!.status.mode).to.equal('leader');
    expect(warnings, 'the site owner is told why there is no shared worker').to.have.length(1);
    expect(warnings[0]).to.contain(`${httpUrl}/market-pulse-worker.js`).and.to.contain('cross-origin').and.to.contain('leader mode');
  });

  it('history() returns recent updates from the hub, oldest first', async () => {
    const { wsUrl } = await relayInfo();
    feed = connectFeed(wsUrl, { mode: 'shared-worker' });
    const seen: FeedUpdate[] = [];
    feed.subscribe('price:HIST-1', (u) => seen.push(u));
    await until(() => feed!.status.state === 'open', 'open');
    await until(async () => (await relayHealth()).subscriptions >= 1, 'subscribed');
    for (let i = 1; i <= 5; i++) await publish('price:HIST-1', tick('HIST-1', i));
    await until(() => seen.at(-1)?.data.price === 5, 'the last update');
    const history = await feed.history('price:HIST-1');
    expect(history.map((u) => u.data.price)).to.deep.equal([1, 2, 3, 4, 5]);
    expect((await feed.history('price:HIST-1', 2)).map((u) => u.data.price)).to.deep.equal([4, 5]);
  });
});

describe('connectFeed fallbacks in Chromium', () => {
  it('a same-origin worker script that fails to load falls back to leader mode', async () => {
    const { wsUrl } = await relayInfo();
    let feed: Feed | undefined;
    try {
      const warnings = await warningsOf(async () => {
        feed = connectFeed(wsUrl, { worker: '/no-such-worker.js' });
        await roundTrip(feed, 'price:BADW-1');
      });
      expect(feed!.status.mode).to.equal('leader');
      expect(warnings, 'the site owner is told why there is no shared worker').to.have.length(1);
      expect(warnings[0]).to.contain('/no-such-worker.js').and.to.contain('did not start').and.to.contain('leader mode');
    } finally {
      feed?.close();
    }
  });

  it('when WebSockets are blocked, the page polls /v1/snapshot across origins (CORS) and says so', async () => {
    const { wsUrl } = await relayInfo();
    // Every socket goes to a path the relay refuses, as behind a proxy that strips upgrades.
    class BlockedWebSocket extends WebSocket {
      constructor(url: string | URL) {
        super(String(url).replace(/\/ws$/, '/blocked'));
      }
    }
    const feed = connectFeed(wsUrl, { mode: 'direct', WebSocket: BlockedWebSocket, pollingInterval: 200 });
    try {
      const seen: FeedUpdate[] = [];
      feed.subscribe('price:POLL-1', (u) => seen.push(u));
      await publish('price:POLL-1', tick('POLL-1', 11));
      await until(() => feed.status.state === 'polling', 'polling state', 15000);
      expect(feed.status.error?.code).to.equal('websocket_unavailable');
      await until(() => seen.at(-1)?.data.price === 11, 'a value by polling');
      await publish('price:POLL-1', tick('POLL-1', 12));
      await until(() => seen.at(-1)?.data.price === 12, 'the next value by polling');
      expect((await relayHealth()).connections).to.equal(0);
    } finally {
      feed.close();
    }
  });
});

describe('connectFeed mode detection in Chromium', () => {
  it('a hosted same-origin worker file that imports the kit’s worker gives shared-worker mode', async () => {
    const { wsUrl } = await relayInfo();
    const feed = connectFeed(wsUrl, { worker: new URL('./hosted-worker.js', import.meta.url).pathname });
    try {
      await roundTrip(feed, 'price:HOSTED-1');
      expect(feed.status.mode).to.equal('shared-worker');
    } finally {
      feed.close();
    }
  });

  /** Runs `body` with globals hidden, as in a browser that lacks them. */
  async function without(names: Array<[object, string]>, body: () => Promise<void>): Promise<void> {
    const saved = names.map(([owner, name]) => [owner, name, Object.getOwnPropertyDescriptor(owner, name)] as const);
    for (const [owner, name] of names) Object.defineProperty(owner, name, { value: undefined, configurable: true, writable: true });
    try {
      await body();
    } finally {
      for (const [owner, name, descriptor] of saved) {
        if (descriptor) Object.defineProperty(owner, name, descriptor);
        else delete (owner as Record<string, unknown>)[name];
      }
    }
  }

  it('auto mode without SharedWorker elects a leader', async () => {
    const { wsUrl } = await relayInfo();
    await without([[globalThis, 'SharedWorker']], async () => {
      const feed = connectFeed(wsUrl, { pollingInterval: 1001 });
      try {
        await roundTrip(feed, 'price:NOSW-1');
        expect(feed.status.mode).to.equal('leader');
      } finally {
        feed.close();
      }
    });
  });

  it('auto mode without SharedWorker, Web Locks or BroadcastChannel connects directly', async () => {
    const { wsUrl } = await relayInfo();
    await without([[globalThis, 'SharedWorker'], [globalThis, 'BroadcastChannel'], [navigator, 'locks']], async () => {
      const feed = connectFeed(wsUrl, { pollingInterval: 1002 });
      try {
        await roundTrip(feed, 'price:BARE-1');
        expect(feed.status.mode).to.equal('direct');
      } finally {
        feed.close();
      }
    });
  });
});

describe('connectFeed with a token in Chromium', () => {
  it('shared-worker mode: the worker asks the tab’s token provider, and asks again before expiry', async function () {
    this.timeout(30_000);
    const { wsUrl } = (await (await fetch('/__relay/auth')).json()) as { wsUrl: string };
    let calls = 0;
    // 3-second tokens: the relay closes with 4004 unless a fresh one arrives in time.
    const token = async () => {
      calls++;
      return (await fetch('/__relay/auth/token?ttl=3')).text();
    };
    const feed = connectFeed(wsUrl, { mode: 'shared-worker', token });
    try {
      const seen: FeedUpdate[] = [];
      feed.subscribe('price:AUTH-1', (u) => seen.push(u));
      await until(() => feed.status.state === 'open', 'open with a token');
      expect(feed.status.mode).to.equal('shared-worker');
      const statesAfterOpen: string[] = [];
      feed.onStatus(({ state }) => statesAfterOpen.push(state));
      await new Promise((resolve) => setTimeout(resolve, 4500)); // past the first token's expiry
      expect(calls).to.be.greaterThan(1);
      expect(statesAfterOpen.every((state) => state === 'open'), statesAfterOpen.join()).to.equal(true);
      await fetch('/__relay/auth/publish', { method: 'POST', body: JSON.stringify({ channel: 'price:AUTH-1', data: tick('AUTH-1', 77) }) });
      await until(() => seen.at(-1)?.data.price === 77, 'an update on the authenticated socket');
    } finally {
      feed.close();
    }
  });
});

describe('a failing token provider in Chromium', () => {
  for (const mode of ['shared-worker', 'leader', 'direct'] as const) {
    it(`${mode} mode: a provider that throws for a while is asked again with backoff, the reason shown; the feed is never closed`, async function () {
      this.timeout(20_000);
      const { wsUrl } = (await (await fetch('/__relay/auth')).json()) as { wsUrl: string };
      let calls = 0;
      const token = async () => {
        if (++calls <= 2) throw new Error('token endpoint answered 500');
        return (await fetch('/__relay/auth/token')).text();
      };
      const feed = connectFeed(wsUrl, { mode, token });
      const errors: string[] = [];
      feed.onStatus(({ state, error }) => error && errors.push(`${state} ${error.code}: ${error.message}`));
      try {
        const seen: FeedUpdate[] = [];
        feed.subscribe(`price:TOKFAIL-${mode}`, (u) => seen.push(u));
        await until(() => feed.status.state === 'open', 'open once the provider works', 15_000);
        expect(calls).to.equal(3);
        expect(errors.some((e) => /^reconnecting token_unavailable: token provider failed: .*token endpoint answered 500/.test(e)), errors.join('; ')).to.equal(true);
        expect(errors.some((e) => e.startsWith('closed')), errors.join('; ')).to.equal(false);
        expect(feed.status.error).to.equal(null);
        await fetch('/__relay/auth/publish', { method: 'POST', body: JSON.stringify({ channel: `price:TOKFAIL-${mode}`, data: tick('TOKFAIL', 5) }) });
        await until(() => seen.at(-1)?.data.price === 5, 'an update on the authenticated socket');
      } finally {
        feed.close();
      }
    });
  }
});

describe('an expired fixed token in Chromium', () => {
  for (const mode of ['shared-worker', 'direct'] as const) {
    it(`${mode} mode: the feed says the token expired instead of reconnecting with it in silence`, async function () {
      this.timeout(15_000);
      const { wsUrl } = (await (await fetch('/__relay/auth')).json()) as { wsUrl: string };
      const expired = await (await fetch('/__relay/auth/token?ttl=-60')).text();
      const feed = connectFeed(wsUrl, { mode, token: expired });
      try {
        const seen: string[] = [];
        feed.onStatus((s) => seen.push(`${s.state}/${s.error?.code}`));
        feed.subscribe('price:EXPIRED-1', () => {});
        await until(() => feed.status.error?.code === 'token_expired', 'error token_expired', 8000).catch((e) => { throw new Error(`${e} ${seen.join(' ')}`); });
        expect(feed.status.state).to.equal('reconnecting');
        expect(feed.status.error!.message).to.contain('expired');
      } finally {
        feed.close();
      }
    });
  }
});

describe('feeds with different tokens in Chromium', () => {
  it('feeds of one relay URL share one socket, and so one token; a query string on the URL gives a feed a socket and a token of its own', async function () {
    this.timeout(20_000);
    const { wsUrl } = (await (await fetch('/__relay/auth')).json()) as { wsUrl: string };
    const token = (channels: string) => async () => (await fetch(`/__relay/auth/token?channels=${channels}`)).text();
    const publicFeed = connectFeed(wsUrl, { mode: 'shared-worker', token: token('price:*') });
    // A signed-in user's widget: its token also allows the user's alerts. Documented workaround
    // (docs/connection.md): its own URL, so its own worker, socket and token.
    const userFeed = connectFeed(`${wsUrl}?as=user`, { mode: 'shared-worker', token: token('price:*,alerts:42') });
    try {
      const alerts: FeedUpdate[] = [];
      const refusals: FeedError[] = [];
      publicFeed.subscribe('price:SHARE-1', () => {});
      userFeed.subscribe('alerts:42', (u) => alerts.push(u), (error) => refusals.push(error));
      await until(() => publicFeed.status.state === 'open' && userFeed.status.state === 'open', 'both open');
      await fetch('/__relay/auth/publish', { method: 'POST', body: JSON.stringify({ channel: 'alerts:42', data: tick('ALERT', 1) }) });
      await until(() => alerts.length > 0, `the user's alert (refusals: ${JSON.stringify(refusals)})`);
      expect(refusals).to.deep.equal([]);
    } finally {
      publicFeed.close();
      userFeed.close();
    }
  });
});

describe('refused channels in Chromium', () => {
  for (const mode of ['shared-worker', 'leader', 'direct'] as const) {
    it(`${mode} mode: a channel the token does not allow is reported to its subscribers, the allowed one fed`, async function () {
      this.timeout(20_000);
      const { wsUrl } = (await (await fetch('/__relay/auth')).json()) as { wsUrl: string };
      // The plugin's tokens allow `price:*` only.
      const feed = connectFeed(wsUrl, { mode, token: async () => (await fetch('/__relay/auth/token')).text() });
      try {
        const refusals: FeedError[] = [];
        const seen: FeedUpdate[] = [];
        feed.subscribe('alerts:SECRET', () => {}, (error) => refusals.push(error));
        feed.subscribe('price:ALLOWED-1', (u) => seen.push(u));
        await until(() => refusals.length === 1, 'the refusal');
        expect(refusals[0]!.code).to.equal('forbidden');
        await fetch('/__relay/auth/publish', { method: 'POST', body: JSON.stringify({ channel: 'price:ALLOWED-1', data: tick('ALLOWED-1', 5) }) });
        await until(() => seen.at(-1)?.data.price === 5, 'the allowed channel fed');
        const late: FeedError[] = [];
        feed.subscribe('alerts:SECRET', () => {}, (error) => late.push(error));
        expect(late.map((e) => e.code)).to.deep.equal(['forbidden'], 'a later subscriber is told at once');
      } finally {
        feed.close();
      }
    });
  }
});

describe('fan-out to tabs in Chromium', () => {
  it('a flood of ticks reaches a tab as about one delivery per frame, ending on the latest value', async function () {
    this.timeout(30_000);
    const { wsUrl } = await relayInfo();
    const feed = connectFeed(wsUrl, { mode: 'shared-worker' });
    try {
      const prices: number[] = [];
      feed.subscribe('price:FLOOD-1', (u) => prices.push(u.data.price as number));
      await until(() => feed.status.state === 'open', 'open');
      await until(async () => (await relayHealth()).subscriptions >= 1, 'subscribed');
      const started = performance.now();
      const response = await fetch('/__relay/flood', { method: 'POST', body: JSON.stringify({ channel: 'price:FLOOD-1', count: 5000 }) });
      expect(((await response.json()) as { published: number }).published).to.equal(5000);
      await until(() => prices.at(-1) === 5000, 'the latest value', 20_000);
      const elapsed = performance.now() - started;
      expect(prices.length).to.be.lessThan(5000 / 5);
      expect(prices.length).to.be.at.most(Math.ceil(elapsed / 16) + 3);
      expect(prices).to.deep.equal([...prices].sort((a, b) => a - b));
    } finally {
      feed.close();
    }
  });
});
