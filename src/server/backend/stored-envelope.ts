/**
 * An update the in-process backend read back from its byte store (channel-history.ts): it carries
 * its data as the JSON it was stored as, which the relay sends on as is (see Delivery), and parses
 * it only if someone reads `data`.
 */
import type { ChannelData } from '../../protocol/messages.js';
import type { Envelope } from './types.js';

export class StoredEnvelope implements Envelope {
  #data: ChannelData | undefined;

  constructor(
    readonly channel: string,
    readonly seq: number,
    readonly dataJson: string,
  ) {}

  /** The data, parsed from `dataJson` on first use. */
  get data(): ChannelData {
    return (this.#data ??= JSON.parse(this.dataJson) as ChannelData);
  }
}
