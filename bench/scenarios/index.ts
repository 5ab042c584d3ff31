/** Every benchmark scenario, in report order. */
import type { Scenario } from '../lib/scenario.js';
import { p3Throughput } from './p3-throughput.js';
import { p8Bundles } from './p8-bundles.js';

export const SCENARIOS: Scenario[] = [p3Throughput, p8Bundles];
