/** Registers `<price-ticker>` (unless a tag of that name exists already) and re-exports the class. */
import { defineElement } from '../shared/define-element.js';
import { PriceTicker } from './price-ticker.js';

export { PriceTicker };
defineElement('price-ticker', PriceTicker);
