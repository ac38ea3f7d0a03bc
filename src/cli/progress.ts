// A progress line on stderr, only on a terminal and only once a run takes a while, so
// pipes and quick runs stay clean.
const DELAY_MS = 700;

export function progress(label: string): { update: (done: number, total: number) => void; stop: () => void } {
  const tty = process.stderr.isTTY && !process.env.CI;
  const started = Date.now();
  let shown = false;
  return {
    update(done, total) {
      if (!tty || Date.now() - started < DELAY_MS) return;
      shown = true;
      process.stderr.write(`\r${label} ${done}/${total}`);
    },
    stop() {
      if (shown) process.stderr.write('\r\x1b[2K');
    },
  };
}
