/**
 * Renders story content inside a `<market-feed>` that provides a simulated in-memory market.
 * The simulation starts when the provider is on the page and stops when it leaves, so switching
 * stories (or a docs page rendering many) never leaves timers behind.
 */
import { html, type TemplateResult } from 'lit';
import { ref } from 'lit/directives/ref.js';
import '../../src/elements/market-feed/define.js';
import { createSimulatedMarket, type SimulatedMarket, type SimulatedMarketOptions } from './simulated-market.js';

/** Options of `withMarket`: the simulation, plus page direction and language for RTL stories. */
export interface WithMarketOptions extends SimulatedMarketOptions {
  dir?: 'ltr' | 'rtl';
  lang?: string;
  /** Background of the story area (the dark-theme story uses a dark one). */
  background?: string;
}

/** Wraps `content` in a `<market-feed>` fed by a fresh simulated market. */
export function withMarket(options: WithMarketOptions, content: TemplateResult): TemplateResult {
  const market: SimulatedMarket = createSimulatedMarket(options);
  let watchdog: ReturnType<typeof setInterval> | undefined;
  const bind = (element: Element | undefined) => {
    if (!element) {
      market.stop();
      clearInterval(watchdog);
      return;
    }
    market.start();
    // Storybook may drop the DOM without telling the ref: stop when the provider is gone.
    clearInterval(watchdog);
    watchdog = setInterval(() => {
      if (element.isConnected) return;
      market.stop();
      clearInterval(watchdog);
    }, 1000);
  };
  const style = options.background ? `display:block;padding:16px;background:${options.background}` : '';
  return html`<div dir=${options.dir ?? 'ltr'} lang=${options.lang ?? 'en'} style=${style}>
    <market-feed .feed=${market.feed} ${ref(bind)}>${content}</market-feed>
  </div>`;
}
