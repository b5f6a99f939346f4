/** A command timed by `/usr/bin/time`: wall time and peak RSS of the whole process. */
import { spawn } from 'node:child_process'
import { once } from 'node:events'

/** What `/usr/bin/time` reports of one command, and what it printed. */
export interface Timed {
  readonly seconds: number
  readonly rssMiB: number
  readonly stdout: string
}

/** `/usr/bin/time -f '%e %M'` around a command: its wall seconds and peak resident set. */
export async function timed(file: string, args: readonly string[]): Promise<Timed> {
  const proc = spawn('/usr/bin/time', ['-f', 'TIME %e %M', file, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const [code] = (await once(proc, 'close')) as [number | null]
  const m = /TIME (\d+(?:\.\d+)?) (\d+)\s*$/.exec(stderr)
  if (code !== 0 || m === null)
    throw new Error(`${file} failed (${String(code)}): ${stderr.slice(-2000)}`)
  return { seconds: Number(m[1]), rssMiB: Number(m[2]) / 1024, stdout }
}
