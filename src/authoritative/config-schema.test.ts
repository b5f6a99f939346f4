import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { RECORD_TYPES } from '../core/records.ts'
import { grantAllows } from '../core/update/update-policy.ts'
import type { Fqdn } from '../core/names.ts'
import { updateKeySchema } from './config-schema.ts'

const key = (types: unknown) =>
  updateKeySchema.safeParse({
    name: 'k',
    secret: 'c2VjcmV0',
    grant: [{ name: 'dyn.example.com', match: 'subdomain', types }],
  })

void describe('dns.update_keys[].grant[].types', () => {
  void it('takes every record type a zone can hold', () => {
    const parsed = key([...RECORD_TYPES])
    assert.ok(parsed.success, JSON.stringify(parsed.error?.issues))
    assert.deepEqual(parsed.data.grant[0]?.types, [...RECORD_TYPES])
  })

  void it('refuses a type no zone holds (SOA is the config’s), naming the path', () => {
    const parsed = key(['MX', 'SOA'])
    assert.ok(!parsed.success)
    assert.deepEqual(parsed.error.issues[0]?.path, ['grant', 0, 'types', 1])
  })

  void it('reads [] as every type', () => {
    const parsed = key([])
    assert.ok(parsed.success)
    const principal = { keyName: 'k', grants: parsed.data.grant }
    for (const type of RECORD_TYPES) {
      assert.ok(grantAllows(principal, 'mail.dyn.example.com' as Fqdn, type), type)
    }
    const mxOnly = key(['MX'])
    assert.ok(mxOnly.success)
    const narrow = { keyName: 'k', grants: mxOnly.data.grant }
    assert.ok(grantAllows(narrow, 'dyn.example.com' as Fqdn, 'MX'))
    assert.ok(!grantAllows(narrow, 'dyn.example.com' as Fqdn, 'CNAME'))
  })
})
