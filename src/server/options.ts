/**
 * Options of a relay, its limits and their defaults. Every limit is documented in docs/server.md
 * and docs/protocol.md; tests shrink them to exercise each path quickly.
 */
import type { ChannelBackend } from './backend/types.js';
import type { SimulatorOptions } from './simulator/simulator.js';
import { MAX_FRAME_BYTES } from '../protocol/index.js';

/** Tunable limits of one relay. */
export interface RelayLimits {
  /** A connection must send a valid `auth` within this many ms (only when a JWT secret is set). */
  authDeadlineMs: number;
  /** The relay sends a WebSocket ping this often (ms). */
  heartbeatIntervalMs: number;
  /** A peer that has not answered (pong or any frame) for this long (ms) is closed with 4000. */
  heartbeatTimeoutMs: number;
  /** Updates for one client are coalesced into one frame per this many ms. */
  flushIntervalMs: number;
  /** A client whose unsent bytes exceed this is "behind": the relay stops writing and conflates. */
  slowConsumerBytes: number;
  /** A client that stays behind for this long (ms) is closed with 4001 (slow consumer). */
  slowConsumerGraceMs: number;
  /** Most updates queued for one client before its queue is conflated (latest value per channel). */
  maxQueuedMessages: number;
  /** Frames a connection may send per second (token bucket refill rate). */
  rateLimitPerSecond: number;
  /** Token bucket size: frames a connection may send in a burst. */
  rateLimitBurst: number;
  /** Frames dropped by the rate limit within one second beyond which the connection is closed (4002). */
  rateLimitCloseAfter: number;
  /** Most channels one connection may subscribe to. */
  maxSubscriptionsPerConnection: number;
  /** Most simultaneous connections from one IP address (4003 beyond). */
  maxConnectionsPerIp: number;
  /** Invalid frames a connection may send before it is closed with 4502. */
  maxBadFrames: number;
  /** Updates kept per channel for `since` recovery and `GET /v1/history` (1,200: 5 minutes at 4 ticks/s). */
  historySize: number;
  /** Most channels the in-process backend keeps (publishes to new channels beyond are refused). */
  maxChannels: number;
  /**
   * Most bytes of history (data as JSON) the in-process backend keeps over all channels; beyond,
   * the oldest updates across channels are dropped (a `since` that old gets a fresh snapshot).
   */
  historyBytes: number;
  /** Largest accepted WebSocket frame in bytes (1009 beyond). */
  maxPayload: number;
  /** Largest accepted HTTP request body in bytes (413 beyond). */
  maxHttpBodyBytes: number;
  /** Most messages in one `POST /v1/publish` array, and most channels in one `/v1/snapshot`. */
  maxHttpItems: number;
}

/** Defaults, chosen for a public demo relay on a small machine. */
export const DEFAULT_LIMITS: Readonly<RelayLimits> = Object.freeze({
  authDeadlineMs: 5_000,
  heartbeatIntervalMs: 25_000,
  heartbeatTimeoutMs: 60_000,
  flushIntervalMs: 5,
  slowConsumerBytes: 1024 * 1024,
  slowConsumerGraceMs: 10_000,
  maxQueuedMessages: 1_000,
  rateLimitPerSecond: 50,
  rateLimitBurst: 100,
  rateLimitCloseAfter: 200,
  maxSubscriptionsPerConnection: 500,
  maxConnectionsPerIp: 100,
  maxBadFrames: 20,
  historySize: 1_200,
  maxChannels: 10_000,
  historyBytes: 64 * 1024 * 1024,
  maxPayload: MAX_FRAME_BYTES,
  maxHttpBodyBytes: 256 * 1024,
  maxHttpItems: 100,
});

/** Options of `createRelay`. */
export interface RelayOptions {
  /** TCP port; 0 picks a free one (read it back from `relay.port`). Default 8080. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** HS256 secret; when set every connection must authenticate with a JWT. Unset (and no `jwksUrl`): auth is off. */
  jwtSecret?: string;
  /**
   * An identity provider's JSON Web Key Set URL: tokens signed with its asymmetric keys (RS/PS/ES,
   * EdDSA) are accepted, and every connection must authenticate. Exclusive with `jwtSecret`.
   */
  jwksUrl?: string;
  /** Required `iss` claim of every token (either key source). */
  jwtIssuer?: string;
  /** Accepted `aud` values; a token must name one of them (either key source). */
  jwtAudience?: string[];
  /** Bearer token for `POST /v1/publish`; unset: publishing over HTTP is refused. */
  publishToken?: string;
  /** Allowed `Origin` values for WebSocket upgrades and CORS; unset or empty: any origin. */
  allowedOrigins?: string[];
  /**
   * The relay runs behind one reverse proxy that sets `X-Forwarded-For`: the per-IP connection cap
   * then counts the address the proxy reports. Leave off when clients reach the relay directly
   * (they could forge the header). Default false.
   */
  trustProxy?: boolean;
  /** Run the simulated market (`true` for defaults). Default false for the API, true for the CLI. */
  simulate?: boolean | SimulatorOptions;
  /** Channel backend; default in-process (or Redis when `redisUrl` is given). */
  backend?: ChannelBackend;
  /** Redis URL for a multi-node relay; ignored when `backend` is given. */
  redisUrl?: string;
  /** Project root whose `demo/` and `dist/` folders are served. Default the package root. */
  staticRoot?: string;
  /** No log output. */
  quiet?: boolean;
  /** Limits; missing fields take `DEFAULT_LIMITS`. */
  limits?: Partial<RelayLimits>;
}

/** Merges partial limits over the defaults, ignoring values that are not positive finite numbers. */
export function resolveLimits(partial: Partial<RelayLimits> = {}): RelayLimits {
  const limits: RelayLimits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof RelayLimits>) {
    const value = partial[key];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) limits[key] = value;
  }
  return limits;
}
