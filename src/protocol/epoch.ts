/**
 * The grammar of a relay epoch (a run of seqs, named in `ack`; docs/protocol.md). Its own module,
 * not guards.ts: pages bundle guards.ts, while only the frame validators and the hubs' check of
 * a tab's `hello` need this.
 */

/**
 * Whether `value` names a relay epoch: 1 to 64 letters, digits, `-` or `_`. The one definition:
 * the relay checks `subscribe` frames with it, the client `ack` frames, and hubs the epoch a tab
 * hands back in `hello`.
 */
export function isEpoch(value: unknown): value is string {
  return typeof value === 'string' && /^[\w-]{1,64}$/.test(value);
}
