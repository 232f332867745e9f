import t from 'tap'
import {
  basisIn,
  choiceOf,
  codedCountryOf,
  countryOf,
  dateOf,
  internationalOrganisationOf,
  items,
  lastPart,
  mechanismAt,
  names,
  specialCategoryOf,
  yesNo
} from '../../src/modules/imports/cells.ts'
import { declaredUnpackedSize, readCsv } from '../../src/modules/imports/sheet.ts'

t.test('list cells split at "; " and line breaks; a piece that cannot start an item joins the one before', async (t) => {
  t.same(items('a; b\r\nc\n\nd'), ['a', 'b', 'c', 'd'])
  t.same(items(''), [])
  t.same(
    items('Art. 9(2)(b) law; with a semicolon; Art. 9(2)(h) other', (piece) => piece.startsWith('Art.')),
    ['Art. 9(2)(b) law; with a semicolon', 'Art. 9(2)(h) other']
  )
  t.same(
    items('first\nsecond line', (piece) => piece !== 'second line'),
    ['first\nsecond line'],
    'the separator is kept'
  )
  t.same(names('Staff; including contractors; Customers'), ['Staff; including contractors', 'Customers'])
  t.same(
    names('Locks; Keys; Alarms', (name) => name === 'Locks; Keys'),
    ['Locks; Keys', 'Alarms'],
    'a name the record has'
  )
})

t.test('countries from codes, English names, aliases and Name (CC)', async (t) => {
  t.equal(countryOf('US'), 'US')
  t.equal(countryOf('us'), 'US')
  t.equal(countryOf('United States of America'), 'US')
  t.equal(countryOf('United States'), 'US')
  t.equal(countryOf('UK'), 'GB')
  t.equal(countryOf('Iran'), 'IR', 'the name without its bracket')
  t.equal(countryOf('Taiwan'), 'TW', 'the name before its comma')
  t.equal(countryOf('Taiwan, Province of China (TW)'), 'TW')
  t.equal(countryOf('Province of China (TW)'), undefined, 'Name (CC) only when the name is the code’s')
  t.equal(countryOf('Inc., United States of America (US)'), undefined)
  t.equal(countryOf('XX'), undefined)
  t.equal(countryOf('Atlantis'), undefined)
  t.equal(codedCountryOf('Deutschland (DE)'), 'DE')
  t.equal(codedCountryOf('Nowhere (XX)'), undefined)
  t.equal(codedCountryOf('Germany'), undefined)
})

t.test('international organisations by code or name', async (t) => {
  t.equal(internationalOrganisationOf('IO:EPORG'), 'IO:EPORG')
  t.equal(internationalOrganisationOf('European Patent Organisation (IO:EPORG)'), 'IO:EPORG')
  t.equal(internationalOrganisationOf('IO:NOPE'), undefined)
  t.equal(internationalOrganisationOf('European Patent Organisation'), 'IO:EPORG')
  t.equal(internationalOrganisationOf('The Moon'), undefined)
})

t.test('legal bases and conditions by code, article or label', async (t) => {
  t.match(basisIn('Art. 6(1)(f)', '6.1.'), { code: '6.1.f', start: 0 })
  t.match(basisIn('Article 6 (1) (b)', '6.1.'), { code: '6.1.b' })
  t.match(basisIn('6(1)(c) bokføringsloven', '6.1.'), { code: '6.1.c' })
  t.match(basisIn('GDPR 6.1.e', '6.1.'), { code: '6.1.e' })
  const written = 'Pay: Art. 6(1)(c) Legal obligation (law)'
  const found = basisIn(written, '6.1.')!
  t.equal(written.slice(found.end), ' (law)', 'the label after the citation is part of it')
  t.match(basisIn('We rely on legitimate interests', '6.1.'), { code: '6.1.f', start: 11 })
  t.equal(basisIn('Art. 6(1)(g)', '6.1.'), undefined, 'no such point')
  t.equal(basisIn('because we must', '6.1.'), undefined)
  t.match(basisIn('Art. 9(2)(h) Health or social care, occupational medicine, OH-3', '9.2.'), { code: '9.2.h' })
  t.match(basisIn('Explicit consent', '9.2.'), { code: '9.2.a' })
})

t.test('transfer mechanisms at the start of a cell', async (t) => {
  t.match(mechanismAt('46.2.c Commission standard contractual clauses (SCCs), SCC module 2'), { code: '46.2.c' })
  t.match(mechanismAt('Art. 46(2)(c), module 2'), { code: '46.2.c', end: 13 })
  t.match(mechanismAt('45 Adequacy decision, DPF'), { code: '45', end: 20 })
  t.match(mechanismAt('Adequacy decision'), { code: '45' })
  t.match(mechanismAt('49.1.sub2 Compelling legitimate interests'), { code: '49.1.sub2' })
  t.equal(mechanismAt('Only generic safeguards are named'), undefined)
  t.equal(mechanismAt('450 units'), undefined)
})

t.test('special categories, choices, yes and no, dates', async (t) => {
  t.equal(specialCategoryOf('Data concerning health'), 'health_data')
  t.equal(specialCategoryOf('health data'), 'health_data')
  t.equal(specialCategoryOf('Shoe size'), undefined)
  t.equal(choiceOf('Joint controller', ['controller', 'joint_controller'] as const), 'joint_controller')
  t.equal(choiceOf('overlord', ['controller'] as const), undefined)
  t.equal(yesNo('Yes'), true)
  t.equal(yesNo('nei'), false)
  t.equal(yesNo(''), false)
  t.equal(yesNo('maybe'), undefined)
  t.equal(dateOf('2025-01-31'), '2025-01-31')
  t.equal(dateOf('2025-01-31T10:00:00Z'), '2025-01-31')
  t.equal(dateOf('31.01.2025'), '2025-01-31')
  t.equal(dateOf('1/2/2025'), '2025-02-01', 'day first')
  t.equal(dateOf('2025-02-30'), undefined)
  t.equal(dateOf('yesterday'), undefined)
  t.same(lastPart('Insurer, Inc., United States', countryOf), ['Insurer, Inc.', 'US'])
  t.equal(lastPart('Insurer', countryOf), undefined)
})

t.test('reading files: the CSV export’s formula marks, and what a ZIP archive declares', async (t) => {
  const sheet = readCsv(Buffer.from("\uFEFFProcessing activity,Business function\r\n'=SUM(A1),'@team\r\n,\r\n'plain,x\r\n"))
  t.same(sheet.header, ['Processing activity', 'Business function'])
  t.same(
    sheet.rows.map((row) => [row.number, ...row.cells.values()]),
    [
      [2, '=SUM(A1)', '@team'],
      [4, "'plain", 'x']
    ],
    'marks dropped only before what a spreadsheet would evaluate; empty rows skipped, numbers kept'
  )
  t.equal(declaredUnpackedSize(Buffer.from('not a zip')), undefined)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(1, 10)
  end.writeUInt32LE(0, 16)
  t.equal(declaredUnpackedSize(end), undefined, 'a directory entry outside the file')
  t.equal(declaredUnpackedSize(end.subarray(0, 12)), undefined, 'an end record cut short')
  const empty = Buffer.from(end)
  empty.writeUInt16LE(0, 10)
  t.equal(declaredUnpackedSize(empty), 0, 'an archive of no files')
})
