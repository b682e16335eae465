/**
 * Lines a person must read (the generated API key) in a box of plain characters: no colour codes,
 * so it reads the same on a terminal and in a log file, and it stands apart from the log entries
 * around it. Long lines are not cut (a key or a path must stay whole).
 */
export function noticeBox(lines: readonly string[]): string {
  const width = Math.max(...lines.map((line) => line.length), 0);
  const rule = `+${'-'.repeat(width + 2)}+`;
  return [rule, ...lines.map((line) => `| ${line.padEnd(width)} |`), rule, ''].join('\n');
}
