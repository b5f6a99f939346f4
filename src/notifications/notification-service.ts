/**
 * The `Notifier` core and the jobs call. Each call returns at once; lookups, mails and
 * webhooks run in the background and their failures are logged, never thrown, so a slow
 * SMTP server or a dead webhook cannot hold up an update answer.
 */
import type { LRUCache } from 'lru-cache'
import { lru } from '../core/lru.ts'
import type {
  AuthFailureEvent,
  Clock,
  HostChangedEvent,
  HostExpiredEvent,
  Notifier,
} from '../core/ports.ts'
import type { LockEvent } from '../core/auth/lockout.ts'
import type { Logger } from '../observability/logger.ts'
import type { AuthDigest, AuthFailureDigests } from './auth-digest.ts'
import { eventPayload, templateValues, type EventData } from './event-data.ts'
import type { MailSender } from './mail.ts'
import type { RecipientLookup } from './recipients.ts'
import {
  ACCOUNT_MAILS,
  renderTemplate,
  type AccountMailKind,
  type MailTemplate,
  type NotifyEventKind,
} from './templates.ts'
import { QuietChanges, type ChangeNotice } from './quiet-changes.ts'
import { TemporaryIpv6Watch } from './temporary-ipv6-watch.ts'
import { deliverWebhook, type WebhookDeps, type WebhookTarget } from './webhook.ts'

/** Parts of the notification service. */
export interface NotificationServiceOptions {
  /** null: no SMTP host configured, mails are skipped. */
  readonly mail: MailSender | null
  readonly templates: Readonly<Record<NotifyEventKind, MailTemplate>>
  readonly webhooks: readonly WebhookTarget[]
  readonly webhookDeps: WebhookDeps
  readonly recipients: RecipientLookup
  readonly digests: AuthFailureDigests
  readonly clock: Clock
  readonly logger: Logger
  /** Aborted by `close()`: ends in-flight webhook requests and their retries. */
  readonly shutdown?: AbortController
  /** Most users and hosts remembered as told of a lockout (default 10,000). */
  readonly maxLockoutNotices?: number
}

/** Mails and webhooks for change, expiry and failed-login events. */
export class NotificationService implements Notifier {
  readonly #options: NotificationServiceOptions
  readonly #pending = new Set<Promise<void>>()
  /** The users and hosts told of a lockout within the last hour; the least recently told go first. */
  readonly #lockoutNotices: LRUCache<string, true>
  readonly #quiet = new QuietChanges()
  readonly #temporary = new TemporaryIpv6Watch()
  #timer: NodeJS.Timeout | undefined

  constructor(options: NotificationServiceOptions) {
    this.#options = options
    this.#lockoutNotices = lru(options.maxLockoutNotices ?? 10_000, {
      expireMs: LOCKOUT_NOTICE_MS,
      now: () => options.clock.now().getTime(),
    })
  }

  changed(event: HostChangedEvent): void {
    this.#track(this.#changed(event))
  }

  expired(event: HostExpiredEvent): void {
    this.#track(this.#dispatch({ kind: 'expired', event }, event.ownerId))
  }

  authFailed(event: AuthFailureEvent): void {
    this.#track(this.#recordFailure(event))
  }

  /**
   * A credential was locked out at one address: its owner hears of it, at most once an
   * hour per user or host (an attack from many addresses makes one mail, not one each).
   */
  lockedOut(event: LockEvent): void {
    this.#track(this.#lockout(event))
  }

  /**
   * Sends an account mail (an invitation) to one address now and says whether it went out;
   * false also when no SMTP host is configured. The values may hold a one-time link: they
   * are never logged.
   */
  async accountMail(
    kind: AccountMailKind,
    to: string,
    values: Readonly<Record<string, string>>,
  ): Promise<boolean> {
    const mail = this.#options.mail
    if (mail === null) return false
    const template = ACCOUNT_MAILS[kind]
    const sent = await mail.send({
      to,
      subject: renderTemplate(template.subject, values).replace(/[\r\n]+/g, ' '),
      text: renderTemplate(template.body, values),
    })
    if (!sent.ok) {
      this.#options.logger.warn({ job: 'notify', event: kind, error: sent.error }, 'mail not sent')
    }
    return sent.ok
  }

  /** Sends the digests whose window ended; returns how many. */
  async flushDigests(): Promise<number> {
    await this.idle()
    const due = this.#options.digests.flush(this.#options.clock.now())
    await Promise.all(due.map((d) => this.#dispatch(digestData(d), d.subject.ownerId)))
    return due.length
  }

  /** Sends the change notices whose quiet period ended; returns how many. */
  async flushQuiet(): Promise<number> {
    await this.idle()
    const due = this.#quiet.due(this.#options.clock.now())
    await Promise.all(due.map((n) => this.#sendChange(n)))
    return due.length
  }

  /** Checks for ended digest windows and quiet periods every `intervalMs` until closed. */
  start(intervalMs: number): void {
    this.#timer = setInterval(() => {
      void this.flushDigests()
      void this.flushQuiet()
    }, intervalMs)
    this.#timer.unref()
  }

  /** Resolves when every delivery started so far has finished (retries included). */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending])
  }

  /** Stops the digest timer, abandons webhook retries, and closes the SMTP connections. */
  close(): void {
    clearInterval(this.#timer)
    this.#options.shutdown?.abort()
    this.#options.mail?.close()
  }

  #track(work: Promise<void>): void {
    const tracked = work.catch((e: unknown) => {
      this.#options.logger.error({ err: e, job: 'notify' }, 'notification failed')
    })
    this.#pending.add(tracked)
    void tracked.finally(() => this.#pending.delete(tracked))
  }

  // The owner's choice decides: now, later (a quiet period), or not at all.
  async #changed(event: HostChangedEvent): Promise<void> {
    const owner = await this.#options.recipients.owner(event.ownerId)
    const choice = owner?.changes ?? { families: 'none' as const, quietMinutes: 0 }
    // The period starts at the change, not when the owner lookup came back.
    const notice = this.#quiet.add(event, choice, new Date(event.at))
    const warning = this.#temporary.add(event)
    const jobs: Promise<void>[] = []
    if (notice !== undefined) jobs.push(this.#sendChange(notice))
    // Said once per host: the store keeps that it was (a restart does not say it again).
    if (warning !== undefined && (await this.#options.recipients.warnTemporaryIpv6(event.hostId)))
      jobs.push(this.#dispatch({ kind: 'temporary-ipv6', event, warning }, event.ownerId))
    await Promise.all(jobs)
  }

  #sendChange(notice: ChangeNotice): Promise<void> {
    const data = { kind: 'changed', event: notice.event, changes: notice.changes } as const
    return this.#dispatch(data, notice.event.ownerId)
  }

  async #recordFailure(event: AuthFailureEvent): Promise<void> {
    const subject = await this.#options.recipients.authSubject(event.username, event.hostnames)
    if (subject === undefined) return
    this.#options.digests.record(subject, event.clientIp, event.dialect, new Date(event.at))
  }

  async #lockout(event: LockEvent): Promise<void> {
    // Bare tokens name nobody: there is no owner to tell.
    if (!event.subject.startsWith('user:')) return
    const subject = await this.#options.recipients.authSubject(event.subject.slice(5), [])
    if (subject === undefined) return
    if (this.#lockoutNotices.has(subject.key)) return
    this.#lockoutNotices.set(subject.key, true)
    const now = this.#options.clock.now()
    const notice = {
      subjectName: subject.name,
      clientIp: event.clientIp,
      until: event.until,
      at: now.toISOString(),
    }
    await this.#dispatch({ kind: 'lockout', event: notice }, subject.ownerId)
  }

  async #dispatch(data: EventData, ownerId: number): Promise<void> {
    const owner = await this.#options.recipients.owner(ownerId)
    const values = templateValues(data, owner?.name ?? '')
    const jobs: Promise<void>[] = []
    if (this.#options.mail !== null && owner?.email != null && owner.email !== '') {
      jobs.push(this.#mail(data.kind, owner.email, values))
    }
    const payload = eventPayload(data, owner?.name ?? null)
    for (const target of this.#options.webhooks) {
      if (target.events.includes(data.kind)) jobs.push(this.#webhook(target, data.kind, payload))
    }
    await Promise.all(jobs)
  }

  async #mail(kind: NotifyEventKind, to: string, values: Record<string, string>): Promise<void> {
    const template = this.#options.templates[kind]
    const sent = await this.#options.mail?.send({
      to,
      subject: renderTemplate(template.subject, values).replace(/[\r\n]+/g, ' '),
      text: renderTemplate(template.body, values),
    })
    if (sent !== undefined && !sent.ok) {
      this.#options.logger.warn({ job: 'notify', event: kind, error: sent.error }, 'mail not sent')
    }
  }

  async #webhook(target: WebhookTarget, kind: NotifyEventKind, payload: unknown): Promise<void> {
    const result = await deliverWebhook(target, kind, payload, this.#options.webhookDeps)
    if (!result.ok) {
      // The URL may carry a token in its query: log only its origin.
      const origin = new URL(target.url).origin
      this.#options.logger.warn(
        { job: 'notify', event: kind, webhook: origin, error: result.error },
        'webhook failed',
      )
    }
  }
}

/** At most one lockout notice per user or host in this time. */
const LOCKOUT_NOTICE_MS = 3600_000

function digestData(digest: AuthDigest): EventData {
  return { kind: 'auth-failures', digest }
}
