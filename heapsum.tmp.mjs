import { readFileSync } from 'node:fs'

const snap = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const { node_fields, node_types } = snap.snapshot.meta
const F = node_fields.length
const typeNames = node_types[0]
const iType = node_fields.indexOf('type'),
  iName = node_fields.indexOf('name'),
  iSize = node_fields.indexOf('self_size')
const by = new Map()
const nodes = snap.nodes
for (let i = 0; i < nodes.length; i += F) {
  const type = typeNames[nodes[i + iType]]
  let name = snap.strings[nodes[i + iName]]
  if (type === 'string' || type === 'concatenated string' || type === 'sliced string') name = '(string)'
  else if (type === 'number') name = '(number)'
  else if (type === 'array') name = `(array) ${name}`
  else if (type === 'code' || type === 'closure') name = `(${type})`
  const key = `${type}:${name}`
  const e = by.get(key) ?? { count: 0, size: 0 }
  e.count++
  e.size += nodes[i + iSize]
  by.set(key, e)
}
const rows = [...by].sort((a, b) => b[1].size - a[1].size).slice(0, 30)
for (const [k, e] of rows) console.log((e.size / 1e6).toFixed(1).padStart(8), 'MB', String(e.count).padStart(9), k.slice(0, 100))
