import type { Block, ChromeLabels, DocumentSource, Field } from './document.ts'

/** Text and attribute values: the five characters HTML gives a meaning. */
// One pass, and none for text without them (most of it): a 10,000-activity report escapes millions of strings.
const HTML_SPECIAL = /[&<>"']/
const HTML_SPECIALS = /[&<>"']/g
const HTML_ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
export const escapeHtml = (text: string) => (HTML_SPECIAL.test(text) ? text.replace(HTML_SPECIALS, (character) => HTML_ENTITY[character] ?? character) : text)

/** A CSS string literal: quotes and backslashes escaped, line breaks as `\A`, `<` as `\3c` so no `</style>` can close the sheet. */
const cssString = (text: string) =>
  `"${text.replace(/[\\"<\r\n]/g, (character) => (character === '\n' ? '\\A ' : character === '\r' ? '' : character === '<' ? '\\3c ' : `\\${character}`))}"`

/** A comment's text can hold neither `--` nor a `>` right after `<!--`: escaped as text, then dashes as entities. */
const commentText = (text: string) => escapeHtml(text).replace(/-/g, '&#45;')

/**
 * The page's whole stylesheet: readable on a phone (tables turn into labelled cards below 640 px)
 * and printable on A4 with the running line and page numbers in the page margins.
 */
function stylesheet(running: string, chrome: ChromeLabels): string {
  return `
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --rule: #d0d7de; --tint: #f6f8fa; --accent: #0b5cad; --warn: #9a6700; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; overflow-wrap: anywhere; }
h1, h2, h3, h4 { line-height: 1.25; margin: 1.6em 0 0.5em; break-after: avoid; }
h1 { font-size: 1.9rem; margin-top: 0; }
h2 { font-size: 1.45rem; border-bottom: 1px solid var(--rule); padding-bottom: 0.2em; }
h3 { font-size: 1.15rem; }
h4 { font-size: 1rem; }
p, dd, td, li { white-space: pre-line; }
a { color: var(--accent); }
.cover { border-bottom: 3px solid var(--ink); margin-bottom: 2rem; padding-bottom: 1rem; }
.cover .subtitle { font-size: 1.15rem; color: var(--muted); margin-top: 0; }
.contents ol { list-style: none; padding-left: 0; }
.contents li.level-2 { padding-left: 1.25rem; }
.contents li { margin: 0.15em 0; }
dl.fields { display: grid; grid-template-columns: minmax(8rem, 14rem) minmax(0, 1fr); gap: 0.3rem 1rem; margin: 0.75rem 0; }
dl.fields > div { display: contents; }
dl.fields dt { font-weight: 600; color: var(--muted); }
dl.fields dd { margin: 0; }
dl.fields ul { margin: 0; padding-left: 1.1rem; }
p.note, p.warning { border-left: 4px solid var(--accent); background: var(--tint); padding: 0.5rem 0.75rem; }
p.warning { border-left-color: var(--warn); }
table { width: 100%; border-collapse: collapse; margin: 0.75rem 0 1.25rem; font-size: 0.93rem; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
th, td { border: 1px solid var(--rule); padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: var(--tint); }
tr { break-inside: avoid; }
.none { color: var(--muted); }
@media (max-width: 640px) {
  dl.fields { grid-template-columns: minmax(0, 1fr); }
  dl.fields dd { margin-bottom: 0.4rem; }
  table, thead, tbody, tr, th, td { display: block; }
  thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  tr { border: 1px solid var(--rule); margin-bottom: 0.6rem; }
  td { border: none; border-bottom: 1px solid var(--tint); }
  td::before { content: attr(data-label); display: block; font-weight: 600; color: var(--muted); }
}
@page { size: A4; margin: 18mm 16mm 20mm;
  @bottom-left { content: ${cssString(running)}; font-size: 8pt; color: #57606a; }
  @bottom-right { content: ${cssString(`${chrome.page} `)} counter(page); font-size: 8pt; color: #57606a; }
}
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  .cover { break-after: page; border-bottom: none; }
  .contents { break-after: page; }
  .page-break { break-after: page; }
  a { color: inherit; text-decoration: none; }
  thead { display: table-header-group; }
}`
}

function fieldValue(value: Field['value'], chrome: ChromeLabels): string {
  if (typeof value === 'string') return value === '' ? `<span class="none">${escapeHtml(chrome.none)}</span>` : escapeHtml(value)
  const [first, ...more] = value
  if (first === undefined) return `<span class="none">${escapeHtml(chrome.none)}</span>`
  if (more.length === 0) return escapeHtml(first)
  return `<ul>${value.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`
}

const fieldList = (fields: readonly Field[], chrome: ChromeLabels) =>
  `<dl class="fields">${fields.map((field) => `<div><dt>${escapeHtml(field.label)}</dt><dd>${fieldValue(field.value, chrome)}</dd></div>`).join('')}</dl>\n`

/** Headings sit one level below the cover's `<h1>`. */
const headingTag = (level: 1 | 2 | 3) => `h${level + 1}`

export function blockHtml(block: Block, chrome: ChromeLabels): string {
  switch (block.kind) {
    case 'cover':
      return `<header class="cover"><h1>${escapeHtml(block.title)}</h1>${block.subtitle ? `<p class="subtitle">${escapeHtml(block.subtitle)}</p>` : ''}${fieldList(block.fields, chrome)}</header>\n`
    case 'contents':
      return `<nav class="contents" aria-label="${escapeHtml(block.title)}"><h2>${escapeHtml(block.title)}</h2><ol>${block.entries
        .map((entry) => `<li class="level-${entry.level}"><a href="#${escapeHtml(entry.target)}">${escapeHtml(entry.text)}</a></li>`)
        .join('')}</ol></nav>\n`
    case 'heading': {
      const tag = headingTag(block.level)
      return `<${tag}${block.id ? ` id="${escapeHtml(block.id)}"` : ''}>${escapeHtml(block.text)}</${tag}>\n`
    }
    case 'paragraph':
      return `<p${block.tone ? ` class="${block.tone}"` : ''}>${escapeHtml(block.text)}</p>\n`
    case 'fields':
      return fieldList(block.fields, chrome)
    case 'list':
      return `<ul>${block.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>\n`
    case 'table': {
      const head = block.columns.map((column) => `<th scope="col">${escapeHtml(column)}</th>`).join('')
      const rows = block.rows
        .map((row) => `<tr>${row.map((cell, index) => `<td data-label="${escapeHtml(block.columns[index] ?? '')}">${escapeHtml(cell)}</td>`).join('')}</tr>`)
        .join('\n')
      return `<table>${block.caption ? `<caption>${escapeHtml(block.caption)}</caption>` : ''}<thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>\n`
    }
    case 'gap':
      return `<!-- missing ${commentText(block.field)}: ${commentText(block.message)} -->\n`
    case 'pageBreak':
      return '<div class="page-break"></div>\n'
  }
}

/**
 * A self-contained HTML page: inline CSS, no scripts, no external requests. Written block by block
 * as the builder yields them, so a long record streams.
 */
export async function* renderHtml(document: DocumentSource): AsyncGenerator<string> {
  yield `<!doctype html>
<html lang="${escapeHtml(document.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ROPA API">
<title>${escapeHtml(document.title)}</title>
<style>${stylesheet(document.running, document.chrome)}</style>
</head>
<body>
<main>
`
  for await (const block of document.blocks) yield blockHtml(block, document.chrome)
  yield '</main>\n</body>\n</html>\n'
}

/**
 * Headers for a served document: a policy that lets the page use its own inline styles and nothing
 * else (no scripts, no requests, no framing), on top of the security headers of the whole API.
 */
export const documentSecurityHeaders = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff'
} as const
