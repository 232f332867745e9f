import t from 'tap'
import type { Block, DocumentSource } from '../../src/documents/document.ts'
import { documentSecurityHeaders, escapeHtml, renderHtml } from '../../src/documents/render-html.ts'
import { escapeMarkdown, renderMarkdown } from '../../src/documents/render-markdown.ts'

const hostile = '<script>alert(1)</script> & "quotes" \'single\''
const blocks: Block[] = [
  {
    kind: 'cover',
    title: 'Record of processing',
    subtitle: 'Example AS',
    fields: [
      { label: 'Controller', value: 'Example AS' },
      { label: 'Empty', value: [] }
    ]
  },
  {
    kind: 'contents',
    title: 'Contents',
    entries: [
      { target: 'a-1', text: 'Payroll', level: 1 },
      { target: 'a-1-rights', text: 'Rights', level: 2 }
    ]
  },
  { kind: 'heading', level: 1, text: 'Payroll', id: 'a-1' },
  { kind: 'paragraph', text: `First line\nsecond line ${hostile}` },
  { kind: 'paragraph', text: 'Look here', tone: 'warning' },
  {
    kind: 'fields',
    fields: [
      { label: 'Purposes', value: ['Pay salaries', 'Report taxes'] },
      { label: 'Owner', value: '' },
      { label: 'One', value: ['only'] }
    ]
  },
  { kind: 'list', items: ['alpha', hostile] },
  {
    kind: 'table',
    caption: 'Transfers',
    columns: ['Country', 'Mechanism'],
    rows: [
      ['United States', 'Art. 46(2)(c) | SCCs'],
      ['India', '']
    ]
  },
  { kind: 'gap', field: '/organisation/dpo', message: 'No DPO contact --> <b>is</b> recorded' },
  { kind: 'pageBreak' },
  { kind: 'heading', level: 2, text: 'Rights' }
]

const source = (list: Block[] = blocks, running = 'Example AS "record" </style>'): DocumentSource => ({
  title: `Record ${hostile}`,
  lang: 'nb',
  running,
  chrome: { page: 'Side', none: '(ikke registrert)' },
  blocks: (async function* () {
    yield* list
  })()
})

const collect = async (chunks: AsyncIterable<string>) => {
  let text = ''
  for await (const chunk of chunks) text += chunk
  return text
}

t.test('HTML: a self-contained page with every block, all text escaped', async (t) => {
  const html = await collect(renderHtml(source()))
  t.match(html, /^<!doctype html>\n<html lang="nb">/)
  t.match(html, '<title>Record &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &#39;single&#39;</title>')
  t.notMatch(html, /<script/i, 'no script element, not even an escaped name turned into one')
  t.notMatch(html, /\b(src|href)="(https?:)?\/\//, 'no external resource')
  t.match(html, '<header class="cover"><h1>Record of processing</h1><p class="subtitle">Example AS</p>')
  t.match(html, '<dt>Empty</dt><dd><span class="none">(ikke registrert)</span></dd>')
  t.match(html, '<li class="level-1"><a href="#a-1">Payroll</a></li><li class="level-2"><a href="#a-1-rights">Rights</a></li>')
  t.match(html, '<h2 id="a-1">Payroll</h2>')
  t.match(html, '<h3>Rights</h3>')
  t.match(html, '<p>First line\nsecond line &lt;script&gt;')
  t.match(html, '<p class="warning">Look here</p>')
  t.match(html, '<dd><ul><li>Pay salaries</li><li>Report taxes</li></ul></dd>')
  t.match(html, '<dt>Owner</dt><dd><span class="none">(ikke registrert)</span></dd>')
  t.match(html, '<dt>One</dt><dd>only</dd>')
  t.match(html, '<caption>Transfers</caption><thead><tr><th scope="col">Country</th><th scope="col">Mechanism</th></tr></thead>')
  t.match(html, '<td data-label="Country">United States</td><td data-label="Mechanism">Art. 46(2)(c) | SCCs</td>')
  t.match(html, '<div class="page-break"></div>')
  t.ok(html.endsWith('</main>\n</body>\n</html>\n'))
})

t.test('HTML: a gap is a comment nothing can break out of', async (t) => {
  const html = await collect(renderHtml(source()))
  const comment = html.match(/<!-- missing (.*?) -->/s)
  t.ok(comment, 'the gap is a comment')
  t.equal(comment?.[1], '/organisation/dpo: No DPO contact &#45;&#45;&gt; &lt;b&gt;is&lt;/b&gt; recorded')
  t.notMatch(html, '<b>is</b>', 'the gap message is not markup')
})

t.test('HTML: the running line and page label are CSS strings that cannot close the sheet', async (t) => {
  const html = await collect(renderHtml(source(blocks, 'Example "AS"\\ </style><script>x</script>\nline two')))
  t.match(html, '@bottom-left { content: "Example \\"AS\\"\\\\ \\3c /style>\\3c script>x\\3c /script>\\A line two";')
  t.match(html, '@bottom-right { content: "Side " counter(page);')
  t.equal(html.match(/<\/style>/g)?.length, 1, 'only the stylesheet’s own end tag')
  t.match(html, '@page { size: A4;')
})

t.test('HTML: streamed block by block', async (t) => {
  let pulled = 0
  const slow: DocumentSource = {
    ...source(),
    blocks: (async function* () {
      for (let index = 0; index < 100; index++) {
        pulled++
        yield { kind: 'paragraph', text: `paragraph ${index}` } as Block
      }
    })()
  }
  const chunks = renderHtml(slow)[Symbol.asyncIterator]()
  await chunks.next()
  await chunks.next()
  t.equal(pulled, 1, 'the head, then one block at a time')
})

t.test('HTML: the escaping helper and the security headers', async (t) => {
  t.equal(escapeHtml(`<a href="x">&'</a>`), '&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;')
  t.match(documentSecurityHeaders['content-security-policy'], "default-src 'none'")
  t.notMatch(documentSecurityHeaders['content-security-policy'], 'script-src')
})

t.test('Markdown: every block, with markup in the data escaped', async (t) => {
  const md = await collect(renderMarkdown(source()))
  t.match(md, '# Record of processing\n\nExample AS\n\n- **Controller:** Example AS\n- **Empty:** (ikke registrert)\n\n')
  t.match(md, '## Contents\n\n- [Payroll](#a-1)\n  - [Rights](#a-1-rights)\n\n')
  t.match(md, '<a id="a-1"></a>\n## Payroll\n\n')
  t.match(md, 'First line<br>second line &lt;script&gt;alert(1)&lt;/script&gt; &amp; "quotes"')
  t.match(md, '> Look here\n\n')
  t.match(md, '- **Purposes:**\n  - Pay salaries\n  - Report taxes\n- **Owner:** (ikke registrert)\n- **One:** only\n\n')
  t.match(md, '**Transfers**\n\n| Country | Mechanism |\n| --- | --- |\n| United States | Art. 46(2)(c) \\| SCCs |\n| India |   |\n\n')
  t.match(md, '<!-- missing /organisation/dpo: No DPO contact \\-\\-&gt; &lt;b&gt;is&lt;/b&gt; recorded -->')
  t.match(md, '### Rights\n\n')
  t.notMatch(md, /<script|<b>/)
})

t.test('Markdown: escaping', async (t) => {
  t.equal(escapeMarkdown('*bold* _em_ [link](x) `code` a|b ~s~ \\'), '\\*bold\\* \\_em\\_ \\[link\\](x) \\`code\\` a\\|b \\~s\\~ \\\\')
  t.equal(escapeMarkdown('# not a heading'), '\\# not a heading')
  t.equal(escapeMarkdown('- not a list'), '\\- not a list')
  t.equal(escapeMarkdown('1. not a list'), '\\1. not a list')
  t.equal(escapeMarkdown('Art. 6(1)(f) - fine'), 'Art. 6(1)(f) - fine', 'ordinary text stays readable')
  t.equal(escapeMarkdown('a\r\nb\rc'), 'a<br>b<br>c')
})

t.test('Both: the optional parts left out', async (t) => {
  const plain: Block[] = [
    { kind: 'cover', title: 'Notice', fields: [] },
    { kind: 'table', columns: ['Only'], rows: [['one', 'extra cell']] }
  ]
  const html = await collect(renderHtml(source(plain, 'Windows\r\nline')))
  t.match(html, '<header class="cover"><h1>Notice</h1><dl class="fields"></dl>\n</header>')
  t.match(html, '<table><thead>')
  t.match(html, '<td data-label="Only">one</td><td data-label="">extra cell</td>')
  t.match(html, 'content: "Windows\\A line"')
  const md = await collect(renderMarkdown(source(plain)))
  t.match(md, '# Notice\n\n\n\n| Only |\n| --- |\n| one | extra cell |')
})
