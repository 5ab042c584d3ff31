import { css } from 'lit';
import { themeStyles } from '../shared/theme.styles.js';

export const connectionStatusStyles = [
  themeStyles,
  css`
    :host {
      --_pending: var(--mp-color-pending, #8a5a00);
      display: inline-block;
      font-size: 0.875em;
      font-variant-numeric: tabular-nums;
    }
    @media (prefers-color-scheme: dark) {
      :host(:not([theme='light'])) {
        --_pending: var(--mp-color-pending, #ffc266);
      }
    }
    :host([theme='dark']) {
      --_pending: var(--mp-color-pending, #ffc266);
    }
    .status {
      display: inline-flex;
      align-items: center;
      gap: 0.5em;
      padding: 0.25em 0.6em;
      border: 1px solid var(--_border);
      border-radius: 999px;
      background: var(--_bg);
    }
    :host([compact]) .status {
      padding: 0.25em;
      border-color: transparent;
      background: none;
    }
    .dot {
      display: inline-block;
      flex: none;
      width: var(--mp-status-dot-size, 0.6em);
      height: var(--mp-status-dot-size, 0.6em);
      border-radius: 50%;
      background: var(--_pending);
    }
    [data-state='live'] .dot {
      background: var(--_up);
    }
    [data-state='offline'] .dot,
    [data-state='closed'] .dot {
      background: var(--_down);
    }
    .label {
      font-weight: 600;
    }
    .detail {
      color: var(--_muted);
      white-space: nowrap;
    }
    .retry {
      font: inherit;
      font-size: 0.9em;
      padding: 0.1em 0.6em;
      border: 1px solid var(--_border);
      border-radius: 999px;
      background: none;
      color: var(--_accent);
      cursor: pointer;
    }
    .retry:focus-visible {
      outline: 2px solid var(--_accent);
      outline-offset: 1px;
    }
  `,
];
