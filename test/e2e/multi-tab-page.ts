/**
 * The page opened in every tab of the multi-tab tests (bundled by multi-tab-harness.ts). Query:
 * `feed` (ws URL), `mode`, `channels` (comma-separated). It records what each channel receives,
 * and the states the feed went through.
 */
import { connectFeed, type ConnectOptions } from '../../src/client/index.js';

const params = new URLSearchParams(location.search);
const feed = connectFeed(params.get('feed') ?? '', { mode: (params.get('mode') ?? 'auto') as ConnectOptions['mode'] });
const seen: Record<string, Array<{ seq: number; price: unknown }>> = {};
for (const channel of (params.get('channels') ?? '').split(',').filter(Boolean)) {
  const list: Array<{ seq: number; price: unknown }> = (seen[channel] = []);
  feed.subscribe(channel, (update) => list.push({ seq: update.seq, price: update.data.price }));
}
const states: string[] = [];
feed.onStatus(({ state }) => {
  if (states.at(-1) !== state) states.push(state);
});
Object.assign(globalThis, { feed, seen, states });
