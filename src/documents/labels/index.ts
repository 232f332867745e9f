import type { Applies, RightAnswer } from '../../compliance/rights.ts'
import type { Finding, Severity } from '../../compliance/types.ts'
import { english } from './en.ts'

/** The languages documents are written in. Adding one: a file like `en.ts` implementing `CodeLabels`, listed here. */
export const languages = ['en', 'nb'] as const
export type Lang = (typeof languages)[number]

/**
 * How a document names the codes, rights and findings of the record in one language. English reads
 * the reference data and the rules' own messages; other languages translate them, keyed by code.
 */
export interface CodeLabels {
  lang: Lang
  /** Art. 6(1) bases and Art. 9(2) conditions (`6.1.f`, `9.2.a`). */
  legalBasis(code: string): string
  /** Art. 9(1) special categories (`health_data`). */
  specialCategory(code: string): string
  /** Chapter V transfer mechanisms (`46.2.c`). */
  mechanism(code: string): string
  securityMeasure(code: string): string
  dpiaCriterion(code: string): string
  /** ISO 3166-1 alpha-2 country, or an international organisation's code. */
  country(code: string): string
  /** A right of the rights computation (`erasure`, `object_to_direct_marketing`). */
  right(right: string): string
  applies(applies: Applies): string
  /** Why a right applies as it does, in this language. */
  rightReason(answer: RightAnswer): string
  severity(severity: Severity): string
  /** A finding's message in this language. */
  finding(finding: Finding): string
}

const byLang: Record<Lang, () => Promise<CodeLabels>> = {
  en: async () => english,
  nb: async () => (await import('./nb.ts')).norwegianBokmal
}

/** The labels of one language (loaded when first asked for). */
export function codeLabels(lang: Lang): Promise<CodeLabels> {
  return byLang[lang]()
}
