import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { temporaryIpv6 } from './temporary-ipv6.ts'

const NOW = new Date('2030-01-02T00:00:00Z')
const h = (hoursAgo: number) => new Date(NOW.getTime() - hoursAgo * 3600_000).toISOString()

describe('temporary IPv6 addresses', () => {
  it('warns of three random identifiers in one /64 within a day', () => {
    const seen = [
      { at: h(20), ipv6: '2001:db8:1:2:a1b2:c3d4:e5f6:1' },
      { at: h(10), ipv6: '2001:db8:1:2:9f8e:7d6c:5b4a:2' },
      { at: h(1), ipv6: '2001:db8:1:2:1234:5678:9abc:3' },
    ]
    assert.deepEqual(temporaryIpv6(seen, NOW)?.prefix, '2001:db8:1:2::/64')
  })

  const quiet: [string, { at: string; ipv6: string }[]][] = [
    ['the same address again', [1, 2, 3].map((n) => ({ at: h(n), ipv6: '2001:db8::1' }))],
    [
      'a new prefix each time (the provider renumbers: a prefix group fits, no privacy issue)',
      [1, 2, 3].map((n) => ({ at: h(n), ipv6: `2001:db8:${String(n)}::1` })),
    ],
    [
      'changes spread over more than a day',
      [1, 30, 60].map((n, i) => ({ at: h(n), ipv6: `2001:db8::${String(i + 1)}` })),
    ],
  ]
  for (const [name, seen] of quiet) {
    it(`stays quiet for ${name}`, () => {
      assert.equal(temporaryIpv6(seen, NOW), undefined)
    })
  }
})
