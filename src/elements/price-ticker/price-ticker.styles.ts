import { css } from 'lit';
import { themeStyles } from '../shared/theme.styles.js';

export const priceTickerStyles = [
  themeStyles,
  css`
    :host {
      display: inline-block;
      vertical-align: top;
      /* Updates repaint only this box, never the page around it. */
      contain: layout paint style;
      font-variant-numeric: tabular-nums;
    }
    .ticker {
      position: relative;
      display: inline-grid;
      grid-template-columns: auto auto;
      align-items: baseline;
      column-gap: 0.5em;
      row-gap: 0.15em;
      padding: var(--mp-ticker-padding, 0.5em 0.75em);
      border: 1px solid var(--_border);
      border-radius: var(--mp-radius, 6px);
      background: var(--_bg);
      overflow: hidden;
    }
    .flash {
      position: absolute;
      inset: 0;
      opacity: 0;
      pointer-events: none;
      background: var(--_flash-up);
    }
    .flash[data-direction='down'] {
      background: var(--_flash-down);
    }
    .symbol {
      font-size: 0.8em;
      font-weight: 600;
      letter-spacing: 0.02em;
      color: var(--_muted);
      white-space: nowrap;
    }
    .badge {
      justify-self: end;
      font-size: 0.7em;
      padding: 0 0.4em;
      border-radius: 999px;
      border: 1px solid currentColor;
      color: var(--_muted);
      white-space: nowrap;
    }
    .price {
      grid-column: 1 / -1;
      /* Fixed minimum width + tabular digits: the box does not jump as digits change. */
      min-width: var(--mp-price-min-width, 9ch);
      font-size: var(--mp-price-font-size, 1.5em);
      font-weight: 650;
      white-space: nowrap;
    }
    .change {
      grid-column: 1 / -1;
      min-width: var(--mp-change-min-width, 16ch);
      font-size: 0.875em;
      white-space: nowrap;
      color: var(--_muted);
    }
    [data-direction='up'] .change {
      color: var(--_up);
    }
    [data-direction='down'] .change {
      color: var(--_down);
    }
    .arrow {
      display: inline-block;
      width: 1em;
    }
    /* Numbers keep their own direction on right-to-left pages (no "(5.08%-)"). */
    .price,
    .change {
      unicode-bidi: plaintext;
    }
    :host(:dir(rtl)) .price,
    :host(:dir(rtl)) .change {
      text-align: right;
    }
    [data-state='stale'] .price,
    [data-state='loading'] .price {
      color: var(--_muted);
    }
    [data-state='error'] .badge {
      color: var(--_down);
    }
    .message {
      grid-column: 1 / -1;
      font-size: 0.8em;
      color: var(--_muted);
    }
    :host([compact]) .ticker {
      grid-template-columns: auto auto auto auto;
      padding: var(--mp-ticker-padding, 0.2em 0.5em);
    }
    :host([compact]) .price,
    :host([compact]) .change,
    :host([compact]) .message {
      grid-column: auto;
      font-size: 1em;
    }
    :host([compact]) .price {
      min-width: var(--mp-price-min-width, 8ch);
      text-align: end;
    }
    :host([compact]) .change {
      min-width: var(--mp-change-min-width, 8ch);
    }
  `,
];
