/**
 * The Redis channel backend: several relay nodes share `seq`, last values and history through
 * Redis, and a publish on any node reaches every node's watchers through Redis pub/sub.
 *
 * - One Lua script per publish assigns `seq`, stores the last value and the capped history, and
 *   PUBLISHes the envelope, atomically: every node sees the same `seq` for the same message.
 * - A node SUBSCRIBEs to a channel's bus only while it has local subscribers (`watch`/`unwatch`);
 *   ordering, de-duplication and gap filling are per channel (see redis-watched-channel.ts). The
 *   watches of one event-loop turn read their baselines and SUBSCRIBE together (redis-watch-batcher.ts),
 *   and the reads that must follow those baselines wait until they have been sent.
 * - Redis away: reads fall back to what this node last saw, publishes fail fast with
 *   `BackendUnavailableError`, `health()` is `degraded`, ioredis reconnects with backoff, and on
 *   return the node restores values Redis lost, re-subscribes and catches up from history
 *   (redis-resync.ts); the watched channels' history reads are batched (redis-strict-reads.ts).
 * - A channel Redis's ACL refuses the relay's user (its bus or its keys) fails alone: a batched
 *   SUBSCRIBE or script Redis refuses is sent again per channel (redis-acl.ts), the reads that
 *   answer a subscribing client wait for its channels' SUBSCRIBE (redis-bus-subscriptions.ts), and
 *   a refused channel's client gets its own error while the others are served.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ChannelData } from '../../protocol/messages.js';
import { BackendUnavailableError, type ChannelBackend, type Envelope, type Leadership, type RecoverRequest, type Recovery } from './types.js';
import { AclRefusals, readAllowed } from './redis-acl.js';
import { BusSubscriptions } from './redis-bus-subscriptions.js';
import { createClientReads } from './redis-client-reads.js';
import { KnownEnvelopes, parseEnvelope } from './redis-envelopes.js';
import { createConnections, waitReady } from './redis-connection.js';
import { createRedisLeadership } from './redis-leadership.js';
import { keepInSync, type RedisLogger } from './redis-resync.js';
import { createRedisScripts, UNREADABLE } from './redis-script-commands.js';
import { channelKeys, channelOfBus } from './redis-scripts.js';
import { CHANNELS_PER_SCRIPT, createStrictReads } from './redis-strict-reads.js';
import { WatchBatcher } from './redis-watch-batcher.js';
import { WatchedChannel } from './redis-watched-channel.js';

/** Options of the Redis backend. */
export interface RedisBackendOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379/0` (`rediss://` for TLS). */
  url: string;
  /** Updates kept per channel for `since` recovery and `/v1/history`. Default 1,200. */
  historySize?: number;
  /**
   * A channel's history expires from Redis after this long without an update (ms; 0: never), so
   * channels that stop publishing do not hold `historySize` updates forever. Its seq and last
   * value stay; a client resuming from before the expiry gets a fresh snapshot. Default 24 hours.
   */
  historyTtlMs?: number;
  /** Prefix of every key and pub/sub channel, so several deployments can share one Redis. Default `mp:`. */
  keyPrefix?: string;
  /** A Redis command that takes longer fails (ms). Default 2,000. */
  commandTimeoutMs?: number;
  /** `createRedisBackend` waits this long for the first connection, then starts degraded (ms). Default 5,000. */
  connectTimeoutMs?: number;
  /** Channels whose newest envelope this node remembers (for reads while Redis is away). Default 10,000. */
  maxKnownChannels?: number;
  /** Lease time-to-live for `leadership()` (ms): failover takes at most about this long. Default 10,000. */
  leaseMs?: number;
  /** Where connection changes and problems are reported. Default: `console`. */
  logger?: RedisLogger;
}

/**
 * Connects to Redis and returns a backend shared by every relay node using the same Redis and
 * prefix. Never rejects because Redis is down: it then starts `degraded` and keeps retrying.
 * @example
 * const backend = await createRedisBackend({ url: 'redis://127.0.0.1:6379' });
 */
export async function createRedisBackend(options: RedisBackendOptions): Promise<ChannelBackend> {
  const historySize = Math.max(1, Math.floor(options.historySize ?? 1_200));
  const prefix = options.keyPrefix ?? 'mp:';
  const log = options.logger ?? { info: (m: string) => console.log(m), warn: (m: string) => console.warn(m) };
  const nodeId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const { command, subscriber } = createConnections(options.url, options.commandTimeoutMs ?? 2_000);
  const historyTtlMs = Math.max(0, Math.floor(options.historyTtlMs ?? 24 * 60 * 60 * 1000));
  const scripts = createRedisScripts(command, historyTtlMs);
  const known = new KnownEnvelopes(Math.max(1, options.maxKnownChannels ?? 10_000));
  const watched = new Map<string, WatchedChannel>();
  const listeners = new Set<(envelope: Envelope) => void>();
  const leases = new Set<Leadership>();
  let closed = false;

  const isReady = (client: Redis): boolean => client.status === 'ready';
  /** What Redis's ACL refused this node's user: those channels fail alone (redis-acl.ts). */
  const refusals = new AclRefusals(log, Math.max(1, options.maxKnownChannels ?? 10_000));
  const buses = new BusSubscriptions(subscriber, prefix, refusals, (channel) => watched.has(channel));
  const sync = keepInSync({ command, subscriber, scripts, known, watched, prefix, log, buses, refusals });
  /** History reads that reject while Redis is away; the watched channels' go in batches. */
  const strict = createStrictReads(command, scripts, known, prefix, refusals);
  const busesOf = (channels: string[]): string[] => channels.map((channel) => channelKeys(prefix, channel).bus);
  const metaOf = (channel: string): string => channelKeys(prefix, channel).meta;
  /** The Redis side of `watch`/`unwatch`, batched per event-loop turn. */
  const watches = new WatchBatcher({
    maxBatch: CHANNELS_PER_SCRIPT,
    readSeqs: (channels) => {
      if (closed || !isReady(command)) return Promise.reject(new BackendUnavailableError('Redis is unavailable'));
      // A channel whose keys Redis's ACL refuses gets its own rejection. The batch is not sent again
      // per channel when Redis refuses it as a whole: a baseline read after the snapshot could skip
      // updates; its channels start from what this node knew and are caught up (redis-watched-channel.ts).
      return readAllowed<string, number | typeof UNREADABLE | Error>(channels, (batch) => scripts.seqMany(batch.map(metaOf)), {
        refusals, permission: 'keys', channelOf: (channel) => channel, refusedAnswer: (error) => error, split: false,
      });
    },
    subscribe: (channels) => {
      if (closed || !isReady(subscriber)) return buses.settleAll(channels); // resync() subscribes every watched channel when the connection is back
      buses.subscribe(channels).then(
        // Catches what was published before SUBSCRIBE took effect; when that fails, the channel
        // owes it and the retry timer reads it again. A channel Redis refused is not caught up.
        (subscribed) => subscribed.forEach((channel) => watched.get(channel)?.sync().catch(() => undefined)),
        () => sync.markUnsynced(), // the retry timer resyncs
      );
    },
    unsubscribe: (channels) => {
      if (!closed && isReady(subscriber)) subscriber.unsubscribe(...busesOf(channels)).catch(() => undefined);
    },
  });

  const deliver = (envelope: Envelope): void => {
    known.note(envelope);
    for (const listener of listeners) {
      try {
        listener(envelope);
      } catch (error) {
        log.warn(`redis: a message listener failed: ${String(error)}`);
      }
    }
  };

  subscriber.on('message', (bus: string, text: string) => {
    const channel = channelOfBus(prefix, bus);
    const watchedChannel = channel === null ? undefined : watched.get(channel);
    const envelope = parseEnvelope(text);
    if (!watchedChannel || !envelope || envelope.channel !== channel) return;
    watchedChannel.receive(envelope);
  });

  command.connect().catch(() => undefined);
  subscriber.connect().catch(() => undefined);
  await Promise.all([command, subscriber].map((c) => waitReady(c, options.connectTimeoutMs ?? 5_000)));
  // The run of seqs is Redis's: every node adopts the epoch stored there (the first node names it).
  // Redis unreachable at start: this node's own name, until it restarts.
  let epoch = randomUUID().slice(0, 8);
  if (isReady(command)) {
    const epochKey = `${prefix}epoch`;
    epoch = await command.set(epochKey, epoch, 'NX').then(() => command.get(epochKey)).then((stored) => stored ?? epoch).catch(() => epoch);
  }
  await sync.resync();
  if (sync.health() !== 'ok') log.warn('redis: not reachable yet; starting degraded and retrying');

  // Reads a watch baseline must precede: the backend methods run them through watches.afterBaselines.
  const reads = createClientReads({ command, scripts, known, strict, refusals, buses, prefix });

  return {
    kind: 'redis',
    epoch,

    async publish(channel: string, data: ChannelData): Promise<Envelope> {
      if (closed) throw new Error('backend is closed');
      if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new TypeError('data must be a JSON object');
      if (!isReady(command)) throw new BackendUnavailableError('Redis is unavailable; the message was not published');
      const envelope = await scripts
        .publish(channelKeys(prefix, channel), channel, data, historySize, known.seq(channel))
        .catch((error: unknown) => {
          throw new BackendUnavailableError(`Redis publish failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        });
      known.note(envelope);
      return envelope;
    },

    latest(channel: string): Promise<Envelope | null> {
      return watches.afterBaselines(() => reads.latest(channel));
    },

    latestMany(channels: readonly string[]): Promise<Array<Envelope | null>> {
      return watches.afterBaselines(() => reads.latestMany(channels));
    },

    recover(channel: string, since: number): Promise<Recovery> {
      return watches.afterBaselines(() => reads.recover(channel, since));
    },

    recoverMany(requests: readonly RecoverRequest[]): Promise<Recovery[]> {
      return watches.afterBaselines(() => reads.recoverMany(requests));
    },

    async history(channel: string, limit: number): Promise<Envelope[]> {
      const count = Math.max(0, Math.min(Math.floor(limit), historySize));
      if (count === 0) return [];
      if (!isReady(command)) throw new BackendUnavailableError('Redis is unavailable');
      // The capped list is oldest first; its tail holds the newest `count` envelopes.
      const entries = await command.lrange(channelKeys(prefix, channel).hist, -count, -1).catch((error: unknown) => {
        // The connection can drop between the readiness check and the command.
        throw new BackendUnavailableError(`Redis history read failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      });
      const out: Envelope[] = [];
      for (const entry of entries) {
        const envelope = parseEnvelope(entry, channel);
        // Skip anything foreign or out of order rather than hand a client a broken sequence.
        if (envelope && envelope.seq > (out.at(-1)?.seq ?? 0)) out.push(envelope);
      }
      return out;
    },

    watch(channel: string): void {
      if (closed || watched.has(channel)) return;
      const watchedChannel = new WatchedChannel(channel, strict.watchedReader, deliver, log.warn);
      watched.set(channel, watchedChannel);
      buses.expect(channel); // the reads answering its subscriber wait for its SUBSCRIBE's answer
      // The baseline is read, and the channel SUBSCRIBEd, with the other watches of this turn; the
      // relay's snapshot read waits until that baseline read has been sent on the same connection,
      // so nothing published after the snapshot can fall between the two. Caught up once subscribed.
      watchedChannel.start(watches.watch(channel), known.seq(channel));
    },

    unwatch(channel: string): void {
      const watchedChannel = watched.get(channel);
      if (!watchedChannel) return;
      watched.delete(channel);
      watchedChannel.close();
      sync.forget(channel);
      buses.forget(channel);
      watches.unwatch(channel);
    },

    onMessage(listener: (envelope: Envelope) => void): void {
      listeners.add(listener);
    },

    health: sync.health,

    unreadableChannels: () => sync.unreadableCount() + refusals.count(),

    leadership(name: string): Leadership {
      const lease = createRedisLeadership(command, name, { ttlMs: options.leaseMs ?? 10_000, keyPrefix: prefix, nodeId, warn: log.warn });
      leases.add(lease);
      return lease;
    },

    async close(): Promise<void> {
      if (closed) return;
      await Promise.all([...leases].map((lease) => lease.release()));
      closed = true;
      sync.close();
      for (const watchedChannel of watched.values()) watchedChannel.close();
      watched.clear();
      listeners.clear();
      await Promise.all([command, subscriber].map((client) =>
        isReady(client) ? client.quit().then(() => undefined, () => client.disconnect()) : client.disconnect()));
    },
  };
}
