import type { DocumentSource } from '../../documents/document.ts'
import { ApiProblem } from '../../shared/problems.ts'

// Until the shared Markdown and HTML renderers land on main.
const pending = (_document: DocumentSource): AsyncIterable<string> => {
  throw new ApiProblem('not_acceptable', 'Markdown and HTML are not available yet.')
}
export const renderers = { md: pending, html: pending }
