/**
 * JWT verification for WebSocket connections: HS256 only, `exp` required, and a `channels` claim
 * listing the channel patterns the bearer may subscribe to (see channelMatches).
 */
import { errors, jwtVerify } from 'jose';
import { channelMatches } from '../../protocol/index.js';

/** Most patterns accepted in a `channels` claim. */
const MAX_PATTERNS = 100;
/** Distinct `channels` claims whose pattern lists are shared; past this the table starts over. */
const MAX_SHARED_CLAIMS = 1_000;

/** A verified token. */
export interface Grant {
  /** Channel patterns the token allows (shared by grants of the same claim: not to be changed). */
  readonly patterns: readonly string[];
  /** Expiry, ms since the epoch. */
  expiresAt: number;
}

/** Outcome of verifying a token: the grant, or why it was refused (`expired` tells 4004 from 4501). */
export type AuthResult = { ok: true; grant: Grant } | { ok: false; expired: boolean; reason: string };

/** Verifies tokens against one HS256 secret. */
export class TokenVerifier {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  /** Verifies a token; never throws. */
  async verify(token: string): Promise<AuthResult> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], requiredClaims: ['exp'] });
      const { channels, exp } = payload;
      if (!Array.isArray(channels) || channels.length > MAX_PATTERNS || !channels.every((p) => typeof p === 'string' && p.length <= 200)) {
        return { ok: false, expired: false, reason: 'token needs a `channels` claim: an array of channel patterns' };
      }
      return { ok: true, grant: { patterns: sharedPatterns(channels as string[]), expiresAt: (exp as number) * 1000 } };
    } catch (error) {
      if (error instanceof errors.JWTExpired) return { ok: false, expired: true, reason: 'token expired' };
      return { ok: false, expired: false, reason: 'invalid token' };
    }
  }
}

/**
 * Pattern lists by their claim's JSON. A relay holds thousands of sessions whose tokens carry the
 * same `channels` claim (one per kind of user, not per user): each grant would otherwise keep its
 * own array and strings as parsed from its token (~90 B for one pattern).
 */
let patternLists = new Map<string, readonly string[]>();

/** The shared, frozen list equal to `patterns`. */
function sharedPatterns(patterns: string[]): readonly string[] {
  const key = JSON.stringify(patterns);
  let list = patternLists.get(key);
  if (list === undefined) {
    if (patternLists.size >= MAX_SHARED_CLAIMS) patternLists = new Map(); // bounded whatever tokens come in
    list = Object.freeze(patterns);
    patternLists.set(key, list);
  }
  return list;
}

/** Whether a grant allows `channel`. */
export function grantAllows(grant: Grant, channel: string): boolean {
  return grant.patterns.some((pattern) => channelMatches(pattern, channel));
}
