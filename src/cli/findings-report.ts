/**
 * What `ropa findings` does with the API's findings: the exit code, a report for people, and SARIF
 * 2.1.0 for code-scanning tools. Pure functions over the API's answers.
 */

export const severities = ['error', 'warning', 'info'] as const
export type Severity = (typeof severities)[number]
export const failLevels = [...severities, 'never'] as const
export type FailLevel = (typeof failLevels)[number]

export interface Acknowledged {
  id: string
  by: string
  at: string
  reason: string
  expiresAt: string | null
}

/** One item of GET …/findings. */
export interface Finding {
  rule: string
  severity: Severity
  article: string
  entityType: string
  entityId: string
  path: string
  message: string
  acknowledged?: Acknowledged | null
}

export interface FindingsAnswer {
  items: Finding[]
  summary: { errors: number; warnings: number; infos: number; acknowledged?: number }
}

/** One item of GET /v1/reference/rules. */
export interface Rule {
  id: string
  code: string
  severity: Severity
  article: string
  kind: string
  checks: string
  helpUri?: string
}

const rank: Record<FailLevel, number> = { info: 1, warning: 2, error: 3, never: Number.POSITIVE_INFINITY }

/** The findings that fail the run: not acknowledged, and at or above `failOn` (none for `never`). */
export const failing = (findings: readonly Finding[], failOn: FailLevel) =>
  findings.filter((finding) => !finding.acknowledged && rank[finding.severity] >= rank[failOn])

/** 1 when a finding fails the run, else 0. */
export const exitCodeFor = (findings: readonly Finding[], failOn: FailLevel) => (failing(findings, failOn).length > 0 ? 1 : 0)

const collections: Record<string, string> = { organisation: 'organisations', activity: 'activities', processor: 'processors' }

/** `activities/<id>`: the entity as a path of the API under the organisation. */
export const entityPath = (finding: Pick<Finding, 'entityType' | 'entityId'>) => `${collections[finding.entityType] ?? finding.entityType}/${finding.entityId}`

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`

/** The counts as a sentence: "3 errors, 1 warning, 0 infos (2 acknowledged)". */
export function summaryLine(findings: readonly Finding[]): string {
  const open = findings.filter((finding) => !finding.acknowledged)
  const count = (severity: Severity) => open.filter((finding) => finding.severity === severity).length
  const acknowledged = findings.length - open.length
  return `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${plural(count('info'), 'info')}${acknowledged ? ` (${acknowledged} acknowledged, not counted)` : ''}`
}

export interface TextOptions {
  /** Names of entities by their id, when known (the organisation, activities, processors). */
  names?: ReadonlyMap<string, string>
  rules?: readonly Rule[]
  /** Colours for a terminal. */
  colour?: boolean
}

/**
 * The findings for a person: grouped by entity (in the API's order: the organisation first, then
 * activities by name), each with severity, rule, article, path and message; acknowledged ones marked.
 */
export function renderText(findings: readonly Finding[], { names = new Map(), rules = [], colour = false }: TextOptions = {}): string {
  if (findings.length === 0) return 'No findings: the record passes every rule.\n'
  const paint = (code: number, text: string) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text)
  const severityColour: Record<Severity, number> = { error: 31, warning: 33, info: 36 }
  const codes = new Map(rules.map((rule) => [rule.id, rule.code]))
  const groups = new Map<string, Finding[]>()
  for (const finding of findings) {
    const key = entityPath(finding)
    groups.set(key, [...(groups.get(key) ?? []), finding])
  }
  const lines: string[] = []
  for (const [key, group] of groups) {
    const name = group[0] && names.get(group[0].entityId)
    lines.push(paint(1, name ? `${name} (${key})` : key))
    for (const finding of group) {
      const code = codes.get(finding.rule)
      const severity = finding.severity.padEnd(7)
      const mark = finding.acknowledged ? ' [acknowledged]' : ''
      lines.push(
        `  ${paint(severityColour[finding.severity], severity)} ${finding.rule}${code ? ` (${code})` : ''}  ${finding.article}  ${finding.path}${mark}`
      )
      lines.push(`           ${finding.message}`)
      if (finding.acknowledged) {
        const until = finding.acknowledged.expiresAt ? `, until ${finding.acknowledged.expiresAt}` : ''
        lines.push(`           acknowledged by ${finding.acknowledged.by} on ${finding.acknowledged.at.slice(0, 10)}${until}: ${finding.acknowledged.reason}`)
      }
    }
    lines.push('')
  }
  lines.push(summaryLine(findings))
  return `${lines.join('\n')}\n`
}

const sarifLevel: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' }

/** The last reference token of a JSON pointer, unescaped (RFC 6901). */
const lastToken = (pointer: string) => (pointer.split('/').pop() ?? '').replaceAll('~1', '/').replaceAll('~0', '~')

/** SARIF's kinds of a JSON location: the entity itself, one of its properties, or an item of a list. */
const logicalKind = (pointer: string) => (pointer === '' || pointer === '/' ? 'object' : /^\d+$/.test(lastToken(pointer)) ? 'value' : 'property')

export interface SarifOptions {
  rules: readonly Rule[]
  toolVersion?: string
  /** The API's base URL, recorded on the run so a reader knows where the findings came from. */
  source?: { url: string; organisationId: string }
}

/**
 * The findings as a SARIF 2.1.0 log: one run of the tool `ropa`, its rules from the catalogue, and a
 * result per finding located logically (`activities/<id>/purposes/0/legalBasis`): the record is not a
 * file. Acknowledged findings are results with an external suppression carrying the DPO's reason.
 */
export function toSarif(findings: readonly Finding[], { rules, toolVersion, source }: SarifOptions) {
  const index = new Map(rules.map((rule, position) => [rule.id, position]))
  return {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0' as const,
    runs: [
      {
        tool: {
          driver: {
            name: 'ropa',
            ...(toolVersion ? { version: toolVersion, semanticVersion: toolVersion } : {}),
            rules: rules.map((rule) => ({
              id: rule.id,
              shortDescription: { text: rule.checks },
              ...(rule.helpUri ? { helpUri: rule.helpUri } : {}),
              defaultConfiguration: { level: sarifLevel[rule.severity] ?? 'warning' },
              properties: { code: rule.code, article: rule.article, kind: rule.kind }
            }))
          }
        },
        ...(source ? { properties: { apiUrl: source.url, organisationId: source.organisationId } } : {}),
        results: findings.map((finding) => {
          const ruleIndex = index.get(finding.rule)
          const fullyQualifiedName = `${entityPath(finding)}${finding.path === '/' ? '' : finding.path}`
          return {
            ruleId: finding.rule,
            ...(ruleIndex === undefined ? {} : { ruleIndex }),
            level: sarifLevel[finding.severity],
            message: { text: finding.message },
            locations: [
              {
                logicalLocations: [
                  {
                    name: lastToken(finding.path) || finding.entityId,
                    fullyQualifiedName,
                    kind: logicalKind(finding.path)
                  }
                ]
              }
            ],
            partialFingerprints: { 'ropaFinding/v1': `${finding.rule}:${entityPath(finding)}${finding.path}` },
            properties: { article: finding.article, entityType: finding.entityType, entityId: finding.entityId, path: finding.path },
            ...(finding.acknowledged
              ? {
                  suppressions: [
                    {
                      kind: 'external' as const,
                      status: 'accepted' as const,
                      justification: finding.acknowledged.reason,
                      properties: { by: finding.acknowledged.by, at: finding.acknowledged.at, expiresAt: finding.acknowledged.expiresAt }
                    }
                  ]
                }
              : {})
          }
        })
      }
    ]
  }
}

export interface Position {
  line: number
  column: number
}

const escapeToken = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1')

/**
 * The line and column (1-based, in UTF-16 code units as SARIF counts by default) where the value at
 * each JSON pointer of `text` starts. Throws a SyntaxError if `text` is not JSON.
 */
export function jsonPointerPositions(text: string): Map<string, Position> {
  JSON.parse(text)
  const positions = new Map<string, Position>()
  let i = 0
  let line = 1
  let lineStart = 0
  const blank = () => {
    for (; i < text.length && /\s/.test(text.charAt(i)); i++) {
      if (text.charAt(i) === '\n') {
        line++
        lineStart = i + 1
      }
    }
  }
  const string = () => {
    const start = i
    for (i++; text.charAt(i) !== '"'; i++) if (text.charAt(i) === '\\') i++
    i++
    return JSON.parse(text.slice(start, i)) as string
  }
  const value = (pointer: string) => {
    blank()
    positions.set(pointer, { line, column: i - lineStart + 1 })
    const open = text.charAt(i)
    if (open === '{' || open === '[') {
      const close = open === '{' ? '}' : ']'
      i++
      blank()
      if (text.charAt(i) === close) return void i++
      for (let index = 0; ; index++) {
        blank()
        let token = String(index)
        if (open === '{') {
          token = escapeToken(string())
          blank()
          i++ // the colon
        }
        value(`${pointer}/${token}`)
        blank()
        if (text.charAt(i++) === close) return
      }
    }
    if (open === '"') string()
    else while (i < text.length && !/[\s,\]}]/.test(text.charAt(i))) i++
  }
  value('')
  return positions
}

/** An entity of the API as the bundle names it: by its key where the API has one, else by its name. */
export interface EntityIdentity {
  name?: string
  key?: string
}

const bundleLists: Record<string, string> = { activity: 'activities', processor: 'processors' }

/**
 * Where a finding sits in a bundle file (as `ropa pull` writes it): the entity's entry, matched by
 * key or else by name, and the path into it with links named as the bundle names them (`…Ids` →
 * `…Keys`, `processorId` → `processorKey`); the longest part of that pointer the file holds.
 * Undefined when the file has no entry for the entity.
 */
export function bundlePointer(
  finding: Finding,
  bundle: Record<string, unknown>,
  identities: ReadonlyMap<string, EntityIdentity>,
  positions: ReadonlyMap<string, Position>
): string | undefined {
  let entry: string
  if (finding.entityType === 'organisation') entry = '/organisation'
  else {
    const list = bundleLists[finding.entityType]
    const entries = list ? bundle[list] : undefined
    const identity = identities.get(finding.entityId)
    if (!list || !Array.isArray(entries) || !identity) return undefined
    const index = entries.findIndex(
      (candidate: Record<string, unknown> | null) =>
        candidate !== null &&
        ((identity.key !== undefined && candidate.key === identity.key) || (identity.name !== undefined && candidate.name === identity.name))
    )
    if (index < 0) return undefined
    entry = `/${list}/${index}`
  }
  const tokens = finding.path
    .split('/')
    .slice(1)
    .filter((token) => token !== '')
    .map((token) => token.replace(/Ids$/, 'Keys').replace(/Id$/, 'Key'))
  for (let length = tokens.length; length >= 0; length--) {
    const pointer = [entry, ...tokens.slice(0, length)].join('/')
    if (positions.has(pointer)) return pointer
  }
  return undefined
}

export interface BundleFile {
  /** The file's path as SARIF names the artifact (relative to the repository root, with `/`). */
  uri: string
  text: string
  identities: ReadonlyMap<string, EntityIdentity>
}

/**
 * Adds to each result of `toSarif` a physical location in the bundle file, for tools that place
 * results on files (GitHub code scanning does): the line of the finding's value, or of its entity;
 * the file's first line when the file does not hold the entity.
 */
export function locateInBundle(sarif: ReturnType<typeof toSarif>, findings: readonly Finding[], file: BundleFile) {
  const positions = jsonPointerPositions(file.text)
  const bundle = JSON.parse(file.text) as Record<string, unknown>
  const run = sarif.runs[0]
  if (!run) return sarif
  const results = run.results.map((result, index) => {
    const finding = findings[index]
    const pointer = finding && bundlePointer(finding, bundle, file.identities, positions)
    const position = (pointer !== undefined && positions.get(pointer)) || { line: 1, column: 1 }
    const [location] = result.locations
    return {
      ...result,
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: file.uri }, region: { startLine: position.line, startColumn: position.column } },
          ...location,
          ...(pointer === undefined ? {} : { properties: { bundlePointer: pointer } })
        }
      ]
    }
  })
  return { ...sarif, runs: [{ ...run, results }] }
}
