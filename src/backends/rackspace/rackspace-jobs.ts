/**
 * Rackspace Cloud DNS asynchronous jobs: a write answers 202 with a `callbackUrl`; `GET
 * <callbackUrl>?showDetails=true` reports `INITIALIZED`/`RUNNING` until the job ends as
 * `COMPLETED` or `ERROR` (with the failure in `error`, e.g. a 400 validation fault).
 */
import { err, ok, type Result } from '../../core/result.ts'
import type { BackendError } from '../backend.ts'
import { callApi, unexpectedReply, type FetchLike } from '../shared/http-client.ts'
import { pause } from '../shared/pause.ts'
import type { RackspaceSession } from './rackspace-identity.ts'
import { rackspaceError } from './rackspace-errors.ts'

/** What polling needs. */
export interface JobOptions {
  readonly fetch: FetchLike
  readonly pollMs: number
  readonly jobTimeoutMs: number
}

interface JobStatus {
  status?: string
  error?: { code?: number; message?: string; details?: string; failedItems?: unknown }
}

/** Polls a job until it ends; `ERROR` becomes the BackendError its fault code maps to. */
export async function waitForJob(
  callbackUrl: string,
  session: RackspaceSession,
  o: JobOptions,
  what: string,
  signal: AbortSignal,
): Promise<Result<void, BackendError>> {
  // The token goes only to the Cloud DNS endpoint it was issued for.
  if (!callbackUrl.startsWith(session.dnsUrl + '/')) {
    return err(unexpectedReply(`${what}: job callback`, 202, callbackUrl))
  }
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(o.jobTimeoutMs)])
  for (;;) {
    const r = await callApi(
      o.fetch,
      {
        method: 'GET',
        url: `${callbackUrl}?showDetails=true`,
        headers: { 'x-auth-token': session.token },
        signal,
      },
      `${what}: job status`,
    )
    if (!r.ok) return r
    const job = r.value.body as JobStatus | null
    if (r.value.status >= 300 || job === null) {
      return err(unexpectedReply(`${what}: job status`, r.value.status, r.value.body))
    }
    if (job.status === 'COMPLETED') return ok(undefined)
    if (job.status === 'ERROR') {
      const e = job.error ?? {}
      return err(
        rackspaceError(
          `${what}: job failed`,
          e.code ?? 500,
          { error: { ...e, details: faults(e) } },
          null,
        ),
      )
    }
    if (!(await pause(o.pollMs, deadline))) {
      return err({ code: 'timeout', retryable: true, message: `${what}: job not finished in time` })
    }
  }
}

function faults(e: NonNullable<JobStatus['error']>): string {
  const list = (e.failedItems as { faults?: { message?: string; details?: string }[] } | undefined)
    ?.faults
  const text = (list ?? []).map((f) => [f.message, f.details].filter(Boolean).join(': ')).join('; ')
  return text === '' ? (e.details ?? '') : text
}
