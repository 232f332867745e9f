import type { Block, ChromeLabels, DocumentSource, Field } from './document.ts'

/**
 * Markdown text: characters that would start emphasis, links, code or raw HTML are escaped (so a
 * name cannot inject markup when the file is rendered), and line breaks become `<br>`.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]|~]/g, (character) => `\\${character}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r\n?|\n/g, '<br>')
    .replace(/^(\s*)([#+=-]|\d+[.)])/, '$1\\$2')
}

/** Line starts inside a value may not start a heading or a list either. */
const inline = (text: string) => escapeMarkdown(text)

const commentText = (text: string) => text.replace(/-/g, '\\-').replace(/[<>]/g, (character) => (character === '<' ? '&lt;' : '&gt;'))

function fieldLines(fields: readonly Field[], chrome: ChromeLabels): string {
  return `${fields
    .map(({ label, value }) => {
      const values = typeof value === 'string' ? (value === '' ? [] : [value]) : value
      const head = `- **${inline(label)}:**`
      const [first, ...more] = values
      if (first === undefined) return `${head} ${inline(chrome.none)}`
      if (more.length === 0) return `${head} ${inline(first)}`
      return [head, ...values.map((line) => `  - ${inline(line)}`)].join('\n')
    })
    .join('\n')}\n\n`
}

/** An anchor a link in the contents can point at, whatever the renderer makes of the heading. */
const anchor = (id: string) => `<a id="${id.replace(/[^A-Za-z0-9_-]/g, '-')}"></a>\n`

export function blockMarkdown(block: Block, chrome: ChromeLabels): string {
  switch (block.kind) {
    case 'cover':
      return `# ${inline(block.title)}\n\n${block.subtitle ? `${inline(block.subtitle)}\n\n` : ''}${fieldLines(block.fields, chrome)}`
    case 'contents':
      return `## ${inline(block.title)}\n\n${block.entries
        .map((entry) => `${entry.level === 2 ? '  ' : ''}- [${inline(entry.text)}](#${entry.target.replace(/[^A-Za-z0-9_-]/g, '-')})`)
        .join('\n')}\n\n`
    case 'heading':
      return `${block.id ? anchor(block.id) : ''}${'#'.repeat(block.level + 1)} ${inline(block.text)}\n\n`
    case 'paragraph':
      return `${block.tone ? '> ' : ''}${inline(block.text)}\n\n`
    case 'fields':
      return fieldLines(block.fields, chrome)
    case 'list':
      return `${block.items.map((item) => `- ${inline(item)}`).join('\n')}\n\n`
    case 'table': {
      const row = (cells: readonly string[]) => `| ${cells.map((cell) => (cell === '' ? ' ' : inline(cell))).join(' | ')} |`
      return `${block.caption ? `**${inline(block.caption)}**\n\n` : ''}${[row(block.columns), `|${block.columns.map(() => ' --- |').join('')}`, ...block.rows.map(row)].join('\n')}\n\n`
    }
    case 'gap':
      return `<!-- missing ${commentText(block.field)}: ${commentText(block.message)} -->\n\n`
    case 'pageBreak':
      return ''
  }
}

/** CommonMark with GitHub's tables, written block by block as the builder yields them. */
export async function* renderMarkdown(document: DocumentSource): AsyncGenerator<string> {
  for await (const block of document.blocks) yield blockMarkdown(block, document.chrome)
}
