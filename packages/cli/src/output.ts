/** How a command shows its result: an aligned table (default) or JSON with `--output json`. */
export function print(format: string | undefined, value: unknown, rows: Record<string, unknown>[]): void {
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(value ?? {}, null, 2)}\n`);
    return;
  }
  process.stdout.write(table(rows));
}

export function table(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '(none)\n';
  const columns = Object.keys(rows[0]!);
  const cell = (row: Record<string, unknown>, column: string) => String(row[column] ?? '');
  const widths = columns.map((column) =>
    Math.max(column.length, ...rows.map((row) => cell(row, column).length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const header = line(columns.map((column) => column.toUpperCase()));
  return `${[header, ...rows.map((row) => line(columns.map((column) => cell(row, column))))].join('\n')}\n`;
}

/** One record as two columns, for `get` commands. */
export function printRecord(format: string | undefined, value: Record<string, unknown>): void {
  print(
    format,
    value,
    Object.entries(value).map(([field, v]) => ({
      field,
      value: typeof v === 'object' ? JSON.stringify(v) : v,
    })),
  );
}
