/**
 * The failure every account operation returns, in its own module so the helpers the account
 * service uses (prefix groups) need not import the service.
 */

/** An account operation's failure, with a stable code. */
export interface AccountError {
  readonly code: 'invalid' | 'exists' | 'not-found'
  readonly message: string
}
