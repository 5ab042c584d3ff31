import { css } from 'lit';
import { themeStyles } from '../shared/theme.styles.js';

export const realtimeChartStyles = [
  themeStyles,
  css`
    :host {
      --_chart-line: var(--mp-chart-line, var(--_accent));
      --_chart-area: var(--mp-chart-area, var(--_chart-line));
      display: block;
      position: relative;
      height: var(--mp-chart-height, 240px);
      min-width: 120px;
      contain: strict;
    }
    .base {
      position: relative;
      width: 100%;
      height: 100%;
      border-radius: var(--mp-radius, 6px);
      background: var(--_bg);
      overflow: hidden;
      touch-action: pan-y;
    }
    canvas {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
      display: block;
    }
    .tooltip {
      position: absolute;
      top: 0;
      left: 0;
      padding: 0.25em 0.5em;
      border: 1px solid var(--_border);
      border-radius: 4px;
      background: var(--_bg);
      color: var(--_text);
      font-size: 0.75em;
      font-variant-numeric: tabular-nums;
      white-space: nowrap;
      unicode-bidi: plaintext;
      pointer-events: none;
    }
    .tooltip[hidden] {
      display: none;
    }
    .empty {
      position: absolute;
      inset: 0;
      display: grid;
      place-items: center;
      color: var(--_muted);
      font-size: 0.875em;
      pointer-events: none;
    }
  `,
];
