/**
 * Validators for both directions of protocol v1. Each takes the raw text of a frame and returns
 * either a typed message or the reason it was refused; none of them throws.
 */
import type { ErrorCode } from './codes.js';
import { isValidChannel } from './channels.js';
import { isEpoch } from './epoch.js';
import { isPlainObject, type Json } from './guards.js';
import { MAX_BATCH_MESSAGES, MAX_CHANNELS_PER_FRAME, MAX_TOKEN_LENGTH } from './limits.js';
import type { ChannelData, ChannelMessage, ClientMessage, ServerMessage } from './messages.js';

export { isEpoch, isPlainObject };

/** Outcome of validating a frame. */
export type Validated<T> =
  | { ok: true; message: T }
  | { ok: false; code: ErrorCode; reason: string; id?: number };

// The codes as constants checked against ErrorCode, not reads of it: the browser client bundles
// parseServerMessage, and one property read would keep the whole object in it (minifiers inline
// only constants).
const BAD_FRAME = 'bad_frame' satisfies typeof ErrorCode.BadFrame;
const UNKNOWN_TYPE = 'unknown_type' satisfies typeof ErrorCode.UnknownType;
const INVALID_CHANNEL = 'invalid_channel' satisfies typeof ErrorCode.InvalidChannel;

const fail = (code: ErrorCode, reason: string, id?: number): Validated<never> =>
  id === undefined ? { ok: false, code, reason } : { ok: false, code, reason, id };

function parseObject(raw: unknown): Json | string {
  if (typeof raw !== 'string') return 'frame is not text';
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return 'frame is not valid JSON';
  }
  if (!isPlainObject(value)) return 'frame is not a JSON object';
  return value;
}

/**
 * Whether `value` is a JSON object whose keys, at every depth, are free of forbidden names, and
 * whose nesting stays within `maxDepth`. Used for channel `data`, which is relayed as is.
 */
export function isSafeData(value: unknown, maxDepth = 4): value is ChannelData {
  if (!isPlainObject(value)) return false;
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) {
      if (maxDepth <= 1) return false;
      if (Array.isArray(child)) {
        if (!child.every((item) => typeof item !== 'object' || item === null || isSafeData(item, maxDepth - 1))) return false;
      } else if (!isSafeData(child, maxDepth - 1)) return false;
    }
  }
  return true;
}

const isId = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isSeq = isId;

function channelList(frame: Json, id: number): string[] | Validated<never> {
  const { channels } = frame;
  if (!Array.isArray(channels) || channels.length === 0) return fail(BAD_FRAME, '`channels` must be a non-empty array', id);
  if (channels.length > MAX_CHANNELS_PER_FRAME) {
    return fail(BAD_FRAME, `at most ${MAX_CHANNELS_PER_FRAME} channels per frame`, id);
  }
  for (const channel of channels) {
    if (!isValidChannel(channel)) return fail(INVALID_CHANNEL, 'invalid channel name', id);
  }
  return channels as string[];
}

/** Validates a frame sent by a client. */
export function parseClientMessage(raw: unknown): Validated<ClientMessage> {
  const frame = parseObject(raw);
  if (typeof frame === 'string') return fail(BAD_FRAME, frame);
  switch (frame.type) {
    case 'auth': {
      const { token } = frame;
      if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
        return fail(BAD_FRAME, '`token` must be a non-empty string');
      }
      return { ok: true, message: { type: 'auth', token } };
    }
    case 'subscribe':
    case 'unsubscribe': {
      if (!isId(frame.id)) return fail(BAD_FRAME, '`id` must be a non-negative integer');
      const id = frame.id;
      const channels = channelList(frame, id);
      if (!Array.isArray(channels)) return channels;
      if (frame.type === 'unsubscribe') return { ok: true, message: { type: 'unsubscribe', id, channels } };
      if (frame.epoch !== undefined && !isEpoch(frame.epoch)) return fail(BAD_FRAME, '`epoch` must be 1 to 64 letters, digits, `-` or `_`', id);
      const epoch = frame.epoch === undefined ? {} : { epoch: frame.epoch as string };
      if (frame.since === undefined) return { ok: true, message: { type: 'subscribe', id, channels, ...epoch } };
      if (!isPlainObject(frame.since)) return fail(BAD_FRAME, '`since` must be an object', id);
      // Keys were checked against `channels`, which match the channel grammar: no `__proto__` here.
      const since: Record<string, number> = {};
      for (const [channel, seq] of Object.entries(frame.since)) {
        if (!channels.includes(channel)) return fail(BAD_FRAME, '`since` names a channel not in `channels`', id);
        if (!isSeq(seq)) return fail(BAD_FRAME, '`since` values must be non-negative integers', id);
        since[channel] = seq;
      }
      return { ok: true, message: { type: 'subscribe', id, channels, since, ...epoch } };
    }
    case 'ping':
      if (typeof frame.t !== 'number' || !Number.isFinite(frame.t)) return fail(BAD_FRAME, '`t` must be a number');
      return { ok: true, message: { type: 'ping', t: frame.t } };
    default:
      return fail(UNKNOWN_TYPE, typeof frame.type === 'string' ? 'unknown frame type' : '`type` is missing');
  }
}

function channelMessage(value: unknown): ChannelMessage | null {
  if (!isPlainObject(value)) return null;
  const { type, channel, seq, data } = value;
  if (!isValidChannel(channel) || !isSeq(seq)) return null;
  if (type === 'update') {
    return isPlainObject(data) ? { type, channel, seq, data } : null;
  }
  if (type === 'snapshot') {
    if (data !== null && !isPlainObject(data)) return null;
    const snapshot: ChannelMessage = { type, channel, seq, data };
    if (typeof value.recovered === 'boolean') snapshot.recovered = value.recovered;
    return snapshot;
  }
  return null;
}

/**
 * Reads a frame sent by the relay: the typed message, or `null` when it is malformed or of an
 * unknown type. The browser client drops such frames without a reason, so this stays lean.
 */
export function readServerMessage(raw: unknown): ServerMessage | null {
  if (typeof raw !== 'string') return null;
  let frame: unknown;
  try {
    frame = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isPlainObject(frame)) return null;
  switch (frame.type) {
    case 'ack':
      if (!isId(frame.id)) return null;
      return isEpoch(frame.epoch) ? { type: 'ack', id: frame.id, epoch: frame.epoch } : { type: 'ack', id: frame.id };
    case 'pong':
      return typeof frame.t === 'number' ? { type: 'pong', t: frame.t } : null;
    case 'snapshot':
    case 'update':
      return channelMessage(frame);
    case 'batch': {
      const { messages } = frame;
      if (!Array.isArray(messages) || messages.length > MAX_BATCH_MESSAGES) return null;
      const parsed: ChannelMessage[] = [];
      for (const item of messages) {
        const message = channelMessage(item);
        if (!message) return null;
        parsed.push(message);
      }
      return { type: 'batch', messages: parsed };
    }
    case 'error': {
      if (typeof frame.code !== 'string' || typeof frame.message !== 'string') return null;
      const error: ServerMessage = { type: 'error', code: frame.code as ErrorCode, message: frame.message };
      if (isId(frame.id)) error.id = frame.id;
      if (isValidChannel(frame.channel)) error.channel = frame.channel;
      return error;
    }
    default:
      return null;
  }
}

/** Validates a frame sent by the relay, with a reason when it is refused (tests, tools). */
export function parseServerMessage(raw: unknown): Validated<ServerMessage> {
  const message = readServerMessage(raw);
  if (message) return { ok: true, message };
  const frame = parseObject(raw);
  if (typeof frame === 'string') return fail(BAD_FRAME, frame);
  if (!SERVER_TYPES.has(frame.type)) return fail(UNKNOWN_TYPE, 'unknown frame type');
  return fail(BAD_FRAME, `bad ${frame.type as string}`);
}

const SERVER_TYPES = new Set<unknown>(['ack', 'pong', 'snapshot', 'update', 'batch', 'error']);
