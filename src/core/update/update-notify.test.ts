import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseIp, type IpAddress } from '../addresses/addresses.ts'
import { Secret } from '../auth/secret.ts'
import { authFailureEvent, namedFamilies } from './update-notify.ts'
import type { AddressWish, UpdateIntent } from './update-intent.ts'

function ip(text: string): IpAddress {
  const parsed = parseIp(text)
  assert.ok(parsed.ok)
  return parsed.value
}

function intent(ipv4: AddressWish, ipv6: AddressWish, client = '198.51.100.7'): UpdateIntent {
  return {
    dialect: 'dyndns2',
    credentials: { kind: 'basic', username: 'alice', secret: new Secret('wrong') },
    hostnames: ['home.dyn.example'],
    ipv4,
    ipv6,
    clientIp: ip(client),
  }
}

void describe('namedFamilies', () => {
  const keep = { kind: 'keep' } as const
  const auto = { kind: 'auto' } as const
  const cases: [string, UpdateIntent, string[]][] = [
    [
      'both set',
      intent(
        { kind: 'set', address: ip('192.0.2.1') },
        { kind: 'set', address: ip('2001:db8::1') },
      ),
      ['A', 'AAAA'],
    ],
    ['auto from an IPv4 client', intent(auto, auto), ['A']],
    ['auto from an IPv6 client', intent(auto, auto, '2001:db8::7'), ['AAAA']],
    ['IPv6 kept by omission', intent({ kind: 'set', address: ip('192.0.2.1') }, keep), ['A']],
    ['a delete refreshes nothing', intent({ kind: 'delete' }, keep), []],
  ]
  for (const [name, input, expected] of cases) {
    void it(name, () => {
      assert.deepEqual(namedFamilies(input), expected)
    })
  }
})

void describe('authFailureEvent', () => {
  void it('carries the user name, hosts and source, never the secret', () => {
    const event = authFailureEvent(
      intent({ kind: 'keep' }, { kind: 'keep' }),
      '2030-01-01T00:00:00.000Z',
    )
    assert.deepEqual(event, {
      username: 'alice',
      hostnames: ['home.dyn.example'],
      clientIp: '198.51.100.7',
      dialect: 'dyndns2',
      at: '2030-01-01T00:00:00.000Z',
    })
    assert.ok(!JSON.stringify(event).includes('wrong'))
  })
})
