/**
 * Token scopes: what a token may change. `address` tokens update A/AAAA only, `acme` tokens
 * only the `_acme-challenge` TXT values (so a certificate client's credential cannot move
 * the host), `all` both. `api` tokens are for the REST API and never update DNS through a
 * dialect: a leaked automation credential must not move a host. Account passwords are `all`.
 */
import type { UpdateIntent } from '../update/update-intent.ts'

/** The scopes, in the order the CLI lists them. */
export const TOKEN_SCOPES = ['all', 'address', 'acme', 'api'] as const
/** One token scope. */
export type TokenScope = (typeof TOKEN_SCOPES)[number]

/** Reads a scope name; undefined when it is not one. */
export function parseTokenScope(text: string): TokenScope | undefined {
  return TOKEN_SCOPES.find((s) => s === text.trim().toLowerCase())
}

/** True when a principal of this scope may use the dialects (DNS updates) at all. */
export function scopeUpdatesDns(scope: TokenScope): boolean {
  return scope !== 'api'
}

/** True when a principal of this scope may carry out everything the intent asks. */
export function scopeAllows(scope: TokenScope, intent: UpdateIntent): boolean {
  const addresses =
    intent.ipv4.kind !== 'keep' || intent.ipv6.kind !== 'keep' || intent.ipv6prefix !== undefined
  const txt = intent.txt !== undefined
  switch (scope) {
    case 'all':
      return true
    case 'address':
      return !txt
    case 'acme':
      return txt && !addresses
    case 'api':
      return false
  }
}
