/**
 * JWT verification for WebSocket connections and the HTTP read endpoints: HS256 with a shared
 * secret, or the asymmetric keys of an identity provider's JWKS URL (RS/PS/ES 256–512, EdDSA);
 * `exp` required, `iss`/`aud` checked when configured, and a `channels` claim listing the channel
 * patterns the bearer may subscribe to (see channelMatches).
 *
 * A key set that cannot be fetched (the provider is down) does not make valid tokens look forged:
 * the last key set fetched keeps serving, and with none yet the answer is `unavailable` (the
 * WebSocket closes 1011, transient; HTTP answers 503), never `auth_failed`.
 */
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { channelMatches } from '../../protocol/index.js';

/** Most patterns accepted in a `channels` claim. */
const MAX_PATTERNS = 100;
/** Distinct `channels` claims whose pattern lists are shared; past this the table starts over. */
const MAX_SHARED_CLAIMS = 1_000;
/** Signature algorithms accepted from a JWKS: asymmetric only (a JWKS never holds the HS secret). */
const JWKS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** A verified token. */
export interface Grant {
  /** Channel patterns the token allows (shared by grants of the same claim: not to be changed). */
  readonly patterns: readonly string[];
  /** Expiry, ms since the epoch. */
  expiresAt: number;
}

/**
 * Outcome of verifying a token: the grant, or why it was refused (`expired` tells 4004 from 4501;
 * `unavailable`: the keys to check it could not be fetched, so nothing is known about the token).
 */
export type AuthResult = { ok: true; grant: Grant } | { ok: false; expired: boolean; unavailable?: boolean; reason: string };

/** Where the verification keys come from, and the claims every token must carry. */
export interface TokenKeys {
  /** HS256 shared secret. */
  secret?: string;
  /** An identity provider's JSON Web Key Set URL (http or https); its keys are cached and refetched for unknown `kid`s. */
  jwksUrl?: string;
  /** Required `iss` claim. */
  issuer?: string;
  /** Accepted `aud` values (one must match). */
  audience?: string[];
}

/** Verifies tokens against an HS256 secret or a JWKS URL. */
export class TokenVerifier {
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly options: JWTVerifyOptions;
  private readonly jwksUrl: string | undefined;

  constructor(keys: TokenKeys) {
    if (keys.jwksUrl !== undefined) {
      this.jwksUrl = keys.jwksUrl;
      this.key = keySetKeepingLastGood(new URL(keys.jwksUrl));
    } else if (keys.secret !== undefined) {
      this.key = new TextEncoder().encode(keys.secret);
    } else {
      throw new TypeError('TokenVerifier needs a secret or a JWKS URL');
    }
    this.options = {
      algorithms: this.jwksUrl === undefined ? ['HS256'] : JWKS_ALGORITHMS,
      requiredClaims: ['exp'],
      ...(keys.issuer === undefined ? {} : { issuer: keys.issuer }),
      ...(keys.audience === undefined || keys.audience.length === 0 ? {} : { audience: keys.audience }),
    };
  }

  /** Verifies a token; never throws. */
  async verify(token: string): Promise<AuthResult> {
    try {
      // Overloads of jwtVerify: one for a key, one for a key-getting function.
      const { payload } = await (typeof this.key === 'function' ? jwtVerify(token, this.key, this.options) : jwtVerify(token, this.key, this.options));
      const { channels, exp } = payload;
      if (!Array.isArray(channels) || channels.length > MAX_PATTERNS || !channels.every((p) => typeof p === 'string' && p.length <= 200)) {
        return { ok: false, expired: false, reason: 'token needs a `channels` claim: an array of channel patterns' };
      }
      return { ok: true, grant: { patterns: sharedPatterns(channels as string[]), expiresAt: (exp as number) * 1000 } };
    } catch (error) {
      if (error instanceof errors.JWTExpired) return { ok: false, expired: true, reason: 'token expired' };
      if (error instanceof errors.JWTClaimValidationFailed && (error.claim === 'iss' || error.claim === 'aud')) {
        return { ok: false, expired: false, reason: `token not issued for this relay (\`${error.claim}\` claim)` };
      }
      if (this.jwksUrl !== undefined && keySetUnavailable(error)) {
        return { ok: false, expired: false, unavailable: true, reason: 'cannot verify tokens now: the key set of the identity provider is unavailable' };
      }
      return { ok: false, expired: false, reason: 'invalid token' };
    }
  }

  /** Fetches the key set ahead of the first token (JWKS only); false when it could not be fetched. */
  async warmUp(): Promise<boolean> {
    if (typeof this.key !== 'function') return true;
    try {
      await (this.key as RemoteKeySet).reload();
      return true;
    } catch {
      return false;
    }
  }
}

type RemoteKeySet = ReturnType<typeof createRemoteJWKSet>;

/**
 * Fetch failures of the key set: a timeout, a network error (not one of jose's), a non-200 answer
 * or a body that is not a key set (jose's plain `JOSEError`). A token's own faults are subclasses.
 */
function keySetUnavailable(error: unknown): boolean {
  return error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || !(error instanceof errors.JOSEError) || error.constructor === errors.JOSEError;
}

/**
 * jose's remote key set (cached 10 min, refetched at most every 30 s for an unknown `kid`), which
 * when a refetch fails keeps checking tokens against the keys it fetched last.
 */
function keySetKeepingLastGood(url: URL): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(url, { timeoutDuration: 5_000 });
  const getKey = async (header: Parameters<RemoteKeySet>[0], token: Parameters<RemoteKeySet>[1]) => {
    try {
      return await remote(header, token);
    } catch (error) {
      const last = remote.jwks();
      if (last === undefined || !keySetUnavailable(error)) throw error;
      return createLocalJWKSet(last)(header, token);
    }
  };
  return Object.assign(getKey, { reload: () => remote.reload() }) as JWTVerifyGetKey;
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
