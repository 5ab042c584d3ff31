/** Browser-side helpers for the relay started by test/support/relay-plugin.mjs. */

export interface RelayInfo {
  wsUrl: string;
  httpUrl: string;
  port: number;
}

/** The running relay (the plugin starts it on first use). */
export async function relayInfo(): Promise<RelayInfo> {
  return (await (await fetch('/__relay')).json()) as RelayInfo;
}

/** Publishes one message through the relay. */
export async function publish(channel: string, data: Record<string, unknown>): Promise<{ seq: number }> {
  const response = await fetch('/__relay/publish', { method: 'POST', body: JSON.stringify({ channel, data }) });
  return (await response.json()) as { seq: number };
}

/** The relay's /healthz. */
export async function relayHealth(): Promise<{ connections: number; subscriptions: number; channels: number }> {
  return (await (await fetch('/__relay/health')).json()) as { connections: number; subscriptions: number; channels: number };
}

/** Polls `check` until truthy; throws `what` after `timeoutMs`. */
export async function until<T>(check: () => T | Promise<T>, what: string, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A price tick. */
export const tick = (symbol: string, price: number) => ({ symbol, price, ts: Date.now() });
