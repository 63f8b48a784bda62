/**
 * Prometheus metrics of one server (its own registry, so several servers can live in one process).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FeedStats } from './feed.ts';

export interface MetricsSources {
  feedStats: () => FeedStats;
  connections: () => number;
  subscriptions: () => number;
  outboxBytes: () => number;
}

/** All metrics are prefixed `podpulse_`; see docs/serve.md for the list. */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly changes: Counter;
  readonly coalesced: Counter;
  readonly dropped: Counter;
  readonly protocolErrors: Counter<'code'>;
  readonly sendLatency: Histogram;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    const fromStats = (name: string, help: string, pick: (s: FeedStats) => number): Counter =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(pick(sources.feedStats()));
        },
      });
    fromStats(
      'podpulse_events_total',
      'Informer events received by the pipeline.',
      (s) => s.events,
    );
    fromStats(
      'podpulse_recomputes_total',
      'Pod views recomputed because their status inputs changed.',
      (s) => s.recomputes,
    );
    fromStats(
      'podpulse_watch_restarts_total',
      'Watches restarted (re-watch, relist, errors, staleness).',
      (s) => s.watchRestarts,
    );
    this.changes = new Counter({
      name: 'podpulse_changes_total',
      help: 'Pod view changes received from the pipeline.',
      registers,
    });
    this.coalesced = new Counter({
      name: 'podpulse_coalesced_total',
      help: 'Changes folded into a pending change of the same pod in a lagging outbox.',
      registers,
    });
    this.dropped = new Counter({
      name: 'podpulse_dropped_connections_total',
      help: 'Connections closed with 1013 because their outbox passed the hard limit.',
      registers,
    });
    this.protocolErrors = new Counter({
      name: 'podpulse_protocol_errors_total',
      help: 'Error frames sent to clients, by code.',
      labelNames: ['code'] as const,
      registers,
    });
    new Gauge({
      name: 'podpulse_connections',
      help: 'Open WebSocket connections.',
      registers,
      collect() {
        this.set(sources.connections());
      },
    });
    new Gauge({
      name: 'podpulse_subscribers',
      help: 'Active subscriptions over all connections.',
      registers,
      collect() {
        this.set(sources.subscriptions());
      },
    });
    new Gauge({
      name: 'podpulse_outbox_bytes',
      help: 'Bytes queued in outboxes (not yet handed to sockets).',
      registers,
      collect() {
        this.set(sources.outboxBytes());
      },
    });
    this.sendLatency = new Histogram({
      name: 'podpulse_event_to_send_seconds',
      help: 'Time from a change being observed to its first frame being written to a socket (once per change).',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
  }
}
