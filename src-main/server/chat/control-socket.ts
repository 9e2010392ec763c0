import type { Server as IoServer, Socket } from 'socket.io'
import type { z } from 'zod'
import { AgentResponse, DigitalHumanCompletion, SystemData } from '../../contract/chat'
import type { Runtime } from '../../core/runtime'
import type { ChatAccess } from './access'
import { log } from '../../base/log'
import { guarded } from '../studio-socket'

type Ack = (reply: { status: 'success' } | { status: 'error'; message: string }) => void

/** Some clients send their payloads as JSON text rather than objects. */
function decode(payload: unknown): unknown {
  if (typeof payload !== 'string') return payload
  try {
    return JSON.parse(payload)
  } catch {
    return payload
  }
}

function check<S extends z.ZodType>(schema: S, payload: unknown): { ok: true; data: z.output<S> } | { ok: false; message: string } {
  const parsed = schema.safeParse(decode(payload))
  if (parsed.success) return { ok: true, data: parsed.data }
  const why = parsed.error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ')
  return { ok: false, message: `Invalid payload: ${why}` }
}

/**
 * A handler that validates its payload and always acks (when the client asked for an ack): a bad
 * payload gets an error reply, never an exception in the server.
 */
function on<S extends z.ZodType>(socket: Socket, event: string, schema: S, handle: (data: z.output<S>) => string | null | Promise<string | null>) {
  socket.on(event, (payload: unknown, ...rest: unknown[]) => {
    // Socket.IO passes the ack last, after however many arguments the client sent.
    const ack = rest.at(-1)
    const reply: Ack = typeof ack === 'function' ? (ack as Ack) : () => undefined
    const failed = (err: unknown) => {
      log.error({ err, event }, 'socket event failed')
      try {
        reply({ status: 'error', message: 'Internal error' })
      } catch (ackErr) {
        log.warn({ err: ackErr, event }, 'socket error reply failed')
      }
    }
    // Everything inside, the validation and the ack included: a throw here would be uncaught.
    try {
      const parsed = check(schema, payload)
      if (!parsed.ok) return reply({ status: 'error', message: parsed.message })
      void Promise.resolve(handle(parsed.data))
        .then((problem) => reply(problem ? { status: 'error', message: problem } : { status: 'success' }))
        .catch(failed)
    } catch (err) {
      failed(err)
    }
  })
}

const nothingWaiting = (waitId: string) => `Nothing is waiting under ${waitId} (answered already, timed out, or cancelled)`

/**
 * The original protocol's control channel on the default namespace: the client learns its id
 * (the `socket_id` it sends with /chat-message), registers functions or a page module that become
 * tools of its turns, and answers the waits those turns send it.
 */
export function attachControlSocket(io: IoServer, runtime: Runtime, access: ChatAccess): () => void {
  const { clients, waits } = runtime.chat
  const nsp = io.of('/')
  nsp.use(
    guarded('/', (socket, next) => {
      const { origin, host } = socket.handshake.headers
      access.socketAllowed(origin, host).then(
        (ok) => next(ok ? undefined : new Error(`origin ${origin} is not allowed`)),
        (err: unknown) => {
          log.warn({ err }, 'socket origin check failed')
          next(new Error('origin check failed'))
        }
      )
    })
  )
  const onConnection = (socket: Socket) => {
    try {
      clients.connect(socket.id, (event, payload) => socket.emit(event, payload))
      socket.emit('connect_response', { status: 'connected', client_id: socket.id })
    } catch (err) {
      log.error({ err }, 'control socket could not be set up')
      socket.disconnect(true)
      return
    }

    on(socket, 'systemdata', SystemData, (data) => {
      clients.setSystemData(socket.id, data)
      return null
    })
    // The turn may run in another process of a team server (the client reconnected elsewhere).
    on(socket, 'agent_response', AgentResponse, async (d) => ((await waits.answerAnywhere(d.wait_id, d.response_data)) ? null : nothingWaiting(d.wait_id)))
    on(socket, 'digitalhuman_completion', DigitalHumanCompletion, async (d) =>
      (await waits.answerAnywhere(d.wait_id, d.completion_data ?? null)) ? null : nothingWaiting(d.wait_id)
    )
    socket.on('disconnect', () => {
      try {
        clients.disconnect(socket.id)
      } catch (err) {
        log.error({ err }, 'control socket disconnect failed')
      }
    })
  }
  nsp.on('connection', onConnection)
  return () => nsp.off('connection', onConnection)
}
