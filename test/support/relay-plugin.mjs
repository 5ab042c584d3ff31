// web-test-runner plugin: a real relay on 127.0.0.1 for browser tests. Routes (same origin as tests):
//   GET /__relay          → {"wsUrl","httpUrl","port"} of the running relay (starts one if none)
//   POST /__relay/stop    → stops the relay (keeps its port)   POST /__relay/start → starts it on the same port
//   POST /__relay/publish → body {channel,data} published on the relay → {channel,seq}
//   GET /__relay/health   → the relay's /healthz JSON (the relay's own route has no CORS)
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
  const publishToken = 'test-publish-token';

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
        if (context.path === '/__relay/health') {
          if (!relay) return { body: JSON.stringify({ status: 'stopped', connections: 0, channels: 0, subscriptions: 0 }), type: 'json' };
          const response = await fetch(`${relay.httpUrl}/healthz`);
          return { body: await response.text(), type: 'json' };
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
