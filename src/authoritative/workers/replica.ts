/**
 * A DNS worker's copy of the main process's index. The worker subscribes to the main
 * process's change stream first, then streams the zones from the store into its index, as
 * the main process loads its own (packed as read, never held whole as RRset objects); changes
 * that arrive meanwhile, between pages too, are kept and, once the zones are loaded, applied
 * if newer than the serial read (the store is committed before anything is published, so
 * older ones are already in what was read). From then on every change is applied as it
 * comes, in the main process's order, and acknowledged.
 */
import type { Fqdn } from '../../core/names.ts'
import type { ZoneHead } from '../../core/records.ts'
import { err, ok, type Result } from '../../core/result.ts'
import { serialGreater } from '../../dns/serial.ts'
import { ZoneIndex, type RecordFeed, type ZoneIndexError } from '../index/zone-index.ts'
import type { IndexChange } from './protocol.ts'

/** One zone for the replica: its apex data, and its RRsets as the store hands them over. */
export interface ZoneFeed {
  readonly head: ZoneHead
  readonly feed: RecordFeed
}

/** Applies the main process's changes to a local index, buffering until the first load. */
export class Replica {
  readonly index = new ZoneIndex()
  #kept: { seq: number; change: IndexChange }[] | null = []

  /**
   * @param ack called with each change's number once it is applied (or skipped as older)
   * @param problem called when a change cannot be applied (the main process took it)
   */
  constructor(
    private readonly ack: (seq: number) => void,
    private readonly problem: (message: string) => void,
  ) {}

  /** True once the zones read from the store are loaded. */
  get loaded(): boolean {
    return this.#kept === null
  }

  /** One change from the main process: applied now, or kept until the zones are loaded. */
  receive(seq: number, change: IndexChange): void {
    if (this.#kept !== null) {
      this.#kept.push({ seq, change })
      return
    }
    this.#apply(change, false)
    this.ack(seq)
  }

  /** Loads the zones one after the other, then the changes kept meanwhile that are newer. */
  async load(zones: readonly ZoneFeed[]): Promise<Result<void, string>> {
    for (const { head, feed } of zones) {
      const r = await this.index.loadStreamed(head, feed)
      if (!r.ok) return err(`zone ${head.name}: ${r.error.message}`)
    }
    const kept = this.#kept ?? []
    this.#kept = null
    for (const { seq, change } of kept) {
      this.#apply(change, true)
      this.ack(seq)
    }
    return ok(undefined)
  }

  #apply(change: IndexChange, onlyNewer: boolean): void {
    let r: Result<void, ZoneIndexError>
    switch (change.t) {
      case 'apply':
        if (onlyNewer && !this.#newer(change.change.zone, change.change.serial)) return
        r = this.index.apply(change.change)
        break
      case 'load':
        if (onlyNewer && !this.#newer(change.snapshot.name, change.snapshot.soa.serial)) return
        r = this.index.load(change.snapshot)
        break
      case 'lan':
        r = this.index.setLanAddresses(change.zone, change.hosts)
        break
    }
    if (!r.ok) this.problem(`${change.t}: ${r.error.message}`)
  }

  #newer(zone: Fqdn, serial: number): boolean {
    const held = this.index.soa(zone)
    return held === undefined || serialGreater(serial, held.serial)
  }
}
