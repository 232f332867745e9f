import type { DocumentSource } from '../../documents/document.ts'
import { renderHtml } from '../../documents/render-html.ts'
import { renderMarkdown } from '../../documents/render-markdown.ts'

/** The document renderers of the notice's text formats. */
export const renderers: Record<'md' | 'html', (document: DocumentSource) => AsyncIterable<string>> = { md: renderMarkdown, html: renderHtml }
