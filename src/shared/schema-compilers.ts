import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import type { FastifyServerOptions } from 'fastify'

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>
export type BuildValidator = NonNullable<CompilersFactory['buildValidator']>
type BuildSerializer = NonNullable<CompilersFactory['buildSerializer']>

/**
 * Fastify compiles every route's validators and serialisers when the app becomes ready; their
 * generated code is most of the heap of a process at rest, and most of it serves routes a given
 * process rarely or never answers. These factories hand Fastify functions that compile on their
 * first call instead. A schema that does not compile then fails at its first request, not at start:
 * `buildApp`'s `compileSchemasAtStart` (a test uses it) compiles them all as before.
 */
export function validatorsAtFirstUse(build: BuildValidator): BuildValidator {
  return (externalSchemas, options) => {
    const compile = build(externalSchemas, options)
    return (route) => validatorAtFirstUse(() => compile(route) as Validator) as ReturnType<typeof compile>
  }
}

export function serializersAtFirstUse(build: BuildSerializer = SerializerSelector()): BuildSerializer {
  return (externalSchemas, options) => {
    const compile = build(externalSchemas, options)
    return (route) => {
      const serializer = once(() => compile(route))
      return (document) => serializer()(document)
    }
  }
}

interface Validator {
  (...args: unknown[]): unknown
  errors?: unknown
  schemaEnv?: unknown
}

function validatorAtFirstUse(compile: () => Validator): Validator {
  const validator = once(compile)
  const validate = (...args: unknown[]) => validator()(...args)
  // Fastify reads `errors` after a call that failed, and gives Ajv the parent of the value (so a
  // default or a coercion can replace the value itself) only when the function has `schemaEnv`.
  Object.defineProperties(validate, {
    errors: { get: () => validator().errors },
    schemaEnv: { get: () => validator().schemaEnv }
  })
  return validate
}

function once<T>(make: () => T): () => T {
  let made: T | undefined
  return () => {
    made ??= make()
    return made
  }
}
