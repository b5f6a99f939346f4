import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseIp, type IpAddress } from './addresses.ts'
import { AddressPolicy, intentRefusal, isPublicZone } from './address-policy.ts'
import type { Fqdn } from '../names.ts'
import type { UpdateIntent } from '../update/update-intent.ts'

function ip(text: string): IpAddress {
  const r = parseIp(text)
  assert.ok(r.ok)
  return r.value
}

const PUBLIC = 'dyn.example.de' as Fqdn
const LAB = 'home.test' as Fqdn
const ZONES = [PUBLIC, LAB]

describe('isPublicZone', () => {
  it('counts special-use and documentation names as not public', () => {
    for (const z of ['dyn.example.test', 'a.example', 'home.arpa', 'x.home.arpa', 'lan', 'a.lan'])
      assert.equal(isPublicZone(z as Fqdn), false, z)
    for (const z of ['example.com', 'dyn.example.org', 'box.internal', 'printer.local'])
      assert.equal(isPublicZone(z as Fqdn), false, z)
    for (const z of ['dyn.example.de', 'dyndns.org', 'testing.com', 'mylan.net'])
      assert.equal(isPublicZone(z as Fqdn), true, z)
  })
})

describe('AddressPolicy', () => {
  it('refuses special-use addresses in public zones only under auto', () => {
    const policy = new AddressPolicy({ mode: 'auto', zones: new Map() })
    const why = policy.refusal('router.dyn.example.de' as Fqdn, ZONES, ip('192.168.0.10'))
    assert.equal(
      why,
      '192.168.0.10 is a private address; zone dyn.example.de accepts public addresses only',
    )
    assert.equal(policy.refusal('router.home.test' as Fqdn, ZONES, ip('192.168.0.10')), undefined)
    assert.equal(policy.refusal('router.dyn.example.de' as Fqdn, ZONES, ip('8.8.4.4')), undefined)
  })

  it('follows the global mode and per-zone overrides', () => {
    const any = new AddressPolicy({ mode: 'any', zones: new Map([[LAB, 'public']]) })
    assert.equal(any.modeFor(PUBLIC), 'any')
    assert.equal(any.modeFor(LAB), 'public')
    const pub = new AddressPolicy({ mode: 'public', zones: new Map([[PUBLIC, 'any']]) })
    assert.equal(pub.modeFor(PUBLIC), 'any')
    assert.equal(pub.modeFor(LAB), 'public')
  })
})

describe('intentRefusal', () => {
  const policy = new AddressPolicy({ mode: 'auto', zones: new Map() })
  const intent = (over: Partial<UpdateIntent>): UpdateIntent => ({
    dialect: 'dyndns2',
    credentials: null,
    hostnames: ['h.dyn.example.de'],
    ipv4: { kind: 'keep' },
    ipv6: { kind: 'keep' },
    clientIp: ip('198.18.0.1'),
    ...over,
  })

  it('checks set addresses, the source address when used, and IPv6 prefixes', () => {
    const set = intent({ ipv6: { kind: 'set', address: ip('fd00::5') } })
    assert.match(intentRefusal(policy, set.hostnames, ZONES, set) ?? '', /unique local/)
    const auto = intent({ ipv4: { kind: 'auto' } })
    assert.match(intentRefusal(policy, auto.hostnames, ZONES, auto) ?? '', /benchmarking/)
    const keep = intent({})
    assert.equal(intentRefusal(policy, keep.hostnames, ZONES, keep), undefined, 'source unused')
    const prefix = intent({ ipv6prefix: { kind: 'set', prefix: ip('fd00:1:2:3::'), length: 64 } })
    assert.match(intentRefusal(policy, prefix.hostnames, ZONES, prefix) ?? '', /unique local/)
    const lab = intent({ hostnames: ['h.home.test'], ipv4: { kind: 'auto' } })
    assert.equal(intentRefusal(policy, lab.hostnames, ZONES, lab), undefined)
  })
})
