/**
 * A fake collection for reflector tests: an object store with resource versions, paginated
 * lists and watch streams, and fault knobs (fail lists, reject or drop watches, expire history).
 */
import { KubeApiError } from '../../src/kube/api-error.ts';
import type { ListerWatcher, ListPage, Query, WatchSink } from '../../src/kube/lister-watcher.ts';

export interface RawPod {
  metadata: {
    uid: string;
    name: string;
    namespace: string;
    resourceVersion: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  };
  status?: { phase?: string };
}

interface Watcher {
  sink: WatchSink;
  query: Query;
  closed: boolean;
}

export class FakeListerWatcher implements ListerWatcher {
  readonly objects = new Map<string, RawPod>();
  rv = 100;
  /** History of events by resourceVersion, for resuming watches; older than `compactedAt` is gone. */
  history: { rv: number; type: string; object: RawPod }[] = [];
  compactedAt = 0;
  watchers: Watcher[] = [];
  lists: Query[] = [];
  /** Fault knobs: each entry fails one call. */
  listFailures: KubeApiError[] = [];
  watchFailures: KubeApiError[] = [];
  /** Reject sendInitialEvents with 422 (an old server). */
  rejectStreaming = true;

  list(query: Query): Promise<ListPage> {
    this.lists.push(query);
    const failure = this.listFailures.shift();
    if (failure) return Promise.reject(failure);
    const all = [...this.objects.values()].sort((a, b) =>
      a.metadata.uid.localeCompare(b.metadata.uid),
    );
    const limit = Number(query['limit'] ?? all.length);
    const start = query['continue'] ? Number(query['continue'].split(':')[1]) : 0;
    if (query['continue'] && Number(query['continue'].split(':')[0]) < this.compactedAt) {
      return Promise.reject(new KubeApiError('continue expired', 410, 'Expired'));
    }
    const items = all.slice(start, start + limit).map((o) => structuredClone(o));
    const next = start + limit < all.length ? `${this.rv}:${start + limit}` : null;
    return Promise.resolve({ items, resourceVersion: String(this.rv), continue: next });
  }

  watch(query: Query, sink: WatchSink): { close(): void } {
    const w: Watcher = { sink, query, closed: false };
    const failure = this.watchFailures.shift();
    if (failure) {
      queueMicrotask(() => {
        sink.done(failure);
      });
      return {
        close: () => {
          w.closed = true;
        },
      };
    }
    if (query['sendInitialEvents'] === 'true' && this.rejectStreaming) {
      queueMicrotask(() => {
        sink.done(new KubeApiError('resourceVersionMatch is forbidden for watch', 422, 'Invalid'));
      });
      return {
        close: () => {
          w.closed = true;
        },
      };
    }
    this.watchers.push(w);
    queueMicrotask(() => {
      if (w.closed) return;
      sink.open();
      if (query['sendInitialEvents'] === 'true') {
        for (const o of this.objects.values()) sink.event('ADDED', structuredClone(o));
        sink.event('BOOKMARK', {
          metadata: {
            resourceVersion: String(this.rv),
            annotations: { 'k8s.io/initial-events-end': 'true' },
          },
        });
        return;
      }
      const from = Number(query['resourceVersion']);
      if (from < this.compactedAt) {
        w.closed = true;
        sink.done(new KubeApiError('too old resource version', 410, 'Expired'));
        return;
      }
      for (const h of this.history) if (h.rv > from) sink.event(h.type, structuredClone(h.object));
    });
    return {
      close: () => {
        w.closed = true;
      },
    };
  }

  get openWatchers(): Watcher[] {
    return this.watchers.filter((w) => !w.closed);
  }

  #emit(type: string, object: RawPod): void {
    this.history.push({ rv: this.rv, type, object: structuredClone(object) });
    for (const w of this.openWatchers) w.sink.event(type, structuredClone(object));
  }

  put(
    uid: string,
    patch: {
      phase?: string;
      annotations?: Record<string, string>;
      labels?: Record<string, string>;
    } = {},
  ): RawPod {
    this.rv++;
    const old = this.objects.get(uid);
    const o: RawPod = {
      metadata: {
        uid,
        name: `pod-${uid}`,
        namespace: 'default',
        resourceVersion: String(this.rv),
        ...(patch.annotations ? { annotations: patch.annotations } : {}),
        ...((patch.labels ?? old?.metadata.labels)
          ? { labels: patch.labels ?? old?.metadata.labels ?? {} }
          : {}),
      },
      status: { phase: patch.phase ?? old?.status?.phase ?? 'Pending' },
    };
    this.objects.set(uid, o);
    this.#emit(old ? 'MODIFIED' : 'ADDED', o);
    return o;
  }

  remove(uid: string): void {
    const o = this.objects.get(uid);
    if (!o) return;
    this.rv++;
    this.objects.delete(uid);
    this.#emit('DELETED', { ...o, metadata: { ...o.metadata, resourceVersion: String(this.rv) } });
  }

  /** Changes objects without telling any watcher (a gap), then expires history (410 next). */
  silently(fn: () => void): void {
    const watchers = this.watchers;
    this.watchers = [];
    fn();
    this.watchers = watchers;
  }

  compact(): void {
    this.compactedAt = this.rv;
    this.history = [];
  }

  /** Ends every open watch cleanly (server timeout), or with an error. */
  endWatches(error: KubeApiError | null = null): void {
    for (const w of this.openWatchers) {
      w.closed = true;
      w.sink.done(error);
    }
  }

  bookmark(): void {
    for (const w of this.openWatchers)
      w.sink.event('BOOKMARK', { metadata: { resourceVersion: String(this.rv) } });
  }
}
