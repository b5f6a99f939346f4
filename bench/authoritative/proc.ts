/**
 * What the benchmark reads about its servers from Linux's /proc: CPU time of a process and
 * its descendants (NSD forks its server processes; Node and Knot are threads of one process)
 * and their memory. Linux only, like the rest of bench/.
 */
import { readdirSync, readFileSync } from 'node:fs'

// USER_HZ: 100 on every Linux architecture Node supports (sysconf is not reachable from Node).
const TICKS_PER_SECOND = 100

interface Stat {
  readonly ppid: number
  readonly ticks: number
}

function readStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${String(pid)}/stat`, 'utf8')
    // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
    const ppid = Number(fields[1])
    const ticks = Number(fields[11]) + Number(fields[12])
    return { ppid, ticks }
  } catch {
    return undefined // the process ended between listing and reading
  }
}

function readStats(): Map<number, Stat> {
  const stats = new Map<number, Stat>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = readStat(Number(entry))
    if (stat !== undefined) stats.set(Number(entry), stat)
  }
  return stats
}

/** `pid` and every live descendant (dynzone's `dns.workers`, NSD's servers). */
export function treePids(pid: number, stats = readStats()): Set<number> {
  const tree = new Set([pid])
  // Parents may come after children in the listing: repeat until nothing is added.
  for (let grew = true; grew;) {
    grew = false
    for (const [p, s] of stats) {
      if (!tree.has(p) && tree.has(s.ppid)) {
        tree.add(p)
        grew = true
      }
    }
  }
  return tree
}

/** CPU seconds (user + system) used so far by `pid` and every live descendant. */
export function treeCpuSeconds(pid: number): number {
  const stats = readStats()
  let ticks = 0
  for (const p of treePids(pid, stats)) ticks += stats.get(p)?.ticks ?? 0
  return ticks / TICKS_PER_SECOND
}

/**
 * Memory of `pid` and its descendants, in MiB: the sum of their proportional set sizes (PSS),
 * so pages NSD's forked servers share with their parent are counted once, not per process.
 */
export function treeMemoryMiB(pid: number): number {
  let kb = 0
  for (const p of treePids(pid)) {
    try {
      const rollup = readFileSync(`/proc/${String(p)}/smaps_rollup`, 'utf8')
      kb += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0)
    } catch {
      // the process ended meanwhile
    }
  }
  return kb / 1024
}
