/**
 * The lifecycle stack of a running server: each started part pushes how it stops, and the
 * stack stops them in reverse order, once. The same order serves a server's stop and the undo
 * of a start that failed half-way, so a server that cannot start holds no port, socket or
 * worker ("never half alive"), and teardown is written in one place per part.
 */
import { randomUUID } from 'node:crypto'
import { err, ok, type Result } from '../core/result.ts'

/**
 * Why the stack unwinds: `stop` is a server's shutdown (a part may finish its work first,
 * as the publisher drains its queues), `undo` a start that failed (stop at once).
 */
export type CloseReason = 'stop' | 'undo'

/** A started part: what it gives the others, and how it stops. */
export interface Started<T> {
  readonly value: T
  close(reason: CloseReason): unknown
}

/** Starts one part; a failure it reports has already undone the part's own steps. */
export type Starter<T> = () => Promise<Result<Started<T>, string>> | Result<Started<T>, string>

/** Told of a part whose close threw; the others still close. */
export type CloseFailed = (part: string, error: unknown) => void

/** Starts parts and gives back their values; a part that fails ends the start-up. */
export type StartPart = <T>(part: string, starter: Starter<T>) => Promise<T>

interface Entry {
  readonly part: string
  readonly close: (reason: CloseReason) => unknown
}

/** The stack of started parts, unwound in reverse by `close`. */
export class Lifecycle {
  readonly #stack: Entry[] = []
  readonly #closeFailed: CloseFailed
  #closed: Promise<void> | undefined

  constructor(closeFailed: CloseFailed) {
    this.#closeFailed = closeFailed
  }

  /** Pushes how a started part stops. */
  push(part: string, close: (reason: CloseReason) => unknown): void {
    if (this.#closed !== undefined) throw new Error(`${part} started after the server closed`)
    this.#stack.push({ part, close })
  }

  /**
   * Stops every part, last started first. Idempotent: later calls get the first call's
   * promise. A close that throws (or rejects) is reported; the parts below it still close.
   */
  close(reason: CloseReason): Promise<void> {
    this.#closed ??= this.#unwind(reason)
    return this.#closed
  }

  async #unwind(reason: CloseReason): Promise<void> {
    for (let entry = this.#stack.pop(); entry !== undefined; entry = this.#stack.pop()) {
      const { part, close } = entry
      await Promise.resolve()
        .then(() => close(reason))
        .catch((e: unknown) => {
          this.#closeFailed(part, e)
        })
    }
  }
}

/** A part that could not start: its message is the start-up's error. */
class Refused extends Error {}

/** Where an unexpected throw during start-up is reported, with the id the error names. */
export type StartBug = (error: unknown, errorId: string) => void

/**
 * Runs `body`, which starts parts through `start` (each one's close pushed onto `life`).
 * When a part refuses or anything throws, every part started so far is undone in reverse
 * and the reason is returned; a throw is a bug, reported with an id the error names.
 */
export async function startAll<T>(
  life: Lifecycle,
  body: (start: StartPart) => Promise<T>,
  onBug: StartBug,
): Promise<Result<T, string>> {
  const start: StartPart = async (part, starter) => {
    const started = await starter()
    if (!started.ok) throw new Refused(started.error)
    life.push(part, (reason) => started.value.close(reason))
    return started.value.value
  }
  try {
    return ok(await body(start))
  } catch (e) {
    const reason = e instanceof Refused ? e.message : bug(e, onBug)
    await life.close('undo')
    return err(reason)
  }
}

function bug(e: unknown, onBug: StartBug): string {
  const errorId = randomUUID()
  onBug(e, errorId)
  return `start-up failed (error id ${errorId}): ${(e as Error).message}`
}
