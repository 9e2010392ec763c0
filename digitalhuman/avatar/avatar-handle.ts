// What every avatar the AvatarSpeaker drives has in common (the built-in SVG face, a GLB/VRM
// model), and what the lips should do at the current moment of the audio.
import { opennessAt, type LoudnessEnvelope } from '../lipsync/loudness'
import { mouthAt, visemeBlendAt, type MouthPose, type VisemeTrack } from '../lipsync/track'
import { MOUTH, type Viseme } from '../lipsync/visemes'

export type AvatarState = 'idle' | 'listening' | 'thinking' | 'speaking'

/** What moves the lips while the audio plays: a text track, or loudness when there is no text timing. */
export interface LipSource {
  track?: VisemeTrack
  envelope?: LoudnessEnvelope
}

/** The part of an avatar that speaks: states, lips following an <audio> element, barge-in. */
export interface SpeakingAvatar {
  /** Carries data-state, data-mouth-open and data-viseme (tests and the kiosk's debug overlay read them). */
  readonly element: Element
  setState(state: AvatarState): void
  readonly state: AvatarState
  /** Lips follow `audio.currentTime` until it pauses or ends; then they rest. */
  follow(audio: HTMLAudioElement, source: LipSource): void
  /** Stop following (barge-in): the lips close at once. */
  stop(): void
  /** The pose drawn on the last frame. */
  mouth(): MouthPose
  destroy(): void
}

export type VisemeWeights = Partial<Record<Viseme, number>>

export interface LipTarget {
  /** The mouth's 2D shape and its main viseme. */
  pose: MouthPose
  /** Per-viseme weights (0..1) when a text track drives the lips; absent for loudness. */
  visemes?: VisemeWeights
}

export const REST_POSE: MouthPose = { viseme: 'sil', ...MOUTH.sil }
const REST: LipTarget = { pose: REST_POSE }

/** Where the lips should be now: from the track or the envelope at `audio.currentTime`; rest when it is not playing. */
export function lipTargetAt(audio: HTMLAudioElement | undefined, source: LipSource): LipTarget {
  if (!audio || audio.paused || audio.ended) return REST
  const t = audio.currentTime
  if (source.track) {
    const at = visemeBlendAt(source.track, t)
    if (!at) return REST
    const visemes: VisemeWeights = { [at.viseme]: 1 - at.k }
    if (at.next) visemes[at.next] = (visemes[at.next] ?? 0) + at.k
    return { pose: mouthAt(source.track, t), visemes }
  }
  if (source.envelope) {
    const open = opennessAt(source.envelope, t)
    return { pose: { viseme: open > 0 ? 'aa' : 'sil', open, width: 0.6, round: 0 } }
  }
  return REST
}
