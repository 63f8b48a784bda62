/**
 * The one error catalog. Every error podpulse reports has a stable `code` (listed in
 * docs/errors.md; a test keeps the two in step) and, where it wraps another, a `cause`.
 * Subclasses exist only where a caller branches on them.
 */

export const errorCodes = {
  PP_ERR_CONFIG: 'invalid configuration (flags, environment or file)',
  PP_ERR_INPUT: 'unreadable input: not JSON or YAML, truncated, or not a Pod/PodList/List',
  PP_ERR_SELECTOR_SYNTAX: 'a label or field selector that does not parse',
  PP_ERR_KUBE_API:
    'a Kubernetes API request failed: HTTP status, network error, or a malformed response',
  PP_ERR_WIRE_JSON: 'a WebSocket text frame that is not valid JSON (or not a JSON object)',
  PP_ERR_WIRE_BINARY: 'a binary WebSocket frame: protocol v1 is JSON text frames only',
  PP_ERR_WIRE_TYPE: 'a protocol message with a missing or unknown "type"',
  PP_ERR_WIRE_FIELD: 'a protocol message field that is missing, of the wrong type or out of range',
  PP_ERR_WIRE_TOO_LARGE:
    'a WebSocket frame larger than the server accepts (connection closed with 1009)',
  PP_ERR_SUB_LIMIT: 'more subscriptions on one connection than the server allows',
  PP_ERR_SUB_DUPLICATE: 'a subscribe whose id is already in use on this connection',
  PP_ERR_SUB_UNKNOWN: 'an unsubscribe for an id that is not subscribed',
  PP_ERR_SLOW_CONSUMER:
    'a subscriber too slow to keep up: its outbox passed the hard limit (closed with 1013)',
  PP_ERR_UNAUTHORIZED:
    'a WebSocket upgrade or HTTP request without the required bearer token (401)',
  PP_ERR_ORIGIN: 'a WebSocket upgrade or API request from an Origin that is not allowed (403)',
  PP_ERR_HOST:
    'a WebSocket upgrade or API request, without a token, under a Host name that is not accepted (403)',
  PP_ERR_UNREACHABLE: 'the podpulse server or the cluster could not be reached',
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class PodpulseError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PodpulseError';
    this.code = code;
  }
}

/** Bad configuration: lists every problem at once. */
export class ConfigError extends PodpulseError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super('PP_ERR_CONFIG', `invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** A value or an error, for expected failures (parsing user input). */
export type Result<T, E = PodpulseError> = { ok: true; value: T } | { ok: false; error: E };
