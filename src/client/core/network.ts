/** Online/offline signal: `navigator.onLine` and the `online`/`offline` events, where they exist. */

/** Where the core learns whether the device is online. Injectable for tests. */
export interface NetworkMonitor {
  /** Whether the device believes it is online. */
  readonly onLine: boolean;
  /** Calls `listener` on every change; returns a function that stops listening. */
  subscribe(listener: (online: boolean) => void): () => void;
}

/** The global scope's monitor (window or worker); always online where no `navigator` exists (Node). */
export function globalNetwork(): NetworkMonitor {
  const scope = globalThis as unknown as Partial<EventTarget> & { navigator?: { onLine?: boolean } };
  return {
    get onLine() {
      return scope.navigator?.onLine !== false;
    },
    subscribe(listener) {
      if (typeof scope.addEventListener !== 'function' || typeof scope.removeEventListener !== 'function') return () => {};
      const online = () => listener(true);
      const offline = () => listener(false);
      scope.addEventListener('online', online);
      scope.addEventListener('offline', offline);
      return () => {
        scope.removeEventListener!('online', online);
        scope.removeEventListener!('offline', offline);
      };
    },
  };
}
