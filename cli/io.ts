// Where a command writes: stdout for results (JSON with --json), stderr for progress and errors. Tests capture both.

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** A terminal: progress redraws one line instead of printing many. */
  isTTY: boolean;
}

export const processIO: CliIO = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  isTTY: process.stderr.isTTY === true,
};

/** Left-aligned columns; numbers are right-aligned. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  return `${cells
    .map((r, i) =>
      r
        .map((cell, c) => (i > 0 && typeof rows[i - 1]![c] === 'number' ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
