/** Drawn only once a run has taken this long: a short run finishes without flicker. */
const SHOW_AFTER_MS = 500;
const REDRAW_MS = 100;
const WIDTH = 30;

export interface Progress {
  /** `done` items of `total` (undefined: not known in advance). */
  update(done: number, total?: number): void;
  /** Clears the line. */
  end(): void;
}

/**
 * A one-line progress bar on stderr for long runs, only when stderr is a terminal: logs
 * and pipes never see the carriage returns.
 */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update() {}, end() {} };
  const started = performance.now();
  let drawn = 0;
  let shown = false;
  return {
    update(done, total) {
      const now = performance.now();
      if (now - started < SHOW_AFTER_MS || now - drawn < REDRAW_MS) return;
      drawn = now;
      shown = true;
      const rate = `${Math.round(done / ((now - started) / 1000))}/s`;
      if (total === undefined || total === 0) {
        stream.write(`\r${label} ${done} · ${rate}\x1b[K`);
        return;
      }
      const filled = Math.round((WIDTH * Math.min(done, total)) / total);
      stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${done}/${total} · ${rate}\x1b[K`);
    },
    end() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}
