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
