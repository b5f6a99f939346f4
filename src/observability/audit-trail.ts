/**
 * The audit trail as the process keeps it: each event is one structured log line at once
 * (`"msg":"audit"`, the line fail2ban's filter in deploy/fail2ban/ reads) and one database
 * row written in the background, so an audited request never waits for the database; a
 * failed write is logged, never thrown into the request.
 */
import type { AuditEvent, AuditTrail } from '../core/audit.ts'
import type { Clock } from '../core/ports.ts'
import type { Logger } from './logger.ts'

/** Where rows go (src/store/audit-store.ts `writeAudit`, bound to a database). */
export type AuditWriter = (at: Date, event: AuditEvent) => Promise<void>

/** An audit trail over a logger and a writer; `flush()` waits for the rows in flight. */
export function createAuditTrail(
  logger: Logger,
  write: AuditWriter | undefined,
  clock: Clock,
): AuditTrail & { flush(): Promise<void> } {
  const pending = new Set<Promise<void>>()
  return {
    record(e) {
      // Field order is the filter's: action, result, source come first, always present.
      logger.info(
        {
          audit: e.action,
          result: e.result,
          source: e.source ?? '-',
          actor: e.actor ?? '-',
          ...(e.target === null ? {} : { target: e.target }),
          status: e.status,
        },
        'audit',
      )
      if (write === undefined) return
      const p = write(clock.now(), e).catch((error: unknown) => {
        logger.error({ err: error, audit: e.action }, 'audit event not stored')
      })
      pending.add(p)
      void p.finally(() => pending.delete(p))
    },
    async flush() {
      await Promise.all([...pending])
    },
  }
}
