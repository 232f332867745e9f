import t from 'tap'
import type { Block, DocumentSource } from '../../src/documents/document.ts'
import { printable, renderPdf, shareWidth, unwrapWoff, wrap } from '../../src/documents/render-pdf.ts'
import { pdfText, withPdf } from '../support/pdf-text.ts'

const creationDate = new Date('2025-01-02T03:04:05Z')

function source(blocks: DocumentSource['blocks'], overrides: Partial<DocumentSource> = {}): DocumentSource {
  return { title: 'Record of processing', lang: 'nb', running: 'Fjordkraft Ørsta AS · ROPA', chrome: { page: 'Side', none: '—' }, blocks, ...overrides }
}

async function render(document: DocumentSource): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of renderPdf(document, { creationDate })) chunks.push(chunk)
  return Buffer.concat(chunks)
}

const report: Block[] = [
  {
    kind: 'cover',
    title: 'Behandlingsprotokoll',
    subtitle: 'Fjordkraft Ørsta AS',
    fields: [
      { label: 'Controller', value: 'Fjordkraft Ørsta AS' },
      { label: 'Contacts', value: ['dpo@example.no', '+47 22 00 00 00'] },
      { label: 'Representative', value: [] }
    ]
  },
  {
    kind: 'contents',
    title: 'Contents',
    entries: [
      { target: 'activities', text: 'Processing activities', level: 1 },
      { target: 'payroll', text: 'Payroll', level: 2 }
    ]
  },
  { kind: 'pageBreak' },
  { kind: 'heading', level: 1, text: 'Processing activities', id: 'activities' },
  { kind: 'paragraph', text: 'Each activity lists its purposes and recipients.' },
  { kind: 'heading', level: 2, text: 'Payroll', id: 'payroll' },
  { kind: 'heading', level: 3, text: 'Legal basis' },
  {
    kind: 'fields',
    fields: [
      { label: 'Purpose', value: 'Paying salaries' },
      { label: 'Retention', value: '' }
    ]
  },
  { kind: 'gap', field: '/recipients', message: 'No recipients recorded' },
  { kind: 'list', items: ['Employees', 'Tax authority'] },
  { kind: 'paragraph', text: 'Verify the retention period.', tone: 'note' },
  { kind: 'paragraph', text: 'No transfer safeguard is recorded.', tone: 'warning' },
  { kind: 'table', caption: 'Recipients', columns: ['Recipient', 'Country'], rows: [['Skatteetaten', 'NO']] }
]

t.test('every text of the blocks is in the PDF, in order, with the page chrome', async (t) => {
  const pdf = await render(source(report))
  const pages = await pdfText(pdf)
  t.equal(pages.length, 3, 'cover, contents, then the page break before the activities')
  t.match(pages[0], /Behandlingsprotokoll/)
  for (const text of ['Fjordkraft Ørsta AS', 'Controller', 'dpo@example.no', '+47 22 00 00 00', 'Representative —']) t.ok(pages[0]!.includes(text), text)
  t.ok(pages[1]!.includes('Contents\nProcessing activities\nPayroll'), 'contents entries')
  const body = pages[2]!
  for (const text of [
    'Processing activities',
    'Each activity lists its purposes and recipients.',
    'Payroll',
    'Legal basis',
    'Purpose Paying salaries',
    'Retention —',
    '• Employees',
    '• Tax authority',
    'Verify the retention period.',
    'No transfer safeguard is recorded.',
    'Recipients',
    'Recipient Country',
    'Skatteetaten NO'
  ])
    t.ok(body.includes(text), text)
  t.notOk(body.includes('No recipients recorded'), 'a gap prints nothing')
  for (const [i, page] of pages.entries()) t.ok(page.startsWith(`Fjordkraft Ørsta AS · ROPA Side ${i + 1}\n`), `footer of page ${i + 1}`)
})

t.test('A4 pages, metadata, bookmarks and contents links to named destinations', async (t) => {
  const pdf = await render(source(report))
  await withPdf(pdf, async (document) => {
    const page = await document.getPage(1)
    t.same(page.view, [0, 0, 595.28, 841.89], 'A4 MediaBox')
    const { info } = await document.getMetadata()
    t.match(info, { Title: 'Record of processing', Language: 'nb', Creator: 'ROPA API', Producer: 'ROPA API (PDFKit)', CreationDate: 'D:20250102030405Z' })
    const outline = await document.getOutline()
    t.same(
      outline.map((item) => [item.title, item.items.map((child) => child.title)]),
      [['Processing activities', ['Payroll']]],
      'level 1 and 2 headings as bookmarks, level 3 not'
    )
    const links = await (await document.getPage(2)).getAnnotations()
    t.same(
      links.map((link: { subtype: string; dest: string }) => [link.subtype, link.dest]),
      [
        ['Link', 'activities'],
        ['Link', 'payroll']
      ]
    )
    const destinations = await document.getDestinations()
    const third = await document.getPage(3)
    for (const id of ['activities', 'payroll']) {
      const target = destinations[id]?.[0] as { num: number; gen: number }
      t.equal(await document.getPageIndex(target), third._pageIndex, `${id} lands on page 3`)
    }
  })
})

t.test('two renders of the same document with the same date are byte-identical', async (t) => {
  t.ok((await render(source(report))).equals(await render(source(report))))
})

t.test('a long document: many pages, each with its number, and a table header on every page it spans', async (t) => {
  const rows = Array.from({ length: 120 }, (_, i) => [`Processor ${i}`, i % 2 ? 'NO' : 'PL', `Hosting and backup ${'with details '.repeat(i % 7)}`])
  const blocks: Block[] = [
    { kind: 'heading', level: 1, text: 'Processors' },
    { kind: 'table', columns: ['Name', 'Country', 'Purpose'], rows },
    { kind: 'paragraph', text: 'End of the register.' }
  ]
  const pages = await pdfText(await render(source(blocks)))
  t.ok(pages.length > 2, `${pages.length} pages`)
  pages.forEach((page, i) => {
    t.ok(page.includes(`Side ${i + 1}`), `page ${i + 1} is numbered`)
    t.ok(page.includes('Name Country Purpose'), `page ${i + 1} starts the table with its header`)
  })
  const all = pages.join('\n')
  for (const row of rows) t.ok(all.includes(`${row[0]} ${row[1]} Hosting`), row[0]!)
  t.ok(pages.at(-1)!.includes('End of the register.'))
  for (const page of pages) {
    const numbers = [...page.matchAll(/Processor (\d+)/g)].map((match) => Number(match[1]))
    t.same(
      numbers,
      [...numbers].sort((a, b) => a - b),
      'rows in order, none split'
    )
  }
})

t.test('Unicode text comes back as written; characters the font lacks become a visible U+FFFD', async (t) => {
  const texts = ['Blåbærsyltetøy Ærø', 'Zażółć gęślą jaźń Łódź', 'Ελληνικά κείμενα', 'Русский текст Ёж']
  const blocks: Block[] = [
    { kind: 'heading', level: 1, text: texts[0]! },
    ...texts.map((text): Block => ({ kind: 'paragraph', text })),
    { kind: 'fields', fields: [{ label: 'Ørsta', value: texts[3]! }] },
    { kind: 'paragraph', text: 'CJK 中文 end\u200d\u0007x' }
  ]
  const [page] = await pdfText(await render(source(blocks)))
  for (const text of texts) t.ok(page!.includes(text), text)
  t.ok(page!.includes('Ørsta Русский текст Ёж'))
  t.ok(page!.includes('CJK \uFFFD\uFFFD end x'), 'missing glyphs replaced, invisible joiner dropped, control character a space')
  t.equal(printable('a\r\nb\rc\td'), 'a\nb\nc d')
})

t.test('long paragraphs, notes and field values flow over pages', async (t) => {
  const long = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(250)
  const blocks: Block[] = [
    { kind: 'paragraph', text: long, tone: 'warning' },
    { kind: 'fields', fields: [{ label: 'Description', value: long.split('. ') }] },
    { kind: 'list', items: [long] },
    { kind: 'table', columns: ['Only'], rows: [[long]] },
    { kind: 'pageBreak' },
    { kind: 'pageBreak' },
    { kind: 'paragraph', text: 'After the break' }
  ]
  const pages = await pdfText(await render(source(blocks)))
  t.ok(pages.length > 6, `${pages.length} pages`)
  // A sentence across a page break has the footer in its middle: words are counted, not sentences.
  const count = (word: string) => pages.join('\n').split(word).length - 1
  for (const word of ['Lorem', 'consectetur', 'elit']) t.equal(count(word), 1000, `${word}: no line lost between pages`)
  t.ok(pages.at(-1)!.includes('After the break'), 'two page breaks make one new page')
  t.notOk(
    pages.some((page) => page.replace(/^.*\n?/, '') === ''),
    'no empty page'
  )
})

t.test('an empty document is one page with its footer', async (t) => {
  const pages = await pdfText(await render(source([{ kind: 'pageBreak' }], { running: 'x '.repeat(200) })))
  t.equal(pages.length, 1)
  t.match(pages[0], /^x x .*…\s+Side 1$/, 'a running text too long for the footer is cut with an ellipsis')
})

t.test('streams: the first bytes leave before the blocks run out', async (t) => {
  const total = 400
  let pulled = 0
  let pulledAtFirstChunk: number | undefined
  async function* slowBlocks(): AsyncGenerator<Block> {
    for (let i = 0; i < total; i++) {
      await new Promise((resolve) => setImmediate(resolve))
      pulled++
      yield { kind: 'paragraph', text: `Paragraph ${i} ${'text '.repeat(60)}` }
    }
  }
  const chunks: Buffer[] = []
  let bytesBeforeLastBlock = 0
  for await (const chunk of renderPdf(source(slowBlocks()))) {
    pulledAtFirstChunk ??= pulled
    if (pulled < total) bytesBeforeLastBlock += chunk.length
    chunks.push(chunk)
  }
  t.ok(pulledAtFirstChunk! < total, `first chunk after ${pulledAtFirstChunk} of ${total} blocks`)
  const bytes = Buffer.concat(chunks)
  t.ok(bytesBeforeLastBlock > bytes.length / 2, `${bytesBeforeLastBlock} of ${bytes.length} bytes left before the last block was read`)
  t.ok(chunks.length > 2, `${chunks.length} chunks`)
  t.ok((await pdfText(bytes)).length > 10)
})

t.test('an error of the block source comes out of the iterable, and the source is not read further', async (t) => {
  let pulled = 0
  async function* failing(): AsyncGenerator<Block> {
    yield { kind: 'paragraph', text: 'first' }
    pulled++
    throw new Error('database went away')
  }
  await t.rejects(render(source(failing())), /database went away/)
  t.equal(pulled, 1)

  function* syncFailing(): Generator<Block> {
    yield { kind: 'heading', level: 1, text: 'x' }
    throw new Error('bad block')
  }
  await t.rejects(render(source(syncFailing())), /bad block/)
})

t.test('a consumer that stops early closes the block source', async (t) => {
  let closed = false
  async function* endless(): AsyncGenerator<Block> {
    try {
      for (let i = 0; ; i++) yield { kind: 'paragraph', text: `Paragraph ${i} ${'text '.repeat(200)}` }
    } finally {
      closed = true
    }
  }
  for await (const _chunk of renderPdf(source(endless()))) break
  t.ok(closed)
})

t.test('odd shapes: a cover after text, a short table row, a level 2 heading without a level 1', async (t) => {
  const blocks: Block[] = [
    { kind: 'heading', level: 2, text: 'Loose section' },
    { kind: 'cover', title: 'Second cover', fields: [] },
    { kind: 'table', columns: ['A', 'B', 'C'], rows: [['only a'], ['a', '', 'c']] },
    { kind: 'contents', title: 'Contents', entries: [] }
  ]
  const pdf = await render(source(blocks))
  const pages = await pdfText(pdf)
  t.equal(pages.length, 3, 'the cover starts a page and the next block another')
  t.ok(pages[1]!.includes('Second cover'))
  t.ok(pages[2]!.includes('A B C\nonly a\na c'))
  await withPdf(pdf, async (document) =>
    t.same(
      (await document.getOutline()).map((item) => item.title),
      ['Loose section']
    )
  )
})

t.test('wrapping and column widths', async (t) => {
  const measure = (text: string) => text.length
  t.same(wrap('aa bb cc', 5, measure), ['aa bb', 'cc'])
  t.same(wrap('abcdefgh', 3, measure), ['abc', 'def', 'gh'], 'a word wider than the line is cut')
  t.same(wrap('a\n\nb', 5, measure), ['a', '', 'b'], 'line breaks and empty lines are kept')
  t.same(wrap('👍🏽👍🏽', 2, measure), ['👍🏽', '👍🏽'], 'never inside a grapheme')
  t.same(
    shareWidth(
      [
        { want: 10, floor: 5 },
        { want: 30, floor: 5 }
      ],
      80
    ),
    [20, 60],
    'content narrower than the page is spread over it'
  )
  t.same(
    shareWidth(
      [
        { want: 10, floor: 5 },
        { want: 200, floor: 20 }
      ],
      100
    ),
    [10, 90],
    'a modest column gets what it wants'
  )
  t.same(
    shareWidth(
      [
        { want: 100, floor: 60 },
        { want: 100, floor: 60 }
      ],
      100
    ),
    [50, 50],
    'floors too wide are scaled down'
  )
  t.same(
    shareWidth(
      [
        { want: 60, floor: 60 },
        { want: 60, floor: 60 }
      ],
      100
    ),
    [50, 50],
    'columns that cannot shrink'
  )
  t.throws(() => unwrapWoff(Buffer.from('not a font')), /not a WOFF font/)
})

t.test('a table with more words than a call takes arguments (the transfers of a 10,000-activity record) is laid out', async (t) => {
  // 30,000 rows of 7 words: 210,000 words in a column. Measuring them with Math.max(...words) overflowed the stack.
  const rows = Array.from({ length: 30_000 }, (_, i) => [`Activity ${i}`, 'Standard contractual clauses under Art. 46(2)(c)'])
  let bytes = 0
  for await (const chunk of renderPdf(source([{ kind: 'table', columns: ['Activity', 'Mechanism'], rows }]))) {
    bytes += chunk.length
    // The widths are worked out before the first row is drawn: a few pages of rows show they were.
    if (bytes > 100_000) break
  }
  t.ok(bytes > 100_000, `${bytes} bytes of pages`)
})
