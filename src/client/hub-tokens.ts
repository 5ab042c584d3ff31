/**
 * The hub's token requests. The connection core asks for a token before each connection and
 * ahead of expiry; the hub forwards the request to one tab with a token source and hands its
 * answer back. Which tab: the one asked last, as long as its tokens work; after a token failure
 * (a fixed token that expired, a provider that throws or does not answer), the one asked longest
 * ago, so one tab's bad token cannot hold up every retry while another tab has a good one.
 */
import type { HubMessage } from './port-protocol.js';

/** What the requests need to know of a tab. */
export interface TokenTab {
  greeted: boolean;
  hasToken: boolean;
  /** When the tab was last asked (a count of requests; 0: never). */
  askedAt: number;
}

/** How the requests reach the tabs. */
export interface TokenRequestsOptions<T> {
  /** The tabs connected now. */
  tabs(): Iterable<T>;
  /** Posts a message to a tab. */
  post(tab: T, message: HubMessage): void;
  /** Whether the last token failed (the core's status error is a `token_…` one). */
  lastFailed(): boolean;
  /** How long a tab may take to answer, in ms. */
  timeoutMs: number;
}

interface Pending<T> {
  asked: T;
  /** The tab's answer: a token ('' for none), or why its provider failed. */
  answer(token: string, error?: string): void;
}

/** Token requests waiting for a tab's answer. */
export class TokenRequests<T extends TokenTab> {
  readonly #pending = new Map<number, Pending<T>>();
  #nextId = 1;
  #asks = 0;
  readonly #options: TokenRequestsOptions<T>;

  constructor(options: TokenRequestsOptions<T>) {
    this.#options = options;
  }

  /**
   * A fresh token from a tab; '' when no tab has a token source. Rejects when the tab's provider
   * failed or no tab answered in time: the core then waits and asks again.
   */
  request(): Promise<string> {
    const id = this.#nextId++;
    const { timeoutMs } = this.#options;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => answer('', `no answer from the page within ${timeoutMs / 1000} s`), timeoutMs);
      const answer = (token: string, error?: string) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        if (error === undefined) resolve(token);
        else reject(new Error(error));
      };
      this.#ask(id, answer);
    });
  }

  /** A tab's answer to request `id` (unknown ids, e.g. answered late, are ignored). */
  answer(id: number, token: string, error?: string): void {
    this.#pending.get(id)?.answer(token, error);
  }

  /** `tab` is gone: what it was asked goes to another tab at once. */
  leave(tab: T): void {
    for (const [id, pending] of this.#pending) if (pending.asked === tab) this.#ask(id, pending.answer, tab);
  }

  /** Sends request `id` to a tab with a token source other than `notThis`; '' at once when there is none. */
  #ask(id: number, answer: Pending<T>['answer'], notThis?: T): void {
    const next = notThis !== undefined || this.#options.lastFailed();
    let tab: T | undefined;
    for (const t of this.#options.tabs()) {
      if (t === notThis || !t.greeted || !t.hasToken) continue;
      if (!tab || (next ? t.askedAt < tab.askedAt : t.askedAt > tab.askedAt)) tab = t;
    }
    if (!tab) return answer('');
    tab.askedAt = ++this.#asks;
    this.#pending.set(id, { asked: tab, answer });
    this.#options.post(tab, { type: 'token-request', id });
  }
}
