// Abort latency: how long after a client stops a streamed answer the model request is closed.
// Three ways, interleaved round by round so they share the machine's load:
//   direct   — the client closes its own stream to the fake LLM (the baseline: the fake noticing);
//   relayed  — the client closes its /chat-message response; the server aborts its model request;
//   cancel   — the studio cancels a turn (the runtime's `handle.cancel()`, what Stop does).
// Each figure is the fake LLM's `abortedAt` minus the moment the client aborted, in ms; "added" is
// a way's figure minus the direct one at the same percentile.
//
//   npx tsx bench/chat-relay/abort.ts [--rounds 50]
//
// The tests assert that the model request IS aborted and the partial answer kept as stopped
// (tests/integration/chat/protocol.test.ts, tests/integration/turn.test.ts); how fast is here.
import { parseArgs } from 'node:util'
import type { RecordedRequest } from '../../tests/utils/fake-llm'

// The server's log level is read when its modules load: warnings only, so the table is readable.
process.env.AGENTA_LOG_LEVEL ??= 'warn'
const { bootServer } = await import('../../tests/utils/boot')
const { startFakeLlm } = await import('../../tests/utils/fake-llm')
const { postMessage, sseData } = await import('../../tests/integration/chat/helpers')
const { until } = await import('../../tests/utils/until')

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '50' } } })
const ROUNDS = Number(values.rounds)
if (!(ROUNDS >= 1)) {
  console.error('usage: abort.ts [--rounds 50]')
  process.exit(2)
}
// A long answer, three chunks read before stopping: the stop lands mid-stream.
const LONG = { chunks: Array.from({ length: 100 }, (_, i) => `w${i} `), chunkDelayMs: 20 }
const AFTER = 3

const llm = await startFakeLlm()
const s = await bootServer({ turn: { retry: { attempts: 1, baseDelayMs: 5 } } })
const provider = (await s.api('POST', '/api/providers', { name: 'Fake', baseUrl: llm.baseUrl })).body
const agent = (await s.api('POST', '/api/agents', { name: 'Bench', providerId: provider.id, model: 'fake-chat' })).body

/** Runs one stop, then waits for the fake to see the close: its abortedAt minus the client's abort time. */
async function measure(stop: () => Promise<number>): Promise<number> {
  llm.reset()
  llm.script(LONG)
  const stoppedAt = await stop()
  const req = await until<RecordedRequest | undefined>(() => llm.requests.find((r) => r.aborted), 'the model request to be aborted', { everyMs: 5 })
  return req.abortedAt! - stoppedAt
}

async function direct(): Promise<number> {
  const ac = new AbortController()
  const res = await fetch(`${llm.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'fake-chat', stream: true, messages: [{ role: 'user', content: 'long one' }] }),
    signal: ac.signal
  })
  return readThenAbort(res, ac, (d) => !!d.choices?.[0]?.delta?.content)
}

async function relayed(): Promise<number> {
  const sid = (await s.api('POST', '/chat-init', { app_uuid: agent.uuid, user_id: 'bench' })).body.session_id
  const ac = new AbortController()
  const body = { message: 'long one', stream: true, session_id: sid, socket_id: null, app_uuid: agent.uuid, user_id: 'bench', is_digitalhuman: false }
  return readThenAbort(await postMessage(s, body, { signal: ac.signal }), ac, (d) => !!d.content)
}

async function readThenAbort(res: Response, ac: AbortController, isContent: (d: any) => boolean): Promise<number> {
  let n = 0
  try {
    for await (const d of sseData(res)) {
      if (d !== '[DONE]' && isContent(d) && ++n === AFTER) {
        const at = Date.now()
        ac.abort()
        return at
      }
    }
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err
  }
  throw new Error('the stream ended before it was stopped')
}

async function cancel(): Promise<number> {
  const session = await s.runtime.chat.sessions.create({ agentId: agent.id, userId: 'bench', title: '' })
  const handle = await s.runtime.chat.startTurn({ sessionId: session.id, message: 'long one' })
  let n = 0
  let at = 0
  for await (const e of handle.events) {
    if (e.type === 'delta' && ++n === AFTER) {
      at = Date.now()
      handle.cancel()
    }
  }
  await handle.done
  return at
}

const ways = { direct, relayed, cancel }
const samples: Record<keyof typeof ways, number[]> = { direct: [], relayed: [], cancel: [] }
const names = Object.keys(ways) as (keyof typeof ways)[]
try {
  // One warm-up each (connections, the first turn's lazy set-up), not counted.
  for (const name of names) await measure(ways[name])
  for (let round = 0; round < ROUNDS; round++) {
    // Rotating who goes first, so no way always runs right after another's stop.
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length]
      samples[name].push(await measure(ways[name]))
    }
  }
} finally {
  await s.close()
  await llm.close()
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b)
  return { p50: percentile(sorted, 50), p90: percentile(sorted, 90), max: sorted.at(-1)! }
}
const base = stats(samples.direct)
console.log(`abort latency, ms (${ROUNDS} rounds, Node ${process.version})`)
console.log('| way | p50 | p90 | max | added p50 | added p90 |')
console.log('| --- | --- | --- | --- | --------- | --------- |')
for (const name of names) {
  const st = stats(samples[name])
  console.log(`| ${name} | ${st.p50} | ${st.p90} | ${st.max} | ${st.p50 - base.p50} | ${st.p90 - base.p90} |`)
}
console.log(JSON.stringify({ bench: 'chat-abort', rounds: ROUNDS, samples }))
