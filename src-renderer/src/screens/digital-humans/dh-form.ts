import type { ApiInput } from '@contract/api'
import type { DigitalHuman, DigitalHumanKind, IceServer } from '@contract/digital-humans'
import type { LookId, PaletteId } from '../../../../digitalhuman/avatar/looks'
import type { FieldMap } from '../../ui/feedback'

/** The editor's form: the contract's fields, with the ICE servers as lines an operator can type. */
export interface DigitalHumanFormValues {
  name: string
  kind: DigitalHumanKind
  look: LookId
  palette: PaletteId
  url?: string
  avatarId?: string
  /** One server a line: `turn:host:3478 username credential` (the last two only for TURN). */
  iceServers?: string
  ttsModelId?: string | null
  voice?: string
  speed?: number | null
}

export const emptyDigitalHuman: DigitalHumanFormValues = { name: '', kind: 'builtin', look: 'guide', palette: 'blue', iceServers: '', voice: '', speed: null }

export const iceServersToText = (servers: IceServer[]): string =>
  servers
    .map((s) => [Array.isArray(s.urls) ? s.urls.join(',') : s.urls, s.username, s.credential].filter((x) => x !== undefined && x !== '').join(' '))
    .join('\n')

/** Lines → ICE servers; the server checks each URL and names the line's index when one is wrong. */
export function textToIceServers(text: string | undefined): IceServer[] {
  return (text ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [urls = '', username, credential] = line.split(/\s+/)
      const list = urls.split(',').filter(Boolean)
      return { urls: list.length === 1 ? list[0]! : list, ...(username ? { username } : {}), ...(credential ? { credential } : {}) }
    })
}

export const toFormValues = (d: DigitalHuman): DigitalHumanFormValues => ({
  name: d.name,
  kind: d.kind,
  look: d.look,
  palette: d.palette,
  url: d.liveTalking?.url ?? '',
  avatarId: d.liveTalking?.avatarId ?? '',
  iceServers: iceServersToText(d.liveTalking?.iceServers ?? []),
  ttsModelId: d.voice.ttsModelId,
  voice: d.voice.voice ?? '',
  speed: d.voice.speed
})

export function toInput(v: DigitalHumanFormValues): ApiInput<'digitalHumans.create'> {
  return {
    name: v.name,
    kind: v.kind,
    look: v.look,
    palette: v.palette,
    liveTalking: v.kind === 'livetalking' ? { url: v.url ?? '', avatarId: v.avatarId ?? '', iceServers: textToIceServers(v.iceServers) } : null,
    voice: { ttsModelId: v.ttsModelId || null, voice: v.voice?.trim() || null, speed: typeof v.speed === 'number' ? v.speed : null }
  }
}

/** Contract paths → this form's fields. */
export const digitalHumanFieldFor: FieldMap = (path) => {
  const [head, sub] = path.split('.')
  if (head === 'liveTalking') return sub === 'avatarId' ? ['avatarId'] : sub === 'iceServers' ? ['iceServers'] : ['url']
  if (head === 'voice') return [sub ?? 'voice']
  return head ? [head] : null
}
