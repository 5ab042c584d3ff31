/**
 * The context key through which `<market-feed>` hands its `Feed` to descendant elements.
 */
import { createContext } from '@lit/context';
import type { Feed } from '../../client/types.js';

/**
 * Context of the page's feed. Keyed with `Symbol.for` so that two copies of the kit on one page
 * (say, the CDN bundle and a per-element import) still find each other's providers.
 */
export const feedContext = createContext<Feed | undefined>(Symbol.for('market-pulse/feed'));
