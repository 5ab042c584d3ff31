/**
 * The port protocol between a tab and the hub that owns the connection (in a SharedWorker, in the
 * leader tab, or in the tab itself). The same messages travel over a MessagePort, a
 * BroadcastChannel (leader mode, wrapped in an envelope that names the tab) or a direct call.
 * Every message is checked on arrival (hub messages with the guard below, tab messages with
 * tab-message.ts, which only hubs bundle); anything else is ignored.
 */
// Direct imports, not the barrel: the page bundles these guards without the frame validators.
import { isPlainObject } from '../protocol/guards.js';
import type { FeedError, FeedStatus, FeedUpdate } from './types.js';

/** Version of this protocol; a tab and a worker of different builds refuse each other. */
export const PORT_PROTOCOL_VERSION = 1;

/** An update as fanned out to tabs. `reset` tells the tab that `seq` started over. */
export interface PortUpdate extends FeedUpdate {
  reset?: boolean;
}

/** Options a tab sends so the hub can build the connection (the first tab's options win). */
export interface HubConfig {
  url: string;
  pollingInterval?: number;
}

/** Tab → hub. */
export type TabMessage =
  /** First message of a tab (again after a leader change): who it is, what it needs, where it is. */
  | {
      type: 'hello';
      v: number;
      tab: string;
      config: HubConfig;
      /** Name of the Web Lock this tab holds for its lifetime; its release means the tab is gone. */
      lock?: string;
      hidden: boolean;
      /** Whether the tab can answer `token-request`. */
      hasToken: boolean;
      channels: string[];
      /** Last `seq` the tab saw per channel, so a new leader resumes without gaps. */
      since: Record<string, number>;
      /**
       * The relay's run of seqs those `since`s come from (its `epoch`, as the last hub said), so a
       * new hub meeting a relay that started over takes them for what they are.
       */
      epoch?: string;
    }
  | { type: 'subscribe'; channels: string[] }
  | { type: 'unsubscribe'; channels: string[] }
  | { type: 'visibility'; hidden: boolean }
  /**
   * The tab's animation frames: one began at `at` (wall-clock ms: `performance.timeOrigin` + the
   * rAF timestamp), the next ones every `interval` ms. The hub times batches to land before them.
   */
  | { type: 'frames'; at: number; interval: number }
  | { type: 'history'; id: number; channel: string; limit?: number }
  /** Answer to `token-request`: the token (null: none), or why the tab's provider failed. */
  | { type: 'token'; id: number; token: string | null; error?: string }
  | { type: 'reconnect' }
  /** The tab is leaving (pagehide, `close()`); the Web Lock covers tabs that cannot say so. */
  | { type: 'bye' };

/** Hub → tab. */
export type HubMessage =
  | { type: 'welcome'; v: number; status: FeedStatus }
  /**
   * Latest value per channel since the previous batch, at most one batch per frame. `epoch`: the
   * relay's run of seqs these and later updates belong to, sent when it is news to the tab.
   */
  | { type: 'updates'; updates: PortUpdate[]; epoch?: string }
  | { type: 'status'; status: FeedStatus }
  | { type: 'history'; id: number; updates: FeedUpdate[] }
  /** The hub needs a fresh token (before connecting, or before expiry). */
  | { type: 'token-request'; id: number }
  /** The relay refused a channel of this tab (e.g. `forbidden`); no updates follow for it. */
  | { type: 'refused'; channel: string; error: FeedError };

/** Checks a message from the hub. */
export function isHubMessage(value: unknown): value is HubMessage {
  if (!isPlainObject(value)) return false;
  switch (value.type) {
    case 'welcome':
    case 'status':
      return isPlainObject(value.status) && typeof value.status.state === 'string';
    case 'updates':
      // `epoch` is only compared and handed back in a `hello`, where the hub checks it.
      return Array.isArray(value.updates);
    case 'history':
      return Number.isSafeInteger(value.id) && Array.isArray(value.updates);
    case 'token-request':
      return Number.isSafeInteger(value.id);
    case 'refused':
      return typeof value.channel === 'string' && isPlainObject(value.error) && typeof value.error.code === 'string' && typeof value.error.message === 'string';
    default:
      return false;
  }
}
