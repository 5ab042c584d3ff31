/// <reference types="mocha" />
// History backfill in Chromium: a page opened after 300 ticks gets them from the relay's
// /v1/history across origins (CORS), with the bearer token (and its preflight) when auth is on.
import { expect } from '@open-wc/testing';
import { connectFeed } from '../../src/client/index.js';
import type { Feed, FeedUpdate } from '../../src/client/index.js';
import { relayHealth, relayInfo, until } from './relay.js';

async function flood(path: string, channel: string, count: number): Promise<void> {
  if (path === '/__relay/flood') {
    await fetch(path, { method: 'POST', body: JSON.stringify({ channel, count }) });
    return;
  }
  const symbol = channel.split(':')[1];
  for (let price = 1; price <= count; price++) {
    await fetch(path, { method: 'POST', body: JSON.stringify({ channel, data: { symbol, price, ts: Date.now() } }) });
  }
}

function expectRun(updates: FeedUpdate[], first: number, last: number): void {
  expect(updates.map((u) => u.seq)).to.deep.equal(Array.from({ length: last - first + 1 }, (_, i) => first + i));
  expect(updates.map((u) => u.data.price)).to.deep.equal(updates.map((u) => u.seq));
}

describe('history backfill in Chromium', () => {
  let feed: Feed | undefined;
  afterEach(async () => {
    feed?.close();
    feed = undefined;
    await until(async () => (await relayHealth()).connections === 0, 'the relay to see every socket closed');
  });

  it('shared-worker mode: history asked at mount holds the 300 ticks published before the page opened', async () => {
    const { wsUrl } = await relayInfo();
    const channel = `price:BACKFILL-SW${Date.now() % 100000}`;
    await flood('/__relay/flood', channel, 300);
    feed = connectFeed(wsUrl, { mode: 'shared-worker' });
    const live: FeedUpdate[] = [];
    feed.subscribe(channel, (u) => live.push(u));
    const history = await feed.history(channel, 600);
    expect(history.length).to.be.at.least(300);
    expectRun(history, 1, 300);
    await until(() => live.at(-1)?.seq === 300, 'the live value');
    expect(feed.status.mode).to.equal('shared-worker');
  });

  it('with auth on, the backfill sends the bearer token across origins (preflight included)', async () => {
    const { wsUrl } = (await (await fetch('/__relay/auth')).json()) as { wsUrl: string };
    const channel = `price:BACKFILL-AUTH${Date.now() % 100000}`;
    await flood('/__relay/auth/publish', channel, 40);
    feed = connectFeed(wsUrl, { mode: 'direct', token: async () => (await fetch('/__relay/auth/token')).text() });
    feed.subscribe(channel, () => {});
    await until(() => feed!.status.state === 'open', 'open with the token');
    expectRun(await feed.history(channel, 100), 1, 40);
  });

  it('with auth on and WebSockets blocked, polling sends the bearer token and values arrive', async () => {
    const { wsUrl } = (await (await fetch('/__relay/auth')).json()) as { wsUrl: string };
    const channel = `price:POLL-AUTH${Date.now() % 100000}`;
    await flood('/__relay/auth/publish', channel, 1);
    class BlockedWebSocket extends WebSocket {
      constructor(url: string | URL) {
        super(String(url).replace(/\/ws$/, '/blocked'));
      }
    }
    feed = connectFeed(wsUrl, {
      mode: 'direct', WebSocket: BlockedWebSocket, pollingInterval: 200, token: async () => (await fetch('/__relay/auth/token')).text(),
    });
    const seen: FeedUpdate[] = [];
    feed.subscribe(channel, (u) => seen.push(u));
    await until(() => feed!.status.state === 'polling', 'polling state', 15000);
    await until(() => seen.at(-1)?.data.price === 1, 'a value by polling with the token');
  });
});
