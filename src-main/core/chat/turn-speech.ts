import type { TurnEvent } from '../../contract/chat'
import { SpeechSegmenter, speechSentences } from '../../../digitalhuman/speech/segmenter'
import type { PresentOutcome, Presenter } from './presenter'

/**
 * A turn's speaking side: the answer's sentences while it streams — as `sentence` events when the
 * caller asked for them, to the presenter when it takes them — and the presenter's waits. One per
 * turn; tools reach it through `ToolContext.speech` (the `explain` tool narrates through it).
 */
export class TurnSpeech {
  private segmenter: SpeechSegmenter | null = null
  private index = 0

  constructor(
    private readonly emit: (e: TurnEvent) => void,
    private readonly signal: AbortSignal,
    private readonly opts: { sentences?: boolean; presenter?: Presenter }
  ) {}

  /** A speaking client is plugged in: the turn waits for it, and explainer steps can be narrated. */
  get presents(): boolean {
    return !!this.opts.presenter
  }

  private get segmenting(): boolean {
    return !!this.opts.sentences || !!this.opts.presenter?.sentence
  }

  /** One delta of a model answer: the sentences it completes go out at once. */
  text(delta: string): void {
    if (!this.segmenting) return
    this.segmenter ??= new SpeechSegmenter()
    this.sentences(this.segmenter.push(delta))
  }

  /** The model's answer (or the text before its tool calls) ended: its last sentence goes out. */
  endText(): void {
    if (!this.segmenter) return
    this.sentences(this.segmenter.flush())
    this.segmenter = null
  }

  /**
   * Waits until the avatar has said `text` (whose sentences went out as it streamed). Without a
   * presenter, or with nothing to say, it does not wait.
   */
  async present(text: string, step?: { index: number; count: number }): Promise<PresentOutcome> {
    const presenter = this.opts.presenter
    if (!presenter || !text.trim()) return { status: 'skipped' }
    return presenter.present(text, {
      signal: this.signal,
      ...(step && { step }),
      onWait: (waitId) => this.emit({ type: 'wait', waitId, kind: 'digitalhuman', text, ...(step && { step }) })
    })
  }

  /** Text that did not stream from the model (an explainer's step): its sentences, then the wait. */
  narrate(text: string, step: { index: number; count: number }): Promise<PresentOutcome> {
    if (this.segmenting) this.sentences(speechSentences(text))
    return this.present(text, step)
  }

  private sentences(list: string[]): void {
    for (const text of list) {
      const index = this.index++
      if (this.opts.sentences) this.emit({ type: 'sentence', index, text })
      this.opts.presenter?.sentence?.({ index, text })
    }
  }
}
