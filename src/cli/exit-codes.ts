/** Process exit codes (BSD sysexits where one fits), documented in the CLI README. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 64,
  invalid: 65,
  notFound: 66,
  unavailable: 69,
  exists: 73,
  config: 78,
} as const

/** The exit code of an account error code. */
export function exitFor(code: 'invalid' | 'exists' | 'not-found'): number {
  switch (code) {
    case 'invalid':
      return EXIT.invalid
    case 'exists':
      return EXIT.exists
    case 'not-found':
      return EXIT.notFound
  }
}
