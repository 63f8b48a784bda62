import { describe, expect, it } from 'vitest';
import type { ConnectionState as SocketState } from '../../src/client/index.ts';
import type { SourceInfo } from '../../src/protocol/messages.ts';
import { connectionView, type ConnectionView } from '../../src/web/connection.ts';

const source = (state: SourceInfo['state'], message: string | null = null): SourceInfo => ({
  state,
  since: 0,
  message,
});

describe('connectionView', () => {
  const cases: [string, SocketState, SourceInfo | null, ConnectionView][] = [
    ['first connection', 'connecting', null, { state: 'connecting', detail: '' }],
    ['open, source synced', 'open', source('synced'), { state: 'live', detail: '' }],
    ['open before the source state arrives', 'open', null, { state: 'live', detail: '' }],
    [
      'open, server still listing',
      'open',
      source('connecting'),
      { state: 'connecting', detail: 'server is listing pods' },
    ],
    [
      'open, watch reconnecting on the server',
      'open',
      source('reconnecting', 'watch closed: ECONNRESET'),
      { state: 'stale', detail: 'source reconnecting: watch closed: ECONNRESET' },
    ],
    ['open, source silent', 'open', source('stale'), { state: 'stale', detail: 'source stale' }],
    [
      'socket lost, whatever the last source state',
      'reconnecting',
      source('synced'),
      { state: 'reconnecting', detail: 'connection lost; resuming without a reload' },
    ],
    [
      'closed',
      'closed',
      null,
      { state: 'reconnecting', detail: 'connection lost; resuming without a reload' },
    ],
  ];
  it.each(cases)('%s', (_, socket, src, expected) => {
    expect(connectionView(socket, src)).toEqual(expected);
  });
});
