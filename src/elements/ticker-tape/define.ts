/** Registers `<ticker-tape>` (unless a tag of that name exists already) and re-exports the class. */
import { defineElement } from '../shared/define-element.js';
import { TickerTape } from './ticker-tape.js';

export { TickerTape };
defineElement('ticker-tape', TickerTape);
