/** Generators and checks of test/security/fuzz.test.ts. One mutation of a valid value: the wrong type, a missing field, an unknown key, over a limit. */
import fc from 'fast-check'
import { BAD_DATES, BAD_IDS, BAD_INSTANTS, hostileString, UNICODE_EDGES, UNKNOWN_KEYS, wrongType } from './hostile-values.ts'
import { IdRef } from './ids.ts'
import type { Schema } from './openapi.ts'
import { typesOf } from './valid-values.ts'

export type PathSegment = string | number

export interface Node {
  path: PathSegment[]
  schema: Schema
  value: unknown
}

/** The branch of a union schema that a value was generated from. */
export function branchFor(schema: Schema, value: unknown): Schema {
  const branches = schema.anyOf ?? schema.oneOf
  if (branches) {
    const kind =
      value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value
    return (
      branches.find((branch) => typesOf(branch).includes(kind) || (kind === 'integer' && typesOf(branch).includes('number'))) ??
      branches.find((branch) => branch.enum) ??
      schema
    )
  }
  return schema
}

export function nodesOf(value: unknown, schema: Schema, path: PathSegment[] = []): Node[] {
  const resolved = branchFor(schema, value)
  const nodes: Node[] = [{ path, schema: resolved, value }]
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) nodes.push(...nodesOf(item, resolved.items ?? {}, [...path, index]))
  } else if (value !== null && typeof value === 'object' && !(value instanceof IdRef)) {
    for (const [key, child] of Object.entries(value)) nodes.push(...nodesOf(child, resolved.properties?.[key] ?? {}, [...path, key]))
  }
  return nodes
}

export const defineKey = (target: Record<string, unknown>, key: string, value: unknown) =>
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })

/** Returns a copy of `root` with the value at `path` replaced (`undefined` deletes it). */
export function setAt(root: unknown, path: PathSegment[], replacement: unknown): unknown {
  if (path.length === 0) return replacement
  const [head, ...rest] = path
  if (Array.isArray(root)) {
    const copy = [...root]
    copy[head as number] = setAt(copy[head as number], rest, replacement)
    return copy
  }
  const copy: Record<string, unknown> = {}
  for (const [key, child] of Object.entries(root as Record<string, unknown>)) defineKey(copy, key, child)
  const next = setAt(copy[head as string], rest, replacement)
  if (next === undefined) delete copy[head as string]
  else defineKey(copy, head as string, next)
  return copy
}

export type MutationKind =
  | 'none'
  | 'foreignId'
  | 'wrongType'
  | 'dropRequired'
  | 'unknownKey'
  | 'overMaxLength'
  | 'hugeString'
  | 'overMaxItems'
  | 'unicode'
  | 'enumMiss'
  | 'badFormat'
  | 'optionalWrongType'
  | 'outOfRange'

export interface Mutation {
  kind: MutationKind
  pick: number
  hostile: unknown
  key: string
}

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom<MutationKind>(
    'none',
    'foreignId',
    'foreignId',
    'wrongType',
    'wrongType',
    'dropRequired',
    'unknownKey',
    'unknownKey',
    'overMaxLength',
    'hugeString',
    'overMaxItems',
    'unicode',
    'unicode',
    'enumMiss',
    'badFormat',
    'optionalWrongType',
    'outOfRange'
  ),
  pick: fc.nat(),
  hostile: fc.oneof(wrongType, hostileString),
  key: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...UNKNOWN_KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) })
})

/** Applies one mutation to a valid value, at a node chosen by `pick` among the nodes it can apply to. */
export function mutate(value: unknown, schema: Schema, mutation: Mutation): unknown {
  const nodes = nodesOf(value, schema)
  const choose = (candidates: Node[]) => candidates[mutation.pick % Math.max(candidates.length, 1)]
  const isObject = (node: Node) => node.value !== null && typeof node.value === 'object' && !Array.isArray(node.value) && !(node.value instanceof IdRef)
  const isString = (node: Node) => typeof node.value === 'string'
  switch (mutation.kind) {
    case 'none':
      return value
    case 'foreignId': {
      const node = choose(nodes.filter((candidate) => candidate.value instanceof IdRef))
      if (!node) return value
      const target = (node.value as IdRef).target
      const pool = [new IdRef('foreign', target), new IdRef('otherKind', target), randomUUIDFrom(mutation.pick)]
      return setAt(value, node.path, pool[mutation.pick % pool.length])
    }
    case 'wrongType': {
      const node = choose(nodes)!
      return setAt(value, node.path, mutation.hostile)
    }
    case 'dropRequired': {
      const node = choose(
        nodes.filter((candidate) => isObject(candidate) && (candidate.schema.required ?? []).some((key) => key in (candidate.value as object)))
      )
      if (!node) return value
      const required = (node.schema.required ?? []).filter((key) => key in (node.value as object))
      return setAt(value, [...node.path, required[mutation.pick % required.length]!], undefined)
    }
    case 'unknownKey': {
      const node = choose(nodes.filter(isObject)) ?? nodes[0]!
      return setAt(value, [...node.path, mutation.key], mutation.hostile)
    }
    case 'optionalWrongType': {
      const node = choose(nodes.filter((candidate) => isObject(candidate) && Object.keys(candidate.schema.properties ?? {}).length > 0))
      if (!node) return value
      const keys = Object.keys(node.schema.properties ?? {})
      return setAt(value, [...node.path, keys[mutation.pick % keys.length]!], mutation.hostile)
    }
    case 'overMaxLength': {
      const node = choose(nodes.filter((candidate) => isString(candidate) && candidate.schema.maxLength !== undefined))
      if (!node) return value
      const unit = mutation.pick % 2 === 0 ? 'a' : '😀'
      return setAt(value, node.path, unit.repeat(node.schema.maxLength! + 1))
    }
    case 'hugeString': {
      const node = choose(nodes.filter((candidate) => isString(candidate) || candidate.value instanceof IdRef))
      if (!node) return value
      return setAt(value, node.path, mutation.pick % 3 === 0 ? '\u0000'.repeat(100_000) : 'x'.repeat(100_000))
    }
    case 'overMaxItems': {
      const node = choose(nodes.filter((candidate) => Array.isArray(candidate.value)))
      if (!node) return value
      const items = node.value as unknown[]
      const length = node.schema.maxItems !== undefined && mutation.pick % 2 === 0 ? node.schema.maxItems + 1 : 10_000
      const filler = items[0] ?? (node.schema.items?.format === 'uuid' ? randomUUIDFrom(mutation.pick) : 'x')
      return setAt(
        value,
        node.path,
        Array.from({ length }, (_, index) => (typeof filler === 'string' && node.schema.uniqueItems ? `${filler}${index}` : filler))
      )
    }
    case 'unicode': {
      const node = choose(nodes.filter(isString))
      if (!node) return value
      const edge = UNICODE_EDGES[mutation.pick % UNICODE_EDGES.length]!
      return setAt(value, node.path, mutation.pick % 3 === 0 ? edge : `${node.value as string}${edge}`)
    }
    case 'enumMiss': {
      const node = choose(nodes.filter((candidate) => candidate.schema.enum !== undefined))
      if (!node) return value
      const variants = [String(node.value).toUpperCase(), `${String(node.value)} `, '', 'unknown', String(node.value).replace(/\./g, '')]
      return setAt(value, node.path, variants[mutation.pick % variants.length])
    }
    case 'badFormat': {
      const node = choose(
        nodes.filter((candidate) => candidate.schema.format !== undefined || candidate.schema.pattern !== undefined || candidate.value instanceof IdRef)
      )
      if (!node) return value
      const format = node.schema.format
      const pool =
        format === 'date-time'
          ? BAD_INSTANTS
          : format === 'date'
            ? BAD_DATES
            : format === 'uuid'
              ? BAD_IDS
              : ['no', 'us', 'P', 'PT', 'P1Y2', 'mailto:x', 'javascript:alert(1)', 'a@', '@b', 'http://', 'XX', 'ZZ']
      return setAt(value, node.path, pool[mutation.pick % pool.length])
    }
    case 'outOfRange': {
      const node = choose(nodes.filter((candidate) => typeof candidate.value === 'number'))
      if (!node) return value
      const pool = [(node.schema.maximum ?? 0) + 1, (node.schema.minimum ?? 0) - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 63, 1e308, 0.5, -0]
      return setAt(value, node.path, pool[mutation.pick % pool.length])
    }
  }
}

export const randomUUIDFrom = (seed: number) => `00000000-0000-4000-8000-${String(seed % 1e12).padStart(12, '0')}`
