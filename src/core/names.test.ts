import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  findZone,
  isInZone,
  joinName,
  nestedZones,
  parseName,
  PARSED_NAMES_MAX,
  relativeLabel,
  type Fqdn,
} from './names.ts'

const fqdn = (s: string): Fqdn => s as Fqdn

describe('parseName', () => {
  const accepted: [string, string][] = [
    ['host.example.com', 'host.example.com'],
    ['Host.EXAMPLE.com', 'host.example.com'],
    ['host.example.com.', 'host.example.com'],
    ['  host.example.com  ', 'host.example.com'],
    // IDN in every form maps to one name.
    ['bücher.example', 'xn--bcher-kva.example'],
    ['Bücher.Example.', 'xn--bcher-kva.example'],
    ['BÜCHER.example', 'xn--bcher-kva.example'],
    ['bu\u0308cher.example', 'xn--bcher-kva.example'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['XN--BCHER-KVA.EXAMPLE.', 'xn--bcher-kva.example'],
    ['www.bücher.example', 'www.xn--bcher-kva.example'],
    ['a.b\u3002c', 'a.b.c'],
    ['\ufb00.example', 'ff.example'],
    // Underscore labels, also beside an IDN label (ACME DNS-01).
    ['_acme-challenge.example.com', '_acme-challenge.example.com'],
    ['_acme-challenge.bücher.example', '_acme-challenge.xn--bcher-kva.example'],
    ['x_y.example', 'x_y.example'],
    ['a'.repeat(63) + '.example', 'a'.repeat(63) + '.example'],
    ['1-2.example', '1-2.example'],
  ]
  for (const [input, expected] of accepted) {
    it(`accepts ${JSON.stringify(input)} as ${expected}`, () => {
      const r = parseName(input)
      assert.deepEqual(r, { ok: true, value: expected })
    })
  }

  const longest = [61, 63, 63, 63].map((n, i) => String(i).repeat(n)).join('.')
  const refused: [string, string][] = [
    ['', 'empty'],
    ['.', 'only the root'],
    ['   ', 'blank'],
    ['a..b.example', 'empty label'],
    ['.a.example', 'leading dot'],
    ['a.example..', 'two trailing dots'],
    ['-a.example', 'leading hyphen'],
    ['a-.example', 'trailing hyphen'],
    ['a'.repeat(64) + '.example', '64-octet label'],
    [longest + 'x', '254 characters'],
    ['foo bar.example', 'space'],
    ['foo/bar.example', 'slash'],
    ['user@example.com', 'at sign'],
    ['host.example.com:80', 'port'],
    ['host%2eexample', 'percent'],
    ['a\u0000.example', 'NUL'],
    ['*.example.com', 'wildcard'],
    ['xn--zz.example', 'malformed punycode'],
    ['xn--a.example', 'malformed punycode'],
    ['\u200b.example', 'label IDNA maps to nothing'],
  ]
  for (const [input, why] of refused) {
    it(`refuses ${JSON.stringify(input.slice(0, 40))} (${why})`, () => {
      const r = parseName(input)
      assert.equal(r.ok, false)
      assert.equal(r.error.code, 'notfqdn')
    })
  }

  it('accepts exactly 253 characters', () => {
    assert.equal(longest.length, 253)
    assert.deepEqual(parseName(longest), { ok: true, value: longest })
    assert.deepEqual(parseName(longest + '.'), { ok: true, value: longest })
  })
})

describe('findZone', () => {
  const zones = ['example.com', 'dyn.example.com', 'example.net'].map(fqdn)
  const table: [string, string | undefined][] = [
    ['a.dyn.example.com', 'dyn.example.com'],
    ['dyn.example.com', 'dyn.example.com'],
    ['a.example.com', 'example.com'],
    ['example.com', 'example.com'],
    ['a.b.example.net', 'example.net'],
    ['notexample.com', undefined],
    ['xdyn.example.com', 'example.com'],
    ['example.org', undefined],
    ['com', undefined],
  ]
  for (const [name, expected] of table) {
    it(`${name} → ${String(expected)}`, () => {
      assert.equal(findZone(fqdn(name), zones), expected)
    })
  }

  it('takes the longest match whatever the order', () => {
    assert.equal(findZone(fqdn('a.dyn.example.com'), [...zones].reverse()), 'dyn.example.com')
  })

  it('isInZone needs a label boundary', () => {
    assert.equal(isInZone(fqdn('badexample.com'), fqdn('example.com')), false)
    assert.equal(isInZone(fqdn('a.example.com'), fqdn('example.com')), true)
  })
})

describe('nestedZones', () => {
  it('pairs each zone with every zone it lies inside, and nothing else', () => {
    const zones = [
      'dyn.example.com',
      'home.dyn.example.com',
      'xdyn.example.com',
      'a.home.dyn.example.com',
    ] as Fqdn[]
    assert.deepEqual(nestedZones(zones), [
      { outer: 'dyn.example.com', inner: 'home.dyn.example.com' },
      { outer: 'dyn.example.com', inner: 'a.home.dyn.example.com' },
      { outer: 'home.dyn.example.com', inner: 'a.home.dyn.example.com' },
    ])
    assert.deepEqual(nestedZones(['dyn.example.com', 'dyn.example.org'] as Fqdn[]), [])
  })
})

describe('relativeLabel and joinName', () => {
  const table: [string, string, string][] = [
    ['home.dyn.example', 'dyn.example', 'home'],
    ['a.b.dyn.example', 'dyn.example', 'a.b'],
    ['dyn.example', 'dyn.example', '@'],
  ]
  for (const [name, zone, label] of table) {
    it(`${name} in ${zone} is ${label} and back`, () => {
      assert.equal(relativeLabel(fqdn(name), fqdn(zone)), label)
      assert.equal(joinName(label, fqdn(zone)), name)
    })
  }

  it('joins an empty label to the apex', () => {
    assert.equal(joinName('', fqdn('dyn.example')), 'dyn.example')
  })
})

describe('parseName memo', () => {
  it('keeps at most PARSED_NAMES_MAX results, the least recently used parsed again', () => {
    const first = parseName('memo-first.example')
    const kept = parseName('memo-kept.example')
    assert.equal(parseName('memo-first.example'), first, 'a repeat is answered from the memo')
    for (let i = 0; i < PARSED_NAMES_MAX - 1; i++) {
      parseName(`memo-${String(i)}.example`)
      if (i % 1000 === 0) parseName('memo-kept.example')
    }
    assert.notEqual(parseName('memo-first.example'), first, 'the oldest was forgotten')
    assert.equal(parseName('memo-kept.example'), kept, 'a name in use stays')
  })
})
