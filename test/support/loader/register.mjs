// Loads the TypeScript of tests and src/ in tap's test processes (.taprc node-arg). tsx, which
// `npm start` uses, minifies whitespace, and V8 coverage of minified code maps each file to a
// single statement; tap's own ts-node plugin is correct but loads the TypeScript compiler in every
// test process (about 3 s of CPU per file). esbuild here strips the types, keeps every line and
// emits an inline source map, so coverage is counted per statement of the original file.
import { register } from 'node:module'

register('./hooks.mjs', import.meta.url)
