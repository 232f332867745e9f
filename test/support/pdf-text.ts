import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import type { PDFDocumentProxy } from 'pdfjs-dist/types/src/display/api.js'

/** Opens a PDF with pdf.js, hands it to `use`, and frees it afterwards. */
export async function withPdf<T>(bytes: Uint8Array, use: (pdf: PDFDocumentProxy) => Promise<T>): Promise<T> {
  // pdf.js takes ownership of the array it is given, so it gets a copy.
  const task = getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, disableFontFace: true, verbosity: 0 })
  try {
    return await use(await task.promise)
  } finally {
    await task.destroy()
  }
}

/** The text of each page as pdf.js extracts it: one line per line of text, pieces on a line joined by a space. */
export function pdfText(bytes: Uint8Array): Promise<string[]> {
  return withPdf(bytes, async (pdf) => {
    const pages: string[] = []
    for (let number = 1; number <= pdf.numPages; number++) {
      const page = await pdf.getPage(number)
      const content = await page.getTextContent()
      let text = ''
      for (const item of content.items) {
        if (!('str' in item)) continue
        text += item.str + (item.hasEOL ? '\n' : ' ')
      }
      pages.push(text.replace(/ +\n/g, '\n').replace(/ {2,}/g, ' ').trim())
      page.cleanup()
    }
    return pages
  })
}
