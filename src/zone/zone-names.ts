/**
 * Names of a zone as presentation text (absolute, trailing dot): the parent of a name, and
 * the canonical order of RFC 4034 §6.1 (labels compared right to left, as lowercase octets).
 */
import { nameToWire } from '../dns/name-text.ts'

/** The name one label up (`a.b.` → `b.`); the root's parent is undefined. */
export function parentName(name: string): string | undefined {
  if (name === '.') return undefined
  for (let i = 0; i < name.length; i++) {
    const c = name[i]
    if (c === '\\') i++
    else if (c === '.') return i === name.length - 1 ? '.' : name.slice(i + 1)
  }
  return undefined
}

/** Labels of a name as lowercase octets, root-most first: the sort key of RFC 4034 §6.1. */
export function canonicalKey(name: string): Buffer[] {
  const wire = nameToWire(name)
  if (!wire.ok) return []
  const labels: Buffer[] = []
  for (let at = 0; (wire.value[at] ?? 0) !== 0; at += 1 + (wire.value[at] ?? 0)) {
    const label = Buffer.from(wire.value.subarray(at + 1, at + 1 + (wire.value[at] ?? 0)))
    for (let i = 0; i < label.length; i++) {
      const c = label[i] ?? 0
      if (c >= 0x41 && c <= 0x5a) label[i] = c + 0x20
    }
    labels.push(label)
  }
  return labels.reverse()
}

/** Compares two keys of `canonicalKey` (RFC 4034 §6.1: the parent sorts before its children). */
export function compareCanonical(a: readonly Buffer[], b: readonly Buffer[]): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const c = Buffer.compare(a[i] ?? Buffer.alloc(0), b[i] ?? Buffer.alloc(0))
    if (c !== 0) return c
  }
  return a.length - b.length
}
