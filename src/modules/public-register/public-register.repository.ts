import { sql } from 'drizzle-orm'
import type { DatabaseHandle } from '../../db/client.ts'
import { organisations } from '../../db/schema/index.ts'
import { columnsOf, readActivities, readCatalogue } from '../../exports/record.repository.ts'
import type { Activity } from '../activities/activities.schemas.ts'
import { toOrganisation } from '../organisations/organisations.repository.ts'
import type { PublicRegister } from './public-register.schemas.ts'
import { publicRegister } from './register.ts'

/**
 * The register of the organisation with this slug, if it publishes one, read in one snapshot in three
 * statements whatever its size: the organisation, its catalogue, its active activities. Undefined
 * both for an unknown slug and for a register that is off, so the two cannot be told apart.
 */
export async function readPublicRegister(database: DatabaseHandle, slug: string): Promise<PublicRegister | undefined> {
  const read = database.readSnapshot(async function* (snapshot) {
    const [row] = await snapshot.all(
      sql`select ${columnsOf(organisations)} from ${organisations} where ${organisations.slug} = ${slug} and ${organisations.publicRegister}`
    )
    if (!row) return
    // The select list is the table's own columns (columnsOf), so the row is what drizzle would return.
    const organisation = toOrganisation(row as typeof organisations.$inferSelect)
    const catalogue = await readCatalogue(snapshot, organisation.id)
    const activities: Activity[] = []
    for await (const { activity } of readActivities(snapshot, organisation.id, { record: 'controller', includeDrafts: false })) activities.push(activity)
    yield publicRegister(organisation, catalogue, activities)
  })
  for await (const register of read) return register
  return undefined
}
