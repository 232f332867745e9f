import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { Value } from 'typebox/value'
import { scopes } from '../../auth/scopes.ts'
import { importCsvExample, importExample, withExample } from '../../example/openapi-examples.ts'
import { XLSX_TYPE } from '../../exports/render-xlsx.ts'
import { writeContext } from '../../shared/http.ts'
import { ApiProblem, problemResponses } from '../../shared/problems.ts'
import { OrganisationParams } from '../../shared/schemas.ts'
import { apply, plan } from '../bundle/bundle.routes.ts'
import { type BundleDocument, BundleSchema, PlanSchema } from '../bundle/bundle.schemas.ts'
import { bundleFromSheet, type ReportEntry } from './rows.ts'
import { readSheet, type SheetFormat } from './sheet.ts'

/** A spreadsheet of a few thousand activities; a workbook is compressed, and is checked again when unpacked. */
export const IMPORT_BODY_LIMIT = 16 * 1024 * 1024

const mediaTypes: Record<string, SheetFormat | undefined> = { 'text/csv': 'csv', [XLSX_TYPE]: 'xlsx', 'application/octet-stream': undefined }

const ReportEntrySchema = Type.Object(
  {
    row: Type.Integer({ minimum: 1, description: 'The row as the spreadsheet numbers it (the header is row 1).' }),
    column: Type.String({ description: 'The column title.' }),
    value: Type.String({ description: 'The text that could not be read.' }),
    why: Type.String({ description: 'What is wrong with it, and what the import expects.' })
  },
  { additionalProperties: false }
)

export const ImportSchema = Type.Object(
  {
    dryRun: Type.Boolean({ description: 'True when nothing was written.' }),
    plan: PlanSchema,
    report: Type.Array(ReportEntrySchema, { description: 'Each cell the import could not read; empty when it read everything.' })
  },
  { additionalProperties: false, description: 'What importing the spreadsheet changes (or would change), and what it could not read.' }
)

const ImportQuery = Type.Object(
  {
    format: Type.Optional(Type.Enum(['csv', 'xlsx'], { description: 'The file format; by default the one `Content-Type` names.' })),
    dryRun: Type.Optional(Type.Boolean({ description: 'Only plan (default true); `false` applies the plan, provided every cell was read.' }))
  },
  { additionalProperties: false }
)

/** The report entries for a bundle the schema refuses, each placed on the row of its activity. */
function schemaReport(bundle: BundleDocument, rowOf: (activityIndex: number) => number): ReportEntry[] {
  return [...Value.Errors(BundleSchema, bundle)].slice(0, 50).map((error) => {
    const activity = /^\/activities\/(\d+)/.exec(error.instancePath)
    return { row: activity ? rowOf(Number(activity[1])) : 1, column: error.instancePath, value: '', why: error.message }
  })
}

const importRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addContentTypeParser(Object.keys(mediaTypes), { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT }, (_request, body, done) => done(null, body))

  app.post(
    '/:orgId/imports',
    {
      config: { scope: scopes.write },
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ['Bundles'],
        operationId: 'importSpreadsheet',
        summary: 'Import a spreadsheet in the ICO controller template',
        description: `Reads a CSV or XLSX file in the UK ICO controller template's columns (the columns \`GET …/ropa?format=csv|xlsx\` writes) and plans the record with each row's activity in it, as \`POST …/bundle/plan\` does. Activities are found by name in any case, or created; so are the data categories, categories of individuals, recipients, processors and security measures the cells name. Legal bases and Art. 9 conditions are read from their codes (\`6.1.f\`), articles (\`Art. 6(1)(f)\`) or labels; countries from ISO codes or English names; list cells split at "; " or line breaks. Columns the file leaves out keep their values; the activity's id and the organisation columns are not read. \`report\` lists each cell that could not be read, with its row and column. \`dryRun=false\` applies the plan in one transaction, and only when \`report\` is empty (422 otherwise, nothing written). Up to ${IMPORT_BODY_LIMIT / 1024 / 1024} MiB and 10,000 rows.`,
        params: OrganisationParams,
        querystring: ImportQuery,
        body: {
          content: {
            'text/csv': {
              schema: { description: 'UTF-8 CSV (a byte-order mark is allowed), comma-separated, with a header row.', examples: [importCsvExample] }
            },
            [XLSX_TYPE]: { schema: { description: 'A workbook; its "Activities" sheet, or the first with a "Processing activity" column, is read.' } }
          }
        },
        response: { 200: withExample(ImportSchema, importExample), ...problemResponses(400, 409, 413, 415, 422, 428) }
      }
    },
    async (request) => {
      const body = request.body as Buffer | undefined
      const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
      if (!(mediaType in mediaTypes))
        throw new ApiProblem('unsupported_media_type', `Send the spreadsheet as text/csv or ${XLSX_TYPE}, not ${mediaType || 'without a Content-Type'}.`)
      const named = mediaTypes[mediaType]
      const format = request.query.format ?? named
      if (!format)
        throw new ApiProblem('validation_failed', 'Say the file format: ?format=csv or ?format=xlsx, or send Content-Type text/csv or the XLSX type.', {
          errors: [{ path: '/query/format', message: 'is required with Content-Type application/octet-stream' }]
        })
      if (!Buffer.isBuffer(body) || body.length === 0) throw new ApiProblem('malformed_body', 'Send the file as the request body: it is missing or empty.')
      const sheet = await readSheet(format, body)
      const dryRun = request.query.dryRun ?? true
      let report: ReportEntry[] = []
      const build = (current: BundleDocument) => {
        const imported = bundleFromSheet(sheet, current)
        const invalid = schemaReport(imported.bundle, (index) => imported.rowOf.get(imported.bundle.activities[index]?.key ?? '') ?? 1)
        report = [...imported.report, ...invalid]
        if (report.length > 0 && !dryRun)
          throw new ApiProblem('unprocessable', `${report.length} cells could not be read; nothing was imported. Send dryRun=true to see the report.`, {
            errors: report.slice(0, 100).map((entry) => ({
              path: `/rows/${entry.row}/${entry.column.replaceAll('~', '~0').replaceAll('/', '~1')}`,
              message: `${entry.value ? `"${entry.value.slice(0, 200)}" ` : ''}${entry.why}`
            }))
          })
        // A dry run plans what could be read; a bundle the schema refuses is not planned at all.
        return invalid.length > 0 ? current : imported.bundle
      }
      const planned = dryRun
        ? await plan(app.database, request.params.orgId, build, {})
        : await apply(app.database, request.params.orgId, build, {}, undefined, writeContext(request))
      return { dryRun, plan: planned, report }
    }
  )
}

export default importRoutes
