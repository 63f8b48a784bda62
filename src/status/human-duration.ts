/**
 * Relative-time formatting, ported from apimachinery `pkg/util/duration.HumanDuration` and the
 * printers' `translateTimestampSince` (kubernetes `pkg/printers/internalversion/printers.go`).
 * Pure: time is always passed in.
 */

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

/**
 * `duration.HumanDuration`: a duration in milliseconds as kubectl's AGE column prints it, with
 * 2–3 significant figures: `<invalid>` below -1 s (clock skew tolerance), `0s` for -2 s < d < 1 s,
 * `119s`, `2m1s`, `10m`, `179m`, `3h1m`, `8h`, `47h`, `2d1h`, `8d`, `729d`, `2y1d`, `8y`.
 * Go truncates toward zero at every step; so does this. Never throws; a non-finite input is `<invalid>`.
 */
export function humanDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '<invalid>';
  const seconds = Math.trunc(ms / second);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(ms / minute);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(ms / hour);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const years = Math.floor(hours / 24 / 365);
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${years}y` : `${years}y${dy}d`;
  }
  return `${years}y`;
}

/**
 * `translateTimestampSince`: how long before `now` the instant was, `<unknown>` when there is
 * no instant (the API's zero time). Both arguments are epoch milliseconds.
 */
export function translateTimestampSince(instant: number | null, now: number): string {
  if (instant === null) return '<unknown>';
  return humanDuration(now - instant);
}
