/**
 * Our relay (src/server/relay.ts) behind the same interface as the peers. Ticks go straight into
 * its channel backend, like the simulator's, so the relay does all of the fan-out work.
 * Limits are raised so that thousands of connections from 127.0.0.1 are not refused as abuse.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RelayUnderTest } from './relay-under-test.js';

const RELAY_MODULE = new URL('../../src/server/relay.ts', import.meta.url);

/** Null when our relay is importable; else why not. */
export function oursMissing(): string | null {
  return existsSync(fileURLToPath(RELAY_MODULE)) ? null : 'src/server/relay.ts not there yet';
}

interface OurRelay {
  port: number;
  wsUrl: string;
  httpUrl: string;
  backend: { publish(channel: string, data: Record<string, unknown>): Promise<unknown> };
  close(): Promise<void>;
}

export const BENCH_PUBLISH_TOKEN = 'bench-publish-token';

export async function startOurRelay(): Promise<RelayUnderTest & { httpUrl: string }> {
  const { createRelay } = (await import(RELAY_MODULE.href)) as {
    createRelay(options: Record<string, unknown>): Promise<OurRelay>;
  };
  const relay = await createRelay({
    port: 0,
    host: '127.0.0.1',
    simulate: false,
    quiet: true,
    publishToken: BENCH_PUBLISH_TOKEN,
    limits: BENCH_LIMITS,
  });
  return {
    port: relay.port,
    wsUrl: relay.wsUrl,
    httpUrl: relay.httpUrl,
    // /healthz is the public count, what an operator sees.
    async connections() {
      const health = (await (await fetch(`${relay.httpUrl}/healthz`)).json()) as { connections?: number };
      return Number(health.connections ?? Number.NaN);
    },
    publish(symbol, data) {
      relay.backend.publish(`price:${symbol}`, data).catch(() => undefined);
    },
    close: () => relay.close(),
  };
}

/**
 * The relay's defaults except the per-IP connection cap: the benchmark opens thousands of sockets
 * from 127.0.0.1 on purpose. Flush interval, conflation and slow-consumer limits stay default.
 */
export const BENCH_LIMITS: Record<string, number> = { maxConnectionsPerIp: 1_000_000, ...limitsFromEnv() };

/**
 * `BENCH_OURS_LIMITS='{"flushIntervalMs":20}'` tries other relay limits (an experiment knob, e.g.
 * to see what a setting would change; reported runs leave it unset). Bad JSON is ignored.
 */
function limitsFromEnv(): Record<string, number> {
  try {
    const parsed = JSON.parse(process.env.BENCH_OURS_LIMITS ?? '{}') as Record<string, unknown>;
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, number] => typeof entry[1] === 'number'));
  } catch {
    return {};
  }
}
