/**
 * A document people read (the auditor's report, the privacy notice, the public register) as a
 * sequence of blocks. Builders turn the record into blocks; renderers (HTML, Markdown, PDF) write
 * them in one pass, so a document streams like the other exports. Every string is plain text:
 * the renderers escape it, so no builder ever writes markup.
 */

/** A labelled value: one line, several lines, or none (the renderer shows a dash for an empty list). */
export interface Field {
  label: string
  value: string | readonly string[]
}

export type Block =
  /** The first page: title, subtitle and the identifying fields (the controller block, date, `asOf`). */
  | { kind: 'cover'; title: string; subtitle?: string; fields: readonly Field[] }
  /** A table of contents; each entry points at a heading's `id`. */
  | { kind: 'contents'; title: string; entries: readonly { target: string; text: string; level: 1 | 2 }[] }
  | { kind: 'heading'; level: 1 | 2 | 3; text: string; id?: string }
  | { kind: 'paragraph'; text: string; tone?: 'note' | 'warning' }
  | { kind: 'fields'; fields: readonly Field[] }
  | { kind: 'list'; items: readonly string[] }
  | { kind: 'table'; columns: readonly string[]; rows: readonly (readonly string[])[]; caption?: string }
  /**
   * Something the record lacks, named so nobody fills it with invented text: an HTML comment in
   * HTML, a comment line in Markdown, nothing on paper. `field` is the record's field (a JSON pointer
   * or a field name), `message` says what is missing.
   */
  | { kind: 'gap'; field: string; message: string }
  /** Start a new page when printed (PDF, print CSS); nothing on screen. */
  | { kind: 'pageBreak' }

/** The words a renderer writes itself, in the document's language. */
export interface ChromeLabels {
  /** "Page" as in "Page 3". */
  page: string
  /** Shown for an empty field value. */
  none: string
}

export interface DocumentSource {
  /** The document's title (HTML `<title>`, PDF metadata). */
  title: string
  /** BCP 47 language tag: `en`, `nb`. */
  lang: string
  /** A short line printed in every page's header or footer, e.g. the organisation's name and the record. */
  running: string
  chrome: ChromeLabels
  blocks: AsyncIterable<Block> | Iterable<Block>
}
