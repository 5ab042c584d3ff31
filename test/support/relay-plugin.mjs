// web-test-runner plugin: a real relay on 127.0.0.1 for browser tests. Routes (same origin as tests):
//   GET /__relay          → {"wsUrl","httpUrl","port"} of the running relay (starts one if none)
//   POST /__relay/stop    → stops the relay (keeps its port)   POST /__relay/start → starts it on the same port
//   POST /__relay/publish → body {channel,data} published on the relay → {channel,seq}
//   POST /__relay/flood   → body {channel,count}: publishes `count` ticks (price 1…count) as fast as it can
//   GET /__relay/health   → the relay's /healthz JSON (the relay's own route has no CORS)
//   GET /__relay/auth     → {"wsUrl"} of a second relay that requires a JWT (started on first use)
//   GET /__relay/auth/token?ttl=S&channels=a,b → a JWT for it, valid S seconds (default 60), for channels `price:*` (or a, b)
//   POST /__relay/auth/publish    → like /__relay/publish, on the JWT relay
function readBody(req) {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

export function relayPlugin() {
  let relay = null;
  let port = 0;
  let authRelay = null;
  const publishToken = 'test-publish-token';
  const jwtSecret = 'wtr-relay-plugin-secret-wtr-relay-plugin-secret';

  async function startAuthRelay() {
    const { createRelay } = await import('../../src/server/relay.ts');
    authRelay ??= await createRelay({ host: '127.0.0.1', port: 0, simulate: false, publishToken, jwtSecret, quiet: true });
    return authRelay;
  }

  async function mintToken(ttlSeconds, channels = ['price:*']) {
    const { SignJWT } = await import('jose');
    return new SignJWT({ channels })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
      .sign(new TextEncoder().encode(jwtSecret));
  }

  async function start() {
    const { createRelay } = await import('../../src/server/relay.ts');
    relay = await createRelay({ host: '127.0.0.1', port, simulate: false, publishToken, quiet: true });
    port = relay.port;
    return relay;
  }

  const info = () => ({ wsUrl: `ws://127.0.0.1:${port}/ws`, httpUrl: `http://127.0.0.1:${port}`, port, publishToken });

  return {
    name: 'market-pulse-relay',
    async serverStop() {
      await relay?.close();
      await authRelay?.close();
    },
    async serve(context) {
      if (!context.path.startsWith('/__relay')) return undefined;
      try {
        if (context.path === '/__relay') {
          if (!relay) await start();
          return { body: JSON.stringify(info()), type: 'json' };
        }
        if (context.path === '/__relay/stop') {
          await relay?.close();
          relay = null;
          return { body: JSON.stringify(info()), type: 'json' };
        }
        if (context.path === '/__relay/publish') {
          if (!relay) await start();
          const { channel, data } = JSON.parse(await readBody(context.req));
          return { body: JSON.stringify(await relay.publish(channel, data)), type: 'json' };
        }
        if (context.path === '/__relay/flood') {
          if (!relay) await start();
          const { channel, count } = JSON.parse(await readBody(context.req));
          const symbol = String(channel).split(':')[1];
          const started = Date.now();
          const n = Math.min(Math.max(Number(count) || 0, 0), 100_000);
          for (let price = 1; price <= n; price++) await relay.publish(channel, { symbol, price, ts: Date.now() });
          return { body: JSON.stringify({ published: n, ms: Date.now() - started }), type: 'json' };
        }
        if (context.path === '/__relay/health') {
          if (!relay) return { body: JSON.stringify({ status: 'stopped', connections: 0, channels: 0, subscriptions: 0 }), type: 'json' };
          const response = await fetch(`${relay.httpUrl}/healthz`);
          return { body: await response.text(), type: 'json' };
        }
        if (context.path === '/__relay/auth') {
          const auth = await startAuthRelay();
          return { body: JSON.stringify({ wsUrl: auth.wsUrl, httpUrl: auth.httpUrl }), type: 'json' };
        }
        if (context.path === '/__relay/auth/token') {
          const params = new URL(context.url, 'http://x').searchParams;
          const ttl = Number(params.get('ttl') ?? 60);
          const channels = params.get('channels')?.split(',');
          return { body: await mintToken(Number.isFinite(ttl) ? ttl : 60, channels), type: 'text' };
        }
        if (context.path === '/__relay/auth/publish') {
          const auth = await startAuthRelay();
          const { channel, data } = JSON.parse(await readBody(context.req));
          return { body: JSON.stringify(await auth.publish(channel, data)), type: 'json' };
        }
        if (context.path === '/__relay/start') {
          if (!relay) await start();
          return { body: JSON.stringify(info()), type: 'json' };
        }
      } catch (error) {
        return { body: JSON.stringify({ error: String(error?.stack ?? error) }), type: 'json' };
      }
      return undefined;
    },
  };
}
