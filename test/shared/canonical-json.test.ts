import t from 'tap'
import { jcs } from '../../src/shared/canonical-json.ts'

t.test('RFC 8785 section 3.2.2: literals, numbers and strings as the RFC writes them', async (t) => {
  const input = JSON.parse(
    '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}'
  )
  t.equal(jcs(input), '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}')
})

t.test('RFC 8785 section 3.2.3: properties sorted by UTF-16 code units, not by code points', async (t) => {
  const input = {
    '\u20ac': 'Euro Sign',
    '\r': 'Carriage Return',
    '\ufb33': 'Hebrew Letter Dalet With Dagesh',
    '1': 'One',
    '\ud83d\ude00': 'Emoji: Grinning Face',
    '\u0080': 'Control',
    '\u00f6': 'Latin Small Letter O With Diaeresis'
  }
  // Object.keys would list the integer-like '1' first whatever the text says: read the names from the text.
  const text = jcs(input)
  const keys = [...text.matchAll(/"((?:[^"\\]|\\.)*)":/g)].map((match) => JSON.parse(`"${match[1]}"`))
  t.same(keys, ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'], 'the emoji (D83D) sorts before U+FB33')
  t.equal(
    text,
    '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}'
  )
})

t.test('numbers as ECMAScript writes them (RFC 8785 appendix B)', async (t) => {
  const cases: [number, string][] = [
    [0, '0'],
    [-0, '0'],
    [1, '1'],
    [-1.5, '-1.5'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [9007199254740992, '9007199254740992'],
    [295147905179352830000, '295147905179352830000'],
    [1e21, '1e+21'],
    [1e-7, '1e-7'],
    [0.000001, '0.000001'],
    [333333333.3333333, '333333333.3333333'],
    [4.35, '4.35'],
    [0.1 + 0.2, '0.30000000000000004']
  ]
  for (const [value, text] of cases) t.equal(jcs(value), text, text)
  t.throws(() => jcs(Number.NaN), /cannot write the number NaN/)
  t.throws(() => jcs(Number.POSITIVE_INFINITY), /cannot write the number Infinity/)
})

t.test('nested values, nulls kept, no white space, control characters escaped in lower case', async (t) => {
  t.equal(jcs({ b: [1, { d: null, c: 'x' }], a: { z: true, y: false } }), '{"a":{"y":false,"z":true},"b":[1,{"c":"x","d":null}]}')
  t.equal(jcs({ a: undefined, b: 1 }), '{"b":1}', 'an undefined property is absent, as in JSON')
  t.equal(jcs('\u0000\u001f\b\t\n\f\r\u007f'), '"\\u0000\\u001f\\b\\t\\n\\f\\r\u007f"')
  t.equal(jcs('</script>\u2028'), '"</script>\u2028"', 'no other escapes')
  t.equal(jcs([]), '[]')
  t.equal(jcs({}), '{}')
  t.throws(() => jcs('\ud800'), /lone surrogate/)
  t.throws(() => jcs({ '\udc00': 1 }), /lone surrogate/)
})

t.test('the text parses back to the same value, and is the same whatever the order of the keys', async (t) => {
  const a = { organisation: { name: 'Ø', id: 'x' }, activities: [{ version: 2, name: 'b' }] }
  const b = { activities: [{ name: 'b', version: 2 }], organisation: { id: 'x', name: 'Ø' } }
  t.equal(jcs(a), jcs(b))
  t.same(JSON.parse(jcs(a)), a)
  t.equal(jcs(JSON.parse(jcs(a))), jcs(a), 'canonical text is a fixed point')
})
