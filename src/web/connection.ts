/**
 * What the connection badge says, from the client's socket state and the server's source state.
 * Pure, DOM-free.
 */
import type { ConnectionState as SocketState } from '../client/index.ts';
import type { SourceInfo } from '../protocol/messages.ts';

/** What the connection badge shows. */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'stale';

export interface ConnectionView {
  state: ConnectionState;
  detail: string;
}

/**
 * `live` only when the socket is open and the server's source is synced; `stale` when the socket
 * is fine but the server's view of the cluster is not (its watch is reconnecting or silent), so a
 * healthy-looking table is never mistaken for a current one.
 */
export function connectionView(socket: SocketState, source: SourceInfo | null): ConnectionView {
  switch (socket) {
    case 'connecting':
      return { state: 'connecting', detail: '' };
    case 'reconnecting':
    case 'closed':
      return { state: 'reconnecting', detail: 'connection lost; resuming without a reload' };
    case 'open':
      if (source === null || source.state === 'synced') return { state: 'live', detail: '' };
      if (source.state === 'connecting') {
        return { state: 'connecting', detail: source.message ?? 'server is listing pods' };
      }
      return {
        state: 'stale',
        detail: `source ${source.state}${source.message === null ? '' : `: ${source.message}`}`,
      };
  }
}
