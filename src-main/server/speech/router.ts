import express, { Router, type Request, type Response } from 'express'
import { chooseAsr, chooseTts, type SpeechProviderAccess } from '../../../digitalhuman/speech/providers/choose'
import type { Agent, Model, ModelType } from '../../contract/entities'
import { AppError, validationError } from '../../contract/errors'
import { BUILTIN_TTS_MODEL_ID, MAX_RECORDING_BYTES, SpeechSynthesize, SpeechTranscribeQuery, speechRoutes } from '../../contract/speech'
import type { Runtime } from '../../core/runtime'
import type { ChatAccess, Caller } from '../chat/access'
import { parseBody } from '../chat/body'
import { requestLog } from '../errors'

/**
 * Speech for the kiosk, the phone page and the studio: the server calls the TTS/ASR provider with
 * its stored key and hands back only audio or text. The studio (token) may name any model; a
 * public key speaks and listens only with its own published agent's choice.
 */
export function speechRouter(runtime: Runtime, access: ChatAccess): Router {
  const router = Router()
  const paths = [speechRoutes.synthesize.path, speechRoutes.transcribe.path]
  router.use(paths, access.cors)

  /**
   * Runs a provider call that stops when the caller goes away (barge-in): the abort is expected,
   * so it is logged at debug and nothing is sent; any other failure goes to the error handler.
   */
  async function untilGone<T>(res: Response, call: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    const stop = new AbortController()
    const onClose = () => stop.abort()
    res.on('close', onClose)
    try {
      return await call(stop.signal)
    } catch (err) {
      if (!stop.signal.aborted) throw err
      requestLog(res).debug({ err }, 'speech caller left before the provider answered')
      return undefined
    } finally {
      res.off('close', onClose)
    }
  }

  /** The agent the caller speaks for: the one it names (checked), or a key's own agent. */
  async function agentOf(caller: Caller, agentId: string | undefined, req: Request, res: Response): Promise<Agent | undefined> {
    let agent: Agent | undefined
    if (agentId) agent = await access.agent(caller, agentId, req)
    else if (caller.kind === 'key') agent = await access.authorize(caller, await access.agentByKey(caller.key), undefined)
    if (agent) access.narrowCors(res, agent)
    return agent
  }

  /**
   * The model to use: the caller's (studio only), the agent's, or the first enabled one of the type;
   * `builtin` for the offline voice (BUILTIN_TTS_MODEL_ID), which is no stored model.
   */
  async function modelOf(type: ModelType, caller: Caller, wanted: string | undefined, agentChoice: string | undefined): Promise<Model | 'builtin'> {
    if (wanted && caller.kind !== 'studio') throw new AppError('forbidden', 'Only the studio may choose a speech model; a public key uses its agent’s voice')
    const id = wanted ?? agentChoice
    if (type === 'tts' && id === BUILTIN_TTS_MODEL_ID) return 'builtin'
    const kind = type === 'tts' ? 'speech synthesis (tts)' : 'speech recognition (stt)'
    if (id) {
      // The id of a stored model, or (as a provider's own API takes) its model name.
      const named = (await runtime.providers.models.list({ type })).find((x) => x.modelId === id)
      return named ?? runtime.providers.models.resolve(id, type)
    }
    const first = (await runtime.providers.models.list({ type })).find((m) => m.enabled)
    if (!first) throw new AppError('validation_failed', `No ${kind} model is set up: add a model of type "${type}" to a provider`)
    return first
  }

  /** What a speech client needs of the model's provider; the key stays in this process. */
  async function providerOf(model: Model): Promise<SpeechProviderAccess> {
    const [provider, turn, apiKey] = await Promise.all([
      runtime.providers.get(model.providerId),
      runtime.providers.turnClient(model.providerId),
      runtime.providers.apiKeyOf(model.providerId)
    ])
    return { kind: provider.kind, baseUrl: provider.baseUrl, apiKey, client: turn.client, timeouts: turn.timeouts }
  }

  router.post(speechRoutes.synthesize.path, access.identify, express.json({ limit: '64kb' }), async (req, res) => {
    const caller = res.locals.caller as Caller
    const body = parseBody(SpeechSynthesize, req.body, `${speechRoutes.synthesize.path} request`)
    const agent = await agentOf(caller, body.agentId, req, res)
    // The chat avatar's voice, the agent's own settings overriding it field by field.
    const dh = await runtime.digitalHumans.voiceOf(agent)
    const model = await modelOf('tts', caller, body.modelId, dh.ttsModelId)
    const studio = caller.kind === 'studio'
    // No voice chosen: the model's default (speechVoices), as the vendor names it.
    const voice = (studio && body.voice) || dh.voice || undefined
    const speed = body.speed ?? dh.speed ?? undefined
    const tts =
      model === 'builtin' ? chooseTts(BUILTIN_TTS_MODEL_ID, undefined, { voice, speed }) : chooseTts(model.modelId, await providerOf(model), { voice, speed })
    const speech = await untilGone(res, (signal) => tts.synthesize(body.text, { signal }))
    if (!speech) return
    res.setHeader('Content-Type', speech.mime)
    res.setHeader('Cache-Control', 'no-store')
    res.end(Buffer.from(speech.audio.buffer, speech.audio.byteOffset, speech.audio.byteLength))
  })

  // The recording is the raw body (audio/webm from MediaRecorder, audio/wav…): no multipart to parse.
  router.post(speechRoutes.transcribe.path, access.identify, express.raw({ type: () => true, limit: MAX_RECORDING_BYTES }), async (req, res) => {
    const caller = res.locals.caller as Caller
    const query = SpeechTranscribeQuery.safeParse(req.query)
    if (!query.success) throw validationError(query.error, `${speechRoutes.transcribe.path} query`)
    const type = String(req.headers['content-type'] ?? '')
    if (type && !/^(audio|video)\/|^application\/octet-stream/i.test(type))
      throw new AppError('unsupported_media_type', `Send the recording itself as the body (Content-Type audio/webm, audio/wav…), not ${type}`)
    const audio = Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : new Uint8Array()
    if (!audio.length) throw new AppError('bad_request', 'No audio: send the recording as the request body')
    const agent = await agentOf(caller, query.data.agentId, req, res)
    const model = (await modelOf('stt', caller, query.data.modelId, agent?.digitalHuman?.asrModelId)) as Model
    const asr = chooseAsr(model.modelId, await providerOf(model), { ...(query.data.language ? { language: query.data.language } : {}) })
    const transcript = await untilGone(res, (signal) => asr.transcribe(audio, { signal }))
    if (!transcript) return
    res.json({ text: transcript.text })
  })

  return router
}
