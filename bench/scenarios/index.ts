/** Every benchmark scenario, in report order. */
import type { Scenario } from '../lib/scenario.js';
import { p1Sockets } from './p1-sockets.js';
import { p2Latency } from './p2-latency.js';
import { p3Throughput } from './p3-throughput.js';
import { p4Memory } from './p4-memory.js';
import { p5SlowConsumer } from './p5-slow-consumer.js';
import { p6Chart } from './p6-chart.js';
import { p7Tickers } from './p7-tickers.js';
import { p8Bundles } from './p8-bundles.js';

/**
 * Run order: the figures most sensitive to other work on the machine (latency percentiles) go
 * last, so a run started while a shared box winds down measures them in its quietest minutes.
 */
export const SCENARIOS: Scenario[] = [p8Bundles, p1Sockets, p4Memory, p6Chart, p7Tickers, p2Latency, p5SlowConsumer, p3Throughput];
