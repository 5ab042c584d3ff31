/**
 * Channel refcounts, plus the net subscribe/unsubscribe changes not yet sent, so that many users
 * of one channel cost one `subscribe`, and an `unsubscribe` goes out only when the last one leaves.
 */
export class RefCounter {
  readonly #counts = new Map<string, number>();
  readonly #added = new Set<string>();
  readonly #removed = new Set<string>();

  /** Channels with at least one user. */
  channels(): string[] {
    return [...this.#counts.keys()];
  }

  /** Whether a channel has a user. */
  has(channel: string): boolean {
    return this.#counts.has(channel);
  }

  /** Users of a channel. */
  count(channel: string): number {
    return this.#counts.get(channel) ?? 0;
  }

  /** Adds a user; true when it is the first one. */
  retain(channel: string): boolean {
    const count = (this.#counts.get(channel) ?? 0) + 1;
    this.#counts.set(channel, count);
    if (count !== 1) return false;
    if (!this.#removed.delete(channel)) this.#added.add(channel);
    return true;
  }

  /** Removes a user; true when it was the last one. Unknown channels are ignored. */
  release(channel: string): boolean {
    const count = this.#counts.get(channel);
    if (count === undefined) return false;
    if (count > 1) {
      this.#counts.set(channel, count - 1);
      return false;
    }
    this.#counts.delete(channel);
    if (!this.#added.delete(channel)) this.#removed.add(channel);
    return true;
  }

  /** The net changes since the last call, and forgets them. */
  takeChanges(): { added: string[]; removed: string[] } {
    const changes = { added: [...this.#added], removed: [...this.#removed] };
    this.#added.clear();
    this.#removed.clear();
    return changes;
  }
}
