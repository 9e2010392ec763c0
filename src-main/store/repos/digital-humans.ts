import type { Kysely, Selectable } from 'kysely'
import type { DB, DigitalHumansTable } from '../schema'
import type { DigitalHuman } from '../../contract/digital-humans'
import { json, num, uniqueOr409 } from '../errors'
import { nothingToSet } from './nothing-to-set'
import { columns, jsonColumn } from './columns'

export type DigitalHumanRow = Selectable<DigitalHumansTable>

const NO_VOICE: DigitalHuman['voice'] = { ttsModelId: null, voice: null, speed: null }

export const toDigitalHuman = (r: DigitalHumanRow): DigitalHuman => ({
  id: r.id,
  name: r.name,
  kind: r.kind as DigitalHuman['kind'],
  look: r.look as DigitalHuman['look'],
  palette: r.palette as DigitalHuman['palette'],
  liveTalking: json(r.live_talking, null),
  voice: { ...NO_VOICE, ...json(r.voice, NO_VOICE) },
  modelFile: json(r.model_file, null),
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at)
})

/** Entity fields → columns; only the fields present are written. */
export const digitalHumanColumns = (d: Partial<DigitalHuman>): Partial<DigitalHumanRow> =>
  columns<DigitalHumanRow>({
    name: d.name,
    kind: d.kind,
    look: d.look,
    palette: d.palette,
    live_talking: jsonColumn(d.liveTalking),
    voice: d.voice === undefined ? undefined : JSON.stringify(d.voice),
    model_file: jsonColumn(d.modelFile)
  })

export function digitalHumansRepo(db: Kysely<DB>) {
  const taken = (name?: string) => `A digital human named "${name}" already exists`
  return {
    list: () => db.selectFrom('digital_humans').selectAll().orderBy('created_at').orderBy('name').execute(),
    find: (id: string) => db.selectFrom('digital_humans').selectAll().where('id', '=', id).executeTakeFirst(),
    insert: (row: DigitalHumanRow) => uniqueOr409(() => db.insertInto('digital_humans').values(row).execute(), taken(row.name)),
    update: async (id: string, patch: Partial<DigitalHumanRow>) => {
      if (nothingToSet(patch)) return
      await uniqueOr409(() => db.updateTable('digital_humans').set(patch).where('id', '=', id).execute(), taken(patch.name))
    },
    delete: (id: string) => db.deleteFrom('digital_humans').where('id', '=', id).execute()
  }
}
