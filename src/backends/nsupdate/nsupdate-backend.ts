/**
 * The `nsupdate` backend: runs BIND's `nsupdate` once per change set, as sftdyn does — with
 * `-l` (local mode: BIND's session key, server on localhost) or `-k <keyfile>` (its
 * `nskeyfile` option). For setups where a TSIG key is only reachable through nsupdate, or the
 * operator wants exactly what a shell script would do; the `rfc2136` backend speaks the same
 * protocol in-process and can also read the zone back.
 */
import { RECORD_TYPES, type ChangeSet, type ZoneSnapshot } from '../../core/records.ts'
import { err, ok, type Result } from '../../core/result.ts'
import type { BackendError, DnsBackend } from '../backend.ts'
import type { BackendZone } from '../define.ts'
import { spawnRunner, type ChildRunner } from './child-runner.ts'
import { nsupdateError } from './errors.ts'
import { nsupdateScript } from './script.ts'
import type { NsupdateSettings } from './settings.ts'

// RRsets per invocation when loading a whole zone (one UPDATE each, well under 64 KiB).
const LOAD_BATCH = 200

/** A `DnsBackend` that drives the `nsupdate` program. */
export class NsupdateBackend implements DnsBackend {
  readonly kind = 'nsupdate'
  /** Every type dynzone holds: nsupdate publishes them all. */
  readonly types = RECORD_TYPES

  constructor(
    private readonly zone: BackendZone,
    private readonly settings: NsupdateSettings,
    private readonly runner: ChildRunner = spawnRunner,
  ) {}

  /** Start-up check (an UPDATE whose only prerequisite is "the zone exists"), then publishes. */
  async load(snapshot: ZoneSnapshot, signal: AbortSignal): Promise<Result<void, BackendError>> {
    const check = await this.#run(
      nsupdateScript(this.#server(), this.zone.name, [], [], true),
      signal,
    )
    if (!check.ok) return check
    for (let at = 0; at < snapshot.records.length; at += LOAD_BATCH) {
      const replace = snapshot.records.slice(at, at + LOAD_BATCH)
      const r = await this.apply(
        { zone: this.zone.name, serial: snapshot.soa.serial, replace, remove: [] },
        signal,
      )
      if (!r.ok) return r
    }
    return ok(undefined)
  }

  /** One nsupdate run, one UPDATE message: every RRset deleted and re-added. */
  async apply(change: ChangeSet, signal: AbortSignal): Promise<Result<void, BackendError>> {
    if (change.replace.length === 0 && change.remove.length === 0) return ok(undefined)
    return this.#run(
      nsupdateScript(this.#server(), this.zone.name, change.replace, change.remove),
      signal,
    )
  }

  /** Nothing stays running between changes. */
  close(): Promise<void> {
    return Promise.resolve()
  }

  /** The program's arguments: `-l` or `-k keyfile`, plus its own timeouts. */
  args(): string[] {
    const seconds = String(Math.max(1, Math.ceil(this.settings.timeout_ms / 1000)))
    const auth = this.settings.local ? ['-l'] : ['-k', this.settings.key_file ?? '']
    return [...auth, '-t', seconds, '-u', seconds, ...(this.settings.tcp ? ['-v'] : [])]
  }

  async #run(
    script: Result<string, string>,
    signal: AbortSignal,
  ): Promise<Result<void, BackendError>> {
    if (!script.ok) return err({ code: 'invalid-record', retryable: false, message: script.error })
    const program = this.settings.nsupdate
    // The child's own -t/-u fire first; the kill is the backstop for a hung process.
    const r = await this.runner(
      program,
      this.args(),
      script.value,
      this.settings.timeout_ms * 3 + 1000,
      signal,
    )
    const problem = nsupdateError(r, program)
    return problem === undefined ? ok(undefined) : err(problem)
  }

  #server(): { host: string; port: number } {
    return { host: this.settings.server, port: this.settings.port }
  }
}
