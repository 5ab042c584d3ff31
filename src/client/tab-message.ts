/**
 * The guard of tab → hub messages of the port protocol (port-protocol.ts). Only hubs check them
 * (the SharedWorker, the leader tab, a tab in direct mode), so it lives apart from the protocol's
 * types and the hub-message guard that every page bundles.
 */
import { isValidChannel } from '../protocol/channels.js';
import { isEpoch } from '../protocol/epoch.js';
import { isPlainObject } from '../protocol/guards.js';
import type { TabMessage } from './port-protocol.js';

/** No epoch, or a relay epoch (the protocol's grammar). */
const isOptionalEpoch = (value: unknown): boolean => value === undefined || isEpoch(value);

const isChannelList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.length <= 10_000 && value.every(isValidChannel);

/** Checks a message from a tab. */
export function isTabMessage(value: unknown): value is TabMessage {
  if (!isPlainObject(value)) return false;
  switch (value.type) {
    case 'hello':
      return typeof value.tab === 'string' && isPlainObject(value.config) && typeof value.config.url === 'string'
        && (value.config.pollingInterval === undefined || typeof value.config.pollingInterval === 'number')
        && (value.lock === undefined || typeof value.lock === 'string') && typeof value.hasToken === 'boolean'
        && isChannelList(value.channels) && isPlainObject(value.since) && typeof value.hidden === 'boolean' && isOptionalEpoch(value.epoch);
    case 'subscribe':
    case 'unsubscribe':
      return isChannelList(value.channels);
    case 'visibility':
      return typeof value.hidden === 'boolean';
    case 'frames':
      // 4–100 ms: 250 Hz down to a 10 fps crawl; anything else is not a frame rate.
      return Number.isFinite(value.at) && typeof value.interval === 'number' && value.interval >= 4 && value.interval <= 100;
    case 'history':
      return Number.isSafeInteger(value.id) && isValidChannel(value.channel);
    case 'token':
      return Number.isSafeInteger(value.id) && (value.token === null || typeof value.token === 'string') && (value.error === undefined || typeof value.error === 'string');
    case 'reconnect':
    case 'bye':
      return true;
    default:
      return false;
  }
}
