/**
 * Prometheus metrics of one relay, in its own registry (not prom-client's global one) so that
 * several relays in one process — as in tests — never clash.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Counter, Gauge, Registry } from 'prom-client';

/**
 * A counter bumped on the delivery path (per message or frame sent): a plain number added to the
 * Prometheus counter at scrape time, so each send costs an addition, not a prom-client call (which
 * allocates a label object and a result per `inc`).
 */
export interface HotCounter {
  inc(value?: number): void;
}

/** The relay's metrics. Gauges of current state are read at scrape time through `collect`. */
export interface RelayMetrics {
  readonly registry: Registry;
  readonly messagesIn: Counter<'type'>;
  readonly messagesOut: HotCounter;
  readonly framesOut: HotCounter;
  readonly conflated: HotCounter;
  readonly dropped: Counter<'reason'>;
  readonly disconnects: Counter<'code'>;
  readonly published: Counter<'source'>;
  /** Stops the event-loop monitor. */
  close(): void;
}

/** What the relay reports at scrape time. */
export interface RelayGaugeSource {
  connections(): number;
  subscriptions(): number;
  channels(): number;
  queuedMessages(): number;
  bufferedBytes(): number;
  /** History held in this process, or undefined when the backend keeps it elsewhere. */
  historyBytes(): number | undefined;
  /** Watched channels the backend cannot read, or undefined when the backend cannot have any. */
  unreadableChannels(): number | undefined;
}

/** Creates the metrics of one relay. */
export function createMetrics(source: RelayGaugeSource): RelayMetrics {
  const registry = new Registry();
  const loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();

  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });

  gauge('market_pulse_connections', 'Open WebSocket connections.', () => source.connections());
  gauge('market_pulse_subscriptions', 'Channel subscriptions over all connections.', () => source.subscriptions());
  gauge('market_pulse_channels', 'Channels with at least one local subscriber.', () => source.channels());
  gauge('market_pulse_queued_messages', 'Channel messages waiting in per-client queues.', () => source.queuedMessages());
  gauge('market_pulse_buffered_bytes', 'Bytes written to client sockets but not yet sent (sum over connections).', () => source.bufferedBytes());
  if (source.historyBytes() !== undefined) {
    gauge('market_pulse_history_bytes', 'History kept by the in-process backend (data as JSON), over all channels.', () => source.historyBytes() ?? 0);
  }
  if (source.unreadableChannels() !== undefined) {
    gauge('market_pulse_unreadable_channels', 'Channels the relay cannot serve from Redis: keys holding data it cannot read, or channels Redis\'s ACL refuses its user; their local subscribers get no updates.', () => source.unreadableChannels() ?? 0);
  }
  gauge('market_pulse_resident_memory_bytes', 'Resident set size of the process.', () => process.memoryUsage().rss);
  gauge('market_pulse_event_loop_lag_seconds', 'Event-loop delay, p99 over the last scrape interval.', () => {
    const p99 = loop.percentile(99) / 1e9;
    loop.reset();
    return Number.isFinite(p99) ? p99 : 0;
  });

  const hotCounter = (name: string, help: string): HotCounter => {
    let pending = 0;
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        if (pending > 0) this.inc(pending);
        pending = 0;
      },
    });
    return { inc: (value = 1) => void (pending += value) };
  };

  return {
    registry,
    messagesIn: new Counter({ name: 'market_pulse_messages_in_total', help: 'Frames received from clients, by type.', labelNames: ['type'], registers: [registry] }),
    messagesOut: hotCounter('market_pulse_messages_out_total', 'Channel messages (snapshots and updates) sent to clients.'),
    framesOut: hotCounter('market_pulse_frames_out_total', 'WebSocket frames sent to clients.'),
    conflated: hotCounter('market_pulse_messages_conflated_total', 'Updates replaced by a newer value of the same channel for a client that fell behind.'),
    dropped: new Counter({ name: 'market_pulse_messages_dropped_total', help: 'Frames dropped, by reason.', labelNames: ['reason'], registers: [registry] }),
    disconnects: new Counter({ name: 'market_pulse_disconnects_total', help: 'Closed connections, by close code.', labelNames: ['code'], registers: [registry] }),
    published: new Counter({ name: 'market_pulse_published_total', help: 'Messages published through this node, by source.', labelNames: ['source'], registers: [registry] }),
    close() {
      loop.disable();
    },
  };
}
