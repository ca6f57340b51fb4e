/**
 * Shows the status of a wait on standard error: a spinner on a terminal, one line per new status
 * otherwise (logs and CI), so standard output keeps only the result.
 */
export function progress(label: string): { update(status: string): void; done(): void } {
  const tty = process.stderr.isTTY === true;
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let status = '…';
  let frame = 0;
  const timer = tty
    ? setInterval(() => {
        frame = (frame + 1) % frames.length;
        process.stderr.write(`\r${frames[frame]} ${label}: ${status}\u001b[K`);
      }, 100)
    : undefined;
  return {
    update(next) {
      status = next;
      if (!tty) process.stderr.write(`${label}: ${next}\n`);
    },
    done() {
      if (timer) {
        clearInterval(timer);
        process.stderr.write(`\r✓ ${label}: ${status}\u001b[K\n`);
      }
    },
  };
}
