import { PodpulseError } from '../errors.ts';

/**
 * A failed Kubernetes API request: an HTTP error status, an ERROR watch event, a network error,
 * or a response podpulse cannot read (bad JSON, a malformed watch line).
 *
 * `status` is the HTTP status (or the Status object's `code` of an ERROR event), null for network
 * and parse failures. `isGone` marks 410 Gone: the resource version is too old, and the only way
 * forward is a fresh list. Everything else is retried with back-off.
 */
export class KubeApiError extends PodpulseError {
  readonly status: number | null;
  readonly reason: string | null;
  constructor(message: string, status: number | null, reason: string | null, cause?: unknown) {
    super('PP_ERR_KUBE_API', message, cause === undefined ? undefined : { cause });
    this.name = 'KubeApiError';
    this.status = status;
    this.reason = reason;
  }

  /** 410 Gone / reason Expired: the requested resourceVersion (or continue token) is too old. */
  get isGone(): boolean {
    return this.status === 410 || this.reason === 'Expired' || this.reason === 'Gone';
  }
}

/** Reads a core/v1 Status object (error body or ERROR watch event) into a KubeApiError. */
export function statusError(what: string, httpStatus: number | null, body: unknown): KubeApiError {
  const s = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const code = typeof s['code'] === 'number' ? s['code'] : httpStatus;
  const reason = typeof s['reason'] === 'string' ? s['reason'] : null;
  const message = typeof s['message'] === 'string' ? s['message'] : null;
  const detail = [code === null ? null : `HTTP ${code}`, reason, message]
    .filter((x) => x !== null && x !== '')
    .join(': ');
  return new KubeApiError(`${what} failed: ${detail || 'unknown error'}`, code, reason);
}
