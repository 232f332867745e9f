import { Readable } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { scopes } from '../auth/scopes.ts'
import { PDF_TYPE, renderPdf } from '../documents/pdf.ts'
import { documentSecurityHeaders, renderHtml } from '../documents/render-html.ts'
import { readReport } from '../documents/report/report.ts'
import { recordExample, recordJsonLdExample } from '../example/openapi-examples.ts'
import { clampToNow } from '../modules/history/history.repository.ts'
import { ApiProblem, problemResponses } from '../shared/problems.ts'
import { Instant, OrganisationParams } from '../shared/schemas.ts'
import { controllerColumns, organisationColumns, processorColumns } from './cells.ts'
import { sharedExportSlots, tooManyExports } from './export-slots.repository.ts'
import { RecordSchema } from './record.schemas.ts'
import { type AssembledRecord, exportRecord, type RecordKind } from './record.ts'
import { renderCsv } from './render-csv.ts'
import { renderJson } from './render-json.ts'
import { renderJsonLd } from './render-jsonld.ts'
import { renderXlsx, XLSX_TYPE } from './render-xlsx.ts'

export const formats = {
  json: { type: 'application/json; charset=utf-8', extension: 'json', render: renderJson },
  csv: { type: 'text/csv; charset=utf-8', extension: 'csv', render: renderCsv },
  xlsx: { type: XLSX_TYPE, extension: 'xlsx', render: renderXlsx },
  jsonld: { type: 'application/ld+json; charset=utf-8', extension: 'jsonld', render: renderJsonLd }
} as const
type Format = keyof typeof formats

/** Documents people read (the auditor's report): rendered from the report's blocks, not from the record alone. */
export const documentFormats = {
  html: { type: 'text/html; charset=utf-8', extension: 'html', render: renderHtml, headers: documentSecurityHeaders },
  pdf: { type: PDF_TYPE, extension: 'pdf', render: renderPdf, headers: {} }
} as const
type RopaFormat = Format | keyof typeof documentFormats

const RopaQuery = Type.Object(
  {
    format: Type.Optional(
      Type.Enum(['json', 'csv', 'xlsx', 'jsonld', 'html', 'pdf'], {
        description:
          'The file format; without it, the `Accept` header decides (JSON by default). `jsonld`: the record in the W3C Data Privacy Vocabulary; `html` and `pdf`: the report for an auditor.'
      })
    ),
    record: Type.Optional(
      Type.Enum(['controller', 'processor'], { description: '`controller` (Art. 30(1), default) or `processor` (Art. 30(2), grouped per client controller).' })
    ),
    includeDrafts: Type.Optional(Type.Boolean({ description: 'Include draft activities (left out by default). Retired activities are never included.' })),
    asOf: Type.Optional(
      Instant(
        'The record as it stood at this instant (RFC 3339): the organisation profile, the names catalogue entries had, and activities deleted since. A future instant reads as now; one before anything existed gives an empty record.'
      )
    ),
    bom: Type.Optional(
      Type.Boolean({
        description:
          'CSV only: start the file with a UTF-8 byte-order mark (default `true`), which Excel on Windows needs to read ø, § or ü; `false` for scripts.'
      })
    ),
    lang: Type.Optional(Type.Enum(['en', 'nb'], { description: 'HTML only: the language of the report (`en` default, `nb` Norwegian Bokmål).' })),
    changesSince: Type.Optional(
      Instant(
        'HTML only: list what changed in the record after this instant, up to `asOf` (or now): when, who, what, old and new value, and why. After `asOf` (or now) answers 400.'
      )
    )
  },
  { additionalProperties: false }
)

/**
 * The format named by `?format`, else the first acceptable one in `Accept`; 406 when none of ours is.
 * With `documents`, `text/html` asks for the report.
 */
export function negotiate(request: FastifyRequest, format: Format | undefined): Format
export function negotiate(request: FastifyRequest, format: RopaFormat | undefined, documents: true): RopaFormat
export function negotiate(request: FastifyRequest, format: RopaFormat | undefined, documents = false): RopaFormat {
  if (format) return format
  const accept = request.headers.accept
  if (!accept) return 'json'
  const ranges = accept
    .split(',')
    .map((range) => range.split(';'))
    .filter(([, ...params]) => !params.some((param) => /^\s*q=0(\.0*)?\s*$/.test(param)))
    .map(([type]) => type!.trim().toLowerCase())
  for (const range of ranges) {
    if (range === 'application/json' || range === 'application/*' || range === '*/*') return 'json'
    if (range === 'text/csv' || range === 'text/*') return 'csv'
    if (range === XLSX_TYPE) return 'xlsx'
    if (range === 'application/ld+json') return 'jsonld'
    if (documents && range === 'text/html') return 'html'
    if (documents && range === PDF_TYPE) return 'pdf'
  }
  const offered = `application/json, application/ld+json, text/csv${documents ? `, text/html, ${PDF_TYPE}` : ''} or ${XLSX_TYPE}`
  throw new ApiProblem('not_acceptable', `The record is available as ${offered}; use ?format= or one of them in Accept.`)
}

/** The origin the client reached the API at: the JSON-LD export names its context and resources by URLs there. */
export const originOf = (request: FastifyRequest) => `${request.protocol}://${request.host}`

export const slug = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60) || 'organisation'

/**
 * Caps concurrent exports per organisation and in all: each holds a connection and a snapshot while the
 * client downloads. This process's count answers without a connection; on PostgreSQL the shared slots
 * (`sharedExportSlots`) then hold the caps across replicas.
 */
function exportLimiter(perOrganisation: number, total: number) {
  const running = new Map<string, number>()
  let all = 0
  return {
    acquire(organisationId: string): () => void {
      const mine = running.get(organisationId) ?? 0
      if (mine >= perOrganisation || all >= total) throw tooManyExports(mine >= perOrganisation)
      running.set(organisationId, mine + 1)
      all++
      let released = false
      return () => {
        if (released) return
        released = true
        all--
        const left = (running.get(organisationId) ?? 1) - 1
        if (left === 0) running.delete(organisationId)
        else running.set(organisationId, left)
      }
    }
  }
}

/** Groups small chunks so the socket is written in sizeable pieces. */
export async function* batched(source: AsyncIterable<string | Buffer>, size = 64 * 1024): AsyncGenerator<Buffer> {
  let pending: Buffer[] = []
  let length = 0
  for await (const chunk of source) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    pending.push(buffer)
    length += buffer.length
    if (length >= size) {
      yield Buffer.concat(pending)
      pending = []
      length = 0
    }
  }
  if (length > 0) yield Buffer.concat(pending)
}

const columnList = (columns: readonly [string, ...unknown[]][]) => columns.map(([title]) => `"${title}"`).join(', ')

const exportDescription = [
  'The record of processing activities as a supervisory authority may ask for it (Art. 30(4)): the controller block (Art. 30(1)(a)), then every active activity with names instead of ids, codes with their labels and articles, countries with their EEA and adequacy status, organisation-wide security measures merged into each activity, and retention per data category. `?record=processor` gives the Art. 30(2) record, grouped per client controller. Activities, and every list of linked catalogue entries, are in name order (any case), then id; purposes, transfers and retention rules keep the order they were entered in.',
  `CSV has one row per activity, with the columns of the UK ICO controller template: ${columnList(controllerColumns)}. The processor record has one row per client controller and activity: ${columnList(processorColumns)}. Every row then says whose record it is (Art. 30(1)(a)): ${columnList(organisationColumns('controller'))}; in the processor record, the processor's own (Art. 30(2)(a)): ${columnList(organisationColumns('processor'))}. Multi-valued cells are joined with "; ". The file starts with a UTF-8 byte-order mark so Excel reads it as UTF-8 (\`?bom=false\` leaves it out); lines end in CRLF, and a field holding a line break, a comma or a quote is quoted. A cell that a spreadsheet could run as a formula (starting with = + - @, a tab or a carriage return, also after blanks, quotes or no-break spaces) gets a leading apostrophe.`,
  'XLSX has a sheet for the controller block, the activities, the transfers and the retention rules, with text cells as plain strings (never formulas), rows as high as their wrapped text, and print settings: landscape, one page wide, the header row repeated, the organisation in the page header.',
  "JSON-LD (`?format=jsonld` or `Accept: application/ld+json`) is the record in the W3C Data Privacy Vocabulary (DPV 2) and its EU GDPR extension: a `dpv:ROPA` whose `processes` are the activities as `dpv:Process`, legal bases and transfer grounds as `eu-gdpr:` IRIs (`eu-gdpr:A6-1-f`, `eu-gdpr:A46-2-c`), countries as `loc:` IRIs with their EEA and adequacy status, and what DPV has no term for in the API's own namespace `ropa` (`urn:ropa-api:ns#`). Its `@context` is `/contexts/ropa-v1.jsonld` on the same origin (public, versioned); resources are named by their URLs in this API.",
  'HTML is the report for an auditor or a supervisory authority: one self-contained page (no scripts, no external resources, print styles for A4 with page numbers) with a cover naming the controller (Art. 30(1)(a)), the generation date, `asOf` and whether drafts are included; a table of contents; each activity with every Art. 30 field, codes named with their labels and articles and a field the record leaves empty shown as "not recorded"; then transfers by country with their EEA or adequacy status, retention per data category, the findings with their acknowledgements (who, when, why), the rights of data subjects per activity and, with `?changesSince=`, what changed since then. `?lang=nb` writes it in Norwegian Bokmål.',
  'PDF (`?format=pdf` or `Accept: application/pdf`) is the same report on A4 pages: numbered, the organisation in every footer, the contents linked to the sections and as bookmarks, tables whose header row repeats on each page; DejaVu Sans is embedded, so every Latin, Greek and Cyrillic name prints as written (a character the font lacks prints as �). It is written page by page as the record is read, like the other formats.',
  'The file is streamed from one consistent snapshot of the database. At most a few exports run at once per organisation (429 with Retry-After beyond).'
].join('\n\n')

export interface RopaRoutesOptions {
  exportsPerOrganisation: number
  exportsInTotal: number
}

/** The start of the report's change list: 400 when it is after the instant the record is read at. */
function changesWindow(query: { changesSince?: string | undefined; asOf?: string | undefined }): string | undefined {
  if (query.changesSince === undefined) return undefined
  const until = query.asOf === undefined ? new Date().toISOString() : clampToNow(query.asOf)
  if (new Date(query.changesSince).getTime() <= new Date(until).getTime()) return new Date(query.changesSince).toISOString()
  const bound = query.asOf === undefined ? 'now' : 'asOf'
  throw new ApiProblem('validation_failed', `/query/changesSince is after ${bound === 'now' ? 'now' : '/query/asOf'}`, {
    errors: [{ path: '/query/changesSince', message: `must not be after ${bound}` }]
  })
}

const ropaRoutes: FastifyPluginAsyncTypebox<RopaRoutesOptions> = async (app, options) => {
  const limiter = exportLimiter(options.exportsPerOrganisation, options.exportsInTotal)
  const slotted = sharedExportSlots(app.database, options.exportsPerOrganisation, options.exportsInTotal)

  app.get(
    '/:orgId/ropa',
    {
      config: { scope: scopes.read },
      schema: {
        tags: ['Exports'],
        operationId: 'exportRecord',
        summary: 'Export the whole record (JSON, CSV, XLSX, DPV JSON-LD, or a report in HTML or PDF)',
        description: exportDescription,
        params: OrganisationParams,
        querystring: RopaQuery,
        response: {
          200: {
            description: 'The record, with a `Content-Disposition` file name carrying the organisation, the record and the date.',
            content: {
              'application/json': { schema: RecordSchema, example: recordExample },
              'text/csv': {
                schema: Type.String({ description: 'UTF-8 (with a byte-order mark unless `?bom=false`), comma-separated, CRLF line ends, one header row.' })
              },
              [XLSX_TYPE]: { schema: Type.String({ format: 'binary' }) },
              'application/ld+json': {
                schema: Type.Object({}, { additionalProperties: true, description: 'A JSON-LD document (DPV).' }),
                example: recordJsonLdExample
              },
              'text/html': {
                schema: Type.String({
                  description: "The auditor's report: one UTF-8 HTML page with inline styles, no scripts and no external resources, in the language of `?lang`."
                })
              },
              [PDF_TYPE]: { schema: Type.String({ format: 'binary', description: "The auditor's report as an A4 PDF, in the language of `?lang`." }) }
            }
          },
          ...problemResponses(400, 406, 429)
        }
      }
    },
    async (request, reply) => {
      const format = negotiate(request, request.query.format, true)
      const record: RecordKind = request.query.record ?? 'controller'
      const changesSince = changesWindow(request.query)
      const release = limiter.acquire(request.params.orgId)
      const database = slotted(request.params.orgId)
      try {
        const document = format === 'html' || format === 'pdf' ? documentFormats[format] : undefined
        const { type, extension } = document ?? formats[format as Format]
        const bom = request.query.bom ?? true
        let organisationName = 'organisation'
        const named = (assembled: AssembledRecord) => {
          organisationName = assembled.organisation.name
          return assembled
        }
        const scope = { record, includeDrafts: request.query.includeDrafts ?? false, asOf: request.query.asOf && clampToNow(request.query.asOf) }
        const source = document
          ? readReport<string | Buffer>(database, request.params.orgId, { ...scope, lang: request.query.lang ?? 'en', changesSince }, (report, assembled) => {
              named(assembled)
              return document.render(report)
            })
          : exportRecord<string | Buffer>(database, request.params.orgId, { ...scope, findings: format === 'json' }, (assembled) =>
              formats[format as Format].render(named(assembled), { bom, baseUrl: originOf(request) })
            )
        const chunks = batched(source)
        // Pull the first chunk here: a missing organisation or a dead database still answers a problem, not a cut-off file.
        const first = await chunks.next()
        const body = Readable.from(
          (async function* () {
            if (!first.done) yield first.value
            yield* chunks
          })()
        )
        body.once('close', release)
        const filename = `ropa-${slug(organisationName)}-${record}-${(request.query.asOf ? clampToNow(request.query.asOf) : new Date().toISOString()).slice(0, 10)}.${extension}`
        return (
          reply
            .type(type)
            .header('content-disposition', `${document ? 'inline' : 'attachment'}; filename="${filename}"`)
            .header('cache-control', 'no-store')
            .headers(document?.headers ?? {})
            // Cast: the 200 schema describes the file for OpenAPI; the stream sent is the file itself, which the type provider cannot express.
            .send(body as never)
        )
      } catch (error) {
        release()
        throw error
      }
    }
  )
}

export default ropaRoutes
