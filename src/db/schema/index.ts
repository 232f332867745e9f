export * from './audit-events.ts'
export * from './organisations.ts'
export * from './catalogue.ts'
export * from './activities.ts'
