/** Prints rows as an aligned table, or the raw value as JSON with `--output json`. */
export function print(format: string | undefined, value: unknown, rows: Record<string, unknown>[]): void {
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
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
  process.stdout.write(
    `${[line(columns.map((c) => c.toUpperCase())), ...rows.map((row) => line(columns.map((c) => cell(row, c))))].join('\n')}\n`,
  );
}
