import { createHash } from 'node:crypto'
import { renderPdf } from './src/documents/render-pdf.ts'

const rows = Array.from({ length: 3000 }, (_, i) => [`Generated activity ${i}`, 'United States', `Importer ${i}`, 'Standard contractual clauses Art. 46(2)(c)'])
const blocks = async function* () {
  yield { kind: 'cover', title: 'Record', subtitle: 'Org', fields: [{ label: 'Controller', value: 'Org AS' }] } as const
  yield { kind: 'contents', title: 'Contents', entries: [{ target: 'a1', text: 'Activity 1', level: 1 }] } as const
  for (let i = 0; i < 300; i++) {
    yield { kind: 'heading', level: i % 2 ? 2 : 1, text: `Generated activity ${i}`, id: `a${i}` } as const
    yield { kind: 'paragraph', text: 'Note this', tone: 'warning' } as const
    yield {
      kind: 'fields',
      fields: [
        { label: 'Purpose', value: [`Serve customers ${i}`, 'and more'] },
        { label: 'Description', value: 'Generated.' }
      ]
    } as const
  }
  yield { kind: 'table', caption: 'T', columns: ['Activity', 'Country', 'Importer', 'Mechanism'], rows } as const
}
const hash = createHash('sha256')
for await (const chunk of renderPdf({ title: 't', lang: 'en', running: 'r', chrome: { page: 'Page', none: '-' }, blocks: blocks() } as never, {
  creationDate: new Date('2025-01-01T00:00:00Z')
}))
  hash.update(chunk)
console.log(hash.digest('hex'))
