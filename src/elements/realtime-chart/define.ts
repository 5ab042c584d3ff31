/** Registers `<realtime-chart>` (unless a tag of that name exists already) and re-exports the class. */
import { defineElement } from '../shared/define-element.js';
import { RealtimeChart } from './realtime-chart.js';

export { RealtimeChart };
defineElement('realtime-chart', RealtimeChart);
