import type { DocumentSource } from './document.ts'
import type { PdfOptions } from './render-pdf.ts'

export const PDF_TYPE = 'application/pdf'

/** `render-pdf.ts`'s renderer, loaded by the first PDF: pdfkit and fontkit hold megabytes a process that never prints should not. */
export async function* renderPdf(document: DocumentSource, options?: PdfOptions): AsyncGenerator<Buffer, void, undefined> {
  const renderer = await import('./render-pdf.ts')
  yield* renderer.renderPdf(document, options)
}
