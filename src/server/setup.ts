/**
 * Wiring that depends on the deployment: which backend to open, and where the simulator runs
 * (on a single node always; in a cluster only on the node holding the `simulator` lease, so the
 * market is simulated once, not once per node).
 */
import type { ChannelData, PriceTick } from '../protocol/index.js';
import { createMemoryBackend } from './backend/memory-backend.js';
import type { ChannelBackend, Leadership } from './backend/types.js';
import type { Logger } from './log.js';
import type { RelayLimits, RelayOptions } from './options.js';
import { startSimulator, type Simulator, type SimulatorOptions } from './simulator/simulator.js';

/** Opens the backend of a relay; `owned` backends are closed with the relay. */
export async function openBackend(options: RelayOptions, limits: RelayLimits, log: Logger): Promise<{ backend: ChannelBackend; owned: boolean }> {
  if (options.backend) return { backend: options.backend, owned: false };
  if (options.redisUrl) {
    let createRedisBackend: typeof import('./backend/redis-backend.js').createRedisBackend;
    try {
      ({ createRedisBackend } = await import('./backend/redis-backend.js'));
    } catch (error) {
      throw new Error(`The Redis backend could not be loaded (src/server/backend/redis-backend): ${String(error)}`);
    }
    const backend = await createRedisBackend({
      url: options.redisUrl,
      historySize: limits.historySize,
      logger: { info: (message) => log.info(message), warn: (message) => log.warn(message) },
    });
    return { backend, owned: true };
  }
  return { backend: createMemoryBackend({ historySize: limits.historySize, maxChannels: limits.maxChannels, historyBytes: limits.historyBytes }), owned: true };
}

/** A simulator that runs only while this node leads; `stop` also gives the lease up. */
export interface SimulatorRun {
  stop(): Promise<void>;
}

/** Starts the simulator now (single node) or whenever this node holds the `simulator` lease. */
export function runSimulator(
  backend: ChannelBackend,
  publish: (channel: string, data: ChannelData) => Promise<unknown>,
  options: SimulatorOptions,
  log: Logger,
): SimulatorRun {
  let simulator: Simulator | null = null;
  const start = () => {
    simulator ??= startSimulator((channel, tick: PriceTick) => publish(channel, { ...tick }), options, (error) =>
      log.warn(`simulated publish failed: ${String(error)}`),
    );
  };
  const halt = () => {
    simulator?.stop();
    simulator = null;
  };
  const lease: Leadership | undefined = backend.leadership?.('simulator');
  if (!lease) {
    start();
    return { stop: async () => halt() };
  }
  const update = (leader: boolean) => {
    if (leader) {
      log.info('this node now runs the simulated market');
      start();
    } else halt();
  };
  const unlisten = lease.onChange(update);
  if (lease.isLeader()) start();
  return {
    async stop() {
      unlisten();
      halt();
      await lease.release();
    },
  };
}
