/**
 * The in-tab transports, leader mode and direct mode, as the one module that `connectFeed` loads
 * lazily when a SharedWorker cannot serve the page. Both carry the whole connection core, so one
 * chunk holds them: leader mode (the usual fallback, e.g. the kit from a CDN without a hosted
 * worker) downloads one file instead of the election plus the core apart (0.5 kB gzip less); a
 * page in direct mode (no Web Locks or BroadcastChannel, or `mode: 'direct'`) downloads the
 * election's code too (about 1.8 kB gzip it does not run).
 */
export { LeaderElection } from './leader.js';
export { createHub, localLink } from './direct.js';
