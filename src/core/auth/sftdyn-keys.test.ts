import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sftdynKeyProblem } from './sftdyn-keys.ts'

describe('sftdyn key rules', () => {
  const possible = [
    'k3v6w2z9y8x7c5b4n1m0pqrstuvwxyza', // a token dynzone made
    'example', // sftdyn's README
    '?hostname=myclient.dyn.example.com&password=123456',
    'host=gnampf.dyn.example.com,key=4bea92410b3146d0cfe',
    'home.dyn.example.com',
    'a%20b/c',
    'x'.repeat(200),
  ]
  for (const key of possible) {
    it(`takes ${key.slice(0, 40)} as a possible key`, () => {
      assert.equal(sftdynKeyProblem(key), undefined)
    })
  }

  const impossible: [string, RegExp][] = [
    ['', /empty/],
    ['x'.repeat(201), /longer than 200/],
    ['a b', /visible ASCII/],
    ['bücher', /visible ASCII/],
    ['favicon.ico', /file name/],
    ['robots.txt', /file name/],
    ['apple-touch-icon-precomposed.png', /file name/],
    ['wp-login.php?redirect_to=x', /file name/],
    ['static/site.webmanifest', /file name/],
    ['.env', /hidden/],
    ['.git/config', /hidden/],
    ['.well-known/security.txt', /hidden/],
  ]
  for (const [key, why] of impossible) {
    it(`refuses ${key.slice(0, 40) || '(empty)'}`, () => {
      assert.match(sftdynKeyProblem(key) ?? 'possible', why)
    })
  }
})
