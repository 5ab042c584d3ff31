/** Registers `<realtime-chart>` (unless a tag of that name exists already) and re-exports the class. */
import { RealtimeChart } from './realtime-chart.js';

export { RealtimeChart };
if (!customElements.get('realtime-chart')) customElements.define('realtime-chart', RealtimeChart);
