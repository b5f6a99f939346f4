/**
 * An open-addressing hash table (linear probing) of integer refs, held in two typed arrays,
 * for the packed store's owner names: a million owners cost 16 MiB of flat memory and no
 * string or Map entry per owner, and the UDP fast path looks names up straight from the
 * query's bytes. Keys live elsewhere (the packed slabs): the caller probes and compares.
 */

// FNV-1a, 32 bits: cheap per byte, and good enough spread for host names.
const FNV_OFFSET = 0x811c9dc5 | 0
const FNV_PRIME = 0x01000193

/** The hash of a lowercase name given as text (every char code below 256). */
export function hashText(text: string): number {
  let h = FNV_OFFSET
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME)
  return h
}

/** The hash of `length` bytes of `bytes`, equal to `hashText` of their latin1 text. */
export function hashBytes(bytes: Uint8Array, length: number): number {
  let h = FNV_OFFSET
  for (let i = 0; i < length; i++) h = Math.imul(h ^ (bytes[i] ?? 0), FNV_PRIME)
  return h
}

/** A slot's content: EMPTY ends a probe, DELETED is skipped, anything else is a ref. */
export const EMPTY = -1
export const DELETED = -2

/**
 * Refs by hash; the caller compares keys along the probe sequence. A slot's ref and hash sit
 * side by side in one array, so a probe touches one cache line.
 */
export class OwnerTable {
  private slots = emptySlots(1024)
  private mask = 1023
  // Slots not EMPTY (live and DELETED): the probe length depends on them.
  private taken = 0

  /** The first slot to probe for `hash`. */
  first(hash: number): number {
    return hash & this.mask
  }

  /** The slot after `slot` in the probe sequence. */
  next(slot: number): number {
    return (slot + 1) & this.mask
  }

  /** The ref in `slot`, or EMPTY or DELETED. */
  ref(slot: number): number {
    return this.slots[2 * slot] ?? EMPTY
  }

  /** The hash stored with the ref in `slot`. */
  hash(slot: number): number {
    return this.slots[2 * slot + 1] ?? 0
  }

  /** Replaces the ref of an occupied slot (a newer head of the same owner). */
  replace(slot: number, ref: number): void {
    this.slots[2 * slot] = ref
  }

  /** Marks a slot's owner gone. */
  remove(slot: number): void {
    this.slots[2 * slot] = DELETED
  }

  /** Adds a ref for a new key (the caller has checked it is absent). */
  insert(hash: number, ref: number): void {
    // At most half full, counting deleted slots, so probes stay short.
    if (2 * (this.taken + 1) > this.mask + 1) this.grow()
    let slot = this.first(hash)
    while (this.ref(slot) !== EMPTY) slot = this.next(slot)
    this.slots[2 * slot] = ref
    this.slots[2 * slot + 1] = hash
    this.taken++
  }

  // Rebuilds at most a quarter full (deleted slots are dropped): doubles a table of live refs.
  private grow(): void {
    const old = this.slots
    let live = 0
    for (let s = 0; s < old.length; s += 2) if ((old[s] ?? EMPTY) >= 0) live++
    let size = 1024
    while (size < 4 * live) size *= 2
    this.slots = emptySlots(size)
    this.mask = size - 1
    this.taken = 0
    for (let s = 0; s < old.length; s += 2) {
      const r = old[s] ?? EMPTY
      if (r >= 0) this.insert(old[s + 1] ?? 0, r)
    }
  }
}

// `size` slots, each an EMPTY ref and a hash.
function emptySlots(size: number): Int32Array {
  const slots = new Int32Array(2 * size)
  for (let s = 0; s < slots.length; s += 2) slots[s] = EMPTY
  return slots
}
