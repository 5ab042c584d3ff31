/**
 * The channel backend: where `seq`, last values and bounded history live, and how a published
 * message reaches every relay node. The in-process backend serves a single node (the default);
 * the Redis backend joins several nodes. The relay talks to this interface only.
 */
import type { ChannelData } from '../../protocol/messages.js';

/** A published message as stored and delivered: one `seq` per channel, starting at 1. */
export interface Envelope {
  channel: string;
  seq: number;
  data: ChannelData;
  /**
   * `data` as JSON, when the backend has it already (it stored or received the update as text):
   * the relay then builds frames and `/v1/snapshot`/`/v1/history` answers from it instead of
   * serializing `data` again. Must be one whole JSON object that parses to `data`:
   * `JSON.stringify(data)` for what the relay serialized itself (a text read from Redis in
   * another spelling of the same object — spaces, escapes — is sent on in that spelling).
   */
  readonly dataJson?: string;
}

/** Answer to a `since` request. */
export interface Recovery {
  /** True when every update after `since` was still in history (then `updates` holds them, maybe none). */
  recovered: boolean;
  /** The missed updates in `seq` order when recovered; empty otherwise. */
  updates: Envelope[];
  /** The latest value (for a fresh snapshot when not recovered); null when the channel is empty. */
  latest: Envelope | null;
}

/** One channel of a `recoverMany`: the channel and the last `seq` its client holds. */
export interface RecoverRequest {
  channel: string;
  since: number;
}

/** Health of a backend as reported in `/healthz`. */
export type BackendHealth = 'ok' | 'degraded';

/**
 * Raised by `publish` when the shared bus is unreachable (Redis down): nothing was stored or
 * delivered. The HTTP publish endpoint answers 503 for it; the caller may retry later.
 */
export class BackendUnavailableError extends Error {
  /** Stable code for callers that cannot use `instanceof` (e.g. across bundles). */
  readonly code = 'backend_unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackendUnavailableError';
  }
}

/**
 * A cluster-wide lease on a name: at most one node holds it at a time, and another node takes it
 * over when the holder dies. The relay runs its simulator only while `isLeader()`.
 */
export interface Leadership {
  /** Whether this node holds the lease now. */
  isLeader(): boolean;
  /** Called with the new state whenever this node gains or loses the lease; returns an unsubscribe. */
  onChange(listener: (leader: boolean) => void): () => void;
  /** Stops competing and gives the lease up if held. */
  release(): Promise<void>;
}

export interface ChannelBackend {
  /** `memory` or `redis`. */
  readonly kind: string;
  /**
   * Names this run of the store's `seq`s (1–64 letters, digits, `-`, `_`): it must change whenever
   * `seq`s start over, so that a client resuming with `since` from another run is reset instead of
   * continued. Optional for backends of your own (then `since` is trusted as is).
   */
  readonly epoch?: string;
  /** Assigns the next `seq`, stores last value and history, and delivers to every node's listeners. */
  publish(channel: string, data: ChannelData): Promise<Envelope>;
  /** Latest value of a channel, or null when it has none. */
  latest(channel: string): Promise<Envelope | null>;
  /**
   * Latest values of several channels, in the order given (null for each channel without one):
   * what `latest` answers for each, read in one go (the Redis backend: one round trip, not one per
   * channel). Serves `/v1/snapshot` and the snapshots of a WebSocket `subscribe` (its channels
   * without `since`, or with a `since` of another epoch). Optional for backends of your own:
   * `readLatest` (batched-reads.ts) then calls `latest` per channel, and the subscribe path does too.
   */
  latestMany?(channels: readonly string[]): Promise<Array<Envelope | null>>;
  /** Updates after `since`, when history still holds them all. */
  recover(channel: string, since: number): Promise<Recovery>;
  /**
   * What `recover` answers for each request, in the order given, read in one go (the Redis
   * backend: one round trip per 1,000 channels, not one per channel). Serves the channels of a
   * WebSocket `subscribe` with a `since` of this epoch — every channel of a client resuming after a
   * reconnect. Optional for backends of your own: the subscribe path then calls `recover` per
   * channel (as it does when this rejects or answers another number of recoveries).
   */
  recoverMany?(requests: readonly RecoverRequest[]): Promise<Recovery[]>;
  /**
   * The newest `limit` stored updates of a channel, oldest first (fewer when history holds fewer;
   * empty for an unknown channel). Serves `GET /v1/history`. Optional for backends of your own:
   * the relay then derives it from `latest` and `recover`.
   */
  history?(channel: string, limit: number): Promise<Envelope[]>;
  /** This node wants deliveries of `channel` (it has local subscribers). Idempotent. */
  watch(channel: string): void;
  /** This node no longer needs `channel`. Idempotent. */
  unwatch(channel: string): void;
  /** Registers the node's delivery callback; envelopes of watched channels arrive in `seq` order. */
  onMessage(listener: (envelope: Envelope) => void): void;
  /** Current health. */
  health(): BackendHealth;
  /**
   * Bytes of history this process holds (data as JSON), for the `market_pulse_history_bytes`
   * gauge. Optional: backends that keep history elsewhere (Redis) leave it out.
   */
  historyBytes?(): number;
  /**
   * How many watched channels this node cannot read from its store (foreign data under their
   * keys: their subscribers get no updates until that is fixed), for the
   * `market_pulse_unreadable_channels` gauge. Optional: backends without such a store leave it out.
   */
  unreadableChannels?(): number;
  /**
   * A cluster-wide lease (backends shared by several nodes only). Absent: this node is alone and
   * always leads.
   */
  leadership?(name: string): Leadership;
  /** Releases connections and timers. */
  close(): Promise<void>;
}
