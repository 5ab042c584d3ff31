/**
 * The two ioredis connections of a node (a subscriber connection cannot run ordinary commands),
 * configured to fail fast while Redis is away rather than queue: a publish must not surface
 * minutes later, and resubscribing is done by the backend so it can catch up in order.
 */
import { Redis, type RedisOptions } from 'ioredis';

/** Reconnect delay: exponential from 100 ms, capped at 2 s, with jitter so nodes do not stampede. */
export function retryDelay(attempt: number): number {
  return Math.min(2_000, 100 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random() / 2);
}

/** Creates the command and subscriber connections (not yet connected). */
export function createConnections(url: string, commandTimeoutMs: number): { command: Redis; subscriber: Redis } {
  const options: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: false, // commands while disconnected fail at once
    autoResendUnfulfilledCommands: false, // an interrupted publish is reported failed, never replayed later
    autoResubscribe: false, // the backend re-subscribes, then catches up from history
    commandTimeout: commandTimeoutMs,
    maxRetriesPerRequest: 1,
    retryStrategy: retryDelay, // reconnect forever
    connectionName: 'market-pulse',
  };
  return { command: new Redis(url, options), subscriber: new Redis(url, options) };
}

/** Resolves when `client` is ready, or after `ms` whatever its state. */
export function waitReady(client: Redis, ms: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    client.on('ready', done);
  });
}
