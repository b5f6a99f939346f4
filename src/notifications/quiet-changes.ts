/**
 * Change mails per family, debounced. Each account chooses the families it hears of
 * (`none`, `ipv4`, `ipv6`, `both`) and a quiet period (0-60 minutes): the first change of a
 * host starts the period, later changes within it join it, and when it ends one notice goes
 * out with the address before the first change and after the last, per family. A family
 * the account did not choose changes nothing; a period whose chosen families end where they
 * began sends nothing. With no choice (`none`), a client's `notify_change=1` still asks for
 * a notice of that change at once, as before. Held per host in a bounded table (`lru`).
 */
import type { LRUCache } from 'lru-cache'
import { lru } from '../core/lru.ts'
import { MAX_QUIET_MINUTES, type ChangeMails } from '../core/accounts/account-store.ts'
import type { HostChangedEvent } from '../core/ports.ts'

type NotifyFamilies = ChangeMails['families']

/** A notice to send: the change (first old, last new) and how many updates it joins. */
export interface ChangeNotice {
  readonly event: HostChangedEvent
  readonly changes: number
}

interface Held {
  readonly first: HostChangedEvent
  readonly last: HostChangedEvent
  readonly changes: number
  readonly families: NotifyFamilies
  readonly dueAt: number
}

/** Changes held per host until their quiet period ends. */
export class QuietChanges {
  readonly #held: LRUCache<number, Held>

  constructor(maxHosts = 10_000) {
    this.#held = lru(maxHosts)
  }

  /** Takes one change; returns the notice to send now, if any (no quiet period). */
  add(event: HostChangedEvent, choice: ChangeMails, now: Date): ChangeNotice | undefined {
    const families = choice.families === 'none' && event.requested ? 'both' : choice.families
    if (families === 'none') return undefined
    const before = this.#held.get(event.hostId)
    const held: Held = {
      first: before?.first ?? event,
      last: event,
      changes: (before?.changes ?? 0) + 1,
      families,
      dueAt: before?.dueAt ?? now.getTime() + quietMs(choice),
    }
    if (held.dueAt <= now.getTime()) {
      this.#held.delete(event.hostId)
      return noticeOf(held)
    }
    this.#held.set(event.hostId, held)
    return undefined
  }

  /** The notices whose quiet period has ended by `now`. */
  due(now: Date): ChangeNotice[] {
    const out: ChangeNotice[] = []
    for (const [hostId, held] of [...this.#held.entries()]) {
      if (held.dueAt > now.getTime()) continue
      this.#held.delete(hostId)
      const notice = noticeOf(held)
      if (notice !== undefined) out.push(notice)
    }
    return out
  }
}

function quietMs(choice: ChangeMails): number {
  return Math.min(Math.max(choice.quietMinutes, 0), MAX_QUIET_MINUTES) * 60_000
}

// The period's change as one event; a family not chosen shows as unchanged (its new value).
function noticeOf(held: Held): ChangeNotice | undefined {
  const { first, last, families } = held
  const v4 = families === 'ipv4' || families === 'both'
  const v6 = families === 'ipv6' || families === 'both'
  const event: HostChangedEvent = {
    ...last,
    oldIpv4: v4 ? first.oldIpv4 : last.newIpv4,
    oldIpv6: v6 ? first.oldIpv6 : last.newIpv6,
  }
  if (event.oldIpv4 === event.newIpv4 && event.oldIpv6 === event.newIpv6) return undefined
  return { event, changes: held.changes }
}
