import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { inflateSync } from 'node:zlib'
import * as fontkit from 'fontkit'
import PDFDocument from 'pdfkit'
import type { Block, DocumentSource, Field } from './document.ts'

/**
 * A document as an A4 PDF, written while its blocks are read: a block is pulled only when the
 * bytes of the previous ones have been taken, and each page leaves as soon as the next one starts.
 *
 * The layout is done here, not by pdfkit's own text flow: every line is measured and placed, so a
 * table row, a field or a tinted note can be kept on one page, and a table's header repeated.
 * pdfkit never adds a page by itself; `newPage` is the only place pages begin.
 */

export interface PdfOptions {
  /** The Info dictionary's CreationDate; with the same date, the same document renders to the same bytes. */
  creationDate?: Date
}

export async function* renderPdf(document: DocumentSource, options: PdfOptions = {}): AsyncGenerator<Buffer, void, undefined> {
  const layout = new PdfLayout(document, options)
  try {
    for await (const block of document.blocks) {
      layout.render(block)
      const written = layout.take()
      if (written) yield written
    }
    yield* layout.finish()
  } finally {
    layout.close()
  }
}

type Face = 'regular' | 'bold'

interface Style {
  face: Face
  size: number
  colour: string
}

/** A piece of text wrapped to a width, placed at `x` in a row. */
interface Cell {
  x: number
  lines: string[]
  style: Style
}

/**
 * pdfkit turns every operator it adds to a page (each line of text, each colour, each rule) into a
 * buffer of its own and keeps them until the page ends: about ten small buffers per line, whose memory
 * lies outside the JavaScript heap, so the collector returned it late and a 10,000-activity PDF
 * peaked above a gigabyte. Here a page's operators are kept as strings and handed over as one when
 * the page ends, which gives the same bytes (pdfkit ends each with a line break, as the join does).
 */
function batchPageContent(doc: PDFKit.PDFDocument): void {
  const pending: string[] = []
  const addContent = doc.addContent.bind(doc)
  const flushPages = doc.flushPages.bind(doc)
  const flush = () => {
    if (pending.length === 0) return
    addContent(pending.join('\n'))
    pending.length = 0
  }
  doc.addContent = (data: unknown) => {
    if (typeof data === 'string') pending.push(data)
    else {
      flush()
      addContent(data)
    }
    return doc
  }
  // Pages end in flushPages, from addPage and from end.
  doc.flushPages = () => {
    flush()
    flushPages()
  }
}

/** pdfkit's 'A4', in points. */
const A4 = { width: 595.28, height: 841.89 }
const MM = 72 / 25.4
const MARGIN = 20 * MM
const BODY_SIZE = 10
/** Leading as a multiple of the font size. */
const LEADING = 1.35
const CELL_PADDING = 4
const BULLET_INDENT = 14
const CONTENTS_INDENT = 16
/** A heading needs room for this many body lines after it, or it moves to the next page. */
const LINES_AFTER_HEADING = 3
const HEADING_SIZES = { 1: 18, 2: 14, 3: 12 } as const
const PLACEHOLDER = '\uFFFD'
/** Measures between two emptyings of pdfkit's layout caches (see `dropLayoutCaches`). */
const MEASURES_PER_CACHE = 20_000

const COLOURS = {
  text: '#1a1a1a',
  muted: '#5a5a5a',
  rule: '#b0b0b0',
  headerTint: '#eeeeee',
  note: { text: '#14324d', tint: '#e8f0f8', rule: '#3b6e9e' },
  warning: { text: '#5c2c00', tint: '#fdf0dc', rule: '#c77700' }
} as const

const body: Style = { face: 'regular', size: BODY_SIZE, colour: COLOURS.text }
const bold = (size = BODY_SIZE, colour: string = COLOURS.text): Style => ({ face: 'bold', size, colour })
const lineHeight = (style: Style) => style.size * LEADING

const require = createRequire(import.meta.url)
/** DejaVu Sans as @fontsource ships it: the whole font in one WOFF per weight, despite the "latin" in the name. */
const FONT_FILES: Record<Face, string> = {
  regular: require.resolve('@fontsource/dejavu-sans/files/dejavu-sans-latin-400-normal.woff'),
  bold: require.resolve('@fontsource/dejavu-sans/files/dejavu-sans-latin-700-normal.woff')
}

/**
 * A WOFF file unwrapped to the TrueType font inside it (WOFF 1.0: the same tables, each deflated).
 * fontkit reads WOFF too, but inflates the glyph table again, in JavaScript, for every glyph it
 * looks at: a page took seconds. Unwrapped once with zlib, the font is read like any TrueType file.
 */
export function unwrapWoff(woff: Buffer): Buffer {
  if (woff.toString('latin1', 0, 4) !== 'wOFF') throw new Error('not a WOFF font')
  const count = woff.readUInt16BE(12)
  const tables = Array.from({ length: count }, (_, i) => {
    const entry = 44 + i * 20
    const [offset, packed, length] = [woff.readUInt32BE(entry + 4), woff.readUInt32BE(entry + 8), woff.readUInt32BE(entry + 12)]
    const stored = woff.subarray(offset, offset + packed)
    return { tag: woff.subarray(entry, entry + 4), checksum: woff.readUInt32BE(entry + 16), data: packed < length ? inflateSync(stored) : stored }
  })
  const power = 2 ** Math.floor(Math.log2(count))
  const header = Buffer.alloc(12 + 16 * count)
  header.writeUInt32BE(woff.readUInt32BE(4), 0)
  header.writeUInt16BE(count, 4)
  header.writeUInt16BE(power * 16, 6)
  header.writeUInt16BE(Math.log2(power), 8)
  header.writeUInt16BE(count * 16 - power * 16, 10)
  const parts: Buffer[] = [header]
  let offset = header.length
  tables.forEach((table, i) => {
    const record = 12 + i * 16
    table.tag.copy(header, record)
    header.writeUInt32BE(table.checksum, record + 4)
    header.writeUInt32BE(offset, record + 8)
    header.writeUInt32BE(table.data.length, record + 12)
    const padded = Buffer.alloc((table.data.length + 3) & ~3)
    table.data.copy(padded)
    parts.push(padded)
    offset += padded.length
  })
  return Buffer.concat(parts)
}

interface Font {
  data: Buffer
  glyphs: fontkit.Font
}

const fonts = new Map<Face, Font>()
function font(face: Face): Font {
  let loaded = fonts.get(face)
  if (!loaded) {
    const data = unwrapWoff(readFileSync(FONT_FILES[face]))
    loaded = { data, glyphs: fontkit.create(data) as fontkit.Font }
    fonts.set(face, loaded)
  }
  return loaded
}

const INVISIBLE = /^\p{Default_Ignorable_Code_Point}$/u
const CONTROL = /^\p{Cc}$/u

/**
 * The text the font can draw. A character without a glyph would be drawn as an empty box and read
 * back as U+0000, so it becomes U+FFFD, visible and searchable; invisible joiners and variation
 * selectors the font lacks are dropped, and control characters other than line breaks become spaces.
 */
export function printable(text: string, face: Face = 'regular'): string {
  const glyphs = font(face).glyphs
  let out = ''
  for (const char of text.normalize('NFC').replace(/\r\n?/g, '\n')) {
    if (char === '\n') out += char
    else if (CONTROL.test(char)) out += ' '
    else if (glyphs.hasGlyphForCodePoint(char.codePointAt(0) ?? 0)) out += char
    else if (!INVISIBLE.test(char)) out += PLACEHOLDER
  }
  return out
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/** Greedy line breaking at spaces; a word wider than the line is cut between graphemes. Widths add up word by word. */
export function wrap(text: string, width: number, measure: (text: string) => number): string[] {
  const lines: string[] = []
  const space = measure(' ')
  for (const hardLine of text.split('\n')) {
    let line = ''
    let used = 0
    for (const word of hardLine.split(/ +/)) {
      const wordWidth = measure(word)
      if (line && used + space + wordWidth <= width) {
        line += ` ${word}`
        used += space + wordWidth
        continue
      }
      if (line) lines.push(line)
      if (wordWidth <= width) {
        line = word
        used = wordWidth
        continue
      }
      line = ''
      for (const { segment } of graphemes.segment(word)) {
        if (line && measure(line + segment) > width) {
          lines.push(line)
          line = ''
        }
        line += segment
      }
      used = measure(line)
    }
    lines.push(line)
  }
  return lines
}

class PdfLayout {
  private readonly source: DocumentSource
  private readonly doc: PDFKit.PDFDocument
  private readonly top = MARGIN
  private readonly left = MARGIN
  private readonly width: number
  private readonly bottom: number
  private y = 0
  private pageNumber = 0
  private breakPending = false
  private finished = false
  /** Drawn at the top of each page a block continues on (a table's header). */
  private continuation: (() => void) | undefined
  private outlineParent: PDFKit.PDFOutline | undefined
  private measured = 0

  constructor(source: DocumentSource, options: PdfOptions) {
    this.source = source
    this.doc = new PDFDocument({
      size: 'A4',
      margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
      autoFirstPage: false,
      lang: source.lang,
      displayTitle: true,
      info: { Title: source.title, Creator: 'ROPA API', Producer: 'ROPA API (PDFKit)', CreationDate: options.creationDate ?? new Date() }
    })
    this.doc.registerFont('regular', font('regular').data)
    this.doc.registerFont('bold', font('bold').data)
    batchPageContent(this.doc)
    this.width = A4.width - 2 * MARGIN
    this.bottom = A4.height - MARGIN
  }

  render(block: Block): void {
    switch (block.kind) {
      case 'cover':
        this.cover(block)
        break
      case 'contents':
        this.contents(block)
        break
      case 'heading':
        this.heading(block)
        break
      case 'paragraph':
        this.paragraph(block)
        break
      case 'fields':
        this.fields(block.fields)
        break
      case 'list':
        this.list(block.items)
        break
      case 'table':
        this.table(block)
        break
      case 'pageBreak':
        this.breakPending = this.pageNumber > 0 && !this.atTop()
        break
      case 'gap':
        break
    }
  }

  /** The bytes written since the last call, or nothing. */
  take(): Buffer | undefined {
    return (this.doc.read() as Buffer | null) ?? undefined
  }

  async *finish(): AsyncGenerator<Buffer, void, undefined> {
    if (this.pageNumber === 0) this.newPage()
    this.finished = true
    this.doc.end()
    for await (const chunk of this.doc) yield chunk as Buffer
  }

  close(): void {
    if (!this.finished) this.doc.destroy()
  }

  // Blocks

  private cover(block: Extract<Block, { kind: 'cover' }>): void {
    if (this.pageNumber > 0) this.newPage()
    this.startBlock()
    this.y = this.top + 140
    this.lines(block.title, bold(26), this.left, this.width)
    if (block.subtitle) {
      this.y += 6
      this.lines(block.subtitle, { face: 'regular', size: 14, colour: COLOURS.muted }, this.left, this.width)
    }
    this.y += 36
    this.fieldRows(block.fields)
    this.breakPending = true
  }

  private contents(block: Extract<Block, { kind: 'contents' }>): void {
    this.startBlock()
    this.spaceBefore(HEADING_SIZES[1])
    this.keepWithNext(bold(HEADING_SIZES[1]))
    this.lines(block.title, bold(HEADING_SIZES[1]), this.left, this.width)
    this.y += 8
    for (const entry of block.entries) {
      const indent = entry.level === 2 ? CONTENTS_INDENT : 0
      const style = entry.level === 1 ? bold() : body
      const x = this.left + indent
      for (const line of this.wrapped(entry.text, style, this.width - indent)) {
        this.ensure(lineHeight(style))
        this.draw(line, style, x, this.y)
        this.doc.goTo(x, this.y, this.measure(line, style), lineHeight(style), entry.target)
        this.y += lineHeight(style)
      }
      this.y += 2
    }
    this.y += 8
  }

  private heading(block: Extract<Block, { kind: 'heading' }>): void {
    const style = bold(HEADING_SIZES[block.level])
    this.startBlock()
    this.spaceBefore(style.size)
    this.keepWithNext(style, this.wrapped(block.text, style, this.width).length)
    if (block.id) this.doc.addNamedDestination(block.id, 'XYZ', this.left, this.y, null)
    this.bookmark(block.level, block.text)
    this.lines(block.text, style, this.left, this.width)
    this.y += style.size * 0.4
  }

  private paragraph(block: Extract<Block, { kind: 'paragraph' }>): void {
    this.startBlock()
    if (block.tone) this.tintedParagraph(block.text, COLOURS[block.tone])
    else this.lines(block.text, body, this.left, this.width)
    this.y += 6
  }

  /** A tinted box with a rule on its left, cut into one box per page when the text is long. */
  private tintedParagraph(text: string, colours: { text: string; tint: string; rule: string }): void {
    const pad = 6
    const rule = 3
    const style: Style = { ...body, colour: colours.text }
    const height = lineHeight(style)
    const remaining = this.wrapped(text, style, this.width - rule - 2 * pad)
    while (remaining.length > 0) {
      this.ensure(2 * pad + height * Math.min(2, remaining.length))
      const fitting = Math.max(1, Math.floor((this.bottom - this.y - 2 * pad) / height))
      const part = remaining.splice(0, fitting)
      const boxHeight = 2 * pad + part.length * height
      this.doc.rect(this.left, this.y, this.width, boxHeight).fill(colours.tint)
      this.doc.rect(this.left, this.y, rule, boxHeight).fill(colours.rule)
      for (const [i, line] of part.entries()) this.draw(line, style, this.left + rule + pad, this.y + pad + i * height)
      this.y += boxHeight
      if (remaining.length > 0) this.newPage()
    }
  }

  private fields(fields: readonly Field[]): void {
    this.startBlock()
    this.fieldRows(fields)
    this.y += 6
  }

  private fieldRows(fields: readonly Field[]): void {
    const label = bold(BODY_SIZE, COLOURS.muted)
    const longest = Math.max(0, ...fields.map((field) => this.measure(printable(field.label, 'bold'), label)))
    const labelWidth = clamp(longest + 2 * CELL_PADDING, this.width * 0.2, this.width * 0.38)
    const valueWidth = this.width - labelWidth - 2 * CELL_PADDING
    for (const field of fields) {
      const values = typeof field.value === 'string' ? [field.value] : field.value
      const shown = values.filter((value) => value !== '')
      const valueLines = (shown.length > 0 ? shown : [this.source.chrome.none]).flatMap((value) => this.wrapped(value, body, valueWidth))
      this.row([
        { x: this.left, lines: this.wrapped(field.label, label, labelWidth - 2 * CELL_PADDING), style: label },
        { x: this.left + labelWidth, lines: valueLines, style: body }
      ])
      this.y += 3
    }
  }

  private list(items: readonly string[]): void {
    this.startBlock()
    for (const item of items) {
      this.ensure(lineHeight(body))
      this.draw('•', body, this.left + 4, this.y)
      this.lines(item, body, this.left + BULLET_INDENT, this.width - BULLET_INDENT)
      this.y += 2
    }
    this.y += 4
  }

  private table(block: Extract<Block, { kind: 'table' }>): void {
    this.startBlock()
    const head = bold(9)
    const cellStyle: Style = { ...body, size: 9 }
    if (block.caption) {
      this.keepWithNext({ ...body, colour: COLOURS.muted })
      this.lines(block.caption, { ...body, colour: COLOURS.muted }, this.left, this.width)
      this.y += 2
    }
    const widths = this.columnWidths(block, head, cellStyle)
    const xs = widths.map((_, i) => this.left + sum(widths.slice(0, i)) + CELL_PADDING)
    const cells = (texts: readonly string[], style: Style): Cell[] =>
      widths.map((width, i) => ({ x: xs[i] ?? this.left, lines: this.wrapped(texts[i] ?? '', style, width - 2 * CELL_PADDING), style }))
    const header = cells(block.columns, head)
    const headerHeight = rowHeight(header)
    const drawHeader = () => {
      this.doc.rect(this.left, this.y, this.width, headerHeight).fill(COLOURS.headerTint)
      this.drawCells(header, 0, Number.POSITIVE_INFINITY)
      this.y += headerHeight
    }
    // Rows are wrapped as they are drawn: a large record's tables have tens of thousands of them.
    const first = block.rows[0] && cells(block.rows[0], cellStyle)
    this.ensure(headerHeight + (first && rowHeight(first) <= this.pageHeight() - headerHeight ? rowHeight(first) : 0))
    drawHeader()
    this.continuation = drawHeader
    try {
      for (const [index, row] of block.rows.entries()) {
        this.row(index === 0 && first ? first : cells(row, cellStyle), headerHeight)
        this.rule(COLOURS.rule)
      }
    } finally {
      this.continuation = undefined
    }
    this.y += 8
  }

  // Layout

  /** Column widths from the content: each column wants its longest line, gets at least its longest word, and the page decides. */
  private columnWidths(block: Extract<Block, { kind: 'table' }>, head: Style, cellStyle: Style): number[] {
    const columns = block.columns.map((title, i) => {
      // Widest line and widest word over the column, in a loop: a table of a large record has more
      // words than Math.max(...spread) can take as arguments.
      let want = 0
      let need = 0
      for (const { text, style } of [{ text: title, style: head }, ...block.rows.map((row) => ({ text: row[i] ?? '', style: cellStyle }))]) {
        const shown = printable(text, style.face)
        for (const line of shown.split('\n')) want = Math.max(want, this.measure(line, style))
        for (const word of shown.split(/\s+/)) need = Math.max(need, this.measure(word, style))
      }
      const floor = Math.min(need, this.width / block.columns.length, 120)
      return { want: Math.max(want, floor) + 2 * CELL_PADDING, floor: floor + 2 * CELL_PADDING }
    })
    return shareWidth(columns, this.width)
  }

  /** A row kept on one page; only a row taller than a page is cut, between lines. */
  private row(cells: Cell[], reserved = 0): void {
    const height = rowHeight(cells)
    if (height <= this.pageHeight() - reserved) {
      this.ensure(height)
      this.drawCells(cells, 0, Number.POSITIVE_INFINITY)
      this.y += height
      return
    }
    const step = Math.max(...cells.map((cell) => lineHeight(cell.style)))
    const total = Math.max(...cells.map((cell) => cell.lines.length))
    let from = 0
    while (from < total) {
      this.ensure(step + 2 * CELL_PADDING)
      const count = Math.max(1, Math.floor((this.bottom - this.y - 2 * CELL_PADDING) / step))
      this.drawCells(cells, from, from + count)
      this.y += 2 * CELL_PADDING + Math.min(count, total - from) * step
      from += count
      if (from < total) this.newPage()
    }
  }

  private drawCells(cells: Cell[], from: number, to: number): void {
    for (const cell of cells) {
      for (const [i, line] of cell.lines.slice(from, to).entries()) this.draw(line, cell.style, cell.x, this.y + CELL_PADDING + i * lineHeight(cell.style))
    }
  }

  /** Wrapped text that may run over several pages, line by line. */
  private lines(text: string, style: Style, x: number, width: number): void {
    for (const line of this.wrapped(text, style, width)) {
      this.ensure(lineHeight(style))
      this.draw(line, style, x, this.y)
      this.y += lineHeight(style)
    }
  }

  private keepWithNext(style: Style, lines = 1): void {
    this.ensure(lines * lineHeight(style) + LINES_AFTER_HEADING * lineHeight(body))
  }

  private bookmark(level: 1 | 2 | 3, text: string): void {
    if (level === 1) this.outlineParent = this.doc.outline.addItem(text)
    else if (level === 2) (this.outlineParent ?? this.doc.outline).addItem(text)
  }

  private rule(colour: string): void {
    this.doc
      .moveTo(this.left, this.y)
      .lineTo(this.left + this.width, this.y)
      .lineWidth(0.5)
      .stroke(colour)
  }

  private spaceBefore(size: number): void {
    if (!this.atTop()) this.y += size * 0.8
  }

  /** The page a block starts on: the first one, or the one a page break asked for. */
  private startBlock(): void {
    if (this.pageNumber === 0 || this.breakPending) this.newPage()
  }

  private ensure(height: number): void {
    if (this.y + height > this.bottom && !this.atTop()) this.newPage()
  }

  private atTop(): boolean {
    return this.y <= this.top
  }

  private pageHeight(): number {
    return this.bottom - this.top
  }

  private newPage(): void {
    this.doc.addPage()
    this.pageNumber += 1
    this.breakPending = false
    this.footer()
    this.y = this.top
    if (this.continuation) this.continuation()
  }

  private footer(): void {
    const style: Style = { face: 'regular', size: 8, colour: COLOURS.muted }
    const y = this.bottom + MARGIN / 2 - style.size / 2
    const page = `${this.source.chrome.page} ${this.pageNumber}`
    const pageWidth = this.measure(page, style)
    const running = this.wrapped(this.source.running, style, this.width - pageWidth - 24)
    this.draw(running.length > 1 ? `${running[0]}…` : (running[0] ?? ''), style, this.left, y)
    this.draw(page, style, this.left + this.width - pageWidth, y)
  }

  private wrapped(text: string, style: Style, width: number): string[] {
    return wrap(printable(text, style.face), width, (line) => this.measure(line, style))
  }

  private measure(text: string, style: Style): number {
    if (++this.measured % MEASURES_PER_CACHE === 0) this.dropLayoutCaches()
    return this.doc.font(style.face).fontSize(style.size).widthOfString(text)
  }

  /**
   * pdfkit keeps the glyph layout of every distinct word it measured or drew, for the life of the
   * document: at 10,000 activities (each with its own name, number and importer) that held about a
   * gigabyte. Without the cache it is ten times slower, so it is emptied now and then instead.
   */
  private dropLayoutCaches(): void {
    const fonts = (this.doc as unknown as { _fontFamilies?: Record<string, { layoutCache?: object }> })._fontFamilies ?? {}
    for (const font of Object.values(fonts)) if (font.layoutCache) font.layoutCache = Object.create(null)
  }

  private draw(text: string, style: Style, x: number, y: number): void {
    if (text === '') return
    this.doc.font(style.face).fontSize(style.size).fillColor(style.colour).text(text, x, y, { lineBreak: false })
  }
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0)
const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value))
const rowHeight = (cells: Cell[]) => 2 * CELL_PADDING + Math.max(...cells.map((cell) => cell.lines.length * lineHeight(cell.style)))

/**
 * Columns that want no more than an even share get what they want; the others share what is left
 * in proportion to what they want, never below their floor (their longest word, bounded).
 */
export function shareWidth(columns: { want: number; floor: number }[], width: number): number[] {
  const wanted = sum(columns.map((column) => column.want))
  if (wanted <= width) return columns.map((column) => (column.want * width) / wanted)
  const widths: (number | undefined)[] = columns.map(() => undefined)
  for (;;) {
    const open = columns.map((column, i) => ({ column, i })).filter(({ i }) => widths[i] === undefined)
    const left = width - sum(widths.map((w) => w ?? 0))
    const modest = open.filter(({ column }) => column.want <= left / open.length)
    if (modest.length === 0) {
      const wanted = sum(open.map(({ column }) => column.want))
      const floors = sum(open.map(({ column }) => column.floor))
      const spare = wanted > floors ? Math.max(0, left - floors) / (wanted - floors) : 0
      for (const { column, i } of open) widths[i] = floors >= left ? (column.floor * left) / floors : column.floor + (column.want - column.floor) * spare
      return widths.map((w) => w ?? 0)
    }
    for (const { column, i } of modest) widths[i] = column.want
  }
}
