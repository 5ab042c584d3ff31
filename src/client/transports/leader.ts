/**
 * Leader mode, for browsers without SharedWorker (or a kit loaded from a CDN): the tabs of one
 * origin elect a leader with a Web Lock; the leader runs the hub and the connection, and talks to
 * the other tabs over a BroadcastChannel. When the leader tab dies its lock is released, the next
 * tab in the lock's queue becomes leader, and every tab says hello again with the last `seq` it
 * saw, so the new connection resumes with `since` and no update is lost.
 *
 * The leader should be a visible tab: browsers throttle the timers of hidden tabs (to once a
 * second, later once a minute) and freeze them on mobile, which would starve every follower. So a
 * leader that is hidden says so, and a visible follower takes the lead from it (a Web Lock
 * `steal`) once it has stayed hidden for a second. The hand-over is warm: the follower first
 * starts its own hub and connection, subscribed from its own seqs, while the old leader still
 * feeds everyone; once that connection delivers, it steals the lock, and every tab says hello to
 * a hub that is already live (no pause of a connection set-up). Of several visible followers one
 * warms up at a time (warm-up.ts). The old leader steps down and follows; the tabs resume with
 * `since` as after any leader change, and keep showing `open`.
 */
import type { Hub, HubPort } from '../hub.js';
import type { HubMessage, TabMessage } from '../port-protocol.js';
import { isTabMessage } from '../tab-message.js';
import type { LinkFactory, TabFeed } from '../tab-feed.js';
import { lockManager, tabLockName, watchTabLock } from '../tab-lock.js';

export { leaderModeAvailable } from '../tab-lock.js';
import { createHub, localLink, type CoreFactoryOptions } from './direct.js';
import { quietHandover } from './quiet-handover.js';
import { WarmUp } from './warm-up.js';

/** Messages on the BroadcastChannel. */
type Envelope =
  | { kind: 'to-leader'; from: string; message: TabMessage }
  | { kind: 'to-tab'; to: string; message: HubMessage }
  /**
   * A new leader is ready: every tab says hello to it. `hidden`: its tab is in the background;
   * `handover`: it took the lead from a hidden leader (a planned change, not a death).
   */
  | { kind: 'leader'; id: string; hidden?: boolean; handover?: boolean }
  /** Who leads, for a tab that joined after the announcement (no hello needed). */
  | { kind: 'leader-is'; id: string; hidden?: boolean }
  /** The leader's tab went to the background or came back. */
  | { kind: 'leader-visibility'; id: string; hidden: boolean };

/**
 * How long a leader must have been hidden before a visible follower takes the lead, in ms: a quick
 * look at another tab and back costs no handover. Plus a random 0 to `TAKEOVER_JITTER_MS`, so that
 * of several visible tabs one goes first and the others see it lead.
 */
const TAKEOVER_DELAY_MS = 1_000;
const TAKEOVER_JITTER_MS = 250;
/** How long tabs keep showing `open` through a planned hand-over (see quiet-handover.ts). */
const HANDOVER_GRACE_MS = 3_000;

const isHidden = (): boolean => globalThis.document?.visibilityState === 'hidden';

/** One tab's part in the election for one feed. */
export class LeaderElection {
  readonly #channel: BroadcastChannel;
  #hub: Hub | null = null;
  readonly #followers = new Map<string, HubPort>();
  #receiveAsFollower: ((message: unknown) => void) | null = null;
  #resign: () => void = () => {};
  #stopped = false;
  #leaderId: string | null = null;
  /** Whether the leader's tab is in the background, as it last said. */
  #leaderHidden = false;
  #stopWatchingLeader: () => void = () => {};
  /** Cancels this tab's place in the lock queue (before it takes the lead by force). */
  #leaveQueue: () => void = () => {};
  #takeoverTimer: ReturnType<typeof setTimeout> | undefined;
  /** This tab's warm-up for a takeover from the hidden leader: queued for the claim, or warming. */
  #warm: WarmUp | null = null;
  /** The claim of the warm-up this tab took the lead with: held while it leads (see warm-up.ts). */
  #leadClaim: WarmUp | null = null;
  readonly #onVisibility = (): void => this.#visibilityChanged();

  /** Whether this tab is the leader now. */
  get leading(): boolean {
    return this.#hub !== null;
  }

  readonly #key: string;
  readonly #feed: TabFeed;
  readonly #coreOptions: CoreFactoryOptions;

  /** @param key the feed's identity (URL and options), shared by every tab of the origin. */
  constructor(key: string, feed: TabFeed, coreOptions: CoreFactoryOptions = {}) {
    this.#key = key;
    this.#feed = feed;
    this.#coreOptions = coreOptions;
    this.#channel = new BroadcastChannel(`market-pulse:${key}`);
    this.#channel.onmessage = (event: MessageEvent<unknown>) => this.#onEnvelope(event.data);
  }

  /** Joins as a follower and queues for leadership. */
  start(): void {
    void this.#feed.attach(this.#followerLink(), 'leader');
    globalThis.document?.addEventListener('visibilitychange', this.#onVisibility);
    this.#queue(false);
  }

  /** Leaves: gives up leadership (another tab takes over at once) and stops listening. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#takeoverTimer);
    this.#dropWarm();
    this.#endLeadClaim();
    globalThis.document?.removeEventListener('visibilitychange', this.#onVisibility);
    this.#leaveQueue();
    this.#resign();
    this.#stopWatchingLeader();
    for (const port of this.#followers.values()) port.disconnect();
    this.#followers.clear();
    this.#channel.close();
  }

  /**
   * Asks for the leader lock: in turn, or at once by taking it from the current holder (`steal`).
   * Held until `resign()`; losing it to a steal hands this tab's followers over (see `stepDown`).
   */
  #queue(steal: boolean): void {
    const controller = new AbortController();
    this.#leaveQueue = () => controller.abort();
    let resign: () => void = () => {};
    const held = new Promise<void>((resolve) => (resign = resolve));
    lockManager()!
      .request(`market-pulse-leader:${this.#key}`, steal ? { steal: true } : { signal: controller.signal }, () => {
        if (this.#stopped || controller.signal.aborted) return undefined;
        this.#resign = resign;
        this.#lead(steal);
        return held;
      })
      .catch(() => {
        // Aborted before it was granted (this tab took the lead another way, or left), or stolen
        // by a visible tab while this one led.
        if (this.#resign === resign && this.leading) this.#stepDown();
      });
  }

  /**
   * Starts the hub here (or takes the one warmed up) and announces it; `handover`: taken from a
   * hidden leader.
   */
  #lead(handover = false): void {
    clearTimeout(this.#takeoverTimer);
    this.#stopWatchingLeader();
    this.#leaderId = this.#feed.tab;
    this.#leaderHidden = isHidden();
    const warm = this.#warm;
    this.#warm = null;
    const taken = warm?.take();
    if (taken) this.#leadClaim = warm;
    else warm?.end();
    this.#hub = taken?.hub ?? createHub('leader', this.#coreOptions);
    if (handover) quietHandover(this.#feed, HANDOVER_GRACE_MS);
    // The stand-in leaves once this tab's own hello is in: its channels never drop to no user.
    void this.#feed.attach(localLink(this.#hub), 'leader').then(() => taken?.port.disconnect());
    this.#post({ kind: 'leader', id: this.#feed.tab, hidden: this.#leaderHidden, ...(handover ? { handover } : {}) });
  }

  /**
   * Another tab took the lead: close this tab's hub (its socket goes with its last port), follow
   * like everyone else, and queue again for a later turn.
   */
  #stepDown(): void {
    const hub = this.#hub;
    this.#hub = null;
    this.#resign = () => {};
    this.#endLeadClaim();
    for (const port of this.#followers.values()) port.disconnect();
    this.#followers.clear();
    if (this.#stopped || !hub) return;
    // The new leader may have announced itself while this tab still led: greet whoever leads now.
    quietHandover(this.#feed, HANDOVER_GRACE_MS);
    void this.#feed.attach(this.#followerLink(), 'leader');
    this.#queue(false);
  }

  #visibilityChanged(): void {
    if (this.#stopped) return;
    if (this.leading) {
      this.#leaderHidden = isHidden();
      this.#post({ kind: 'leader-visibility', id: this.#feed.tab, hidden: this.#leaderHidden });
    } else {
      this.#considerTakeover();
    }
  }

  /** Whether this tab should take the lead: it is a visible follower of a hidden leader. */
  #shouldTakeOver(): boolean {
    return !this.#stopped && !this.leading && this.#leaderHidden && !isHidden();
  }

  /**
   * A visible follower of a hidden leader takes the lead after a pause (see `TAKEOVER_DELAY_MS`),
   * warming up its hub first (see `warmUp`); a change of mind drops the warm-up.
   */
  #considerTakeover(): void {
    clearTimeout(this.#takeoverTimer);
    if (!this.#shouldTakeOver()) return this.#dropWarm();
    if (this.#warm?.leader === this.#leaderId) return;
    this.#dropWarm(); // one for a leader that is gone
    this.#takeoverTimer = setTimeout(() => {
      if (this.#shouldTakeOver()) this.#warmUp();
    }, TAKEOVER_DELAY_MS + Math.random() * TAKEOVER_JITTER_MS);
  }

  /**
   * Warms up this tab's hub before taking the lead (warm-up.ts): once this tab holds the claim —
   * the other visible tabs wait — it opens and subscribes while the hidden leader still feeds
   * every tab; once it is live the lock is taken and the tabs switch to a hub that needs no
   * set-up. Meanwhile the relay sees two sockets of this origin; the old leader's goes when it
   * loses the lock.
   */
  #warmUp(): void {
    // A warm-up is dropped as soon as it is not for the leader of the moment (`considerTakeover`),
    // and says nothing once dropped or taken.
    const warm: WarmUp = new WarmUp(
      this.#key,
      this.#leaderId!,
      this.#feed,
      this.#coreOptions,
      () => this.#warm === warm && this.#shouldTakeOver(),
      () => {
        if (!this.#shouldTakeOver()) return this.#dropWarm();
        this.#leaveQueue();
        this.#queue(true);
      },
    );
    this.#warm = warm;
  }

  /** Gives up a warm-up: its socket closes, and the next visible tab may claim one. */
  #dropWarm(): void {
    this.#warm?.end();
    this.#warm = null;
  }

  /** Lets go of the claim this tab took the lead with (it no longer leads, or leaves). */
  #endLeadClaim(): void {
    this.#leadClaim?.end();
    this.#leadClaim = null;
  }

  /**
   * Watches the leader tab's liveness lock: when it dies, this tab's status says `reconnecting`
   * at once, instead of showing the dead leader's last status until a successor announces itself.
   */
  #follow(id: string): void {
    if (id === this.#leaderId) return;
    this.#stopWatchingLeader();
    this.#leaderId = id;
    this.#stopWatchingLeader = watchTabLock(tabLockName(id), () => {
      if (this.#leaderId === id && !this.leading) this.#feed.hubLost();
    });
  }

  #followerLink(): LinkFactory {
    return (receive) => {
      this.#receiveAsFollower = receive;
      return {
        send: (message) => this.#post({ kind: 'to-leader', from: this.#feed.tab, message }),
        close: () => {
          if (this.#receiveAsFollower === receive) this.#receiveAsFollower = null;
        },
      };
    };
  }

  #onEnvelope(data: unknown): void {
    if (!data || typeof data !== 'object') return;
    const envelope = data as Partial<Envelope>;
    if ((envelope.kind === 'leader' || envelope.kind === 'leader-is') && !this.leading && typeof envelope.id === 'string') {
      // A successor may announce itself before this tab's lock watcher hears of the old leader's
      // death: the hub is lost either way, so say `reconnecting` before greeting the new one.
      if (envelope.kind === 'leader' && this.#leaderId !== null && this.#leaderId !== envelope.id) {
        if (envelope.handover === true) quietHandover(this.#feed, HANDOVER_GRACE_MS);
        else this.#feed.hubLost();
      }
      this.#follow(envelope.id);
      this.#leaderHidden = envelope.hidden === true;
      this.#considerTakeover();
      if (envelope.kind === 'leader') this.#feed.rehello();
      return;
    }
    if (envelope.kind === 'leader-visibility' && !this.leading && envelope.id === this.#leaderId) {
      this.#leaderHidden = envelope.hidden === true;
      this.#considerTakeover();
      return;
    }
    if (envelope.kind === 'to-tab') {
      const { to, message } = envelope as Extract<Envelope, { kind: 'to-tab' }>;
      if (to === this.#feed.tab && !this.leading) this.#receiveAsFollower?.(message);
      return;
    }
    if (envelope.kind === 'to-leader' && this.#hub) {
      const { from, message } = envelope as Extract<Envelope, { kind: 'to-leader' }>;
      if (typeof from !== 'string' || !isTabMessage(message)) return;
      this.#fromFollower(this.#hub, from, message);
    }
  }

  #fromFollower(hub: Hub, from: string, message: TabMessage): void {
    let port = this.#followers.get(from);
    if (!port) {
      // A tab we do not know yet must start with hello (it sends one on every leader change).
      if (message.type !== 'hello') return this.#post({ kind: 'leader', id: this.#feed.tab, hidden: this.#leaderHidden });
      port = hub.connect((reply) => this.#post({ kind: 'to-tab', to: from, message: reply }));
      this.#followers.set(from, port);
      this.#post({ kind: 'leader-is', id: this.#feed.tab, hidden: this.#leaderHidden });
    }
    port.receive(message);
    if (message.type === 'bye') {
      port.disconnect();
      this.#followers.delete(from);
    }
  }

  #post(envelope: Envelope): void {
    if (this.#stopped) return;
    try {
      this.#channel.postMessage(envelope);
    } catch {
      // A closed channel (tab shutting down): nothing left to tell.
    }
  }
}
