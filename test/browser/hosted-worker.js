// The one-line worker file a site owner hosts when the kit comes from a CDN (docs/connection.md),
// here importing the worker source as the test server serves it.
import '../../src/worker/shared-worker.ts';
