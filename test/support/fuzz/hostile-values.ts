/** Generators and checks of test/security/fuzz.test.ts. Hostile values: strings, types, ids, instants, headers and content types that a client may send. */
import fc from 'fast-check'

export const UNICODE_EDGES = [
  '\uD800', // lone high surrogate
  '\uDC00', // lone low surrogate
  'a\uD83Db', // half an emoji
  '\u0000',
  'a\u0000b',
  '\u202Egnp.exe\u202C', // right-to-left override
  '\u200F\u200E\u200B\u2060', // RTL/LTR marks, zero-width space and joiner
  '\uFEFFname', // byte order mark
  '😀',
  '👨‍👩‍👧‍👦',
  '🇳🇴',
  'e\u0301\u0301\u0301',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǵ̌̚o',
  'İstanbul ß ǅ ﬃ', // case mappings that change length
  '\uFFFF\uFFFE',
  '\u{10FFFF}',
  "=cmd|' /C calc'!A0",
  '+1+1',
  '-2+3',
  '@SUM(A1)',
  '\t=1',
  '\r=1',
  '',
  ' ',
  '\n',
  '  padded  ',
  "'; drop table activities; --",
  '%',
  '_',
  '\\',
  '%s%n%x',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Log4Shell probe, sent as plain text
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  'null',
  'undefined',
  '__proto__'
]

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...UNICODE_EDGES) },
  // NUL gets its own weight: PostgreSQL refuses it in text and jsonb, a classic source of 500s.
  { weight: 2, arbitrary: fc.constantFrom('\u0000', 'a\u0000b', 'name\u0000') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(100_000), '😀'.repeat(5_000), '\u0000'.repeat(1000)) }
)

export const WRONG_TYPES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  -0,
  2 ** 31,
  2 ** 53 + 1,
  1e308,
  -1e308,
  '',
  'x',
  '1',
  'true',
  'null',
  [],
  ['x'],
  [null],
  {},
  { a: 1 }
]
export const wrongType = fc.constantFrom(...WRONG_TYPES)

export const UNKNOWN_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'id',
  'version',
  'createdBy',
  'updatedBy',
  'createdAt',
  'updatedAt',
  'organisationId',
  'organisation_id',
  'seq',
  '',
  ' ',
  '\u0000',
  '$where',
  'toString',
  'hasOwnProperty',
  'NAME'
]

export const BAD_IDS = [
  'not-a-uuid',
  '0',
  '-1',
  'null',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '{6f1c5a5e-0f5e-4c3a-9a3b-2a1f0e9d8c7b}',
  '6f1c5a5e0f5e4c3a9a3b2a1f0e9d8c7b',
  '6F1C5A5E-0F5E-4C3A-9A3B-2A1F0E9D8C7B',
  ' 6f1c5a5e-0f5e-4c3a-9a3b-2a1f0e9d8c7b',
  '6f1c5a5e-0f5e-4c3a-9a3b-2a1f0e9d8c7b\u0000',
  "6f1c5a5e-0f5e-4c3a-9a3b-2a1f0e9d8c7' or '1'='1",
  'a'.repeat(10_000)
]

/** Path or query text that is inserted as is, not percent-encoded. */
export const RAW_SEGMENTS = ['%', '%zz', '%FF', '%C0%80', '%ED%A0%80', '%00', '..', '.', '%2F', 'a%2Fb', '%2e%2e', ';', '*', '~']

export const BAD_INSTANTS = [
  '2024-13-01T00:00:00Z',
  '2024-02-30T00:00:00Z',
  '2023-02-29T00:00:00Z',
  '2024-01-01T24:00:00Z',
  '2016-12-31T23:59:60Z', // a leap second: valid RFC 3339, invalid for Date
  '2024-01-01T23:59:60Z',
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '+275760-09-13T00:00:00.000Z',
  '-000001-01-01T00:00:00Z',
  '1970-01-01T00:00:00+14:00',
  '1970-01-01T00:00:00-23:59',
  '2024-01-01T00:00:00.123456789Z',
  '2024-01-01',
  '2024-01-01T00:00:00',
  '2024-01-01 00:00:00Z',
  'yesterday',
  'now',
  '1700000000000',
  '',
  'NaN'
]

export const BAD_DATES = [
  '0000-01-01',
  '9999-12-31',
  '2024-02-29',
  '2023-02-29',
  '2024-02-30',
  '10000-01-01',
  '-0001-01-01',
  '2024-1-1',
  '01.01.2024',
  '2024-01-01T00:00:00Z'
]

export const BAD_INTEGERS = [
  '-1',
  '0',
  '1.5',
  '1e3',
  '201',
  '999999999999999999999',
  'NaN',
  'Infinity',
  '-Infinity',
  '0x10',
  '',
  ' 1',
  '١',
  '1,2',
  'true',
  '1_000',
  '00001',
  '-0'
]
export const BAD_BOOLEANS = ['yes', 'no', '1', '0', 'TRUE', 'False', '', 'null', 'on', 'true ']
export const BAD_IF_MATCH = [
  '*',
  '"1"',
  '"2"',
  'W/"1"',
  '1',
  '""',
  '"abc"',
  '"1", "2"',
  ' "1" ',
  '"99999999999"',
  '"999999999"',
  '"-1"',
  '"0"',
  ', ,',
  '"1",',
  'x'.repeat(8000),
  '"1"'.repeat(500),
  '*, "1"',
  '\t'
]
export const BAD_IDEMPOTENCY_KEYS = [
  '',
  ' ',
  'k',
  'a'.repeat(300),
  'a'.repeat(10_000),
  'fuzz-replayed-key',
  'fuzz-replayed-key',
  '\t',
  'key with spaces',
  '"quoted"'
]
export const CONTENT_TYPES = [
  'application/json; charset=utf-8',
  'application/merge-patch+json',
  'APPLICATION/JSON',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json;;',
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/jsonx',
  'application/json-patch+json',
  '*/*',
  'application/*',
  '',
  'x'.repeat(2000)
]
export const ACCEPTS = [
  'application/xml',
  'text/html',
  'image/png',
  '*/*',
  'application/json;q=0',
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ';;;',
  'x'.repeat(3000)
]

/** Percent-encodes UTF-8; a lone surrogate becomes U+FFFD first, since encodeURIComponent throws on it. */
export const encode = (value: string) => encodeURIComponent((value as string & { toWellFormed(): string }).toWellFormed())
