/**
 * Splits a text stream (watch NDJSON) into lines, scanning each character once.
 *
 * A chunk without a newline is kept as it is (no concatenation, no re-scan); the pieces of an
 * unfinished line are joined once, when its newline arrives. So a 1 MB object delivered in 64 KB
 * chunks costs one pass over it, not a pass over the growing tail per chunk.
 */
export class LineSplitter {
  readonly #maxLine: number;
  #pending: string[] = [];
  #pendingLength = 0;

  /** `maxLine`: the longest unfinished line held before `push` reports `tooLong`. */
  constructor(maxLine: number) {
    this.#maxLine = maxLine;
  }

  /**
   * Feeds one chunk: calls `line` for each complete, non-blank line (without its newline), in
   * order, until it returns false. Returns `stopped` when `line` returned false (the rest of the
   * chunk is dropped), `tooLong` when the unfinished line outgrew `maxLine`, else `ok`.
   */
  push(chunk: string, line: (text: string) => boolean): 'ok' | 'stopped' | 'tooLong' {
    let start = 0;
    let nl = chunk.indexOf('\n');
    while (nl !== -1) {
      let text = chunk.slice(start, nl);
      if (this.#pendingLength > 0) {
        this.#pending.push(text);
        text = this.#pending.join('');
        this.#pending = [];
        this.#pendingLength = 0;
      }
      start = nl + 1;
      if (!isBlank(text) && !line(text)) return 'stopped';
      nl = chunk.indexOf('\n', start);
    }
    if (start < chunk.length) {
      this.#pending.push(start === 0 ? chunk : chunk.slice(start));
      this.#pendingLength += chunk.length - start;
      if (this.#pendingLength > this.#maxLine) return 'tooLong';
    }
    return 'ok';
  }

  /** Takes what followed the last newline ('' if nothing), and forgets it. */
  takeRest(): string {
    const rest = this.#pending.join('');
    this.#pending = [];
    this.#pendingLength = 0;
    return rest;
  }
}

function isBlank(text: string): boolean {
  return text.length === 0 || text.trim() === '';
}
