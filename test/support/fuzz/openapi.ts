/** Generators and checks of test/security/fuzz.test.ts. The subset of the OpenAPI document the fuzzer reads, and its operations. */
export interface Schema {
  type?: string | string[]
  enum?: unknown[]
  const?: unknown
  anyOf?: Schema[]
  oneOf?: Schema[]
  properties?: Record<string, Schema>
  required?: string[]
  additionalProperties?: boolean | Schema
  minProperties?: number
  items?: Schema
  minItems?: number
  maxItems?: number
  uniqueItems?: boolean
  minLength?: number
  maxLength?: number
  pattern?: string
  format?: string
  minimum?: number
  maximum?: number
  examples?: unknown[]
  $ref?: string
}

export interface Parameter {
  name: string
  in: 'path' | 'query' | 'header' | 'cookie'
  required?: boolean
  schema?: Schema
}

export interface MediaType {
  schema?: Schema
}

export interface OpenApiOperation {
  operationId?: string
  parameters?: Parameter[]
  requestBody?: { required?: boolean; content?: Record<string, MediaType> }
  responses?: Record<string, { content?: Record<string, MediaType> }>
  security?: unknown[]
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>
  components?: { schemas?: Record<string, Schema> }
}

export interface Operation {
  id: string
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  path: string
  params: Parameter[]
  body?: Schema
  /** Documented statuses, as numbers. */
  statuses: Set<number>
  /** Documented media types per status. */
  responses: Map<number, Map<string, Schema | undefined>>
}

export const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const

export function operationsOf(spec: OpenApiDocument): Operation[] {
  const operations: Operation[] = []
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const operation = item[method]
      if (!operation) continue
      const responses = new Map<number, Map<string, Schema | undefined>>()
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        responses.set(Number(status), new Map(Object.entries(response.content ?? {}).map(([type, media]) => [type, media.schema])))
      }
      operations.push({
        id: operation.operationId ?? `${method} ${path}`,
        method: method.toUpperCase() as Operation['method'],
        path,
        params: operation.parameters ?? [],
        body: operation.requestBody?.content?.['application/json']?.schema,
        statuses: new Set(responses.keys()),
        responses
      })
    }
  }
  return operations
}
