/**
 * IPv4 and IPv6 addresses in presentation format (RFC 1035 §3.4.1, RFC 4291 §2.2, RFC 5952)
 * to and from the 4- and 16-octet rdata of A and AAAA (RFC 3596 §2.2).
 */

/** Octets of a strict dotted-quad IPv4 address (no leading zeros), or undefined. */
export function parseIPv4(text: string): Buffer | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  const out = Buffer.alloc(4)
  for (const [i, part] of parts.entries()) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined
    const value = Number(part)
    if (value > 255) return undefined
    out[i] = value
  }
  return out
}

/** Octets of an IPv6 address (`::` and a trailing dotted quad allowed, no zone id). */
export function parseIPv6(text: string): Buffer | undefined {
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const head = parseGroups(halves[0] ?? '', halves.length === 1)
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? '', true) : []
  if (head === undefined || tail === undefined) return undefined
  const missing = 16 - head.length - tail.length
  if (halves.length === 1 ? missing !== 0 : missing < 2) return undefined
  return Buffer.from([...head, ...new Array<number>(missing).fill(0), ...tail])
}

// Octets of colon-separated hex groups; the last group may be an IPv4 address if allowed.
function parseGroups(text: string, ipv4Last: boolean): number[] | undefined {
  if (text === '') return []
  const groups = text.split(':')
  const out: number[] = []
  for (const [i, group] of groups.entries()) {
    if (ipv4Last && i === groups.length - 1 && group.includes('.')) {
      const v4 = parseIPv4(group)
      if (v4 === undefined) return undefined
      out.push(...v4)
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined
      const value = parseInt(group, 16)
      out.push(value >> 8, value & 0xff)
    }
  }
  return out
}

/** Canonical text of 16 octets (RFC 5952 §4: lowercase, longest zero run as `::`). */
export function formatIPv6(bytes: Uint8Array): string {
  const groups: number[] = []
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0))
  let bestStart = -1
  let bestLen = 1
  for (let i = 0; i < 8;) {
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLen) {
      bestStart = i
      bestLen = j - i
    }
    i = j === i ? i + 1 : j
  }
  const hex = groups.map((g) => g.toString(16))
  if (bestStart < 0) return hex.join(':')
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`
}
