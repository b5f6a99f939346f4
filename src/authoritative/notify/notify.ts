/**
 * Sends NOTIFY (RFC 1996) to configured secondaries after every zone change.
 *
 * Implemented: NOTIFY over UDP with AA set, the zone's SOA in the question and the new SOA in
 * the answer section (§3.7, §3.11); retried with doubling intervals until the secondary
 * answers with a NOTIFY response (any rcode ends the retries, §4.8) or the tries run out
 * (§3.6); a newer change to a zone replaces the pending NOTIFY for it, so a burst of updates
 * costs one retry loop per secondary. Sending never blocks or fails the update path.
 * Not implemented: TSIG-signed NOTIFY (RFC 8945), NOTIFY over TCP, finding secondaries from
 * the zone's NS records (only the configured list is notified).
 */
import { randomInt } from 'node:crypto'
import { createSocket, type Socket } from 'node:dgram'
import { isIPv6 } from 'node:net'
import { CLASS_IN, Flag, HEADER_SIZE, Opcode, RRType } from '../../dns/constants.ts'
import { MessageWriter } from '../../dns/message-writer.ts'
import type { NotifyTarget } from './notify-target.ts'
import type { DnsLogger } from '../dns-logger.ts'
import type { ServedZone } from '../index/zone-data.ts'

/** How NOTIFY is sent. */
export interface NotifierOptions {
  readonly targets: readonly NotifyTarget[]
  readonly logger?: DnsLogger
  /** Sends per change and secondary before giving up (default 5). */
  readonly tries?: number
  /** Wait for the first answer; doubled after each try (default 1000 ms). */
  readonly firstTimeoutMs?: number
}

interface Pending {
  readonly id: number
  readonly zone: string
  readonly target: NotifyTarget
  timer: NodeJS.Timeout | undefined
  resolve: () => void
}

/** Sends NOTIFY messages and matches their responses. */
export class Notifier {
  private readonly sockets = new Map<4 | 6, Socket>()
  // One pending NOTIFY per zone and secondary; keyed `zone address port`.
  private readonly pending = new Map<string, Pending>()
  private closed = false

  constructor(private readonly options: NotifierOptions) {}

  /** Notifies every secondary of `zone`'s current SOA; resolves when all answered or gave up. */
  notify(zone: ServedZone): Promise<void> {
    if (this.closed) return Promise.resolve()
    const message = notifyMessage(zone)
    return Promise.all(this.options.targets.map((t) => this.send(zone.name, t, message))).then(
      () => undefined,
    )
  }

  /** Stops retrying and closes the sockets. */
  close(): Promise<void> {
    this.closed = true
    for (const p of this.pending.values()) this.finish(p)
    const sockets = [...this.sockets.values()]
    this.sockets.clear()
    return Promise.all(
      sockets.map(
        (s) =>
          new Promise<void>((resolve) =>
            s.close(() => {
              resolve()
            }),
          ),
      ),
    ).then(() => undefined)
  }

  private send(zone: string, target: NotifyTarget, template: Buffer): Promise<void> {
    const key = `${zone} ${target.address} ${String(target.port)}`
    const previous = this.pending.get(key)
    if (previous !== undefined) this.finish(previous)
    const message = Buffer.from(template)
    const id = randomInt(0x10000)
    message.writeUInt16BE(id, 0)
    return new Promise<void>((resolve) => {
      const p: Pending = { id, zone, target, timer: undefined, resolve }
      this.pending.set(key, p)
      const tries = this.options.tries ?? 5
      const attempt = (n: number, wait: number): void => {
        if (this.pending.get(key) !== p) return
        if (n > tries) {
          this.options.logger?.warn({ zone, secondary: where(target), tries }, 'NOTIFY unanswered')
          this.finish(p)
          return
        }
        this.socket(target).send(message, target.port, target.address, (e) => {
          if (e !== null) this.options.logger?.warn({ err: e, zone }, 'NOTIFY send failed')
        })
        p.timer = setTimeout(() => {
          attempt(n + 1, wait * 2)
        }, wait)
        p.timer.unref()
      }
      attempt(1, this.options.firstTimeoutMs ?? 1000)
    })
  }

  private finish(p: Pending): void {
    clearTimeout(p.timer)
    const key = `${p.zone} ${p.target.address} ${String(p.target.port)}`
    if (this.pending.get(key) === p) this.pending.delete(key)
    p.resolve()
  }

  private socket(target: NotifyTarget): Socket {
    const family = isIPv6(target.address) ? 6 : 4
    let socket = this.sockets.get(family)
    if (socket === undefined) {
      socket = createSocket(family === 6 ? 'udp6' : 'udp4')
      socket.on('message', (msg, peer) => {
        this.onResponse(msg, peer.address, peer.port)
      })
      socket.on('error', (e) => this.options.logger?.warn({ err: e }, 'NOTIFY socket error'))
      socket.unref()
      this.sockets.set(family, socket)
    }
    return socket
  }

  private onResponse(msg: Buffer, address: string, port: number): void {
    if (msg.length < HEADER_SIZE) return
    const flags = msg.readUInt16BE(2)
    if ((flags & Flag.QR) === 0 || ((flags >> 11) & 0x0f) !== Opcode.NOTIFY) return
    const id = msg.readUInt16BE(0)
    for (const p of this.pending.values()) {
      if (p.id !== id || p.target.port !== port || !sameAddress(p.target.address, address)) continue
      const rcode = flags & 0x0f
      if (rcode !== 0) {
        this.options.logger?.warn(
          { zone: p.zone, secondary: where(p.target), rcode },
          'NOTIFY refused',
        )
      }
      this.finish(p)
    }
  }
}

/** A NOTIFY for the zone's current SOA, with id 0 (each send sets its own). */
export function notifyMessage(zone: ServedZone): Buffer {
  const w = new MessageWriter(512)
  w.bytes(Buffer.alloc(HEADER_SIZE))
  w.setU16(2, (Opcode.NOTIFY << 11) | Flag.AA)
  w.setU16(4, 1)
  w.setU16(6, zone.soa.records.length)
  w.name(zone.soa.ownerWire)
  w.u16(RRType.SOA)
  w.u16(CLASS_IN)
  for (const record of zone.soa.records) {
    w.name(zone.soa.ownerWire)
    w.bytes(record)
  }
  return Buffer.from(w.finish())
}

function sameAddress(a: string, b: string): boolean {
  return a === b || `::ffff:${a}` === b || a === `::ffff:${b}`
}

function where(t: NotifyTarget): string {
  return isIPv6(t.address) ? `[${t.address}]:${String(t.port)}` : `${t.address}:${String(t.port)}`
}
