import etag from '@fastify/etag'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Config } from '../../config.ts'
import { codeLabels } from '../../documents/labels/index.ts'
import { documentSecurityHeaders, renderHtml } from '../../documents/render-html.ts'
import { publicRateLimit } from '../../plugins/protection.ts'
import { ApiProblem, problemResponses } from '../../shared/problems.ts'
import { readPublicRegister } from './public-register.repository.ts'
import { PublicRegisterParams, PublicRegisterQuery, PublicRegisterSchema, publicRegisterExample } from './public-register.schemas.ts'
import { registerDocument } from './register-document.ts'

const CACHE_CONTROL = 'public, max-age=300'

type Representation = 'json' | 'html'

/** JSON unless `Accept` prefers HTML; 406 when it accepts neither. */
export function representationFor(accept: string | undefined): Representation {
  if (!accept) return 'json'
  const ranges = accept
    .split(',')
    .map((range) => range.split(';'))
    .filter(([, ...params]) => !params.some((param) => /^\s*q=0(\.0*)?\s*$/.test(param)))
    .map(([type = '']) => type.trim().toLowerCase())
  for (const range of ranges) {
    if (range === 'application/json' || range === 'application/*' || range === '*/*') return 'json'
    if (range === 'text/html' || range === 'text/*') return 'html'
  }
  throw new ApiProblem('not_acceptable', 'The register is available as application/json or text/html.')
}

const description = [
  "What a public body publishes of its record of processing activities (Art. 30), when the organisation sets `publicRegister` and a `slug`: the controller's identity and contact details, the data protection officer's contact (Art. 37(7)), and of each **active** activity its purposes with their legal bases (and the law cited for 6.1.c and 6.1.e), the categories of data subjects and of personal data (special categories marked), the categories of recipients, transfers with their safeguards, and the time limits for erasure. Nothing else: no owners, systems, processors, internal references, notes, drafts, retired activities or findings.",
  'JSON by default; `Accept: text/html` gives a page for people, in `?lang=en` or `nb` (headings, codes and countries). No token needed. Cacheable for five minutes, with a strong `ETag` (304 on `If-None-Match`). An unknown slug and a register that is not published both answer 404. Each address may read the registers a limited number of times per minute (429 with Retry-After).'
].join('\n\n')

const publicRegisterRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  await app.register(publicRateLimit, { config })
  await app.register(etag)

  app.get(
    '/:organisationSlug/register',
    {
      schema: {
        tags: ['Public register'],
        operationId: 'getPublicRegister',
        summary: "Read an organisation's public register",
        description,
        params: PublicRegisterParams,
        querystring: PublicRegisterQuery,
        response: {
          200: {
            description: 'The register, with `ETag` and `Cache-Control`.',
            content: {
              'application/json': { schema: PublicRegisterSchema, example: publicRegisterExample },
              'text/html': { schema: Type.String({ description: 'A self-contained HTML page: no scripts, no external resources.' }) }
            }
          },
          ...problemResponses(400, 404, 406, 429)
        }
      }
    },
    async (request, reply) => {
      const representation = representationFor(request.headers.accept)
      const register = await readPublicRegister(app.database, request.params.organisationSlug)
      if (!register) throw new ApiProblem('not_found', `There is no public register '${request.params.organisationSlug}'.`)
      reply.header('cache-control', CACHE_CONTROL).header('vary', 'Accept')
      if (representation === 'json') return register
      // Whole, not streamed: the ETag is the hash of the page, and a register is small.
      const lang = request.query.lang ?? 'en'
      let html = ''
      for await (const chunk of renderHtml(registerDocument(register, lang, await codeLabels(lang)))) html += chunk
      // Cast: the 200 schema describes the page for OpenAPI; the type provider expects the JSON body.
      return reply
        .type('text/html; charset=utf-8')
        .headers(documentSecurityHeaders)
        .send(html as never)
    }
  )
}

export default publicRegisterRoutes
