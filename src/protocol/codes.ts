/**
 * Error codes (in `error` frames) and WebSocket close codes of wire protocol v1.
 * docs/protocol.md documents each one; keep both in step.
 *
 * Close codes follow Centrifugo's split: 4000–4499 are transient (the client reconnects with
 * backoff), 4500–4999 are terminal (the client stops and reports why). Standard codes 1000, 1001,
 * 1008, 1009 and 1011 keep their RFC 6455 meaning.
 */

/** Codes carried by `{"type":"error","code":…}` frames. */
export const ErrorCode = {
  /** The frame is not valid JSON, not an object, or fails the schema of its `type`. */
  BadFrame: 'bad_frame',
  /** The frame's `type` is not part of protocol v1. */
  UnknownType: 'unknown_type',
  /** A channel name does not match the channel grammar. */
  InvalidChannel: 'invalid_channel',
  /** The token does not allow this channel. No data is sent for it. */
  Forbidden: 'forbidden',
  /** The token is missing, malformed, forged, or signed with another key. */
  AuthFailed: 'auth_failed',
  /** The token's `exp` has passed. */
  TokenExpired: 'token_expired',
  /** An `auth` frame is required before this frame. */
  AuthRequired: 'auth_required',
  /** The connection sends frames faster than its allowance; the frame was dropped. */
  RateLimited: 'rate_limited',
  /** The connection would exceed its subscription cap. */
  TooManySubscriptions: 'too_many_subscriptions',
  /** The server failed while handling the frame. */
  Internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** WebSocket close codes used by the relay. */
export const CloseCode = {
  /** Normal closure (client or server asked to close). */
  Normal: 1000,
  /** The server is shutting down or restarting. Reconnect. */
  GoingAway: 1001,
  /** Binary or otherwise unsupported frame data. Terminal. */
  UnsupportedData: 1003,
  /** A frame larger than the server's `maxPayload`. Terminal. */
  MessageTooBig: 1009,
  /** An unexpected server error. Reconnect. */
  InternalError: 1011,

  /** The server stopped hearing pongs from this peer (or the client from the server). Reconnect. */
  HeartbeatTimeout: 4000,
  /** The peer could not keep up: its send buffer stayed over the limit. Reconnect. */
  SlowConsumer: 4001,
  /** Sustained flood of frames over the rate limit. Reconnect after backoff. */
  RateLimitExceeded: 4002,
  /** Too many connections from one IP address. Reconnect after backoff. */
  TooManyConnections: 4003,
  /** The token expired and was not refreshed in time. Reconnect with a fresh token. */
  TokenExpired: 4004,

  /** No valid `auth` frame within the auth deadline. Terminal. */
  AuthTimeout: 4500,
  /** The token was rejected (forged, malformed, wrong algorithm). Terminal. */
  AuthFailed: 4501,
  /** Too many invalid frames: the peer does not speak protocol v1. Terminal. */
  ProtocolViolation: 4502,
  /** The `Origin` header is not allowed. Terminal. */
  OriginNotAllowed: 4503,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * Whether a client must stop reconnecting after the server closed with `code`.
 * Unknown codes in the terminal range count as terminal; everything else is retried.
 */
export function isTerminalCloseCode(code: number): boolean {
  // Literals checked against CloseCode, not reads of it: the browser client bundles this function,
  // and one property read would keep the whole object in it (minifiers inline only constants).
  if (code === (1003 satisfies typeof CloseCode.UnsupportedData) || code === (1009 satisfies typeof CloseCode.MessageTooBig)) return true;
  return code >= 4500 && code <= 4999;
}
