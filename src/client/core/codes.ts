/**
 * The protocol's codes the core uses, as constants checked against the protocol's objects rather
 * than reads of them: minifiers inline constants, while one property read keeps a whole object in
 * the bundle.
 */
import type { CloseCode, ErrorCode } from '../../protocol/index.js';

export const NORMAL = 1000 satisfies typeof CloseCode.Normal;
export const GOING_AWAY = 1001 satisfies typeof CloseCode.GoingAway;
/** RFC 6455: no close frame came (the connection dropped); never sent by a peer. */
export const ABNORMAL = 1006;
/** RFC 6455: a close frame without a code. */
export const NO_STATUS = 1005;
export const HEARTBEAT_TIMEOUT = 4000 satisfies typeof CloseCode.HeartbeatTimeout;
export const TOKEN_EXPIRED_CLOSE = 4004 satisfies typeof CloseCode.TokenExpired;
export const TOKEN_EXPIRED_ERROR = 'token_expired' satisfies typeof ErrorCode.TokenExpired;
export const INTERNAL_ERROR = 'internal' satisfies typeof ErrorCode.Internal;
export const RATE_LIMITED_ERROR = 'rate_limited' satisfies typeof ErrorCode.RateLimited;
