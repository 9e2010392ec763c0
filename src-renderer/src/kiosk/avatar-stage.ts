// The kiosk's avatar, chosen by the kind of the agent's chat avatar (KioskConfig.digitalHuman):
//   builtin     → the SVG avatar drawn in code (digitalhuman/avatar/svg-avatar.ts)
//   livetalking → the photoreal WebRTC service (digitalhuman/livetalking/presenter.ts), the built-in
//                 avatar standing in, with the operator's message, when it cannot be used
//   glb / vrm   → the operator's 3D model (digitalhuman/avatar/model-avatar.ts: three.js loads on
//                 demand), the built-in avatar standing in, with the reason, when it cannot be shown
// Whatever is chosen, the kiosk speaks through `speaker(events)` and `needsAudio` says whether the
// sentences need TTS audio (the service speaks by itself). The built-in avatar is always mounted:
// it is the fallback of every other kind, so the screen is never blank.
import type { KioskAvatar } from '@contract/pages'
import type { SpeakingAvatar } from '../../../digitalhuman/avatar/avatar-handle'
import { AvatarModelError, modelFallbackMessage, mountModelAvatar, type ThreeAvatarHandle } from '../../../digitalhuman/avatar/model-avatar'
import { AvatarSpeaker, type SentenceAudio, type SpeakerEvents, type SpeakResult } from '../../../digitalhuman/avatar/speaker'
import { createAvatar, type AvatarHandle, type AvatarState } from '../../../digitalhuman/avatar/svg-avatar'
import { startPresenter, type LiveTalkingSpeaker } from '../../../digitalhuman/livetalking/presenter'
import type { SpeechItem } from '../../../digitalhuman/speech/speech-queue'
import type { KioskLang } from './strings'

/** What the kiosk hands a turn's sentences to (AvatarSpeaker's shape). */
export interface StageSpeaker {
  /** Items without audio are spoken as text (subtitles) by the built-in avatar, and are all the service needs. */
  speak(sentences: AsyncIterable<SpeechItem<SentenceAudio | undefined>> & { cancel?: () => void }): Promise<SpeakResult>
  interrupt(): void
}

export interface StageOptions {
  label: string
  /** The element the built-in avatar's speech plays through now (the kiosk renews it per visitor). */
  audio: () => HTMLAudioElement
  /** The page's language: the operator's messages when an avatar falls back are in it. */
  lang: KioskLang
}

export type StageKind = 'builtin' | 'photoreal' | '3d'

export class AvatarStage {
  /** The built-in avatar: shown for `builtin`, and whenever the chosen kind cannot be used. */
  readonly avatar: AvatarHandle
  kind: StageKind = 'builtin'
  /** Resolves once the chosen avatar is up, or has fallen back to the built-in one. */
  readonly ready: Promise<void>
  private readonly notice: HTMLElement
  private photoreal: LiveTalkingSpeaker | undefined
  /** The operator's GLB/VRM model, once it is shown. */
  private model: ThreeAvatarHandle | undefined
  /** The current turn's events: the photoreal speaker lives across turns, its events go to whoever speaks now. */
  private events: SpeakerEvents = {}

  constructor(
    private readonly host: HTMLElement,
    private readonly cfg: KioskAvatar,
    private readonly opts: StageOptions
  ) {
    host.dataset.avatarKind = cfg.kind
    host.dataset.avatarShown = 'builtin'
    host.dataset.look = cfg.look
    host.dataset.palette = cfg.palette
    this.avatar = createAvatar(host, { look: cfg.look, palette: cfg.palette, label: opts.label })
    this.notice = document.createElement('p')
    this.notice.className = 'k-avatar-notice'
    this.notice.dataset.testid = 'kiosk-avatar-notice'
    this.notice.hidden = true
    host.append(this.notice)
    this.ready = this.mount()
  }

  /** True when sentences must carry synthesized audio (every kind but a working photoreal service). */
  get needsAudio(): boolean {
    return this.kind !== 'photoreal'
  }

  /** A speaker for one turn, reporting to that turn's `events`. */
  speaker(events: SpeakerEvents): StageSpeaker {
    this.events = events
    if (this.kind === 'photoreal' && this.photoreal) return this.photoreal
    // AvatarSpeaker already treats an item without audio as text-only (exactOptionalPropertyTypes tells the types apart).
    return new AvatarSpeaker(this.shown, { audio: this.opts.audio(), ...events }) as unknown as StageSpeaker
  }

  setState(state: AvatarState): void {
    this.shown.setState(state)
  }

  /** The avatar on screen that the kiosk's audio drives: the 3D model, or the built-in one. */
  private get shown(): SpeakingAvatar {
    return this.kind === '3d' && this.model ? this.model : this.avatar
  }

  private async mount(): Promise<void> {
    switch (this.cfg.kind) {
      case 'builtin':
        return
      case 'livetalking':
        return this.mountPhotoreal()
      case 'glb':
      case 'vrm':
        return this.mount3d()
    }
  }

  private async mountPhotoreal(): Promise<void> {
    const service = this.cfg.liveTalking
    if (!service) return this.fallBack('The LiveTalking avatar has no service URL. The built-in avatar speaks instead.')
    const video = document.createElement('video')
    video.className = 'k-video'
    video.dataset.testid = 'kiosk-video'
    video.hidden = true
    this.host.append(video)
    const started = await startPresenter(
      {
        video,
        service: { url: service.url, avatar: service.avatarId || undefined, iceServers: service.iceServers as RTCIceServer[] },
        onSentence: (s) => this.events.onSentence?.(s),
        onSpoken: (s) => this.events.onSpoken?.(s),
        onProblem: (p) => this.events.onProblem?.(p),
        onSpeaking: (on) => (this.host.dataset.speaking = String(on))
      },
      () => new AvatarSpeaker(this.avatar, { audio: this.opts.audio() })
    )
    if (started.kind === 'builtin') {
      video.remove()
      return this.fallBack(started.message)
    }
    this.photoreal = started.speaker
    this.kind = 'photoreal'
    video.hidden = false
    this.avatar.element.style.display = 'none'
    this.host.dataset.avatarShown = 'photoreal'
  }

  /**
   * The 3D avatar (a GLB with TalkingHead morph targets, or a VRM), from the file the registry
   * checked at upload and serves for this agent. The built-in avatar shows while it loads and
   * stays, with the reason, when it cannot be shown (no WebGL, a file gone or refused).
   */
  private async mount3d(): Promise<void> {
    const url = this.cfg.modelUrl
    if (!url) {
      const none = new AvatarModelError('fetch', 'No GLB/VRM file has been uploaded for this digital human in the studio yet.')
      return this.fallBack(modelFallbackMessage(none, this.opts.lang))
    }
    const holder = document.createElement('div')
    holder.className = 'k-model'
    holder.hidden = true
    this.host.append(holder)
    const format = this.cfg.kind === 'vrm' ? 'vrm' : 'glb'
    // Hidden while it loads (the built-in avatar shows meanwhile); the model sizes itself to the holder once shown.
    const mounted = await mountModelAvatar(holder, { url, format, label: this.opts.label }, () => this.avatar, this.opts.lang)
    if (mounted.kind === 'builtin') {
      holder.remove()
      return this.fallBack(mounted.message)
    }
    this.model = mounted.avatar
    this.model.setState(this.avatar.state)
    this.kind = '3d'
    holder.hidden = false
    this.avatar.element.style.display = 'none'
    this.host.dataset.avatarShown = '3d'
    this.host.dataset.modelLips = mounted.avatar.info.lips
  }

  /** The built-in avatar stays, and the operator is told why (kept on screen: a visitor's question must not clear it). */
  private fallBack(message: string): void {
    this.kind = 'builtin'
    this.host.dataset.avatarShown = 'builtin'
    this.notice.textContent = message
    this.notice.hidden = false
  }
}
