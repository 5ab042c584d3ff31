/**
 * How a Redis backend node gets back in sync after every (re)connect, and its health meanwhile:
 * it restores the last values Redis lost (a restart without persistence; one restore-many script
 * per 1,000 known channels), re-SUBSCRIBEs every watched channel and catches each up from
 * history. The watched channels' catch-up reads go through their reader, which batches them (see
 * redis-recover-batcher.ts): one recover-many script per 1,000 channels, not one per channel. A timer retries what no reconnect event
 * will (e.g. a command that timed out): a whole resync while the node is out of sync, else only
 * the watched channels that still owe a catch-up.
 *
 * A channel whose keys Redis cannot read (something else stored under them) does not keep the
 * node degraded: it is reported once, its watchers get no catch-up, and it is read again with a
 * growing delay (up to a minute) until its keys hold the relay's data again, or until it is
 * unwatched (then forgotten: no record outlives the node's watched channels).
 *
 * Redis's ACL may refuse the relay's user some channels (redis-acl.ts): the re-SUBSCRIBE and the
 * restore go one channel per command when Redis refuses them as a whole, a channel refused stays
 * out (no catch-up; its SUBSCRIBE is tried again, alone, when its retry is due) and the node is in
 * sync with the rest, not degraded.
 */
import type { Redis } from 'ioredis';
import type { BackendHealth, Envelope } from './types.js';
import { ChannelRefusedError, readAllowed, type AclRefusals } from './redis-acl.js';
import type { BusSubscriptions } from './redis-bus-subscriptions.js';
import type { KnownEnvelopes } from './redis-envelopes.js';
import type { RedisScripts, UnusableKeys } from './redis-script-commands.js';
import { channelKeys } from './redis-scripts.js';
import type { WatchedChannel } from './redis-watched-channel.js';
import { ChannelUnreadableError, inBatches } from './redis-strict-reads.js';

/** Where connection changes and problems are reported. */
export interface RedisLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** What {@link keepInSync} works on: the backend's connections and state. */
export interface RedisSyncOptions {
  command: Redis;
  subscriber: Redis;
  scripts: RedisScripts;
  /** The newest envelope this node saw per channel: what is restored when Redis lost it. */
  known: KnownEnvelopes;
  /** The node's watched channels, by name (read at each resync). */
  watched: ReadonlyMap<string, WatchedChannel>;
  prefix: string;
  log: RedisLogger;
  /** The node's SUBSCRIBEs, which keep to what Redis's ACL allows. */
  buses: BusSubscriptions;
  /** What Redis's ACL refused the node's user. */
  refusals: AclRefusals;
}

/** A node's sync state with Redis. */
export interface RedisSync {
  /** `ok` while both connections are up and the last resync succeeded, else `degraded`. */
  health(): BackendHealth;
  /** Restores, re-subscribes and catches up now (or has the running resync do it again when needed). */
  resync(): Promise<void>;
  /** Something (a watched channel's SUBSCRIBE) failed: `degraded` until a resync re-subscribes everything. */
  markUnsynced(): void;
  /**
   * `channel` is no longer watched: its record as a channel Redis cannot read is dropped (watched
   * again, it is read, and reported if still unreadable, as a channel never seen before).
   */
  forget(channel: string): void;
  /** How many watched channels Redis cannot read now (reported, retried with a growing delay). */
  unreadableCount(): number;
  /** Stops the retry timer; `health()` is `degraded` from now on. */
  close(): void;
}

const RETRY_CHECK_MS = 1_000;
/** Longest wait between two reads of a channel Redis cannot read. */
const UNREADABLE_RETRY_MAX_MS = 60_000;

/**
 * Wires the connection events of `command` and `subscriber` (before they connect) and starts the
 * retry timer. The first resync is the caller's, once the connections had their chance to come up.
 */
export function keepInSync({ command, subscriber, scripts, known, watched, prefix, log, buses, refusals }: RedisSyncOptions): RedisSync {
  let closed = false;
  let synced = false;
  let restoreOwed = true;
  let resyncing = false;
  /** Set when the running resync can no longer be trusted (a connection closed, a SUBSCRIBE failed): it runs again. */
  let resyncInvalidated = false;
  let reportedHealth: BackendHealth = 'degraded'; // the first successful sync logs "connected"
  let catchingUp = false;
  /** Watched channels Redis could not read, with when to read them again and the wait after that (dropped on unwatch). */
  const unreadable = new Map<string, { at: number; delayMs: number }>();

  const isReady = (client: Redis): boolean => client.status === 'ready';
  const health = (): BackendHealth =>
    !closed && synced && isReady(command) && isReady(subscriber) ? 'ok' : 'degraded';
  const reportHealth = (): void => {
    const now = health();
    if (now === reportedHealth || closed) return;
    reportedHealth = now;
    if (now === 'ok') log.info('redis: connected and in sync');
    else log.warn('redis: unavailable, serving local clients degraded and retrying');
  };
  const markUnsynced = (): void => {
    synced = false;
    if (resyncing) resyncInvalidated = true;
  };

  /**
   * Syncs `channels` together (their reads go out as one batch). Rejects with the first failure
   * other than a channel Redis cannot read, or whose keys its ACL refuses; those are reported
   * (redis-acl.ts reports the latter) and retried later.
   */
  const syncAll = async (channels: WatchedChannel[]): Promise<void> => {
    const outcomes = await Promise.allSettled(channels.map((w) => w.sync()));
    let failure: unknown = null;
    outcomes.forEach((outcome, index) => {
      const { channel } = channels[index]!;
      if (watched.get(channel) !== channels[index]) return; // unwatched meanwhile: nothing to remember
      if (outcome.status === 'fulfilled') {
        if (unreadable.delete(channel)) log.info(`redis: ${channel} is readable again`);
      } else if (outcome.reason instanceof ChannelRefusedError) {
        // Owes its catch-up: asked again every check, answered without Redis until its retry is due.
      } else if (outcome.reason instanceof ChannelUnreadableError) {
        const previous = unreadable.get(channel);
        if (!previous) log.warn(`redis: ${outcome.reason.message}; its watchers on this node get no catch-up until its keys hold relay data again`);
        const delayMs = Math.min(UNREADABLE_RETRY_MAX_MS, (previous?.delayMs ?? RETRY_CHECK_MS / 2) * 2);
        unreadable.set(channel, { at: Date.now() + delayMs, delayMs });
      } else {
        failure ??= outcome.reason;
      }
    });
    if (failure) throw failure;
  };

  /** The SUBSCRIBEs of `channels` that Redis allowed, each caught up. */
  const subscribeAndSync = async (channels: string[]): Promise<void> => {
    const subscribed = await inBatches(channels, (batch) => buses.subscribe(batch).then((allowed) => {
      const isAllowed = new Set(allowed);
      return batch.map((channel) => isAllowed.has(channel));
    }));
    await syncAll(channels.filter((_, index) => subscribed[index]).map((channel) => watched.get(channel)!).filter(Boolean));
  };

  /**
   * The watched channels whose catch-up failed since, each when its retry is due; and the watched
   * channels whose SUBSCRIBE Redis's ACL refused, when their retry is due.
   */
  const catchUpOwed = async (): Promise<void> => {
    const now = Date.now();
    const owed = [...watched.values()].filter((w) => w.owesSync && (unreadable.get(w.channel)?.at ?? 0) <= now);
    const refused = [...watched.keys()].filter((channel) => refusals.has(channel, 'bus') && !refusals.current(channel, 'bus', now));
    if ((owed.length === 0 && refused.length === 0) || catchingUp || resyncing) return;
    catchingUp = true;
    try {
      if (refused.length > 0) await subscribeAndSync(refused);
      await syncAll(owed);
    } catch (error) {
      log.warn(`redis: catching up ${owed.length} channel(s) failed, will retry: ${String(error)}`);
    } finally {
      catchingUp = false;
    }
  };

  /**
   * Channels whose last value the last restore could not put back (foreign data under their keys),
   * so that each is reported once while it stays so. Replaced by every restore: at most the known
   * channels, and a channel this node no longer knows is dropped.
   */
  let unrestorable = new Set<string>();
  /** Puts back what Redis lost: one restore-many script per 1,000 known channels, all issued now. */
  const restoreKnown = async (): Promise<void> => {
    const envelopes = known.all();
    // A script Redis's ACL refuses as a whole goes again per channel; a refused channel is skipped (and reported by redis-acl.ts).
    const results = await inBatches(envelopes, (batch) => readAllowed<Envelope, boolean | UnusableKeys | ChannelRefusedError>(batch,
      (entries) => scripts.restoreMany(entries.map((envelope) => ({ keys: channelKeys(prefix, envelope.channel), envelope }))),
      { refusals, permission: 'keys', channelOf: ({ channel }) => channel, refusedAnswer: (error) => error, split: true }));
    let restored = 0;
    const stillUnrestorable = new Set<string>();
    results.forEach((result, index) => {
      const { channel } = envelopes[index]!;
      if (result === true || result === false) {
        restored += Number(result);
      } else if (result instanceof ChannelRefusedError) {
        stillUnrestorable.add(channel);
      } else {
        stillUnrestorable.add(channel);
        if (!unrestorable.has(channel)) log.warn(`redis: Redis cannot read ${channel}'s keys: ${result.unusable}; its last value was not restored`);
      }
    });
    unrestorable = stillUnrestorable;
    if (restored > 0) log.warn(`redis: had lost ${restored} channel(s); restored their last values from this node`);
  };

  const resync = async (): Promise<void> => {
    // A call while a resync runs (a 'ready' event whose status it already saw, the retry timer)
    // needs no second round unless something invalidated the running one.
    if (resyncing) return;
    resyncing = true;
    try {
      do {
        resyncInvalidated = false;
        if (closed || !isReady(command) || !isReady(subscriber)) {
          synced = false;
          break;
        }
        if (restoreOwed) {
          await restoreKnown();
          restoreOwed = false;
        }
        // Every channel's catch-up read is issued in one turn, so their reader sends them as one batch.
        // A channel Redis's ACL refuses is left out (logged once); the others are in sync.
        await subscribeAndSync([...watched.keys()]);
        synced = true;
      } while (resyncInvalidated && !closed);
    } catch (error) {
      synced = false;
      log.warn(`redis: resync failed, will retry: ${String(error)}`);
    } finally {
      resyncing = false;
      reportHealth();
    }
  };

  let lastError = '';
  for (const client of [command, subscriber]) {
    client.on('error', (error: Error) => {
      // ioredis emits one error per failed attempt; report each distinct cause once.
      if (error.message !== lastError) log.warn(`redis: ${error.message}`);
      lastError = error.message;
    });
    client.on('close', () => {
      markUnsynced(); // a subscription or restore of the running resync may be lost with it
      if (client === command) restoreOwed = true;
      reportHealth();
    });
    client.on('ready', () => {
      lastError = '';
      void resync();
    });
  }

  // Safety net for failures that no reconnect event will retry (e.g. a command timeout).
  const retryTimer = setInterval(() => {
    if (!synced) void resync();
    else void catchUpOwed();
  }, RETRY_CHECK_MS);
  retryTimer.unref();

  return {
    health,
    resync,
    markUnsynced,
    forget(channel) {
      unreadable.delete(channel);
    },
    unreadableCount: () => unreadable.size,
    close() {
      closed = true;
      clearInterval(retryTimer);
    },
  };
}
