/**
 * One timer for the deadlines of every session of a gateway: the auth deadline, the token expiry
 * and the forced close after a close handshake that does not finish. Each session has at most one
 * deadline at a time (a new one replaces the old), which is all a session needs.
 *
 * Memory: a Node timer per session costs a Timeout object, the array of its arguments and, as
 * token expiries differ by milliseconds, nearly a timer list per session (~200 B each, measured
 * with heap snapshots of 3,000 authenticated connections). Here an armed session is one slot of
 * two arrays, and the session keeps its slot index in a field of its own (a small integer).
 *
 * The deadlines are a binary min-heap: arming, moving or clearing one is O(log n), and the one
 * Node timer is set for the earliest.
 */

/** What Deadlines needs of a session. */
export interface DeadlineOwner {
  /** Its slot in the heap, or NO_SLOT; set by Deadlines only. */
  deadlineSlot: number;
  /** Its deadline has passed (it is no longer armed; it may arm a new one). */
  deadlinePassed(): void;
}

/** `deadlineSlot` of an owner without a deadline. */
export const NO_SLOT = -1;

/** setTimeout's longest delay; a later earliest deadline is reached in several steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Milliseconds on the monotonic clock (a wall-clock step must not move deadlines). */
const now = (): number => performance.now();

/** The deadlines of many owners, served by one timer. */
export class Deadlines {
  /** Heap order: the owner in slot i is due no later than those in slots 2i+1 and 2i+2. */
  private readonly owners: DeadlineOwner[] = [];
  /** When each slot's owner is due (monotonic ms), by slot. */
  private readonly dueAt: number[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** When the timer fires (monotonic ms); Infinity when there is none. */
  private timerAt = Infinity;
  /** Set while due owners are being told: the timer is set once, after them. */
  private running = false;
  private readonly tick = (): void => this.run();

  /** Armed deadlines. */
  get size(): number {
    return this.owners.length;
  }

  /** Whether `owner` has a deadline. */
  has(owner: DeadlineOwner): boolean {
    return owner.deadlineSlot !== NO_SLOT;
  }

  /** Sets `owner`'s deadline to `delayMs` from now, replacing any it had. */
  arm(owner: DeadlineOwner, delayMs: number): void {
    const at = now() + Math.max(0, delayMs);
    let slot = owner.deadlineSlot;
    if (slot === NO_SLOT) {
      slot = this.owners.length;
      this.owners.push(owner);
      this.dueAt.push(at);
      owner.deadlineSlot = slot;
      this.up(slot);
    } else {
      const before = this.dueAt[slot] as number;
      this.dueAt[slot] = at;
      if (at < before) this.up(slot);
      else this.down(slot);
    }
    this.schedule();
  }

  /** Removes `owner`'s deadline, if it has one. */
  clear(owner: DeadlineOwner): void {
    const slot = owner.deadlineSlot;
    if (slot === NO_SLOT) return;
    this.removeAt(slot);
    this.schedule();
  }

  /** Clears every deadline and the timer (the gateway has closed). */
  stop(): void {
    for (const owner of this.owners) owner.deadlineSlot = NO_SLOT;
    this.owners.length = 0;
    this.dueAt.length = 0;
    this.schedule();
  }

  private run(): void {
    this.timer = null;
    this.timerAt = Infinity;
    this.running = true;
    const time = now();
    // Owners due now, taken out of the heap first: an owner may arm again from deadlinePassed.
    while (this.owners.length > 0 && (this.dueAt[0] as number) <= time) {
      const owner = this.owners[0] as DeadlineOwner;
      this.removeAt(0);
      try {
        owner.deadlinePassed();
      } catch (error) {
        // One failing owner must not keep the others past their deadlines.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    this.running = false;
    this.schedule();
  }

  /** Sets the timer for the earliest deadline (or none), unless it is set for that already. */
  private schedule(): void {
    if (this.running) return;
    const earliest = this.owners.length > 0 ? (this.dueAt[0] as number) : Infinity;
    if (earliest === this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = earliest;
    if (earliest === Infinity) return;
    // Rounded up: Node's timers have 1 ms granularity, and firing early would find nothing due.
    this.timer = setTimeout(this.tick, Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(earliest - now()))));
    this.timer.unref(); // the relay's server and sockets keep the process alive, not its deadlines
  }

  private removeAt(slot: number): void {
    const owners = this.owners;
    const removed = owners[slot] as DeadlineOwner;
    removed.deadlineSlot = NO_SLOT;
    const last = owners.length - 1;
    const lastOwner = owners.pop() as DeadlineOwner;
    const lastAt = this.dueAt.pop() as number;
    if (slot === last) return;
    owners[slot] = lastOwner;
    this.dueAt[slot] = lastAt;
    lastOwner.deadlineSlot = slot;
    this.up(slot);
    this.down(lastOwner.deadlineSlot);
  }

  private up(slot: number): void {
    while (slot > 0) {
      const parent = (slot - 1) >> 1;
      if ((this.dueAt[parent] as number) <= (this.dueAt[slot] as number)) return;
      this.swap(slot, parent);
      slot = parent;
    }
  }

  private down(slot: number): void {
    const count = this.owners.length;
    for (;;) {
      const left = 2 * slot + 1;
      if (left >= count) return;
      const right = left + 1;
      const child = right < count && (this.dueAt[right] as number) < (this.dueAt[left] as number) ? right : left;
      if ((this.dueAt[slot] as number) <= (this.dueAt[child] as number)) return;
      this.swap(slot, child);
      slot = child;
    }
  }

  private swap(a: number, b: number): void {
    const owners = this.owners;
    const dueAt = this.dueAt;
    const ownerA = owners[a] as DeadlineOwner;
    const ownerB = owners[b] as DeadlineOwner;
    owners[a] = ownerB;
    owners[b] = ownerA;
    ownerB.deadlineSlot = a;
    ownerA.deadlineSlot = b;
    const at = dueAt[a] as number;
    dueAt[a] = dueAt[b] as number;
    dueAt[b] = at;
  }
}
