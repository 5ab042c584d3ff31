/**
 * A lease in Redis (`SET key nodeId NX PX ttl`, renewed every ttl/3 by its holder) so that exactly
 * one node of a cluster runs the simulator, and another takes over within about one ttl when the
 * holder dies. The holder steps down on its own as soon as it cannot prove the lease is still its
 * own (the connection dropped, a renewal failed past the ttl, or Redis answers that someone else
 * holds it), which keeps the window with two leaders to at most one renewal period, and only
 * after Redis lost its data.
 */
import type { Redis } from 'ioredis';
import type { Leadership } from './types.js';
import { ACQUIRE_LEASE_SCRIPT, leaseKey, RELEASE_LEASE_SCRIPT } from './redis-scripts.js';

/** Options of one lease. */
export interface LeaseOptions {
  /** Lease time-to-live in ms; a dead holder is replaced after at most this long. */
  ttlMs: number;
  /** Key prefix shared with the backend. */
  keyPrefix: string;
  /** This node's id (unique per process). */
  nodeId: string;
  /** Reports problems. */
  warn: (message: string) => void;
}

/** Competes for the lease `name` until released. */
export function createRedisLeadership(redis: Redis, name: string, options: LeaseOptions): Leadership {
  const key = leaseKey(options.keyPrefix, name);
  const renewEveryMs = Math.max(50, Math.floor(options.ttlMs / 3));
  const listeners = new Set<(leader: boolean) => void>();
  let leader = false;
  let lastConfirmed = 0;
  let released = false;
  let busy = false;

  const setLeader = (next: boolean): void => {
    if (next === leader) return;
    leader = next;
    for (const listener of listeners) {
      try {
        listener(next);
      } catch (error) {
        options.warn(`leadership listener failed: ${String(error)}`);
      }
    }
  };

  const tick = async (): Promise<void> => {
    if (busy || released) return;
    if (redis.status !== 'ready') return stepDown();
    busy = true;
    try {
      const startedAt = Date.now();
      // One script takes a free lease and renews our own, so a node that stepped down during a
      // short outage gets its still-valid lease back at once instead of waiting for it to expire.
      const held = (await redis.eval(ACQUIRE_LEASE_SCRIPT, 1, key, options.nodeId, options.ttlMs)) === 1;
      if (released) return;
      if (held) lastConfirmed = startedAt;
      setLeader(held);
    } catch {
      // Unsure whether the lease survived: keep leading only while it surely has not expired.
      if (leader && Date.now() - lastConfirmed >= options.ttlMs) setLeader(false);
    } finally {
      busy = false;
    }
  };
  // Without Redis this node cannot prove it leads (and could not publish anyway): step down now.
  const stepDown = (): void => setLeader(false);
  const retake = (): void => void tick();
  redis.on('close', stepDown);
  redis.on('ready', retake);

  const timer = setInterval(() => void tick(), renewEveryMs);
  timer.unref();
  void tick();

  return {
    isLeader: () => leader,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      redis.off('close', stepDown);
      redis.off('ready', retake);
      const wasLeader = leader;
      setLeader(false);
      listeners.clear();
      if (wasLeader && redis.status === 'ready') {
        // Hand over at once instead of letting the others wait for the ttl.
        await redis.eval(RELEASE_LEASE_SCRIPT, 1, key, options.nodeId).catch(() => undefined);
      }
    },
  };
}
