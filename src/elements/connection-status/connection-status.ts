import { LitElement, html, nothing, type PropertyDeclarations } from 'lit';
import type { ConnectionState, FeedMode, FeedStatus } from '../../client/types.js';
import { emit } from '../shared/events.js';
import { FeedController } from '../shared/feed-controller.js';
import { numberFormat } from '../shared/format.js';
import { connectionStatusStyles } from './connection-status.styles.js';

/** States as a user sees them. */
export type DisplayState = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'polling' | 'closed' | 'no-feed';

const DISPLAY: Record<ConnectionState, DisplayState> = {
  idle: 'connecting',
  connecting: 'connecting',
  open: 'live',
  reconnecting: 'reconnecting',
  offline: 'offline',
  polling: 'polling',
  closed: 'closed',
};

const LABELS: Record<DisplayState, string> = {
  connecting: 'Connecting',
  live: 'Live',
  reconnecting: 'Reconnecting',
  offline: 'Offline',
  polling: 'Polling',
  closed: 'Closed',
  'no-feed': 'No feed',
};

const MODES: Record<FeedMode, string> = {
  'shared-worker': 'shared worker',
  leader: 'leader tab',
  direct: 'direct',
  memory: 'in-memory',
};

const RETRYABLE = new Set<DisplayState>(['reconnecting', 'offline', 'polling', 'closed']);

/**
 * The state of the feed connection, for users and for support.
 *
 * @tagname connection-status
 * @summary Connection state, transport mode, latency and data age, with a retry control.
 *
 * @csspart base - The box around the status.
 * @csspart dot - The coloured state dot.
 * @csspart label - The state label.
 * @csspart detail - Mode, latency and time since the last message.
 * @csspart retry - The retry button (shown when the feed is not live).
 *
 * @cssproperty [--mp-color-up=#0a7a35] - Dot colour when live.
 * @cssproperty [--mp-color-down=#c0262d] - Dot colour when offline or closed.
 * @cssproperty [--mp-color-pending=#8a5a00] - Dot colour while connecting, reconnecting or polling.
 * @cssproperty [--mp-status-dot-size=0.6em] - Size of the dot.
 * @cssproperty [--mp-color-accent=#1f5fbf] - Colour of the retry button.
 *
 * @fires {CustomEvent<RetryDetail>} mp-retry - The user pressed retry. Cancelable: cancelling skips `feed.reconnect()`.
 */
export class ConnectionStatus extends LitElement {
  // The reactive properties, declared here rather than with decorators so that pages bundle no
  // decorator helpers; the fields below carry their docs and defaults.
  static override properties: PropertyDeclarations = {
    compact: { type: Boolean, reflect: true },
    locale: {},
    theme: { reflect: true },
  };

  static override styles = connectionStatusStyles;

  readonly #feeds = new FeedController(this, {
    onStatus: (status) => {
      this.#status = status;
      this.requestUpdate();
    },
    onFeed: (feed) => {
      if (!feed) this.#status = undefined;
    },
  });

  /** Dot only, with the details in its tooltip and accessible name. */
  compact = false;
  /** BCP 47 locale of numbers and relative times. */
  locale?: string;
  /** Colour scheme: `light`, `dark`, or unset to follow `prefers-color-scheme`. */
  theme?: 'light' | 'dark';

  #status: FeedStatus | undefined;
  #clock: ReturnType<typeof setInterval> | undefined;

  /** The state shown. */
  get state(): DisplayState {
    return this.#status ? DISPLAY[this.#status.state] ?? 'connecting' : 'no-feed';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // "3 s ago" must move on without a new status.
    this.#clock = setInterval(() => this.#status?.stats.lastMessageAt != null && this.requestUpdate(), 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#clock);
  }

  #onRetry(): void {
    if (emit(this, 'mp-retry', { state: this.state }, { cancelable: true })) this.#feeds.feed?.reconnect();
  }

  /** e.g. "shared worker · 23 ms · 4 seconds ago", plus the error when there is one. */
  #details(): string {
    if (!this.#status) return '';
    const parts = [MODES[this.#status.mode] ?? String(this.#status.mode)];
    const { latencyMs, lastMessageAt } = this.#status.stats;
    if (latencyMs != null && Number.isFinite(latencyMs)) {
      parts.push(numberFormat(this.locale, { style: 'unit', unit: 'millisecond', maximumFractionDigits: 0 }).format(latencyMs));
    }
    if (lastMessageAt != null) parts.push(this.#age(Date.now() - lastMessageAt));
    // Why it stopped (e.g. "forbidden"), as text: the message comes from the server.
    if (this.#status.error) parts.push(String(this.#status.error.message || this.#status.error.code).slice(0, 120));
    return parts.join(' · ');
  }

  #age(ms: number): string {
    const seconds = Math.max(0, Math.round(ms / 1000));
    let format: Intl.RelativeTimeFormat;
    try {
      format = new Intl.RelativeTimeFormat(this.locale || undefined, { numeric: 'auto' });
    } catch {
      format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
    }
    if (seconds < 60) return format.format(-seconds, 'second');
    if (seconds < 3600) return format.format(-Math.floor(seconds / 60), 'minute');
    return format.format(-Math.floor(seconds / 3600), 'hour');
  }

  protected override render() {
    const state = this.state;
    const label = LABELS[state];
    const details = this.#details();
    const summary = details ? `${label} · ${details}` : label;
    const retry = RETRYABLE.has(state) && !this.compact
      ? html`<button part="retry" class="retry" type="button" @click=${this.#onRetry}>Retry</button>`
      : nothing;
    if (this.compact) {
      // The live region names the state only: a clock ticking in it would be read out every second.
      return html`<span part="base" class="status" data-state=${state} title=${summary}>
        <span role="status"><span part="dot" class="dot" role="img" aria-label=${`Connection: ${label}`}></span></span>
      </span>`;
    }
    return html`<span part="base" class="status" data-state=${state}>
      <span part="dot" class="dot" aria-hidden="true"></span>
      <span part="label" class="label" role="status">${label}</span>
      ${details ? html`<span part="detail" class="detail">${details}</span>` : nothing} ${retry}
    </span>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'connection-status': ConnectionStatus;
  }
}
