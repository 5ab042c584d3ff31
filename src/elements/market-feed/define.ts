/** Registers `<market-feed>` (unless a tag of that name exists already) and re-exports the class. */
import { MarketFeed } from './market-feed.js';

export { MarketFeed };
if (!customElements.get('market-feed')) customElements.define('market-feed', MarketFeed);
