/**
 * The Route 53 calls the backend makes (ChangeResourceRecordSets, ListResourceRecordSets,
 * GetChange), behind a small interface, and the one adapter over AWS SDK v3 that implements
 * it. The SDK signs with SigV4 and speaks the REST/XML API; its own retries are turned off
 * (`maxAttempts: 1`) because the publisher retries with backoff. AWS error codes are mapped
 * to `BackendError` here, once.
 */
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  type RRType,
} from '@aws-sdk/client-route-53'
import { err, ok, type Result } from '../../core/result.ts'
import type { Secret } from '../../core/auth/secret.ts'
import type { BackendError } from '../backend.ts'

/** A simple (non-alias, no routing policy) record set as Route 53 holds it. */
export interface R53RecordSet {
  /** Absolute name, as Route 53 writes it (trailing dot, `\052` style escapes). */
  readonly name: string
  readonly type: string
  readonly ttl: number
  readonly values: readonly string[]
}

/** One entry of a ChangeBatch. */
export interface R53Change {
  readonly action: 'UPSERT' | 'DELETE'
  readonly set: R53RecordSet
}

/** One page of ListResourceRecordSets. */
export interface R53Page {
  /** Simple record sets only; alias and routing-policy sets are left out. */
  readonly sets: readonly R53RecordSet[]
  /** Where the next page starts, when the listing was truncated. */
  readonly next: { readonly name: string; readonly type: string } | null
}

/** What the backend needs from Route 53, for one hosted zone. */
export interface Route53Port {
  list(
    start: { readonly name: string; readonly type: string } | null,
    maxItems: number,
    signal: AbortSignal,
  ): Promise<Result<R53Page, BackendError>>
  /** Sends one atomic ChangeBatch; returns the change id. */
  change(changes: readonly R53Change[], signal: AbortSignal): Promise<Result<string, BackendError>>
  /** `PENDING` or `INSYNC`. */
  status(changeId: string, signal: AbortSignal): Promise<Result<string, BackendError>>
}

/** How to reach Route 53. */
export interface SdkOptions {
  readonly hostedZoneId: string
  readonly region: string
  /** Empty: the SDK's default endpoint. */
  readonly endpoint: string
  readonly accessKeyId: Secret
  readonly secretAccessKey: Secret
  readonly timeoutMs?: number
}

/** A `Route53Port` over `@aws-sdk/client-route-53`. */
export function sdkRoute53(o: SdkOptions): Route53Port {
  const client = new Route53Client({
    region: o.region,
    maxAttempts: 1,
    ...(o.endpoint === '' ? {} : { endpoint: o.endpoint }),
    credentials: {
      accessKeyId: o.accessKeyId.reveal(),
      secretAccessKey: o.secretAccessKey.reveal(),
    },
  })
  const HostedZoneId = o.hostedZoneId
  const call = async <T>(
    what: string,
    signal: AbortSignal,
    send: (s: AbortSignal) => Promise<T>,
  ) => {
    const limited = AbortSignal.any([signal, AbortSignal.timeout(o.timeoutMs ?? 10_000)])
    try {
      return ok(await send(limited))
    } catch (cause) {
      return err(awsError(`route53 ${what}`, cause, signal))
    }
  }
  return {
    list: async (start, maxItems, signal) => {
      const r = await call('ListResourceRecordSets', signal, (abortSignal) =>
        client.send(
          new ListResourceRecordSetsCommand({
            HostedZoneId,
            MaxItems: maxItems,
            ...(start === null
              ? {}
              : { StartRecordName: start.name, StartRecordType: start.type as RRType }),
          }),
          { abortSignal },
        ),
      )
      if (!r.ok) return r
      const sets: R53RecordSet[] = []
      for (const s of r.value.ResourceRecordSets ?? []) {
        if (s.AliasTarget !== undefined || s.SetIdentifier !== undefined) continue
        if (s.Name === undefined || s.Type === undefined) continue
        const values = (s.ResourceRecords ?? []).flatMap((v) =>
          v.Value === undefined ? [] : [v.Value],
        )
        sets.push({ name: s.Name, type: s.Type, ttl: s.TTL ?? 0, values })
      }
      const { IsTruncated, NextRecordName, NextRecordType } = r.value
      const next =
        IsTruncated === true && NextRecordName !== undefined && NextRecordType !== undefined
          ? { name: NextRecordName, type: NextRecordType }
          : null
      return ok({ sets, next })
    },
    change: async (changes, signal) => {
      const r = await call('ChangeResourceRecordSets', signal, (abortSignal) =>
        client.send(
          new ChangeResourceRecordSetsCommand({
            HostedZoneId,
            ChangeBatch: {
              Comment: 'dynzone',
              Changes: changes.map((c) => ({
                Action: c.action,
                ResourceRecordSet: {
                  Name: c.set.name,
                  Type: c.set.type as RRType,
                  TTL: c.set.ttl,
                  ResourceRecords: c.set.values.map((Value) => ({ Value })),
                },
              })),
            },
          }),
          { abortSignal },
        ),
      )
      return r.ok ? ok(r.value.ChangeInfo?.Id ?? '') : r
    },
    status: async (changeId, signal) => {
      const r = await call('GetChange', signal, (abortSignal) =>
        client.send(new GetChangeCommand({ Id: changeId }), { abortSignal }),
      )
      return r.ok ? ok(r.value.ChangeInfo?.Status ?? 'PENDING') : r
    },
  }
}

const RATE_LIMITED = new Set(['Throttling', 'ThrottlingException', 'PriorRequestNotComplete'])
const NOT_AUTH = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'InvalidClientTokenId',
  'IncompleteSignature',
  'UnrecognizedClientException',
  'ExpiredToken',
  'MissingAuthenticationToken',
])
const INVALID = new Set(['InvalidChangeBatch', 'InvalidInput'])
const NO_ZONE = new Set(['NoSuchHostedZone'])

/** Maps an SDK exception (AWS error code, HTTP status, or transport failure) to a BackendError. */
export function awsError(what: string, cause: unknown, callerSignal: AbortSignal): BackendError {
  const e = cause instanceof Error ? cause : new Error(String(cause))
  const meta = (e as { $metadata?: { httpStatusCode?: number } }).$metadata
  const status = meta?.httpStatusCode
  const message = `${what}: ${e.name}: ${e.message}`
  if (RATE_LIMITED.has(e.name)) return { code: 'rate-limited', retryable: true, message, cause }
  if (NOT_AUTH.has(e.name) || status === 401 || status === 403) {
    return { code: 'not-auth', retryable: false, message, cause }
  }
  if (NO_ZONE.has(e.name)) return { code: 'zone-not-found', retryable: false, message, cause }
  if (INVALID.has(e.name)) return { code: 'invalid-record', retryable: false, message, cause }
  if (status !== undefined && status >= 500) {
    return { code: 'unavailable', retryable: true, message, cause }
  }
  if (status === undefined) {
    if (e.name === 'TimeoutError' || (e.name === 'AbortError' && !callerSignal.aborted)) {
      return { code: 'timeout', retryable: true, message: `${what}: no answer in time`, cause }
    }
    // No HTTP status: the request never got an answer (refused, reset, DNS failure).
    return { code: 'unavailable', retryable: true, message, cause }
  }
  return { code: 'refused', retryable: false, message, cause }
}
