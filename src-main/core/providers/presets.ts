import type { ModelType, ProviderPreset } from '../../contract/entities'

const tts = (modelId: string) => ({ modelId, type: 'tts' as const })
const stt = (modelId: string) => ({ modelId, type: 'stt' as const })

/**
 * OpenAI-compatible endpoints of the providers users ask for most; "custom" takes any URL. Speech
 * models go by the kind: bailian's over DashScope's WebSocket, doubao's over Volcengine's speech
 * API (its own APPID:TOKEN key; the model id is the cluster), the rest over /audio/*.
 */
export const providerPresets: ProviderPreset[] = [
  {
    kind: 'openai',
    name: 'OpenAI',
    baseUrl: 'https://api.openai.com/v1',
    needsApiKey: true,
    speechModels: [tts('gpt-4o-mini-tts'), tts('tts-1'), stt('whisper-1')]
  },
  { kind: 'deepseek', name: 'DeepSeek', baseUrl: 'https://api.deepseek.com/v1', needsApiKey: true },
  {
    kind: 'bailian',
    name: '阿里云百炼 (DashScope)',
    baseUrl: 'https://dashscope.aliyuncs.com/compatible-mode/v1',
    needsApiKey: true,
    speechModels: [tts('cosyvoice-v2'), tts('cosyvoice-v1'), stt('paraformer-realtime-v2'), stt('paraformer-realtime-8k-v2')]
  },
  {
    kind: 'doubao',
    name: '豆包 (火山方舟)',
    baseUrl: 'https://ark.cn-beijing.volces.com/api/v3',
    needsApiKey: true,
    speechModels: [tts('volcano_tts'), tts('volcano_icl')]
  },
  { kind: 'moonshot', name: 'Moonshot (Kimi)', baseUrl: 'https://api.moonshot.cn/v1', needsApiKey: true },
  { kind: 'zhipu', name: '智谱 GLM', baseUrl: 'https://open.bigmodel.cn/api/paas/v4', needsApiKey: true },
  {
    kind: 'siliconflow',
    name: 'SiliconFlow',
    baseUrl: 'https://api.siliconflow.cn/v1',
    needsApiKey: true,
    speechModels: [tts('FunAudioLLM/CosyVoice2-0.5B'), stt('FunAudioLLM/SenseVoiceSmall')]
  },
  { kind: 'ollama', name: 'Ollama', baseUrl: 'http://127.0.0.1:11434/v1', needsApiKey: false },
  { kind: 'lmstudio', name: 'LM Studio', baseUrl: 'http://127.0.0.1:1234/v1', needsApiKey: false },
  { kind: 'custom', name: 'Custom (OpenAI-compatible)', baseUrl: '', needsApiKey: false }
]

/** /models rarely says what a model is for; its name usually does. Users can correct it. */
export function guessModelType(modelId: string): ModelType {
  const id = modelId.toLowerCase()
  if (/rerank/.test(id)) return 'rerank'
  if (/embed|bge-|m3e|gte-|e5-/.test(id)) return 'embedding'
  if (/whisper|paraformer|sensevoice|asr|stt|transcri/.test(id)) return 'stt'
  if (/tts|speech|cosyvoice|sambert|^volcano_/.test(id)) return 'tts'
  return 'chat'
}
