/**
 * Wire protocol v1: JSON text frames between a client and the relay. See docs/protocol.md.
 */
import type { ErrorCode } from './codes.js';

/** Protocol version spoken by this build. */
export const PROTOCOL_VERSION = 1;

/** A price tick: the `data` of a `price:<SYMBOL>` channel. */
export interface PriceTick {
  /** The symbol, e.g. `BTC-USD`. */
  symbol: string;
  /** Last trade price. */
  price: number;
  /** Time of the tick, in ms since the epoch. */
  ts: number;
  /** Price at the start of the trading day. */
  open?: number;
  /** `price - open`. */
  change?: number;
  /** `change / open * 100`. */
  changePct?: number;
  /** Best bid. */
  bid?: number;
  /** Best ask. */
  ask?: number;
  /** Traded volume of the day. */
  volume?: number;
  /** ISO 4217 currency of the prices, when known. */
  currency?: string;
}

/** The payload of any channel: a JSON object (a `PriceTick` for price channels). */
export type ChannelData = { [key: string]: unknown };

// ---- client → server ----

/** Authenticate, or refresh the token of an authenticated connection. */
export interface AuthMessage {
  type: 'auth';
  token: string;
}

/**
 * Subscribe to channels; `since` asks for the updates after a known `seq` per channel. `epoch`
 * (from an earlier `ack`) says which run of the relay's `seq`s those come from: a different run
 * answers with `recovered: false` snapshots instead of continuing a sequence it never had.
 */
export interface SubscribeMessage {
  type: 'subscribe';
  id: number;
  channels: string[];
  since?: Record<string, number>;
  epoch?: string;
}

/** Stop receiving channels. */
export interface UnsubscribeMessage {
  type: 'unsubscribe';
  id: number;
  channels: string[];
}

/** Application-level heartbeat; the server answers `pong` with the same `t`. */
export interface PingMessage {
  type: 'ping';
  t: number;
}

export type ClientMessage = AuthMessage | SubscribeMessage | UnsubscribeMessage | PingMessage;

// ---- server → client ----

/**
 * The request `id` was accepted (for `subscribe`, snapshots or recovered updates follow).
 * `epoch` names the run of `seq`s of the relay's channel store (it changes when the store starts
 * over, e.g. an in-process store on restart); a client sends it back with `since`.
 */
export interface AckMessage {
  type: 'ack';
  id: number;
  epoch?: string;
}

/**
 * The current value of a channel. `seq` is 0 and `data` null when the channel has no value yet.
 * `recovered: false` means the client asked with `since` but the gap was not in history any more:
 * the client must replace its state with this snapshot.
 */
export interface SnapshotMessage {
  type: 'snapshot';
  channel: string;
  seq: number;
  data: ChannelData | null;
  recovered?: boolean;
}

/** One update of a channel; `seq` is one more than the previous update's. */
export interface UpdateMessage {
  type: 'update';
  channel: string;
  seq: number;
  data: ChannelData;
}

/** Several snapshots/updates coalesced in one frame; apply in order. */
export interface BatchMessage {
  type: 'batch';
  messages: Array<SnapshotMessage | UpdateMessage>;
}

/** A request failed. `id` names the request when there was one, `channel` the channel concerned. */
export interface ErrorMessage {
  type: 'error';
  id?: number;
  channel?: string;
  code: ErrorCode;
  message: string;
}

/** Answer to `ping`. */
export interface PongMessage {
  type: 'pong';
  t: number;
}

export type ChannelMessage = SnapshotMessage | UpdateMessage;
export type ServerMessage = AckMessage | SnapshotMessage | UpdateMessage | BatchMessage | ErrorMessage | PongMessage;
