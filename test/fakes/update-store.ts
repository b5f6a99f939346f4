/**
 * In-memory doubles of the update path's ports (src/core/ports.ts) for core's unit tests:
 * one store that keeps users, tokens, hosts and a prefix group in maps and records what was
 * committed and touched, and a publisher that records what it was given.
 */
import assert from 'node:assert/strict'
import type { Fqdn } from '../../src/core/names.ts'
import type {
  ChangePublisher,
  HostRecord,
  HostWrite,
  PrefixGroupRecord,
  PublishError,
  TokenRecord,
  UpdateContext,
  UpdateStore,
  UserRecord,
} from '../../src/core/ports.ts'
import type { ChangeSet, RecordSet } from '../../src/core/records.ts'
import { err, ok, type Result } from '../../src/core/result.ts'

/** One `commitUpdate` call. */
export interface Commit {
  readonly changed: readonly HostWrite[]
  readonly unchanged: readonly HostRecord[]
  readonly context: UpdateContext
}

/** An UpdateStore over maps; every commit bumps the serial of its one zone. */
export class FakeUpdateStore implements UpdateStore {
  readonly users = new Map<string, UserRecord>()
  /** Tokens by their keyed hash. */
  readonly tokens = new Map<string, TokenRecord>()
  readonly hosts = new Map<number, HostRecord>()
  /** The members of the one prefix group: host id → interface identifier. */
  readonly iids = new Map<number, string>()
  groupOwner = 1
  readonly commits: Commit[] = []
  readonly touched: { id: number; at: string }[] = []
  serial = 100

  constructor(readonly zone: Fqdn) {}

  findUserByName(name: string): Promise<UserRecord | undefined> {
    return Promise.resolve(this.users.get(name))
  }
  findTokenByHash(hash: string): Promise<TokenRecord | undefined> {
    return Promise.resolve(this.tokens.get(hash))
  }
  findHost(fqdn: Fqdn): Promise<HostRecord | undefined> {
    return Promise.resolve([...this.hosts.values()].find((h) => h.fqdn === fqdn))
  }
  findHostById(id: number): Promise<HostRecord | undefined> {
    return Promise.resolve(this.hosts.get(id))
  }
  findPrefixGroup(hostId: number): Promise<PrefixGroupRecord | undefined> {
    if (!this.iids.has(hostId)) return Promise.resolve(undefined)
    const members = [...this.iids].flatMap(([id, iid]) => {
      const host = this.hosts.get(id)
      return host === undefined ? [] : [{ host, iid }]
    })
    return Promise.resolve({
      id: 7,
      name: 'lan',
      ownerId: this.groupOwner,
      length: 56,
      prefix: null,
      members,
    })
  }
  zoneNames(): readonly Fqdn[] {
    return [this.zone]
  }
  commitUpdate(
    changed: readonly HostWrite[],
    unchanged: readonly HostRecord[],
    context: UpdateContext,
  ): Promise<ChangeSet[]> {
    this.commits.push({ changed, unchanged, context })
    for (const w of changed) {
      this.hosts.set(w.host.id, {
        ...w.host,
        ipv4: w.ipv4,
        ipv6: w.ipv6,
        ...(w.txt === undefined ? {} : { txt: w.txt }),
      })
    }
    if (changed.length === 0) return Promise.resolve([])
    this.serial += 1
    const replace = changed.flatMap((w): RecordSet[] => [
      ...(w.ipv4 === null
        ? []
        : [{ name: w.host.fqdn, type: 'A' as const, ttl: 60, values: [w.ipv4] }]),
      ...(w.ipv6 === null
        ? []
        : [{ name: w.host.fqdn, type: 'AAAA' as const, ttl: 60, values: [w.ipv6] }]),
    ])
    return Promise.resolve([{ zone: this.zone, serial: this.serial, replace, remove: [] }])
  }
  touchToken(id: number, at: string): Promise<void> {
    this.touched.push({ id, at })
    return Promise.resolve()
  }
  /** The stored host named `fqdn` (the test fails when there is none). */
  host(fqdn: string): HostRecord {
    const h = [...this.hosts.values()].find((x) => x.fqdn === fqdn)
    assert.ok(h, `no host ${fqdn}`)
    return h
  }
}

/** A ChangePublisher that records every call and succeeds unless told otherwise. */
export class FakePublisher implements ChangePublisher {
  succeed = true
  readonly calls: { changes: readonly ChangeSet[]; deadlineMs: number }[] = []
  publish(changes: readonly ChangeSet[], deadlineMs: number): Promise<Result<void, PublishError>> {
    this.calls.push({ changes, deadlineMs })
    return Promise.resolve(this.succeed ? ok(undefined) : err({ message: 'backend down' }))
  }
}
