/** Registers `<market-feed>` (unless a tag of that name exists already) and re-exports the class. */
import { defineElement } from '../shared/define-element.js';
import { MarketFeed } from './market-feed.js';

export { MarketFeed };
defineElement('market-feed', MarketFeed);
