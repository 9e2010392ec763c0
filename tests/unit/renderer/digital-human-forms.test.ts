import { describe, expect, test } from 'vitest'
import { DigitalHumanCreate } from '@contract/digital-humans'
import type { Agent } from '@contract/entities'
import * as dhForm from '../../../src-renderer/src/screens/digital-humans/dh-form'
import * as workspace from '../../../src-renderer/src/screens/agents/agent-form'

describe('digital human form ↔ contract', () => {
  test('ICE servers: one a line, TURN with user and password, several URLs with commas; the contract takes them', () => {
    const input = dhForm.toInput({
      ...dhForm.emptyDigitalHuman,
      name: 'Photo',
      kind: 'livetalking',
      url: 'http://10.0.0.5:8010/',
      avatarId: 'a1',
      iceServers: 'stun:stun.example.com:19302\n\n  turn:turn.example.com:3478 user secret \nturn:a:1,turns:b:5349 u p'
    })
    expect(input.liveTalking?.iceServers).toEqual([
      { urls: 'stun:stun.example.com:19302' },
      { urls: 'turn:turn.example.com:3478', username: 'user', credential: 'secret' },
      { urls: ['turn:a:1', 'turns:b:5349'], username: 'u', credential: 'p' }
    ])
    const parsed = DigitalHumanCreate.parse(input)
    expect(parsed.liveTalking?.url).toBe('http://10.0.0.5:8010')
    // Back to the text the operator typed (normalised).
    expect(dhForm.iceServersToText(parsed.liveTalking!.iceServers)).toBe(
      'stun:stun.example.com:19302\nturn:turn.example.com:3478 user secret\nturn:a:1,turns:b:5349 u p'
    )
  })

  test('a built-in avatar carries no service; an empty voice is the defaults (null)', () => {
    const input = dhForm.toInput({ ...dhForm.emptyDigitalHuman, name: 'Mei', url: 'http://left.over', voice: '  ', speed: null })
    expect(input).toMatchObject({ kind: 'builtin', liveTalking: null, voice: { ttsModelId: null, voice: null, speed: null } })
  })

  test('server issue paths land on the form fields', () => {
    expect(dhForm.digitalHumanFieldFor('liveTalking.url')).toEqual(['url'])
    expect(dhForm.digitalHumanFieldFor('liveTalking.iceServers.0.urls')).toEqual(['iceServers'])
    expect(dhForm.digitalHumanFieldFor('voice.speed')).toEqual(['speed'])
  })
})

describe('agent editor: avatar pickers', () => {
  const agent = {
    digitalHuman: { chatAvatarId: 'old', ttsModelId: 'm', voice: 'v' }
  } as unknown as Agent

  test('picking avatars keeps the agent’s voice overrides the form does not show', () => {
    const values = { ...workspace.toFormValues({ ...agent, params: {}, theme: {}, quickPhrases: [], cardTemplates: [] } as unknown as Agent) }
    expect(values.chatAvatarId).toBe('old')
    const update = workspace.toUpdate({ ...values, chatAvatarId: 'new', explainerAvatarId: 'x' }, agent)
    expect(update.digitalHuman).toEqual({ ttsModelId: 'm', voice: 'v', chatAvatarId: 'new', explainerAvatarId: 'x' })
    expect(workspace.toUpdate({ ...values, chatAvatarId: null, explainerAvatarId: null }, agent).digitalHuman).toEqual({ ttsModelId: 'm', voice: 'v' })
  })

  test('an agent without a digital human stays without one', () => {
    const values = workspace.toFormValues({ digitalHuman: null, params: {}, theme: {}, quickPhrases: [], cardTemplates: [] } as unknown as Agent)
    expect(workspace.toUpdate(values, { digitalHuman: null } as unknown as Agent).digitalHuman).toBeNull()
    expect(workspace.agentFieldFor('digitalHuman.explainerAvatarId')).toEqual(['explainerAvatarId'])
  })
})
