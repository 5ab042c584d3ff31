// Tokens of an identity provider: the relay checks them against the provider's JSON Web Key Set
// (served here by a real HTTP server on 127.0.0.1), with `iss` and `aud`; a provider that is down
// makes the relay say "later" (close 1011, HTTP 503), never "forged", and the keys it fetched last
// keep serving once its cache has aged.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, mock, test } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { ErrorMessage } from '../../src/protocol/index.js';
import type { Relay } from '../../src/server/relay.js';
import { TokenVerifier } from '../../src/server/ws/auth.js';
import { connect, signToken, startRelay, waitForClose } from './helpers.js';

const ISSUER = 'https://id.example/';
const AUDIENCE = 'market-pulse';

interface IdentityProvider {
  url: string;
  /** Keys the JWKS endpoint lists; `null`: it answers 503. */
  keys: JWK[] | null;
  fetches: number;
  close(): Promise<void>;
}

async function startIdentityProvider(keys: JWK[]): Promise<IdentityProvider> {
  const server: Server = createServer((_req, res) => {
    provider.fetches++;
    if (provider.keys === null) return res.writeHead(503).end('down for maintenance');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: provider.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const provider: IdentityProvider = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
    keys,
    fetches: 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return provider;
}

async function signingKey(alg: 'ES256' | 'RS256', kid: string): Promise<{ privateKey: CryptoKey; jwk: JWK; alg: string; kid: string }> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }, alg, kid };
}

type Key = Awaited<ReturnType<typeof signingKey>>;

function idToken(key: Key, channels: string[], claims: { iss?: string; aud?: string; expiresIn?: number } = {}): Promise<string> {
  const jwt = new SignJWT({ channels }).setProtectedHeader({ alg: key.alg, kid: key.kid }).setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (claims.expiresIn ?? 600));
  if (claims.iss !== '') jwt.setIssuer(claims.iss ?? ISSUER);
  if (claims.aud !== '') jwt.setAudience(claims.aud ?? AUDIENCE);
  return jwt.sign(key.privateKey);
}

describe('JWT auth with an identity provider\'s JWKS', () => {
  let es: Key;
  let rs: Key;
  let provider: IdentityProvider;
  let relay: Relay;
  before(async () => {
    [es, rs] = await Promise.all([signingKey('ES256', 'es-1'), signingKey('RS256', 'rs-1')]);
    provider = await startIdentityProvider([es.jwk, rs.jwk]);
    relay = await startRelay({ jwksUrl: provider.url, jwtIssuer: ISSUER, jwtAudience: [AUDIENCE, 'other-app'] });
  });
  after(async () => {
    await relay.close();
    await provider.close();
  });

  test('tokens signed with the provider\'s keys (ES256, RS256) open their channels, on the socket and over HTTP', async () => {
    for (const key of [es, rs]) {
      const token = await idToken(key, ['price:*']);
      const client = await connect(relay.wsUrl);
      client.send({ type: 'auth', token });
      client.send({ type: 'subscribe', id: 1, channels: ['price:IDP'] });
      await client.waitFor((m) => m.type === 'snapshot' && m.channel === 'price:IDP');
      await client.close();
      const answer = await fetch(`${relay.httpUrl}/v1/snapshot?channels=price:IDP`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(answer.status, 200, key.alg);
    }
  });

  test('another issuer, another audience, an unknown key, an HS256 token: refused 4501 with the reason', async () => {
    const stranger = await signingKey('ES256', 'es-1'); // same kid, other key: a forgery
    const cases: Array<[string, Promise<string>, RegExp]> = [
      ['other issuer', idToken(es, ['*'], { iss: 'https://evil.example/' }), /`iss`/],
      ['other audience', idToken(es, ['*'], { aud: 'someone-else' }), /`aud`/],
      ['no audience', idToken(es, ['*'], { aud: '' }), /`aud`/],
      ['forged with the same kid', idToken(stranger, ['*']), /invalid token/],
      ['HS256 (no shared secret here)', signToken('any-secret-of-a-good-length-for-hs256', ['*']), /invalid token/],
    ];
    for (const [what, token, reason] of cases) {
      const client = await connect(relay.wsUrl);
      client.send({ type: 'auth', token: await token });
      const error = await client.waitFor<ErrorMessage>((m) => m.type === 'error');
      assert.equal(error.code, 'auth_failed', what);
      assert.match(error.message, reason, what);
      assert.equal((await waitForClose(client)).code, 4501, what);
    }
  });
});

describe('an identity provider that is down', () => {
  test('with no keys fetched yet: the socket closes 1011 (the client retries) and HTTP answers 503, until it is back', async () => {
    const key = await signingKey('ES256', 'k1');
    const provider = await startIdentityProvider([key.jwk]);
    provider.keys = null;
    const relay = await startRelay({ jwksUrl: provider.url });
    try {
      const token = await idToken(key, ['price:*'], { iss: '', aud: '' });
      const client = await connect(relay.wsUrl);
      client.send({ type: 'auth', token });
      const error = await client.waitFor<ErrorMessage>((m) => m.type === 'error');
      assert.equal(error.code, 'internal');
      assert.match(error.message, /key set .* unavailable/);
      assert.equal((await waitForClose(client)).code, 1011, 'a transient close: the client library reconnects with backoff');
      const answer = await fetch(`${relay.httpUrl}/v1/snapshot?channels=price:A`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(answer.status, 503);
      assert.match(((await answer.json()) as { error: string }).error, /unavailable/);

      provider.keys = [key.jwk]; // back
      const again = await connect(relay.wsUrl);
      again.send({ type: 'auth', token });
      again.send({ type: 'subscribe', id: 1, channels: ['price:A'] });
      await again.waitFor((m) => m.type === 'snapshot');
      await again.close();
    } finally {
      await relay.close();
      await provider.close();
    }
  });

  test('after keys were fetched: they keep verifying tokens once the cache has aged, and a new kid is refetched', async () => {
    const first = await signingKey('ES256', 'k1');
    const provider = await startIdentityProvider([first.jwk]);
    const verifier = new TokenVerifier({ jwksUrl: provider.url });
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
    try {
      const token = await idToken(first, ['price:*'], { iss: '', aud: '', expiresIn: 3_600 });
      assert.equal((await verifier.verify(token)).ok, true);
      const fetched = provider.fetches;

      provider.keys = null;
      mock.timers.tick(11 * 60_000); // past jose's 10-minute cache: it fetches again, and fails
      const during = await verifier.verify(token);
      assert.equal(during.ok, true, 'the last keys fetched still verify the token');
      assert.ok(provider.fetches > fetched, 'a refetch was tried');

      const rotated = await signingKey('ES256', 'k2'); // the provider rotates its key while coming back
      provider.keys = [first.jwk, rotated.jwk];
      mock.timers.tick(31_000); // past the 30 s cool-down between refetches for unknown kids
      const result = await verifier.verify(await idToken(rotated, ['price:*'], { iss: '', aud: '', expiresIn: 3_600 }));
      assert.equal(result.ok, true, 'a token of the new key is accepted after a refetch');
    } finally {
      mock.timers.reset();
      await provider.close();
    }
  });

  test('conflicting or bad key settings are refused before the relay starts', async () => {
    await assert.rejects(startRelay({ jwtSecret: 's'.repeat(32), jwksUrl: 'https://id.example/jwks' }), /not both/);
    await assert.rejects(startRelay({ jwksUrl: 'file:///etc/keys.json' }), /http\(s\) URL/);
  });
});
