/**
 * The socket class the gateway's WebSocketServer creates for every connection: a `ws` WebSocket
 * that hands its events straight to its session.
 *
 * Why not listeners: four `ws.on(…)` per connection cost a listener table per socket (and, with
 * closures, a context each); tens of thousands of idle connections pay that for nothing. Others
 * may still listen (e.g. the gateway waits for `close` on shutdown): those get every event too.
 *
 * Memory: a few parts of a `ws` socket that a relay connection never uses are not kept per socket
 * (measured with heap snapshots of 10k connections, see the comments below). Each falls back to
 * ws's or Node's own behaviour when the field is not what this version of them has.
 */
import { WebSocket, type RawData } from 'ws';

/** What a SessionSocket tells its session. */
export interface SocketEvents {
  /** A data frame from the peer. */
  onFrame(data: RawData, isBinary: boolean): void;
  /** A pong from the peer. */
  onPong(): void;
  /** The socket has closed (`code` as ws reports it). */
  onClose(code: number): void;
}

/** The private parts of ws's WebSocket (8.x) touched here. */
interface WsInternals {
  _events: object | undefined;
  _extensions: object;
  _pendingAutoPongs: number;
  _receiver: { _buffers?: unknown; _events?: object } | null;
}

/** ws's WebSocket#setSocket (private in its types): it makes the receiver and adds its listeners. */
type SetSocket = (this: WebSocket, ...args: unknown[]) => void;

/**
 * The negotiated extensions of every socket that has none (the gateway turns compression off). On
 * the server side ws only reads a socket's extensions object (a negotiated one replaces it).
 */
const NO_EXTENSIONS = Object.freeze({});

/**
 * ws's listeners on a receiver, the same six module-level functions on every socket: the prototype
 * of each receiver's own (empty) listener table once the first socket has shown them. Not frozen:
 * a listener added later (ws adds two when the socket closes) is then written to the receiver's
 * own table, as an assignment to a non-writable inherited property would throw.
 */
let receiverListeners: Record<string | symbol, unknown> | null = null;

/** A `ws` WebSocket with a session field; created by ws (the `WebSocket` server option). */
export class SessionSocket extends WebSocket {
  /** Who receives this socket's events; null until a session is started (or never, when refused). */
  session: SocketEvents | null = null;

  constructor(...args: unknown[]) {
    super(...(args as ConstructorParameters<typeof WebSocket>));
    // EventEmitter's listener table is a dictionary-mode object (~180 B) that stays empty here, as
    // events go to the session. EventEmitter supports `_events === undefined` (it is how it finds
    // an emitter whose constructor did not run): the table is made on the first `on`/`once`.
    const internals = this as unknown as WsInternals;
    if (internals._events !== undefined && this.eventNames().length === 0) internals._events = undefined;
    // One shared empty extensions object instead of one per socket (~56 B).
    if (isEmptyObject(internals._extensions)) internals._extensions = NO_EXTENSIONS;
  }

  /**
   * After ws's own setup: the receiver's listener table (~130 B: a six-entry table whose entries
   * do not fit in the object) is replaced by an empty one inheriting those listeners from a table
   * shared by every receiver. EventEmitter reads listeners with `table[event]`, which finds
   * inherited ones, and writes new ones into the receiver's own table; ws never removes one of
   * these six but with `removeAllListeners()`, which replaces the whole table.
   */
  setSocket(...args: unknown[]): void {
    (WebSocket.prototype as unknown as { setSocket: SetSocket }).setSocket.apply(this, args);
    const receiver = (this as unknown as WsInternals)._receiver;
    if (receiver?._events !== undefined) receiver._events = inheritedListeners(receiver._events);
  }

  /**
   * ws sets a closure per socket (~100 B with its context) as the callback of its automatic pong
   * replies; the same callback is made here only when a ping arrives (rare), from this getter.
   */
  get _autoPongComplete(): () => void {
    return () => {
      (this as unknown as WsInternals)._pendingAutoPongs--;
    };
  }

  set _autoPongComplete(_callback: () => void) {
    // ws's own closure is not kept: the getter above does the same.
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    const session = this.session;
    if (session !== null) {
      if (event === 'message') {
        session.onFrame(args[0] as RawData, args[1] as boolean);
        this.releaseReadChunks();
      } else if (event === 'pong') {
        session.onPong();
        this.releaseReadChunks();
      } else if (event === 'close') session.onClose(args[0] as number);
    }
    // ws closes the socket itself after an error (e.g. 1009 for an oversized frame): without a
    // listener, EventEmitter would throw it instead.
    if (event === 'error' && this.listenerCount('error') === 0) return false;
    return super.emit(event, ...args);
  }

  /**
   * ws's receiver queues incoming chunks in an array that, once it has held one, keeps a backing
   * store of 17 slots (152 B) even when empty again. Once a frame has been handled and nothing is
   * left queued, an empty array without a backing store replaces it.
   */
  private releaseReadChunks(): void {
    const receiver = (this as unknown as WsInternals)._receiver;
    const chunks = receiver?._buffers;
    if (receiver && Array.isArray(chunks) && chunks.length === 0) receiver._buffers = [];
  }
}

/**
 * An empty table inheriting `table`'s listeners from the shared one, or `table` itself when its
 * listeners are not exactly those shared (another version of ws, or someone else's listener).
 */
function inheritedListeners(table: object): object {
  const proto: unknown = Object.getPrototypeOf(table);
  if (proto !== null && proto !== Object.prototype) return table;
  const entries = table as Record<string | symbol, unknown>;
  // Node's Writable starts the table with some events as `undefined` slots; a listener is a function
  // (an array when an event has several: not this case).
  const keys = Reflect.ownKeys(table).filter((key) => entries[key] !== undefined);
  if (!keys.every((key) => typeof entries[key] === 'function')) return table;
  if (receiverListeners === null) {
    receiverListeners = Object.create(null) as Record<string | symbol, unknown>;
    for (const key of keys) receiverListeners[key] = entries[key];
  }
  const shared = receiverListeners;
  const same = keys.length === Reflect.ownKeys(shared).length && keys.every((key) => entries[key] === shared[key]);
  return same ? Object.create(shared) : table;
}

function isEmptyObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  for (const _key in value) return false;
  return true;
}
