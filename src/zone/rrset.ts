/**
 * RRsets (RFC 2181 §5): records grouped by owner and type. Identical records are kept once
 * (RFC 2181 §5, RFC 4034 §6.3) and an RRset has one TTL: a record with another TTL takes the
 * first one's (RFC 2181 §5.2), as BIND does, with a warning.
 */
import type { ZoneFileProblem, ZoneRecord } from './zone-reader.ts'

/** Every record of one type at one name: owner absolute with the trailing dot. */
export interface RRset {
  readonly owner: string
  readonly type: number
  readonly ttl: number
  readonly rdata: readonly Buffer[]
  /** The line of a file the RRset's first record is on, when it was read from one. */
  readonly line?: number
}

interface Building {
  readonly owner: string
  readonly type: number
  readonly ttl: number
  readonly rdata: Buffer[]
  readonly line: number
}

/** Collects records into RRsets, in order of first appearance. */
export class RRsetCollector {
  /** TTL differences inside an RRset, with where they are. */
  readonly warnings: ZoneFileProblem[] = []
  private readonly sets = new Map<string, Building>()

  constructor(private readonly file: string) {}

  /** Adds one record to its RRset. */
  add(record: ZoneRecord): void {
    const key = `${record.owner.toLowerCase()} ${record.type}`
    const set = this.sets.get(key)
    if (set === undefined) {
      const { owner, type, ttl, line } = record
      this.sets.set(key, { owner, type, ttl, rdata: [record.rdata], line })
      return
    }
    if (set.ttl !== record.ttl && this.warnings.length < 100) {
      this.warnings.push({
        file: this.file,
        line: record.line,
        message: `${record.owner}: TTL ${record.ttl} differs from its RRset's ${set.ttl}; ${set.ttl} is used`,
      })
    }
    if (!set.rdata.some((r) => r.equals(record.rdata))) set.rdata.push(record.rdata)
  }

  /** The RRsets collected so far. */
  rrsets(): RRset[] {
    return [...this.sets.values()]
  }
}
