import { css } from 'lit';
import { themeStyles } from '../shared/theme.styles.js';

export const tickerTapeStyles = [
  themeStyles,
  css`
    :host {
      display: block;
      contain: content;
      font-variant-numeric: tabular-nums;
    }
    .viewport {
      overflow: hidden;
      /* 100cqw below = the width of this box: each copy fills it, so the loop has no gap. */
      container-type: inline-size;
      border-block: 1px solid var(--_border);
      background: var(--_bg);
    }
    .track {
      display: flex;
      width: max-content;
      /* The element sets animation-duration from the width and speed. */
      animation: mp-tape-scroll 30s linear infinite;
      will-change: transform;
    }
    :host(:hover) .track,
    :host(:focus-within) .track,
    :host([paused]) .track {
      animation-play-state: paused;
    }
    @keyframes mp-tape-scroll {
      from {
        transform: translateX(0);
      }
      to {
        transform: translateX(-50%);
      }
    }
    /* Right to left: the copies are laid out leftwards, so the band moves rightwards. */
    :host(:dir(rtl)) .track {
      animation-name: mp-tape-scroll-rtl;
    }
    @keyframes mp-tape-scroll-rtl {
      from {
        transform: translateX(0);
      }
      to {
        transform: translateX(50%);
      }
    }
    .group {
      display: flex;
      flex-shrink: 0;
      min-width: 100cqw;
      margin: 0;
      padding: 0;
      list-style: none;
    }
    .item {
      display: inline-flex;
      align-items: baseline;
      gap: 0.5em;
      padding: var(--mp-tape-item-padding, 0.4em 1em);
      border: 0;
      border-inline-end: 1px solid var(--_border);
      background: none;
      color: inherit;
      font: inherit;
      text-decoration: none;
      white-space: nowrap;
      cursor: pointer;
    }
    .item:hover {
      background: color-mix(in srgb, var(--_text) 6%, transparent);
    }
    .item:focus-visible {
      outline: 2px solid var(--_accent);
      outline-offset: -2px;
    }
    li {
      contain: content;
    }
    .symbol {
      font-weight: 600;
    }
    .price {
      min-width: var(--mp-tape-price-min-width, 7ch);
      text-align: end;
    }
    .price,
    .change {
      unicode-bidi: plaintext;
    }
    .change {
      /* An arrow of fixed width and room for "+10.00%": a tick does not move the items after it. */
      min-width: 9ch;
      color: var(--_muted);
    }
    .arrow {
      display: inline-block;
      width: 1em;
    }
    [data-direction='up'] .change {
      color: var(--_up);
    }
    [data-direction='down'] .change {
      color: var(--_down);
    }
    @media (prefers-reduced-motion: reduce) {
      /* No motion: a static row the user scrolls. */
      .viewport {
        overflow-x: auto;
      }
      .track {
        animation: none;
      }
      .group[aria-hidden='true'] {
        display: none;
      }
    }
  `,
];
