import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseCidr, type IpAddress } from '../addresses/addresses.ts'
import {
  credentialRefusal,
  intentTypes,
  parseCidrList,
  parseTypeList,
  restrictionsAllow,
  sourceAllows,
  type TokenRestrictions,
} from './token-restrictions.ts'
import type { UpdateIntent } from '../update/update-intent.ts'

const V4: IpAddress = { family: 4, text: '198.51.100.7' }
const V6: IpAddress = { family: 6, text: '2001:db8::7' }
const cidr = (t: string) => {
  const c = parseCidr(t)
  assert.ok(c.ok)
  return c.value
}
const intent = (parts: Partial<UpdateIntent>): UpdateIntent => ({
  dialect: 'test',
  credentials: null,
  hostnames: [],
  ipv4: { kind: 'keep' },
  ipv6: { kind: 'keep' },
  clientIp: V4,
  ...parts,
})
const TXT = { kind: 'clear' } as const

describe('token restrictions', () => {
  it('names the record types an intent writes, given its source address', () => {
    const table: [Partial<UpdateIntent>, string[]][] = [
      [{ ipv4: { kind: 'auto' }, ipv6: { kind: 'auto' } }, ['A']],
      [{ ipv4: { kind: 'auto' }, ipv6: { kind: 'auto' }, clientIp: V6 }, ['AAAA']],
      [{ ipv4: { kind: 'set', address: V4 } }, ['A']],
      [{ ipv4: { kind: 'set', address: V6 } }, []],
      [{ ipv6: { kind: 'delete' } }, ['AAAA']],
      [{ ipv6prefix: { kind: 'auto' } }, ['AAAA']],
      [{ txt: TXT }, ['TXT']],
      [{ ipv4: { kind: 'delete' }, txt: TXT }, ['A', 'TXT']],
    ]
    for (const [parts, types] of table) {
      assert.deepEqual([...intentTypes(intent(parts))].sort(), types, JSON.stringify(parts))
    }
  })

  it('allows only listed hosts and types', () => {
    const r: TokenRestrictions = { hostIds: [1, 2], recordTypes: ['TXT'] }
    const txt = intent({ txt: TXT })
    const a = intent({ ipv4: { kind: 'auto' } })
    const table: [TokenRestrictions | undefined, number, UpdateIntent, boolean][] = [
      [undefined, 9, a, true],
      [r, 1, txt, true],
      [r, 3, txt, false],
      [r, 2, a, false],
      [{ hostIds: [] }, 1, txt, false],
      [{ recordTypes: ['A', 'AAAA'] }, 5, intent({ ipv6: { kind: 'auto' }, clientIp: V6 }), true],
    ]
    for (const [restrictions, host, i, allowed] of table) {
      const p = restrictions === undefined ? {} : { restrictions }
      assert.equal(
        restrictionsAllow(p, host, i),
        allowed,
        `${JSON.stringify(restrictions)} ${String(host)}`,
      )
    }
  })

  it('refuses API tokens as update credentials, and clients outside the source ranges', () => {
    const sources = [cidr('198.51.100.0/24'), cidr('2001:db8::/32')]
    assert.equal(sourceAllows({ sources }, V4), true)
    assert.equal(sourceAllows({ sources }, V6), true)
    assert.equal(sourceAllows({ sources }, { family: 4, text: '203.0.113.1' }), false)
    assert.equal(sourceAllows({ sources: [] }, V4), false)
    assert.equal(sourceAllows(undefined, V4), true)
    assert.match(credentialRefusal({ scope: 'api' }) ?? '', /API token/)
    assert.equal(credentialRefusal({ scope: 'all' }), undefined)
  })

  it('reads stored lists strictly', () => {
    assert.deepEqual(parseTypeList('a,TXT,A'), { ok: true, value: ['A', 'TXT'] })
    assert.equal(parseTypeList('A,MX').ok, false)
    assert.equal(parseCidrList('10.0.0.0/8,::1').ok, true)
    assert.equal(parseCidrList('10.0.0.0/8,nope').ok, false)
  })
})
