/**
 * Builds the notification service from `[notify]`: templates (config strings, `*_body_file`
 * files, built-in defaults), the SMTP sender when a host is set, and the webhooks.
 */
import type { Kysely } from 'kysely'
import type { Config } from '../config/schema.ts'
import type { Clock } from '../core/ports.ts'
import { err, ok, type Result } from '../core/result.ts'
import type { Logger } from '../observability/logger.ts'
import type { Database } from '../store/schema.ts'
import { AuthFailureDigests } from './auth-digest.ts'
import { createSmtpSender, type MailSender } from './mail.ts'
import { NotificationService } from './notification-service.ts'
import { SqlRecipients } from './recipients.ts'
import {
  DEFAULT_TEMPLATES,
  NOTIFY_EVENTS,
  unknownVariables,
  type MailTemplate,
  type NotifyEventKind,
} from './templates.ts'

/** What the notifier is built from; `mail` replaces SMTP in tests. */
export interface NotifierSetup {
  readonly config: Config['notify']
  readonly db: Kysely<Database>
  readonly logger: Logger
  readonly clock: Clock
  readonly readFile: (path: string) => string
  readonly mail?: MailSender
  /** First webhook retry delay (default one second). */
  readonly retryBaseMs?: number
  /** Most users and hosts remembered as told of a lockout (default 10,000). */
  readonly maxLockoutNotices?: number
}

/** The notification service, or a message naming the config key that is wrong. */
export function createNotifier(setup: NotifierSetup): Result<NotificationService, string> {
  const templates = resolveTemplates(setup.config.templates, setup.readFile)
  if (!templates.ok) return templates
  const shutdown = new AbortController()
  const smtp = setup.config.smtp
  const mail = setup.mail ?? (smtp.host === '' ? null : createSmtpSender(smtp))
  return ok(
    new NotificationService({
      mail,
      templates: templates.value,
      webhooks: setup.config.webhooks,
      webhookDeps: {
        fetch: globalThis.fetch,
        sleep: (ms) => abortableSleep(ms, shutdown.signal),
        now: () => setup.clock.now(),
        retryBaseMs: setup.retryBaseMs ?? 1000,
        signal: shutdown.signal,
      },
      shutdown,
      recipients: new SqlRecipients(setup.db),
      digests: new AuthFailureDigests(
        setup.config.auth_failure_threshold,
        setup.config.auth_failure_window_seconds,
      ),
      clock: setup.clock,
      logger: setup.logger,
      ...(setup.maxLockoutNotices === undefined
        ? {}
        : { maxLockoutNotices: setup.maxLockoutNotices }),
    }),
  )
}

// A backoff wait that ends early at shutdown, so a retrying webhook never holds the process.
function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done)
  })
}

/** How often to look for ended failed-login windows: a tenth of a window, 1 s to 1 min. */
export function digestIntervalMs(windowSeconds: number): number {
  return Math.min(60_000, Math.max(1000, windowSeconds * 100))
}

function resolveTemplates(
  config: Readonly<Record<string, string>>,
  readFile: (path: string) => string,
): Result<Record<NotifyEventKind, MailTemplate>, string> {
  const out = {} as Record<NotifyEventKind, MailTemplate>
  for (const kind of NOTIFY_EVENTS) {
    const prefix = kind.replace('-', '_')
    const defaults = DEFAULT_TEMPLATES[kind]
    let body = config[`${prefix}_body`] ?? ''
    const file = config[`${prefix}_body_file`] ?? ''
    const key = `notify.templates.${prefix}_body_file`
    if (file !== '') {
      if (body !== '') return err(`${key}: give either ${prefix}_body or ${prefix}_body_file`)
      try {
        body = readFile(file)
      } catch (e) {
        return err(`${key}: cannot read "${file}": ${(e as Error).message}`)
      }
      const unknown = unknownVariables(body, kind)
      if (unknown.length > 0) {
        return err(
          `${key}: unknown template variable ${unknown.map((u) => `{{ ${u} }}`).join(', ')} for the ${kind} event in "${file}"`,
        )
      }
    }
    const subject = config[`${prefix}_subject`] ?? ''
    out[kind] = {
      subject: subject === '' ? defaults.subject : subject,
      body: body === '' ? defaults.body : body,
    }
  }
  return ok(out)
}
