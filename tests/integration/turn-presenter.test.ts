import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { bootRuntime, type BootedRuntime } from '../utils/boot'
import { startFakeLlm, type FakeLlm } from '../utils/fake-llm'
import { AgentCreate, type Agent } from '../../src-main/contract/entities'
import { TurnEvent } from '../../src-main/contract/chat'
import type { PresentOptions, Presenter } from '../../src-main/core/chat/presenter'
import { until } from '../utils/until'

/** The presenter hook as any speaking client plugs it into the core's turn (no socket involved). */
let b: BootedRuntime
let llm: FakeLlm
let agent: Agent

beforeAll(async () => {
  llm = await startFakeLlm()
  b = await bootRuntime({ turn: { retry: { attempts: 3, baseDelayMs: 5 } } })
  const p = await b.runtime.providers.create({ name: 'fake', kind: 'custom', baseUrl: llm.baseUrl, enabled: true })
  agent = await b.runtime.agents.create(AgentCreate.parse({ name: 'Guide', providerId: p.id, model: 'fake-chat' }))
})
afterAll(async () => {
  await b?.close()
  await llm?.close()
})
beforeEach(() => llm.reset())

/** A presenter that holds each piece until the test lets it go, recording what it was given. */
function heldPresenter() {
  const calls: { text: string; opts: PresentOptions; finish: () => void }[] = []
  let notify: (() => void) | null = null
  const presenter: Presenter = {
    present: (text, opts) =>
      new Promise((resolve) => {
        const finish = () => resolve({ status: 'answered', data: { status: 'finished' } })
        calls.push({ text, opts, finish })
        opts.signal.addEventListener('abort', () => resolve({ status: 'cancelled' }), { once: true })
        notify?.()
      })
  }
  return {
    presenter,
    calls,
    async nth(n: number) {
      while (calls.length < n) await new Promise<void>((r) => (notify = r))
      return calls[n - 1]
    }
  }
}

async function start(message: string, extra: Record<string, unknown>) {
  const sessionId = (await b.runtime.chat.sessions.create({ agentId: agent.id, userId: 'u1', title: '' })).id
  const handle = await b.runtime.chat.startTurn({ sessionId, message, ...extra })
  const events: TurnEvent[] = []
  const reading = (async () => {
    for await (const e of handle.events) events.push(TurnEvent.parse(e))
  })()
  return { handle, events, reading }
}

describe('turn presenter', () => {
  it('the turn waits for the presenter before it is done, and reports the wait', async () => {
    llm.script({ text: 'Hello there. Welcome!' })
    const p = heldPresenter()
    const { handle, events, reading } = await start('hi', { presenter: p.presenter, sentences: true })
    const call = await p.nth(1)
    expect(call.text).toBe('Hello there. Welcome!')
    expect(call.opts.step).toBeUndefined()
    // Both sentences reach the client while the presenter still holds the turn.
    await until(() => events.filter((e) => e.type === 'sentence').length === 2, 'both sentences')
    expect(events.some((e) => e.type === 'done')).toBe(false)
    expect(events.filter((e) => e.type === 'sentence').map((e) => e.type === 'sentence' && e.text)).toEqual(['Hello there.', 'Welcome!'])
    call.opts.onWait?.('wait_custom')
    call.finish()
    await reading
    expect((await handle.done).status).toBe('ok')
    expect(events.find((e) => e.type === 'wait')).toEqual({ type: 'wait', waitId: 'wait_custom', kind: 'digitalhuman', text: 'Hello there. Welcome!' })
    expect(events.at(-1)).toMatchObject({ type: 'done', status: 'ok' })
  })

  it('stopping the turn ends the presenter wait (its signal aborts)', async () => {
    llm.script({ text: 'A long story.' })
    const p = heldPresenter()
    const { handle, reading } = await start('tell me', { presenter: p.presenter })
    const call = await p.nth(1)
    handle.cancel()
    await reading
    expect(call.opts.signal.aborted).toBe(true)
    expect(await handle.done).toMatchObject({ text: 'A long story.' })
  })

  it('explain narrates through any presenter, one step at a time', async () => {
    llm.script({ toolCalls: [{ name: 'explain', arguments: { steps: ['Step one.', 'Step two.'] } }] }, { text: 'Done.' })
    const p = heldPresenter()
    const { handle, reading } = await start('explain', { presenter: p.presenter })
    const one = await p.nth(1)
    expect([one.text, one.opts.step]).toEqual(['Step one.', { index: 1, count: 2 }])
    expect(p.calls).toHaveLength(1)
    one.finish()
    const two = await p.nth(2)
    expect([two.text, two.opts.step]).toEqual(['Step two.', { index: 2, count: 2 }])
    two.finish()
    ;(await p.nth(3)).finish()
    await reading
    expect(p.calls.map((c) => c.text)).toEqual(['Step one.', 'Step two.', 'Done.'])
    expect((await handle.done).status).toBe('ok')
  })

  it('a presenter that takes sentences gets each one as it ends, before it is asked to present the answer', async () => {
    let release!: () => void
    const resume = { promise: new Promise<void>((r) => (release = r)), resolve: () => release() }
    llm.script({ chunks: ['Hello ', 'there. ', 'Welcome ', 'to the hall!'], pauseAfterChunks: 2, resume: resume.promise })
    const p = heldPresenter()
    const sentences: { index: number; text: string }[] = []
    let first: (() => void) | null = null
    const firstSentence = new Promise<void>((r) => (first = r))
    p.presenter.sentence = (s) => {
      sentences.push(s)
      first?.()
    }
    const { handle, events, reading } = await start('hi', { presenter: p.presenter })
    // The model is held after "there. ": the presenter has the first sentence already.
    await firstSentence
    expect(sentences).toEqual([{ index: 0, text: 'Hello there.' }])
    expect(p.calls).toHaveLength(0)
    resume.resolve()
    ;(await p.nth(1)).finish()
    await reading
    await handle.done
    expect(sentences).toEqual([
      { index: 0, text: 'Hello there.' },
      { index: 1, text: 'Welcome to the hall!' }
    ])
    expect(p.calls.map((c) => c.text)).toEqual(['Hello there. Welcome to the hall!'])
    // Sentence events only when the caller asked for them.
    expect(events.filter((e) => e.type === 'sentence')).toEqual([])
  })

  it('without a presenter there is no explain tool and no sentence unless asked', async () => {
    llm.script({ text: 'Plain. Answer.' })
    const { handle, events, reading } = await start('hi', {})
    await reading
    await handle.done
    expect((llm.requests[0].body.tools ?? []).map((t: any) => t.function.name)).not.toContain('explain')
    expect(events.filter((e) => e.type === 'sentence' || e.type === 'wait')).toEqual([])
  })
})
