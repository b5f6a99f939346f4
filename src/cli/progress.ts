/**
 * Progress of long CLI work (`import`, `db copy`, `zone import`): a bar drawn with
 * cli-progress on a terminal, nothing at all when the stream is a pipe or a file (a log or a
 * script then reads only the result), and a summary line at the end either way.
 */
import { Presets, SingleBar } from 'cli-progress'

/** Where a bar may be drawn (stderr in the real process): drawn only when `isTTY`. */
export interface ProgressStream extends NodeJS.WritableStream {
  readonly isTTY?: boolean
}

/** One bar's life: counts while the work runs, then `stop` (before the summary). */
export interface Progress {
  /** `done` of `total` units so far; the first call draws the bar. */
  update(done: number, total: number): void
  /** Removes the bar from the terminal; the caller then prints its summary line. */
  stop(): void
}

const QUIET: Progress = {
  update: () => undefined,
  stop: () => undefined,
}

/**
 * A bar labelled `label` counting `unit` (`rows`, `records`) on `stream`, or a progress that
 * draws nothing when there is no stream or it is not a terminal.
 */
export function progressBar(
  stream: ProgressStream | undefined,
  label: string,
  unit: string,
): Progress {
  if (stream?.isTTY !== true) return QUIET
  const bar = new SingleBar(
    {
      stream,
      format: `${label} [{bar}] {percentage}% {value}/{total} ${unit}, {eta_formatted} left`,
      hideCursor: true,
      clearOnComplete: true,
      barsize: 30,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  )
  let started = false
  return {
    update(done, total) {
      if (!started) {
        started = true
        bar.start(total, done)
        return
      }
      if (bar.getTotal() !== total) bar.setTotal(total)
      bar.update(done)
    },
    stop() {
      if (started) bar.stop()
      started = false
    },
  }
}
