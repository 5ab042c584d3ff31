/// <reference lib="webworker" />
/**
 * The SharedWorker host: one per origin and feed URL (the worker's name). It owns the hub and its
 * single connection; every tab connects with a MessagePort and speaks the port protocol.
 * Sites that load the kit from a CDN host a one-line copy of this entry on their own origin
 * (see docs/connection.md): `import 'https://cdn.example/market-pulse/worker.js';`.
 */
import { createHub } from '../client/transports/direct.js';
import { holdTabLock, watchTabLock, workerLockName } from '../client/tab-lock.js';

const scope = globalThis as unknown as SharedWorkerGlobalScope;
const hub = createHub('shared-worker', {}, watchTabLock);
// Held for the worker's whole life: tabs wait on it to learn that the browser killed the worker.
void holdTabLock(workerLockName(scope.name));

scope.addEventListener('connect', (event: MessageEvent) => {
  const port = event.ports[0];
  if (!port) return;
  const tab = hub.connect((message) => port.postMessage(message));
  port.onmessage = (message: MessageEvent<unknown>) => tab.receive(message.data);
  // A message that cannot be deserialized says nothing about the tab: ignore it.
  port.onmessageerror = () => {};
});
