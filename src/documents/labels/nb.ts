import { english } from './en.ts'
import type { CodeLabels } from './index.ts'

// Placeholder while the Norwegian Bokmål translations are written: English text under the nb tag.
export const norwegianBokmal: CodeLabels = { ...english, lang: 'nb' }
