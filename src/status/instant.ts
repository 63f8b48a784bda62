/**
 * Instants as the status engine stores them: epoch milliseconds, or null for the API's zero time.
 */

// RFC 3339 as metav1.Time and metav1.MicroTime serialise it (seconds, optional fraction, Z or offset).
const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

// metav1.Time decodes "0001-01-01T00:00:00Z" to Go's zero time, which IsZero() reports as unset.
const goZeroTime = -62_135_596_800_000; // Date.parse('0001-01-01T00:00:00Z')

/**
 * Parses an RFC 3339 timestamp into epoch milliseconds. Anything else (missing, null, not a
 * string, not RFC 3339, not a real date, Go's zero time) is null. Never throws.
 */
export function parseInstant(value: unknown): number | null {
  if (typeof value !== 'string' || !rfc3339.test(value)) return null;
  const ms = Date.parse(value.toUpperCase());
  if (Number.isNaN(ms) || ms === goZeroTime) return null;
  return ms;
}
