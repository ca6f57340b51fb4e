// The one table the bench prints: Markdown, numbers right-aligned so columns read at a glance.

const COLUMNS = ['figure', 'rate /s', 'p50 ms', 'p99 ms', 'errors', 'value', 'ratio'];

function number(value, digits) {
  if (!Number.isFinite(value)) return '';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Rows: { figure, rate?, p50?, p99?, errors?, value?, ratio? }; missing cells stay empty. */
export function printTable(rows) {
  const cells = rows.map((row) => [
    row.figure,
    number(row.rate, 0),
    number(row.p50, 2),
    number(row.p99, 2),
    row.errors === undefined ? '' : String(row.errors),
    row.value ?? '',
    row.ratio ?? '',
  ]);
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...cells.map((cell) => cell[i].length)));
  const line = (cell) =>
    `| ${cell.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(line(COLUMNS));
  console.log(
    `|${widths.map((w, i) => (i === 0 ? ':'.padEnd(w + 2, '-') : '-'.padStart(w + 1, '-') + ':')).join('|')}|`,
  );
  for (const cell of cells) console.log(line(cell));
}
