import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { hostsCsvPlan, jsonPlan } from './file-plans.ts'
import { dyndns53Plan, sftdynPlan } from './import-secrets.ts'

const o = { owner: 'alice', hash: (s: string) => `h(${s})`, label: 'imported' }

describe('import parsers', () => {
  it('reads sftdyn CLIENTS dicts and key: host lines', () => {
    const conf =
      'http = "8080"\nCLIENTS = {\n  # c\n  "k?a=1&b=2": "a.example.test",\n  \'x,y=z\': "b.example.test",  # note\n}\n'
    const plan = sftdynPlan(conf, o)
    assert.ok(plan.ok)
    assert.deepEqual(
      plan.value.tokens.map((t) => [t.where, t.hash, t.hosts]),
      [
        ['line 4', 'h(k?a=1&b=2)', ['a.example.test']],
        ['line 5', 'h(x,y=z)', ['b.example.test']],
      ],
    )
    const lines = sftdynPlan('host=g,key=4bea92410b3146d0cfe: g.example.test\n', o)
    assert.ok(lines.ok)
    assert.equal(lines.value.tokens[0]?.hash, 'h(host=g,key=4bea92410b3146d0cfe)')
  })

  it('names every broken row and returns no plan', () => {
    const table: [ReturnType<typeof sftdynPlan>, RegExp][] = [
      [sftdynPlan('CLIENTS = {\n  "a": "ok.example.test",\n  oops\n}', o), /^line 3: expected/],
      [sftdynPlan('CLIENTS = {\n  "a": "b.example.test",\n', o), /no closing/],
      [sftdynPlan('nocolon\n', o), /^line 1: expected "key: hostname"/],
      [
        sftdynPlan('ok-key: a.example.test\nfavicon.ico: b.example.test\n', o),
        /^line 2: the key looks like a file name .*, so sftdyn's URL cannot use it$/,
      ],
      [dyndns53Plan('hostname,token\na.example.test,s1\nbad name,s2\n', o), /^line 3: /],
      [
        dyndns53Plan('a.example.test,s1\nb.example.test,s1\n', o),
        /line 2: the same secret as line 1/,
      ],
      [dyndns53Plan('a.example.test\n', o), /line 1: expected "hostname,token"/],
      [jsonPlan('{"format":"other"}'), /not a dynzone export/],
      [
        jsonPlan('{"format":"dynzone","version":1,"hosts":[{"fqdn":"a.example.test"}]}'),
        /hosts\[0\]\.owner/,
      ],
      [hostsCsvPlan('fqdn,owner,colour\n'), /line 1: expected a header/],
      [
        hostsCsvPlan('fqdn,owner,ipv4\na.example.test,alice,999.1.1.1\n'),
        /line 2\.records\[0\]\.value: "999\.1\.1\.1" is not an IPv4/,
      ],
    ]
    for (const [plan, message] of table) {
      assert.match(plan.ok ? 'parsed' : plan.error.join('\n'), message)
    }
  })

  it('reads a hosts CSV with records', () => {
    const plan = hostsCsvPlan('owner,fqdn,ipv6\nalice,a.example.test,2001:DB8::1\n')
    assert.ok(plan.ok)
    assert.deepEqual(plan.value.hosts[0]?.records, [{ type: 'AAAA', value: '2001:db8::1' }])
  })
})
