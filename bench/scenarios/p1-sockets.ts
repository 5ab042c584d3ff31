/**
 * P1 — sockets at the relay with 4 tabs of one site open. Ours: each tab calls connectFeed() in
 * shared-worker mode; the relay's /healthz `connections` is read once all 4 tabs have data.
 * Peers: one socket per tab (socket.io-client against a socket.io relay; a plain WebSocket against
 * the `ws` relay), counted by their servers.
 */
import { median } from '../lib/stats.js';
import type { Figure } from '../lib/figure.js';
import { browserMissing, withBrowser } from '../lib/browser-rig.js';
import { onRig, relayMissing, withRelays, type RelayKind, type RelayRig } from '../lib/relay-arms.js';
import { alternate, sleep, type Scenario } from '../lib/scenario.js';
import { openTabs, serveFeedPages } from '../lib/tabs.js';

const TABS = 4;
const SOURCES = ['src/client/connect-feed.ts', 'src/worker/shared-worker.ts', 'src/server/relay.ts'];

/** Waits (bounded) until the previous repetition's sockets are gone from the relay's count. */
async function settleToZero(rig: RelayRig): Promise<void> {
  for (let i = 0; i < 50 && Number(await rig.server.call('connections')) > 0; i++) await sleep(100);
}

export const p1Sockets: Scenario = {
  id: 'P1',
  title: 'sockets at the relay with 4 tabs',
  async run(context) {
    const noBrowser = await browserMissing([]);
    if (noBrowser) return [{ id: 'P1', name: 'sockets at the relay with 4 tabs', skipped: noBrowser }];
    const oursMissing = (await browserMissing(SOURCES)) ?? relayMissing('ours');
    const modes = new Set<string>();
    const samples = await withBrowser(async ({ browser, server }) => {
      const urls = await serveFeedPages(server, !oursMissing);
      const kinds: RelayKind[] = oursMissing ? ['socketio', 'naive'] : ['ours', 'socketio', 'naive'];
      return withRelays(kinds, async (rigs) => {
        const arm = (kind: RelayKind, page: string) => () =>
          onRig(rigs[kind] as RelayRig, async (rig) => {
            await settleToZero(rig);
            await rig.server.call('rate', { ticksPerSecond: 20, symbols: 1 });
            const origin = rig.wsUrl.replace(/^ws/, 'http').replace(/\/socket\.io.*$/, '');
            const query = `?ws=${encodeURIComponent(rig.wsUrl)}&origin=${encodeURIComponent(origin)}`;
            const tabs = await openTabs(browser, urls[page]! + query, TABS);
            try {
              tabs.modes.forEach((m) => modes.add(`${kind}: ${m}`));
              await sleep(500);
              return Number(await rig.server.call('connections'));
            } finally {
              await tabs.context.close();
            }
          });
        const arms: Record<string, () => Promise<number>> = { socketio: arm('socketio', 'socketio'), websocket: arm('naive', 'websocket') };
        if (!oursMissing) arms.ours = arm('ours', 'ours');
        // A socket count barely varies: one repetition in --quick, three in a full run.
        return alternate(context.options.quick ? 1 : Math.min(context.options.reps, 3), arms);
      });
    });
    context.note(`tab modes seen: ${[...modes].join(', ')}`);
    const figures: Figure[] = [];
    for (const [peer, peerName] of [['socketio', 'socket.io-client'], ['websocket', 'plain WebSocket']] as const) {
      const name = `sockets at the relay with ${TABS} tabs vs ${peerName}`;
      const peerValue = median(samples[peer]!);
      if (oursMissing) {
        figures.push({ id: 'P1', name, skipped: `${oursMissing}; ${peerName} ${peerValue}` });
        continue;
      }
      const ours = median(samples.ours!);
      figures.push({ id: 'P1', name, unit: '', ours, peer: peerValue, peerName, target: '1', met: ours === 1, detail: { samples } });
    }
    return figures;
  },
};
