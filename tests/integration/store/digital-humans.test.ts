import { ownerContext } from '../../../src-main/core/context'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bootRuntime, tempDir, type BootedRuntime } from '../../utils/boot'
import { createTempMysqlDb } from '../../utils/mariadb'
import { makeAvatarGlb } from '../../utils/make-avatar-models'
import type { StoreConfig } from '../../../src-main/store/db'
import { AgentCreate } from '../../../src-main/contract/entities'
import { DigitalHumanCreate } from '../../../src-main/contract/digital-humans'
import { AppError } from '../../../src-main/contract/errors'

/**
 * The digital humans registry through the real services, on SQLite (the desktop) and MariaDB (team
 * mode): what is kept across a reopen, names, the kind rules, files, what deleting one does to the
 * agents using it, and the voice an agent gets from its chat avatar.
 */
type Target = { name: string; setup(): Promise<{ store?: StoreConfig; teardown(): Promise<void> }> }

const targets: Target[] = [
  { name: 'sqlite', setup: async () => ({ teardown: async () => {} }) },
  {
    name: 'mariadb',
    setup: async () => {
      const db = await createTempMysqlDb()
      return { store: { kind: 'mysql', url: db.url }, teardown: db.drop }
    }
  }
]

const create = (input: Record<string, unknown>) => DigitalHumanCreate.parse(input)
const rejection = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(AppError)
  return err as AppError
}

for (const target of targets) {
  describe(`digital humans on ${target.name}`, () => {
    let booted: BootedRuntime
    let teardown: () => Promise<void>
    let store: StoreConfig | undefined
    const dataDir = tempDir()

    beforeAll(async () => {
      const t = await target.setup()
      teardown = t.teardown
      store = t.store
      booted = await bootRuntime({ dataDir, store, digitalHumans: { maxModelBytes: 256 * 1024 } })
    })
    afterAll(async () => {
      await booted?.close()
      await teardown?.()
    })

    it('keeps every kind with its voice across a reopen', async () => {
      const rt = booted.runtime
      const guide = await rt.digitalHumans.create(
        create({ name: '导游小美', kind: 'builtin', look: 'guide', palette: 'rose', voice: { ttsModelId: 'm1', voice: 'longxiaochun', speed: 1.1 } })
      )
      const photo = await rt.digitalHumans.create(
        create({
          name: 'Photoreal',
          kind: 'livetalking',
          liveTalking: {
            url: 'http://10.0.0.5:8010/',
            avatarId: 'wav2lip256_avatar1',
            iceServers: [{ urls: 'turn:turn.example.com:3478', username: 'u', credential: 'p' }]
          }
        })
      )
      const vrm = await rt.digitalHumans.create(create({ name: 'Vroid', kind: 'vrm', look: 'robot' }))
      await rt.close()
      booted = await bootRuntime({ dataDir, store, digitalHumans: { maxModelBytes: 256 * 1024 } })
      const again = booted.runtime.digitalHumans
      expect(await again.get(guide.id)).toMatchObject({
        name: '导游小美',
        kind: 'builtin',
        look: 'guide',
        palette: 'rose',
        liveTalking: null,
        modelFile: null,
        voice: { ttsModelId: 'm1', voice: 'longxiaochun', speed: 1.1 }
      })
      expect(await again.get(photo.id)).toMatchObject({
        kind: 'livetalking',
        look: 'guide',
        palette: 'blue',
        // The trailing slash goes: the client appends /offer, /human…
        liveTalking: {
          url: 'http://10.0.0.5:8010',
          avatarId: 'wav2lip256_avatar1',
          iceServers: [{ urls: 'turn:turn.example.com:3478', username: 'u', credential: 'p' }]
        },
        voice: { ttsModelId: null, voice: null, speed: null }
      })
      expect((await again.get(vrm.id)).kind).toBe('vrm')
      expect((await again.list()).map((d) => d.name)).toEqual(expect.arrayContaining(['导游小美', 'Photoreal', 'Vroid']))
    })

    it('refuses a second one of the same name, and a LiveTalking avatar without its service', async () => {
      const rt = booted.runtime
      await rt.digitalHumans.create(create({ name: 'Twin', kind: 'builtin' }))
      const dup = await rejection(rt.digitalHumans.create(create({ name: 'Twin', kind: 'builtin' })))
      expect(dup.code).toBe('conflict')
      expect(dup.message).toContain('Twin')
      expect(() => create({ name: 'No service', kind: 'livetalking' })).toThrow(/liveTalking/)
      const twin = (await rt.digitalHumans.list()).find((d) => d.name === 'Twin')!
      const noService = await rejection(rt.digitalHumans.update(twin.id, { kind: 'livetalking' }))
      expect(noService.code).toBe('validation_failed')
      expect(noService.message).toContain('liveTalking')
    })

    it('a partial update keeps the rest; the voice is merged field by field', async () => {
      const rt = booted.runtime
      const d = await rt.digitalHumans.create(create({ name: 'Partial', kind: 'builtin', look: 'panda', voice: { voice: 'alex', speed: 0.9 } }))
      const after = await rt.digitalHumans.update(d.id, { palette: 'amber', voice: { speed: 1.3 } })
      expect(after).toMatchObject({ look: 'panda', palette: 'amber', voice: { ttsModelId: null, voice: 'alex', speed: 1.3 } })
      expect(after.updatedAt).toBeGreaterThanOrEqual(d.updatedAt)
    })

    it('keeps a checked GLB in the data folder; changing the kind drops it', async () => {
      const rt = booted.runtime
      const d = await rt.digitalHumans.create(create({ name: 'Glb', kind: 'glb' }))
      const src = join(tempDir(), 'avatar.glb')
      writeFileSync(src, makeAvatarGlb())
      const withFile = await rt.digitalHumans.attachPath(d.id, src)
      expect(withFile.modelFile).toMatchObject({ fileName: 'avatar.glb', bytes: makeAvatarGlb().length, format: 'glb', lips: 'visemes', warnings: [] })
      const stored = await rt.digitalHumans.modelFile(d.id)
      expect(stored && existsSync(stored.path)).toBe(true)
      expect(stored!.path.startsWith(join(booted.dataDir, 'digital-humans'))).toBe(true)
      const builtin = await rt.digitalHumans.update(d.id, { kind: 'builtin' })
      expect(builtin.modelFile).toBeNull()
      expect(existsSync(stored!.path)).toBe(false)
    })

    it('deleting one in use names the agents first and leaves them on the built-in avatar', async () => {
      const rt = booted.runtime
      const d = await rt.digitalHumans.create(create({ name: 'In use', kind: 'builtin', look: 'robot' }))
      const other = await rt.digitalHumans.create(create({ name: 'Other', kind: 'builtin' }))
      const a = await rt.agents.create(AgentCreate.parse({ name: 'Hall guide', digitalHuman: { chatAvatarId: d.id, explainerAvatarId: other.id, voice: 'v' } }))
      const b = await rt.agents.create(AgentCreate.parse({ name: 'Classroom', digitalHuman: { explainerAvatarId: d.id } }))
      await rt.agents.create(AgentCreate.parse({ name: 'Unrelated' }))
      expect(await rt.handlers['dependents.get']({ kind: 'digitalHuman', id: d.id }, ownerContext())).toEqual({
        agents: [
          { id: b.id, name: 'Classroom' },
          { id: a.id, name: 'Hall guide' }
        ],
        schedules: [],
        sessions: 0
      })
      await rt.digitalHumans.delete(d.id)
      expect((await rt.agents.get(a.id)).digitalHuman).toEqual({ explainerAvatarId: other.id, voice: 'v' })
      expect((await rt.agents.get(b.id)).digitalHuman).toEqual({})
      expect((await rejection(rt.digitalHumans.get(d.id))).code).toBe('not_found')
    })

    it('an agent naming an avatar that does not exist is refused, naming the field', async () => {
      const rt = booted.runtime
      const err = await rejection(rt.agents.create(AgentCreate.parse({ name: 'Ghost', digitalHuman: { chatAvatarId: 'no-such-avatar' } })))
      expect(err.code).toBe('validation_failed')
      expect(err.message).toContain('digitalHuman.chatAvatarId')
      const ok = await rt.agents.create(AgentCreate.parse({ name: 'Look only', digitalHuman: { chatAvatarId: 'panda' } }))
      const bad = await rejection(rt.agents.update(ok.id, { digitalHuman: { chatAvatarId: 'panda', explainerAvatarId: 'nope' } }))
      expect(bad.message).toContain('digitalHuman.explainerAvatarId')
    })

    it('an agent speaks with its chat avatar’s voice; its own settings override field by field', async () => {
      const rt = booted.runtime
      const d = await rt.digitalHumans.create(create({ name: 'Voiced', kind: 'builtin', voice: { ttsModelId: 'tts-a', voice: 'alex', speed: 1.2 } }))
      expect(await rt.digitalHumans.voiceOf({ digitalHuman: { chatAvatarId: d.id } })).toEqual({ ttsModelId: 'tts-a', voice: 'alex', speed: 1.2 })
      expect(await rt.digitalHumans.voiceOf({ digitalHuman: { chatAvatarId: d.id, voice: 'bella' } })).toEqual({
        ttsModelId: 'tts-a',
        voice: 'bella',
        speed: 1.2
      })
      expect(await rt.digitalHumans.voiceOf({ digitalHuman: { chatAvatarId: 'guide', ttsModelId: 'tts-b' } })).toEqual({
        ttsModelId: 'tts-b',
        voice: undefined,
        speed: undefined
      })
      expect(await rt.digitalHumans.voiceOf({ digitalHuman: null })).toEqual({ ttsModelId: undefined, voice: undefined, speed: undefined })
    })
  })
}
