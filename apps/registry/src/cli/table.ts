/** A table cell: numbers are right-aligned when a whole column is numbers. @internal */
export type Cell = string | number;

/**
 * Left-aligned columns, two spaces apart, numbers right-aligned; no trailing spaces.
 * @example table(['NAME', 'N'], [['calc', 2]]) // 'NAME  N\ncalc  2'
 * @internal
 */
export function table(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const cells = [headers, ...rows.map((row) => row.map((cell) => String(cell)))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column].length)));
  const numeric = headers.map((_, column) => rows.length > 0 && rows.every((row) => typeof row[column] === 'number'));
  return cells
    .map((row) =>
      row
        .map((cell, column) => (numeric[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * A duration, short and coarse: `42s`, `3m05s`, `5h07m`, `3d2h`; `-` when unknown.
 * @internal
 */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h}h${String(m % 60).padStart(2, '0')}m` : `${Math.floor(h / 24)}d${h % 24}h`;
}

/** Comma-separated, or `-` for none. @internal */
export function list(values: readonly string[]): string {
  return values.length > 0 ? values.join(',') : '-';
}
