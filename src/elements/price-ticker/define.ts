/** Registers `<price-ticker>` (unless a tag of that name exists already) and re-exports the class. */
import { PriceTicker } from './price-ticker.js';

export { PriceTicker };
if (!customElements.get('price-ticker')) customElements.define('price-ticker', PriceTicker);
