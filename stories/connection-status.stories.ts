/**
 * `<connection-status>`: the state of the feed (connecting, live, reconnecting, offline, polling,
 * closed), its transport mode, latency and data age, and a retry control when not live.
 */
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { action } from 'storybook/actions';
import type { ConnectionState, FeedMode } from '../src/client/types.js';
import '../src/elements/connection-status/define.js';
import { withMarket } from './support/with-market.js';

interface ConnectionStatusArgs {
  state: ConnectionState;
  mode: FeedMode;
  latency: number;
  compact: boolean;
  locale?: string;
  theme?: 'light' | 'dark';
}

const status = (args: ConnectionStatusArgs) => html`<connection-status
  ?compact=${args.compact}
  locale=${ifDefined(args.locale || undefined)}
  theme=${ifDefined(args.theme || undefined)}
  @mp-retry=${(event: CustomEvent<{ state: string }>) => action('mp-retry')(event.detail)}
></connection-status>`;

const meta: Meta<ConnectionStatusArgs> = {
  title: 'Elements/connection-status',
  component: 'connection-status',
  args: { state: 'open', mode: 'shared-worker', latency: 23, compact: false },
  argTypes: {
    state: { control: 'select', options: ['idle', 'connecting', 'open', 'reconnecting', 'offline', 'polling', 'closed'] },
    mode: { control: 'inline-radio', options: ['shared-worker', 'leader', 'direct', 'memory'] },
    latency: { control: { type: 'range', min: 0, max: 500 } },
    locale: { control: 'select', options: ['', 'en-US', 'de-DE', 'fr-FR', 'ja-JP'] },
    theme: { control: 'inline-radio', options: ['', 'light', 'dark'] },
  },
  // The feed's status comes from the simulated feed: the controls set it.
  render: (args) =>
    withMarket(
      { ticksPerSecond: args.state === 'open' || args.state === 'polling' ? 2 : 0, status: { state: args.state, mode: args.mode, stats: { latencyMs: args.state === 'open' || args.state === 'polling' ? args.latency : null, messagesPerSecond: 2, lastMessageAt: Date.now() } } },
      status(args),
    ),
};
export default meta;

type Story = StoryObj<ConnectionStatusArgs>;

/** Live over a SharedWorker. */
export const Live: Story = {};

/** The socket dropped; a retry is pending. */
export const Reconnecting: Story = { args: { state: 'reconnecting' } };

/** The browser is offline. */
export const Offline: Story = { args: { state: 'offline', mode: 'leader' } };

/** WebSockets are blocked: HTTP polling. */
export const Polling: Story = { args: { state: 'polling', mode: 'direct', latency: 120 } };

/** Closed for good (e.g. the token was refused). */
export const Closed: Story = { args: { state: 'closed', mode: 'direct' } };

/** The dot-only variant; details are in its tooltip. */
export const Compact: Story = {
  args: { compact: true },
  render: (args) =>
    html`<div style="display:flex;gap:16px">
      ${(['open', 'reconnecting', 'offline', 'polling', 'closed'] as const).map((state) =>
        withMarket({ ticksPerSecond: 0, status: { state, mode: args.mode } }, status({ ...args, state })),
      )}
    </div>`,
};

/** Dark scheme. */
export const Dark: Story = {
  args: { theme: 'dark' },
  render: (args) => withMarket({ ticksPerSecond: 2, background: '#0b0e12', status: { state: args.state, mode: args.mode } }, status(args)),
};
