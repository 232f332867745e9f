import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { scopes } from '../../auth/scopes.ts'
import type { DatabaseHandle } from '../../db/client.ts'
import { codeLabels } from '../../documents/labels/index.ts'
import { documentSecurityHeaders } from '../../documents/render-html.ts'
import type { ExportActivity, ExportOrganisation } from '../../exports/record.schemas.ts'
import { exportRecord } from '../../exports/record.ts'
import { ApiProblem, problemResponses } from '../../shared/problems.ts'
import { OrganisationParams } from '../../shared/schemas.ts'
import { noticeExample } from './notice.example.ts'
import { MAX_NOTICE_IDS, NoticeQuery, NoticeSchema } from './notice.schemas.ts'
import { buildNotice, selectActivities } from './notice.ts'
import { noticeDocument } from './notice-document.ts'
import { renderers } from './renderers.ts'
import { noticeTexts } from './texts.ts'

type Format = 'json' | 'md' | 'html'
const mediaTypes: Record<Format, string> = {
  json: 'application/json; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8'
}
const acceptable: Record<string, Format> = {
  'application/json': 'json',
  'application/*': 'json',
  '*/*': 'json',
  'text/markdown': 'md',
  'text/html': 'html',
  'text/*': 'html'
}

/** The format named by `?format`, else the first acceptable one in `Accept` (JSON without one); 406 when none of ours is. */
function negotiate(request: FastifyRequest, format: Format | undefined): Format {
  if (format) return format
  const accept = request.headers.accept
  if (!accept) return 'json'
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';')
    if (params.some((param) => /^\s*q=0(\.0*)?\s*$/.test(param))) continue
    const found = acceptable[(type ?? '').trim().toLowerCase()]
    if (found) return found
  }
  throw new ApiProblem(
    'not_acceptable',
    'The privacy notice is available as application/json, text/markdown or text/html; use ?format= or one of them in Accept.'
  )
}

/** The ids of `activityIds`, whether repeated or comma-separated; 400 beyond the maximum. */
function requestedIds(values: readonly string[] | undefined): string[] | undefined {
  if (!values) return undefined
  const ids = [...new Set(values.flatMap((value) => value.split(',')).map((id) => id.toLowerCase()))]
  if (ids.length > MAX_NOTICE_IDS)
    throw new ApiProblem('validation_failed', `At most ${MAX_NOTICE_IDS} activity ids.`, {
      errors: [{ path: '/query/activityIds', message: `must list at most ${MAX_NOTICE_IDS} ids` }]
    })
  return ids
}

/** The organisation and its notifiable activities (active, controller or joint controller) through the export's read model: the same statements whatever the record's size. */
async function readNotifiable(database: DatabaseHandle, organisationId: string) {
  const reads: { organisation: ExportOrganisation; activities: ExportActivity[] }[] = []
  const passes = exportRecord(database, organisationId, { record: 'controller', includeDrafts: false }, async function* (record) {
    const activities: ExportActivity[] = []
    for await (const { activity } of record.activities()) activities.push(activity)
    yield { organisation: record.organisation, activities }
  })
  for await (const pass of passes) reads.push(pass)
  // exportRecord yields what the render yields, once here, or throws (404 for a missing organisation).
  const [read] = reads
  if (!read) throw new Error('the record was not read')
  return read
}

const description = [
  'The information data subjects are owed under Arts. 13 and 14, generated from the record: the controller and its contact details, the representative and the DPO; for each activity its purposes with their legal basis (with the legitimate interest for 6.1.f, the law for 6.1.c and 6.1.e), the Art. 9(2) conditions, the categories of data and of data subjects, recipients and processors, transfers with their ground (the adequacy decision, or the safeguards and where to obtain a copy), retention per data category, the sources of data not obtained from the data subject (Art. 14) and automated decisions; then every right that applies to at least one activity (from the rights computation), and the supervisory authority a complaint may be lodged with.',
  'Only active activities in which the organisation is controller or joint controller are included: drafts and retired activities are left out, and so are processor activities, whose data subjects are informed by the client controllers.',
  'Nothing is invented: information the notice needs but the record does not hold (no DPO contact, no supervisory authority, no legitimate interest for a 6.1.f purpose, no retention for a data category, no copy location for safeguards, no logic for an automated decision, no source…) is left out and listed in `gaps` (JSON pointer, article, message), and appears in Markdown and HTML as a comment, never as text.',
  '`?dataSubjectCategoryId=` addresses the notice to one category of data subjects; `?activityIds=` narrows it to some activities. Both answer 422 naming what is not in the notice. `?lang=nb` writes the notice in Norwegian Bokmål.'
].join('\n\n')

const privacyNoticeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:orgId/privacy-notice',
    {
      config: { scope: scopes.read },
      schema: {
        tags: ['Exports'],
        operationId: 'getPrivacyNotice',
        summary: 'The privacy notice of Arts. 13 and 14, generated from the record (JSON, Markdown or HTML)',
        description,
        params: OrganisationParams,
        querystring: NoticeQuery,
        response: {
          200: {
            description: 'The notice: its model in JSON, or the document in Markdown or HTML.',
            content: {
              'application/json': { schema: NoticeSchema, example: noticeExample },
              'text/markdown': { schema: Type.String({ description: 'CommonMark; gaps are HTML comments.' }) },
              'text/html': { schema: Type.String({ description: 'A self-contained HTML page (no scripts, no external resources); gaps are comments.' }) }
            }
          },
          ...problemResponses(400, 406, 422)
        }
      }
    },
    async (request, reply) => {
      const { lang = 'en', activityIds, dataSubjectCategoryId } = request.query
      const format = negotiate(request, request.query.format)
      const ids = requestedIds(activityIds)
      const { organisation, activities } = await readNotifiable(app.database, request.params.orgId)
      const { selected, missing, audience } = selectActivities(activities, { activityIds: ids, dataSubjectCategoryId })
      if (missing.length > 0)
        throw new ApiProblem('unprocessable', `Not active controller activities of this organisation: ${missing.join(', ')}.`, {
          errors: missing.map((id) => ({
            path: '/query/activityIds',
            message: `${id} is not an active controller or joint-controller activity of this organisation`
          }))
        })
      if (dataSubjectCategoryId && !audience)
        throw new ApiProblem('unprocessable', `No active activity of this organisation processes data subject category ${dataSubjectCategoryId}.`, {
          errors: [
            { path: '/query/dataSubjectCategoryId', message: `${dataSubjectCategoryId} is processed by no active controller activity of this organisation` }
          ]
        })
      const texts = noticeTexts[lang]
      const notice = buildNotice({ organisation, activities: selected, audience, generatedAt: new Date().toISOString() }, await codeLabels(lang), texts)
      reply.header('cache-control', 'no-store').header('content-language', lang)
      if (format === 'json') return notice
      let body = ''
      for await (const chunk of renderers[format](noticeDocument(notice, texts))) body += chunk
      // Cast: the 200 schema documents the text for OpenAPI; a string body is sent as it is.
      return reply
        .type(mediaTypes[format])
        .headers(documentSecurityHeaders)
        .send(body as never)
    }
  )
}

export default privacyNoticeRoutes
