/**
 * `market-pulse serve`: the relay, the demo page and (by default) the simulated market.
 * Flags win over environment variables; docs/server.md lists both.
 */
import { parseArgs } from 'node:util';
import { parseOrigins } from './http/origins.js';
import { createRelay, type Relay } from './relay.js';

/** Help text of the `market-pulse` command. */
export const USAGE = `Usage: market-pulse serve [options]

Starts the relay: WebSocket feed on /ws, demo page on /, /healthz, /metrics,
/v1/snapshot, /v1/history and /v1/publish. A simulated market runs unless
--no-simulate.

Options:
  --port <n>         TCP port (env PORT, default 8080; 0 picks a free port)
  --host <addr>      interface to listen on (env HOST, default 127.0.0.1)
  --redis <url>      Redis URL for several relay nodes (env REDIS_URL; default: single node)
  --no-simulate      do not run the simulated market
  --rate <n>         simulated ticks per second per symbol (default 4)
  --trust-proxy      count connections per X-Forwarded-For (behind one reverse proxy;
                     env MARKET_PULSE_TRUST_PROXY=1)
  --history-size <n> updates kept per channel for resume and /v1/history
                     (env MARKET_PULSE_HISTORY_SIZE, default 1200)
  --max-channels <n> channels a single node keeps; publishes to new ones beyond fail
                     (env MARKET_PULSE_MAX_CHANNELS, default 10000)
  --history-mb <n>   MiB of history a single node keeps over all channels; the oldest
                     updates go first (env MARKET_PULSE_HISTORY_MB, default 64)
  -h, --help         show this help

Environment:
  MARKET_PULSE_JWT_SECRET       HS256 secret; clients must send a JWT (unset: auth is OFF)
  MARKET_PULSE_JWKS_URL         instead of a secret: an identity provider's JWKS URL
                                (RS/PS/ES/EdDSA tokens); clients must send a JWT
  MARKET_PULSE_JWT_ISSUER       required \`iss\` claim of every token (optional)
  MARKET_PULSE_JWT_AUDIENCE     comma-separated accepted \`aud\` values (optional)
  MARKET_PULSE_ALLOWED_ORIGINS  comma-separated origins allowed to connect (unset: any)
  MARKET_PULSE_PUBLISH_TOKEN    bearer token for POST /v1/publish (unset: publishing is off)
`;

/** Settings of `serve` after merging flags over environment variables. */
export interface ServeSettings {
  port: number;
  host: string;
  redisUrl: string | undefined;
  simulate: boolean;
  rate: number | undefined;
  jwtSecret: string | undefined;
  /** JWKS URL of an identity provider (instead of `jwtSecret`). */
  jwksUrl: string | undefined;
  jwtIssuer: string | undefined;
  /** Accepted `aud` values; empty: not checked. */
  jwtAudience: string[];
  publishToken: string | undefined;
  allowedOrigins: string[];
  trustProxy: boolean;
  /** Updates kept per channel (`RelayLimits.historySize`); undefined: the default. */
  historySize: number | undefined;
  /** Channels the in-process backend keeps (`RelayLimits.maxChannels`); undefined: the default. */
  maxChannels: number | undefined;
  /** MiB of history the in-process backend keeps (`RelayLimits.historyBytes`); undefined: the default. */
  historyMb: number | undefined;
}

/** Thrown for bad command lines; the message is shown with the usage. */
export class UsageError extends Error {}

function parsePort(value: string, from: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new UsageError(`${from} must be a port number (0-65535), got ${JSON.stringify(value)}`);
  return port;
}

/** A whole number in [1, max] from a flag or an environment variable; undefined when absent or blank. */
function parseCount(value: string | undefined, from: string, max: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const count = Number(value);
  if (!/^\d+$/.test(value.trim()) || count < 1 || count > max) throw new UsageError(`${from} must be a whole number from 1 to ${max}, got ${JSON.stringify(value)}`);
  return count;
}

/** Parses the arguments after `serve`, with `env` as defaults. */
export function parseServeArgs(args: string[], env: NodeJS.ProcessEnv = process.env): ServeSettings | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        redis: { type: 'string' },
        'no-simulate': { type: 'boolean' },
        'trust-proxy': { type: 'boolean' },
        rate: { type: 'string' },
        'history-size': { type: 'string' },
        'max-channels': { type: 'string' },
        'history-mb': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';
  const rate = values.rate === undefined ? undefined : Number(values.rate);
  if (rate !== undefined && !(Number.isFinite(rate) && rate > 0 && rate <= 1000)) throw new UsageError('--rate must be a number of ticks per second in (0, 1000]');
  const blankToUndefined = (value: string | undefined) => (value && value.trim() !== '' ? value : undefined);
  const jwtSecret = blankToUndefined(env.MARKET_PULSE_JWT_SECRET);
  const jwksUrl = blankToUndefined(env.MARKET_PULSE_JWKS_URL)?.trim();
  if (jwtSecret && jwksUrl) throw new UsageError('set either MARKET_PULSE_JWT_SECRET (HS256) or MARKET_PULSE_JWKS_URL (an identity provider\'s keys), not both');
  if (jwksUrl && !/^https?:\/\/[^\s]+$/i.test(jwksUrl)) throw new UsageError(`MARKET_PULSE_JWKS_URL must be an http(s) URL, got ${JSON.stringify(jwksUrl)}`);
  return {
    port: values.port !== undefined ? parsePort(values.port, '--port') : env.PORT ? parsePort(env.PORT, 'PORT') : 8080,
    host: values.host ?? blankToUndefined(env.HOST) ?? '127.0.0.1',
    redisUrl: values.redis ?? blankToUndefined(env.REDIS_URL),
    simulate: !values['no-simulate'],
    rate,
    jwtSecret,
    jwksUrl,
    jwtIssuer: blankToUndefined(env.MARKET_PULSE_JWT_ISSUER)?.trim(),
    jwtAudience: (env.MARKET_PULSE_JWT_AUDIENCE ?? '').split(',').map((value) => value.trim()).filter(Boolean),
    publishToken: blankToUndefined(env.MARKET_PULSE_PUBLISH_TOKEN),
    allowedOrigins: parseOrigins(env.MARKET_PULSE_ALLOWED_ORIGINS),
    trustProxy: Boolean(values['trust-proxy']) || ['1', 'true', 'yes'].includes((env.MARKET_PULSE_TRUST_PROXY ?? '').toLowerCase()),
    historySize: values['history-size'] !== undefined
      ? parseCount(values['history-size'], '--history-size', 1_000_000)
      : parseCount(env.MARKET_PULSE_HISTORY_SIZE, 'MARKET_PULSE_HISTORY_SIZE', 1_000_000),
    maxChannels: values['max-channels'] !== undefined
      ? parseCount(values['max-channels'], '--max-channels', 10_000_000)
      : parseCount(env.MARKET_PULSE_MAX_CHANNELS, 'MARKET_PULSE_MAX_CHANNELS', 10_000_000),
    historyMb: values['history-mb'] !== undefined
      ? parseCount(values['history-mb'], '--history-mb', 1_000_000)
      : parseCount(env.MARKET_PULSE_HISTORY_MB, 'MARKET_PULSE_HISTORY_MB', 1_000_000),
  };
}

/** Starts the relay for `settings`, and closes it gracefully on SIGTERM/SIGINT (exit 0). */
export async function serve(settings: ServeSettings): Promise<Relay> {
  const relay = await createRelay({
    port: settings.port,
    host: settings.host,
    redisUrl: settings.redisUrl,
    simulate: settings.simulate ? { ticksPerSecond: settings.rate } : false,
    jwtSecret: settings.jwtSecret,
    jwksUrl: settings.jwksUrl,
    jwtIssuer: settings.jwtIssuer,
    jwtAudience: settings.jwtAudience,
    publishToken: settings.publishToken,
    allowedOrigins: settings.allowedOrigins,
    trustProxy: settings.trustProxy,
    limits: {
      historySize: settings.historySize,
      maxChannels: settings.maxChannels,
      historyBytes: settings.historyMb === undefined ? undefined : settings.historyMb * 1024 * 1024,
    },
  });
  const shown = ['0.0.0.0', '::'].includes(settings.host) ? `http://localhost:${relay.port}` : relay.httpUrl;
  console.log(`market-pulse relay listening on ${relay.wsUrl}`);
  console.log(`Open ${shown}/ to see the live feed${settings.simulate ? ' (simulated market)' : ''}.`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received: closing connections…`);
    relay.close().then(
      () => {
        console.log('market-pulse relay stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error('market-pulse: error while closing', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return relay;
}

/** Entry point of the `market-pulse` command. Returns an exit code when it does not keep running. */
export async function main(argv: string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'serve') {
    console.error(`market-pulse: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    return 2;
  }
  let settings: ServeSettings | 'help';
  try {
    settings = parseServeArgs(rest);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`market-pulse: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (settings === 'help') {
    console.log(USAGE);
    return 0;
  }
  try {
    await serve(settings);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') console.error(`market-pulse: port ${settings.port} is already in use (try --port 0 or another port)`);
    else console.error('market-pulse: could not start the relay:', error instanceof Error ? error.message : error);
    return 1;
  }
  return undefined;
}
