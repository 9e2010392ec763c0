import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Kysely } from 'kysely'
import {
  builtinLookRef,
  MAX_AVATAR_MODEL_BYTES,
  type AvatarModelFile,
  type DigitalHuman,
  type DigitalHumanCreate,
  type DigitalHumanUpdate,
  type DigitalHumanVoice
} from '../../contract/digital-humans'
import type { Agent } from '../../contract/entities'
import { AppError } from '../../contract/errors'
import type { DB } from '../../store/schema'
import { digitalHumanColumns, digitalHumansRepo, toDigitalHuman, type DigitalHumanRow } from '../../store/repos/digital-humans'
import { json } from '../../store/errors'
import type { StudioEvents } from '../events'
import { newId } from '../util/ids'
import { AvatarModelError, inspectAvatarModel, type AvatarModelInfo } from '../../../digitalhuman/avatar/model-file'
import { log } from '../../base/log'

export interface DigitalHumansOptions {
  /** The largest GLB/VRM accepted (default MAX_AVATAR_MODEL_BYTES). */
  maxModelBytes: number
}

export type DigitalHumansService = ReturnType<typeof digitalHumansService>

/** An agent's avatar as the pages need it: a registry entry, or a bare built-in look. */
export type ResolvedAvatar = Pick<DigitalHuman, 'kind' | 'look' | 'palette' | 'liveTalking' | 'voice' | 'modelFile'> & { id: string | null }

const DEFAULT_AVATAR: ResolvedAvatar = {
  id: null,
  kind: 'builtin',
  look: 'guide',
  palette: 'blue',
  liveTalking: null,
  voice: { ttsModelId: null, voice: null, speed: null },
  modelFile: null
}

type AvatarField = 'chatAvatarId' | 'explainerAvatarId'
const AVATAR_FIELDS: AvatarField[] = ['chatAvatarId', 'explainerAvatarId']

const mib = (bytes: number) => `${Math.round((bytes / 1_048_576) * 10) / 10} MB`

/**
 * The digital humans registry: CRUD, the uploaded 3D files (kept in <data>/digital-humans, checked
 * to be GLB/VRM before they are kept), which agents use an avatar, and the avatar and voice an
 * agent gets from its choice.
 */
export function digitalHumansService(deps: { db: Kysely<DB>; events: StudioEvents; dataDir: string; options?: Partial<DigitalHumansOptions> }) {
  const { db, events } = deps
  const repo = digitalHumansRepo(db)
  const maxModelBytes = deps.options?.maxModelBytes ?? MAX_AVATAR_MODEL_BYTES
  const dir = join(deps.dataDir, 'digital-humans')
  const fileOf = (id: string, kind: string) => join(dir, `${id}.${kind === 'vrm' ? 'vrm' : 'glb'}`)

  async function row(id: string): Promise<DigitalHumanRow> {
    const r = await repo.find(id)
    if (!r) throw new AppError('not_found', `No digital human with id ${id}`)
    return r
  }

  /** The combination the contract cannot check on a partial update: the kind and its service. */
  function checkKind(d: Pick<DigitalHuman, 'kind' | 'liveTalking'>) {
    if (d.kind === 'livetalking' && !d.liveTalking)
      throw new AppError('validation_failed', 'Invalid request: liveTalking: a LiveTalking avatar needs its service URL', {
        issues: [{ path: 'liveTalking', message: 'a LiveTalking avatar needs its service URL' }]
      })
  }

  /** Agents whose chat or explainer avatar is `id`, with the fields that name it. */
  async function usersOf(
    id: string
  ): Promise<Array<{ agent: { id: string; name: string }; choice: NonNullable<Agent['digitalHuman']>; fields: AvatarField[] }>> {
    // Ids are uuids: no LIKE wildcard in them. The JSON is then read to be sure of the field.
    const rows = await db.selectFrom('agents').select(['id', 'name', 'digital_human']).where('digital_human', 'like', `%${id}%`).orderBy('name').execute()
    const out = []
    for (const r of rows) {
      const choice = json<Agent['digitalHuman']>(r.digital_human, null)
      const fields = AVATAR_FIELDS.filter((f) => choice?.[f] === id)
      if (choice && fields.length) out.push({ agent: { id: r.id, name: r.name }, choice, fields })
    }
    return out
  }

  async function removeFile(path: string) {
    await rm(path, { force: true }).catch((err: unknown) => log.warn({ err, path }, 'avatar file not removed'))
  }

  /**
   * The same check the 3D avatar makes before three.js sees the file (digitalhuman/avatar/model-file.ts):
   * not a GLB → 415, anything else it refuses (damaged, Draco, no mesh, no mouth) → 422 with its
   * message; a VRM avatar needs a file with VRM data.
   */
  function checkModel(bytes: Uint8Array, kind: 'glb' | 'vrm', fileName: string): AvatarModelInfo {
    let info: AvatarModelInfo
    try {
      info = inspectAvatarModel(bytes)
    } catch (err) {
      if (!(err instanceof AvatarModelError)) throw err
      throw new AppError(err.kind === 'not-glb' ? 'unsupported_media_type' : 'validation_failed', `${fileName}: ${err.message}`)
    }
    if (kind === 'vrm' && info.format !== 'vrm')
      throw new AppError('validation_failed', `${fileName} is a GLB without VRM data: register it as a GLB avatar, or export it as VRM`)
    return info
  }

  /** Checks a received file and makes it the avatar's model (replacing any earlier one). */
  async function attach(id: string, tempPath: string, fileName: string): Promise<DigitalHuman> {
    const current = await row(id)
    if (current.kind !== 'glb' && current.kind !== 'vrm')
      throw new AppError('conflict', `The digital human "${current.name}" is a ${current.kind} avatar: only GLB and VRM avatars take a file`)
    const { size } = await stat(tempPath)
    if (size === 0) throw new AppError('validation_failed', `Empty file: ${fileName}`)
    if (size > maxModelBytes) throw new AppError('payload_too_large', `${fileName} is larger than the ${mib(maxModelBytes)} limit for an avatar file`)
    // Bounded by the size limit above; the check needs the whole file (its header's length, the chunks).
    const bytes = await readFile(tempPath)
    const info = checkModel(bytes, current.kind, fileName)
    const sha256 = createHash('sha256').update(bytes).digest('hex')
    const modelFile: AvatarModelFile = { fileName, bytes: size, sha256, uploadedAt: Date.now(), format: info.format, lips: info.lips, warnings: info.warnings }
    await rename(tempPath, fileOf(id, current.kind))
    await repo.update(id, { ...digitalHumanColumns({ modelFile }), updated_at: Date.now() })
    events.emit('digitalHumans.changed', { id })
    return toDigitalHuman(await row(id))
  }

  /** Where an upload is streamed before it is checked (same folder: the final move is a rename). */
  async function incomingPath(): Promise<string> {
    await mkdir(dir, { recursive: true, mode: 0o700 })
    return join(dir, `.incoming-${Date.now()}-${randomBytes(8).toString('hex')}`)
  }

  /** Takes a received file (removed if refused). */
  async function attachUpload(id: string, tempPath: string, fileName: string): Promise<DigitalHuman> {
    try {
      return await attach(id, tempPath, fileName)
    } finally {
      await rm(tempPath, { force: true })
    }
  }

  /** What an avatar reference names: a registry entry, a built-in look, or (unknown, none) the default guide. */
  async function resolve(ref: string | undefined | null): Promise<ResolvedAvatar> {
    if (!ref) return DEFAULT_AVATAR
    const look = builtinLookRef(ref)
    if (look) return { ...DEFAULT_AVATAR, look }
    const r = await repo.find(ref)
    if (!r) return DEFAULT_AVATAR
    const { kind, look: l, palette, liveTalking, voice, modelFile, id } = toDigitalHuman(r)
    return { id, kind, look: l, palette, liveTalking, voice, modelFile }
  }

  return {
    maxModelBytes,
    list: async () => (await repo.list()).map(toDigitalHuman),
    get: async (id: string) => toDigitalHuman(await row(id)),

    async create(input: DigitalHumanCreate): Promise<DigitalHuman> {
      checkKind(input)
      const now = Date.now()
      const entity = {
        ...input,
        liveTalking: input.kind === 'livetalking' ? input.liveTalking : null,
        modelFile: null
      }
      const r = { id: newId(), ...(digitalHumanColumns(entity) as Omit<DigitalHumanRow, 'id' | 'created_at' | 'updated_at'>), created_at: now, updated_at: now }
      await repo.insert(r)
      events.emit('digitalHumans.changed', { id: r.id })
      return toDigitalHuman(r)
    },

    async update(id: string, patch: DigitalHumanUpdate): Promise<DigitalHuman> {
      const current = toDigitalHuman(await row(id))
      const next = {
        ...current,
        ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
        voice: { ...current.voice, ...patch.voice } as DigitalHumanVoice
      } as DigitalHuman
      checkKind(next)
      if (next.kind !== 'livetalking') next.liveTalking = null
      // A file belongs to the kind it was checked for: another kind drops it.
      const dropFile = current.modelFile && next.kind !== current.kind
      if (dropFile) next.modelFile = null
      await repo.update(id, {
        ...digitalHumanColumns({ ...patch, voice: next.voice, liveTalking: next.liveTalking, ...(dropFile ? { modelFile: null } : {}) }),
        updated_at: Date.now()
      })
      if (dropFile) await removeFile(fileOf(id, current.kind))
      events.emit('digitalHumans.changed', { id })
      return toDigitalHuman(await row(id))
    },

    /** Deletes it and its file; the agents that used it are left on the built-in avatar (the confirmation named them). */
    async delete(id: string): Promise<{ ok: true }> {
      const current = await row(id)
      const users = await usersOf(id)
      const now = Date.now()
      await db.transaction().execute(async (trx) => {
        for (const u of users) {
          const choice = { ...u.choice }
          for (const f of u.fields) delete choice[f]
          await trx
            .updateTable('agents')
            .set({ digital_human: JSON.stringify(choice), updated_at: now })
            .where('id', '=', u.agent.id)
            .execute()
        }
        await trx.deleteFrom('digital_humans').where('id', '=', id).execute()
      })
      await removeFile(fileOf(id, current.kind))
      for (const u of users) events.emit('agents.changed', { id: u.agent.id })
      events.emit('digitalHumans.changed', { id })
      return { ok: true }
    },

    /** Agents using it as their chat or explainer avatar (for the delete confirmation). */
    async agentsUsing(id: string): Promise<Array<{ id: string; name: string }>> {
      await row(id)
      return (await usersOf(id)).map((u) => u.agent)
    },

    incomingPath,
    attachUpload,
    /** The desktop app: copies the file at `path` on this machine (size-limited while copying). */
    async attachPath(id: string, path: string): Promise<DigitalHuman> {
      await row(id)
      const info = await stat(path).catch(() => null)
      if (!info?.isFile()) throw new AppError('not_found', `No file at ${path}`)
      if (info.size > maxModelBytes)
        throw new AppError('payload_too_large', `${basename(path)} is larger than the ${mib(maxModelBytes)} limit for an avatar file`)
      const temp = await incomingPath()
      let copied = 0
      const limit = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          copied += chunk.length
          cb(
            copied > maxModelBytes ? new AppError('payload_too_large', `${basename(path)} grew past the ${mib(maxModelBytes)} limit while copying`) : null,
            chunk
          )
        }
      })
      try {
        await pipeline(createReadStream(path), limit, createWriteStream(temp, { mode: 0o600 }))
      } catch (err) {
        await rm(temp, { force: true })
        if (err instanceof AppError) throw err
        throw new AppError('bad_request', `Cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
      }
      return attachUpload(id, temp, basename(path))
    },

    /** The stored file of a GLB/VRM avatar, or null. */
    async modelFile(id: string): Promise<{ path: string; fileName: string; bytes: number } | null> {
      const r = await repo.find(id)
      const d = r && toDigitalHuman(r)
      if (!d?.modelFile || (d.kind !== 'glb' && d.kind !== 'vrm')) return null
      return { path: fileOf(id, d.kind), fileName: d.modelFile.fileName, bytes: d.modelFile.bytes }
    },

    resolve,

    /**
     * The voice an agent speaks with: its chat avatar's, each field overridden by the agent's own
     * `ttsModelId` / `voice` / `speed` when set (undefined = the speech route's default).
     */
    async voiceOf(agent: Pick<Agent, 'digitalHuman'> | undefined): Promise<{ ttsModelId?: string; voice?: string; speed?: number }> {
      const dh = agent?.digitalHuman
      const avatar = (await resolve(dh?.chatAvatarId)).voice
      return {
        ttsModelId: dh?.ttsModelId ?? avatar.ttsModelId ?? undefined,
        voice: dh?.voice ?? avatar.voice ?? undefined,
        speed: dh?.speed ?? avatar.speed ?? undefined
      }
    },

    /** Refuses an agent's avatar choice that names nothing (422 naming the field). */
    async checkChoice(choice: Agent['digitalHuman'] | undefined): Promise<void> {
      for (const field of AVATAR_FIELDS) {
        const ref = choice?.[field]
        if (!ref || builtinLookRef(ref) || (await repo.find(ref))) continue
        const path = `digitalHuman.${field}`
        throw new AppError('validation_failed', `Invalid request: ${path}: no digital human with id ${ref}`, {
          issues: [{ path, message: `no digital human with id ${ref}` }]
        })
      }
    }
  }
}
