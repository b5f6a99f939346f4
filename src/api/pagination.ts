/**
 * Pagination of every list: `?limit=&cursor=`, answered as `{ items, next }`. A cursor is
 * opaque to clients (base64url of a versioned key: the sort key of the last item sent), so
 * pages stay stable while rows are added or removed elsewhere in the list.
 */
import { z } from 'zod'
import { err, ok, type Result } from '../core/result.ts'
import { apiError, type ApiError } from './errors.ts'

/** Default and largest page sizes. */
export const DEFAULT_LIMIT = 50
/** The largest `limit` accepted. */
export const MAX_LIMIT = 500

/** The query parameters of every list. */
export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT),
  cursor: z.string().max(500).optional(),
})

/** One page as sent. */
export interface Page<T> {
  readonly items: readonly T[]
  readonly next: string | null
}

/** Encodes a sort key as a cursor. */
export function encodeCursor(key: string): string {
  return Buffer.from(`v1\0${key}`, 'utf8').toString('base64url')
}

/** Decodes a cursor to its sort key; absent stays absent. */
export function decodeCursor(cursor: string | undefined): Result<string | undefined, ApiError> {
  if (cursor === undefined) return ok(undefined)
  const text = /^[A-Za-z0-9_-]+$/.test(cursor)
    ? Buffer.from(cursor, 'base64url').toString('utf8')
    : ''
  if (!text.startsWith('v1\0')) return err(apiError('invalid_cursor', 'unknown cursor'))
  return ok(text.slice(3))
}

/**
 * One page of an in-memory list sorted by `key` (ascending, unique): the items after the
 * cursor's key. The lists paged this way are per account or per admin and small.
 */
export function pageOf<T>(
  all: readonly T[],
  key: (item: T) => string,
  query: { readonly limit: number; readonly cursor?: string | undefined },
): Result<Page<T>, ApiError> {
  const after = decodeCursor(query.cursor)
  if (!after.ok) return after
  const sorted = [...all].sort((a, b) => compare(key(a), key(b)))
  const mark = after.value
  const from = mark === undefined ? sorted : sorted.filter((i) => key(i) > mark)
  const items = from.slice(0, query.limit)
  const last = items.at(-1)
  const next = from.length > query.limit && last !== undefined ? encodeCursor(key(last)) : null
  return ok({ items, next })
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** A numeric key that sorts as text (ids as zero-padded decimals). */
export function numericKey(n: number): string {
  return String(n).padStart(15, '0')
}
