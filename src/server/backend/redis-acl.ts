/**
 * Channels the relay's Redis user may not use. Redis's ACL can forbid pub/sub channels (`&pattern`,
 * `resetchannels`) and keys (`~pattern`), and it answers NOPERM to a whole command that names one
 * forbidden channel or key: a SUBSCRIBE of 1,000 channels, a script reading 1,000 channels' keys.
 * So a batched command that Redis refuses is sent again one channel per command (all at once),
 * and only the channels Redis refuses on their own are refused: each gets a
 * {@link ChannelRefusedError}, its subscribers an `internal` error ("retry later": an operator can
 * change the ACL, and the client library asks again with backoff), while the rest of its batch is
 * served.
 *
 * A refused channel is remembered ({@link AclRefusals}): until its next attempt is due (1 s, then
 * doubling up to 30 s) it is refused without asking Redis, so clients that ask again do not make
 * every batch they share fail and split; when due it is asked alone, never batched with others.
 * Refusals are logged once per burst (one line naming the channels newly refused within
 * {@link REPORT_WINDOW_MS}: the answers to one batch's per-channel commands come over several
 * turns), not once per channel or retry, and the channels Redis allows again are logged likewise. The
 * record is bounded: at most `maxChannels` entries, and one nobody asked about for 10 minutes
 * after its retry was due is forgotten.
 */
import type { RedisLogger } from './redis-resync.js';

/** What Redis's ACL refused the relay's user: a channel's pub/sub bus, or its keys. */
export type AclPermission = 'bus' | 'keys';

/** Whether `error` is Redis's NOPERM answer (the ACL refused a channel, key or command). */
export function isAclRefusal(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOPERM');
}

/**
 * Redis's ACL does not let the relay's user subscribe to this channel's bus, or read its keys.
 * Only this channel is affected; it is served again once the ACL allows it.
 */
export class ChannelRefusedError extends Error {
  constructor(readonly channel: string, readonly permission: AclPermission) {
    super(permission === 'bus'
      ? `Redis's ACL does not let the relay subscribe to ${channel}`
      : `Redis's ACL does not let the relay read ${channel}'s keys`);
    this.name = 'ChannelRefusedError';
  }
}

/** First wait before a refused channel is asked again; it doubles at each refusal. */
const FIRST_RETRY_MS = 1_000;
/** Longest wait: the client library's own longest retry delay. */
const MAX_RETRY_MS = 30_000;
/** A refusal nobody asked about for this long after its retry was due is forgotten. */
const FORGET_AFTER_MS = 10 * 60_000;
/** Refusals (and channels allowed again) within this long of the first are one log line. */
export const REPORT_WINDOW_MS = 100;
/** Channels named in one log line at most. */
const NAMED_PER_LINE = 10;

interface Refusal {
  error: ChannelRefusedError;
  retryAt: number;
  delayMs: number;
}

/** The channels (bus or keys) Redis's ACL refused the relay's user, with when to ask again. */
export class AclRefusals {
  private readonly refused = new Map<string, Refusal>();
  private newlyRefused: ChannelRefusedError[] = [];
  private allowedAgain: string[] = [];
  private reportScheduled = false;

  /**
   * @param log where each burst of refusals (and each channel allowed again) is reported
   * @param maxChannels refusals kept at most (the oldest go first)
   */
  constructor(private readonly log: RedisLogger, private readonly maxChannels = 10_000) {}

  /** The refusal of `channel`'s `permission` while it is not to be asked again yet; null otherwise. */
  current(channel: string, permission: AclPermission, now = Date.now()): ChannelRefusedError | null {
    const refusal = this.refused.get(keyOf(channel, permission));
    return refusal && refusal.retryAt > now ? refusal.error : null;
  }

  /** Whether Redis refused `channel`'s `permission` before (so its next attempt goes alone). */
  has(channel: string, permission: AclPermission): boolean {
    return this.refused.size > 0 && this.refused.has(keyOf(channel, permission));
  }

  /** Redis refused `channel`'s `permission`: remembered (logged with this turn's other new refusals); its error. */
  refuse(channel: string, permission: AclPermission): ChannelRefusedError {
    const key = keyOf(channel, permission);
    const previous = this.refused.get(key);
    const error = previous?.error ?? new ChannelRefusedError(channel, permission);
    const delayMs = previous ? Math.min(MAX_RETRY_MS, previous.delayMs * 2) : FIRST_RETRY_MS;
    if (!previous) this.report(() => this.newlyRefused.push(error));
    this.refused.delete(key); // the newest last: the oldest goes first when full
    this.refused.set(key, { error, retryAt: Date.now() + delayMs, delayMs });
    if (this.refused.size > this.maxChannels) this.refused.delete(this.refused.keys().next().value!);
    return error;
  }

  /** Redis allowed `channel`'s `permission`: forgotten, and logged if it had been refused. */
  allowed(channel: string, permission: AclPermission): void {
    if (this.refused.size > 0 && this.refused.delete(keyOf(channel, permission))) this.report(() => this.allowedAgain.push(channel));
  }

  /** How many channels' bus or keys are refused now (refusals long past their retry forgotten). */
  count(now = Date.now()): number {
    for (const [key, refusal] of this.refused) if (refusal.retryAt + FORGET_AFTER_MS < now) this.refused.delete(key);
    return this.refused.size;
  }

  private report(note: () => void): void {
    note();
    if (this.reportScheduled) return;
    this.reportScheduled = true;
    setTimeout(() => {
      this.reportScheduled = false;
      const refused = this.newlyRefused;
      const allowed = this.allowedAgain;
      this.newlyRefused = [];
      this.allowedAgain = [];
      for (const permission of ['bus', 'keys'] as const) {
        const channels = refused.filter((error) => error.permission === permission).map((error) => error.channel);
        if (channels.length === 0) continue;
        const what = permission === 'bus' ? 'subscribe to (pub/sub channel permission)' : 'use the keys of (key permission)';
        this.log.warn(`redis: NOPERM: Redis's ACL does not let the relay's user ${what} ${named(channels)}; ` +
          'a client subscribing to them gets an `internal` error (retry later) and no updates of them reach this node; ' +
          'the other channels are served; asked again after 1 s, doubling up to 30 s');
      }
      if (allowed.length > 0) this.log.info(`redis: Redis's ACL allows ${named(allowed)} again`);
    }, REPORT_WINDOW_MS).unref();
  }
}

function keyOf(channel: string, permission: AclPermission): string {
  return `${permission} ${channel}`;
}

/** `n channel(s): a, b, c` naming at most NAMED_PER_LINE of them. */
function named(channels: string[]): string {
  const shown = channels.slice(0, NAMED_PER_LINE).join(', ');
  const more = channels.length > NAMED_PER_LINE ? ` and ${channels.length - NAMED_PER_LINE} more` : '';
  return `${channels.length} channel(s): ${shown}${more}`;
}

/** How {@link readAllowed} treats one batch. */
export interface AllowedReadOptions<T, R> {
  refusals: AclRefusals;
  permission: AclPermission;
  channelOf(item: T): string;
  /** The answer of an item whose channel Redis refuses. */
  refusedAnswer(error: ChannelRefusedError, item: T): R;
  /**
   * When the batch as a whole is refused: true to send each item again on its own; false to reject
   * (its caller must not read later than now, e.g. watch baselines, which precede snapshot reads).
   */
  split: boolean;
}

/**
 * `read` (one command for a batch of items, in order) with the ACL taken into account, all first
 * commands issued before it first awaits: items whose channel is refused now are answered refused
 * without a command, items refused before whose retry is due are read alone (so a channel still
 * refused does not fail the batch), the rest in one command. A command Redis refuses as a whole is
 * sent again per item (`split`), and an item Redis refuses on its own is answered refused. Other
 * failures reject.
 */
export async function readAllowed<T, R>(items: readonly T[], read: (batch: T[]) => Promise<R[]>, options: AllowedReadOptions<T, R>): Promise<R[]> {
  const { refusals, permission, channelOf, refusedAnswer, split } = options;
  const out = new Array<R>(items.length);
  const together: number[] = [];
  const alone: number[] = [];
  const now = Date.now();
  items.forEach((item, index) => {
    const channel = channelOf(item);
    const refused = refusals.current(channel, permission, now);
    if (refused) out[index] = refusedAnswer(refused, item);
    else (refusals.has(channel, permission) ? alone : together).push(index);
  });
  const readOne = (index: number): Promise<void> => readInto(index, [index], false);
  const readInto = async (first: number, indexes: number[], mayRetry: boolean): Promise<void> => {
    let answers: R[];
    try {
      answers = await read(indexes.map((index) => items[index]!));
    } catch (error) {
      if (!isAclRefusal(error)) throw error;
      if (indexes.length === 1) {
        out[first] = refusedAnswer(refusals.refuse(channelOf(items[first]!), permission), items[first]!);
        return;
      }
      if (!mayRetry) throw error;
      await Promise.all(indexes.map(readOne));
      return;
    }
    indexes.forEach((index, position) => {
      refusals.allowed(channelOf(items[index]!), permission);
      out[index] = answers[position]!;
    });
  };
  const reads = alone.map(readOne);
  if (together.length > 0) reads.push(readInto(together[0]!, together, split));
  await Promise.all(reads);
  return out;
}
