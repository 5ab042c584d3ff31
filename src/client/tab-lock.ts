/**
 * Tab liveness through Web Locks. A MessagePort has no reliable close event, so each tab holds an
 * exclusive lock named after itself for its whole life; the hub asks for the same lock, and the
 * browser grants it only when the tab is gone (closed, navigated away, crashed).
 */

interface LockManagerLike {
  request(name: string, options: { signal?: AbortSignal; ifAvailable?: boolean; steal?: boolean }, callback: (lock: unknown) => Promise<unknown> | unknown): Promise<unknown>;
}

/** The Web Locks API of this global scope, if any. */
export function lockManager(): LockManagerLike | undefined {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  return locks && typeof locks.request === 'function' ? locks : undefined;
}

/**
 * Holds the lock `name` until `release()` or the end of the tab. Resolves once the lock is held,
 * or with null when Web Locks are missing or the request failed.
 */
export async function holdTabLock(name: string): Promise<{ release(): void } | null> {
  const locks = lockManager();
  if (!locks) return null;
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  return new Promise((resolve) => {
    locks
      .request(name, {}, () => {
        resolve({ release });
        return held;
      })
      .catch(() => resolve(null));
  });
}

/** Calls `onGone` when the lock `name` becomes free; returns a canceller. */
export function watchTabLock(name: string, onGone: () => void): () => void {
  const locks = lockManager();
  if (!locks) return () => {};
  const controller = new AbortController();
  locks
    .request(name, { signal: controller.signal }, () => {
      if (!controller.signal.aborted) onGone();
    })
    .catch(() => {}); // aborted: the tab said goodbye first
  return () => controller.abort();
}

/** Name of the lock a SharedWorker holds for its lifetime (its tabs watch it). */
export function workerLockName(workerName: string): string {
  return `market-pulse-worker:${workerName}`;
}

/** Whether leader mode can work here (Web Locks and BroadcastChannel). */
export function leaderModeAvailable(): boolean {
  return lockManager() !== undefined && typeof globalThis.BroadcastChannel === 'function';
}

/** Name of the lock a tab holds for its lifetime. */
export function tabLockName(tab: string): string {
  return `market-pulse-tab:${tab}`;
}
