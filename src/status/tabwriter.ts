/**
 * A port of Go's `text/tabwriter` as kubectl configures it (`printers.GetNewTabWriter` in
 * k8s.io/cli-runtime: minwidth 6, tabwidth 4, padding 3, padchar ' ', flags RememberWidths, which
 * only matters across flushes). Cells are tab-terminated; the text after a line's last tab is not
 * part of any column and is never padded. A column's width is the widest cell of its block of
 * consecutive lines (in code points) plus the padding, at least minwidth.
 */

/** kubectl's tabwriter settings. */
export const kubectlTabwriter = { minwidth: 6, padding: 3 } as const;

function runeLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Aligns tab-separated `text` (lines ending in '\n') exactly as Go's tabwriter would, then
 * flushed. Pure; linear in the size of the text times the column depth.
 */
export function tabwrite(
  text: string,
  options: { minwidth: number; padding: number } = kubectlTabwriter,
): string {
  const lines = text.split('\n').map((line) => line.split('\t'));
  const widths = lines.map((cells) => cells.map(runeLength));
  const out: string[] = [];
  const columnWidths: number[] = [];

  const writeLines = (line0: number, line1: number): void => {
    for (let i = line0; i < line1; i++) {
      const cells = lines[i] ?? [];
      const w = widths[i] ?? [];
      for (let j = 0; j < cells.length; j++) {
        out.push(cells[j] ?? '');
        const cw = columnWidths[j];
        if (j < columnWidths.length && cw !== undefined) out.push(' '.repeat(cw - (w[j] ?? 0)));
      }
      if (i + 1 < lines.length) out.push('\n');
    }
  };

  // text/tabwriter Writer.format: recursive over column blocks.
  const format = (line0: number, line1: number): void => {
    const column = columnWidths.length;
    for (let row = line0; row < line1; row++) {
      if (column >= (lines[row]?.length ?? 0) - 1) continue;
      // a cell exists in this column: this starts a block
      writeLines(line0, row);
      line0 = row;
      let width = options.minwidth;
      for (; row < line1; row++) {
        const cells = widths[row] ?? [];
        if (column >= cells.length - 1) break;
        width = Math.max(width, (cells[column] ?? 0) + options.padding);
      }
      columnWidths.push(width);
      format(line0, row);
      columnWidths.pop();
      // as in Go, the outer increment skips the line that ended the block: it lacks this column
      line0 = row;
    }
    writeLines(line0, line1);
  };

  format(0, lines.length);
  return out.join('');
}
