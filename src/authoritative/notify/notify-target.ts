/** Secondaries to NOTIFY, as written in the config: `address`, `address:port`, `[v6]:port`. */
import { isIP } from 'node:net'
import { err, ok, type Result } from '../../core/result.ts'

/** Where a NOTIFY goes. */
export interface NotifyTarget {
  readonly address: string
  readonly port: number
}

/** Parses `192.0.2.1`, `192.0.2.1:5301`, `2001:db8::1`, `[2001:db8::1]:5301` (port 53 default). */
export function parseNotifyTarget(text: string): Result<NotifyTarget, string> {
  const s = text.trim()
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(s)
  const v4 = /^([\d.]+)(?::(\d+))?$/.exec(s)
  let address: string | undefined
  let port: string | undefined
  if (bracketed !== null) [, address, port] = bracketed
  else if (v4 !== null) [, address, port] = v4
  else address = s // a bare IPv6 address carries colons but no port
  if (address === undefined || isIP(address) === 0) {
    return err(`"${text}" is not an IP address with an optional port`)
  }
  const number = port === undefined ? 53 : Number(port)
  if (!Number.isInteger(number) || number < 1 || number > 65535) {
    return err(`"${text}": port must be 1..65535`)
  }
  return ok({ address, port: number })
}
