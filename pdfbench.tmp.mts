import { renderPdf } from '/work/main/src/documents/render-pdf.ts'

const rows = Array.from({ length: 20_000 }, (_, i) => [
  `Generated activity ${String(i).padStart(5, '0')}`,
  'United States',
  `Importer ${i}`,
  'Standard contractual clauses Art. 46(2)(c)'
])
const blocks = async function* () {
  for (let i = 0; i < 3000; i++) {
    yield { kind: 'heading', level: 2, text: `Generated activity ${String(i).padStart(5, '0')}`, id: `a${i}` } as const
    yield {
      kind: 'fields',
      fields: [
        { label: 'Purpose', value: `Serve customers ${i}` },
        { label: 'Description', value: 'Generated for the scale test, with enough text to weigh something in the export.' }
      ]
    } as const
  }
  yield { kind: 'table', columns: ['Activity', 'Country', 'Importer', 'Mechanism'], rows } as const
}
const started = performance.now()
let bytes = 0
let peak = 0
for await (const chunk of renderPdf({ title: 't', lang: 'en', running: 'r', chrome: { page: 'Page', none: '-' }, blocks: blocks() } as never)) {
  bytes += chunk.length
  peak = Math.max(peak, process.memoryUsage().heapUsed)
}
global.gc?.()
console.log(
  `${(performance.now() - started).toFixed(0)} ms, ${(bytes / 1e6).toFixed(1)} MB, peak heap ${(peak / 1e6).toFixed(0)} MB, after gc ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB, rss max ${(process.resourceUsage().maxRSS / 1e3).toFixed(0)} MB`
)
