/** What the benchmark needs from any relay it runs: ours, the naive `ws` relay, socket.io. */
export interface RelayUnderTest {
  port: number;
  /** Where clients connect (for socket.io: the engine.io WebSocket URL). */
  wsUrl: string;
  /** Open client connections as the server counts them. */
  connections(): number | Promise<number>;
  /** Delivers one tick of `symbol` to its subscribers (the channel is `price:<symbol>`). */
  publish(symbol: string, data: Record<string, number | string>): void;
  close(): Promise<void>;
}
