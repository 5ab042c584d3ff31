/**
 * The colour scheme shared by every element: light by default, dark under
 * `prefers-color-scheme: dark` or `theme="dark"`, forced light by `theme="light"`.
 * Public knobs are `--mp-*` custom properties; the private `--_*` ones resolve them per scheme.
 * Default colours keep a contrast of at least 4.5:1 for text on the default background.
 */
import { css } from 'lit';

const light = css`
  --_bg: var(--mp-color-bg, #ffffff);
  --_text: var(--mp-color-text, #14171a);
  --_muted: var(--mp-color-muted, #5a6470);
  --_border: var(--mp-color-border, #d5dae0);
  --_up: var(--mp-color-up, #0a7a35);
  --_down: var(--mp-color-down, #c0262d);
  --_accent: var(--mp-color-accent, #1f5fbf);
  --_flash-up: var(--mp-flash-up, rgba(10, 160, 70, 0.28));
  --_flash-down: var(--mp-flash-down, rgba(220, 40, 50, 0.28));
  color-scheme: light;
`;

const dark = css`
  --_bg: var(--mp-color-bg, #111418);
  --_text: var(--mp-color-text, #e8ebef);
  --_muted: var(--mp-color-muted, #9aa4af);
  --_border: var(--mp-color-border, #2c333b);
  --_up: var(--mp-color-up, #3ddc84);
  --_down: var(--mp-color-down, #ff6b6b);
  --_accent: var(--mp-color-accent, #7fb0ff);
  --_flash-up: var(--mp-flash-up, rgba(61, 220, 132, 0.25));
  --_flash-down: var(--mp-flash-down, rgba(255, 107, 107, 0.25));
  color-scheme: dark;
`;

/** Include first in every element's `static styles`. */
export const themeStyles = css`
  :host {
    ${light}
    font-family: var(--mp-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    color: var(--_text);
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${dark}
    }
  }
  :host([theme='dark']) {
    ${dark}
  }
  :host([hidden]) {
    display: none !important;
  }
  .visually-hidden {
    position: absolute !important;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
`;
