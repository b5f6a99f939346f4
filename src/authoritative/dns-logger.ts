/**
 * The logging the DNS server and its parts do, in its own module so the parts (dispatch,
 * UPDATE, NOTIFY, workers) need not import the server that imports them.
 */

/** The logging the server needs; pino's logger fits. */
export interface DnsLogger {
  info(fields: object, message: string): void
  warn(fields: object, message: string): void
  error(fields: object, message: string): void
}
