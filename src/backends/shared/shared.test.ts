import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Fqdn } from '../../core/names.ts'
import { rateLimitResetMs, retryAfterMs } from './http-client.ts'
import { txtFromData, txtToData } from './text-values.ts'
import { canonicalValue, txtFromStrings, txtStrings, validateChange } from './record-values.ts'
import { diffRecords } from './rrset-diff.ts'

describe('diffRecords', () => {
  const rec = (id: string, value: string, ttl = 60) => ({ id, value, ttl })
  const cases: [string, Parameters<typeof diffRecords>, ReturnType<typeof diffRecords>][] = [
    ['nothing to do', ['A', [rec('1', '192.0.2.1')], ['192.0.2.1'], 60], []],
    [
      'one value changed: update in place',
      ['A', [rec('1', '192.0.2.1')], ['192.0.2.2'], 60],
      [{ op: 'update', id: '1', value: '192.0.2.2' }],
    ],
    [
      'new RRset',
      ['A', [], ['192.0.2.1', '192.0.2.2'], 60],
      [
        { op: 'create', value: '192.0.2.1' },
        { op: 'create', value: '192.0.2.2' },
      ],
    ],
    [
      'removal',
      ['A', [rec('1', '192.0.2.1'), rec('2', '192.0.2.2')], [], 60],
      [
        { op: 'delete', id: '1' },
        { op: 'delete', id: '2' },
      ],
    ],
    [
      'TTL change updates',
      ['A', [rec('1', '192.0.2.1', 300)], ['192.0.2.1'], 60],
      [{ op: 'update', id: '1', value: '192.0.2.1' }],
    ],
    ['equal in canonical form', ['AAAA', [rec('1', '2001:DB8:0::1')], ['2001:db8::1'], 60], []],
    [
      'duplicate wanted values once',
      ['TXT', [], ['"a"', '"a"'], 60],
      [{ op: 'create', value: '"a"' }],
    ],
  ]
  for (const [what, args, want] of cases) {
    it(what, () => {
      assert.deepEqual(diffRecords(...args), want)
    })
  }
})

describe('record values', () => {
  it('canonicalises and refuses', () => {
    assert.equal(canonicalValue('TXT', '"unterminated').ok, false)
    assert.deepEqual(canonicalValue('CNAME', 'Target.Example.'), {
      ok: true,
      value: 'Target.Example',
    })
    assert.deepEqual(txtStrings('"a b" "c\\"d"'), ['a b', 'c"d'])
    assert.equal(txtFromStrings(['a b', 'c"d']), '"a b" "c\\"d"')
  })
  it('refuses names outside the zone and bad values with invalid-record', () => {
    const zone = 'z.test' as Fqdn
    const bad = [
      {
        zone,
        serial: 1,
        replace: [
          { name: 'x.other.test' as Fqdn, type: 'A' as const, ttl: 60, values: ['192.0.2.1'] },
        ],
        remove: [],
      },
      {
        zone,
        serial: 1,
        replace: [
          { name: 'x.z.test' as Fqdn, type: 'AAAA' as const, ttl: 60, values: ['192.0.2.1'] },
        ],
        remove: [],
      },
    ]
    for (const c of bad) {
      const r = validateChange(c)
      assert.ok(!r.ok)
      assert.equal(r.error.code, 'invalid-record')
    }
  })

  it('refuses a type the backend does not publish, naming the RRset, before any request', () => {
    const set = {
      name: 'h.z.test' as Fqdn,
      type: 'SSHFP' as const,
      ttl: 60,
      values: ['1 1 dd465c09cfa51fb45020cc83316fff21b9ec74ac'],
    }
    const change = { zone: 'z.test' as Fqdn, serial: 1, replace: [set], remove: [] }
    assert.deepEqual(validateChange(change), {
      ok: false,
      error: {
        code: 'invalid-record',
        retryable: false,
        message: 'h.z.test SSHFP: this backend does not publish SSHFP records',
      },
    })
    assert.deepEqual(validateChange(change, new Set(['SSHFP'])), { ok: true, value: undefined })
  })
})

describe('retryAfterMs', () => {
  it('reads delta-seconds and HTTP dates', () => {
    assert.equal(retryAfterMs('30'), 30000)
    assert.equal(
      retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')),
      10000,
    )
    assert.equal(retryAfterMs('soon'), undefined)
    assert.equal(retryAfterMs(null), undefined)
  })
})

describe('rateLimitResetMs', () => {
  it('reads Unix times and delta-seconds', () => {
    assert.equal(rateLimitResetMs('1700000060', 1700000000_000), 60_000)
    assert.equal(rateLimitResetMs('30'), 30_000)
    assert.equal(rateLimitResetMs('soon'), undefined)
    assert.equal(rateLimitResetMs(null), undefined)
  })
})

describe('TXT data for text APIs', () => {
  it('sends one string bare and several quoted, and reads both back', () => {
    assert.equal(txtToData('"v=spf1 -all"'), 'v=spf1 -all')
    assert.equal(txtToData('"a" "b"'), '"a" "b"')
    assert.equal(txtToData('"\\"starts with a quote"'), '"\\"starts with a quote"')
    assert.equal(txtFromData('v=spf1 -all'), '"v=spf1 -all"')
    assert.equal(txtFromData('"a" "b"'), '"a" "b"')
  })
})
