/** Registers `<ticker-tape>` (unless a tag of that name exists already) and re-exports the class. */
import { TickerTape } from './ticker-tape.js';

export { TickerTape };
if (!customElements.get('ticker-tape')) customElements.define('ticker-tape', TickerTape);
