// The server's speech endpoints as the public pages (kiosk, phone, embed widget) call them: with the
// agent's public key, never a provider key. One copy for every page.

export interface SpeechClient {
  uuid: string
  /** The agent's public key (pk_…). */
  key: string
}

export interface Clip {
  audio: ArrayBuffer
  mime: string
}

/** The server's JSON error message, for the operator's notice. */
export async function errorMessage(res: Response): Promise<string> {
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null
  return body?.error?.message ?? `HTTP ${res.status}`
}

/** A WAV recording → the agent's ASR model → its text (trimmed; empty when nothing was heard). */
export async function transcribe(cfg: SpeechClient, wav: Uint8Array, signal?: AbortSignal): Promise<string> {
  const res = await fetch(`/speech/transcribe?agentId=${encodeURIComponent(cfg.uuid)}`, {
    method: 'POST',
    headers: { 'content-type': 'audio/wav', 'x-agenta-key': cfg.key },
    body: new Blob([wav.slice().buffer], { type: 'audio/wav' }),
    signal
  })
  if (!res.ok) throw new Error(await errorMessage(res))
  return ((await res.json()) as { text: string }).text.trim()
}

/** One sentence → the agent's voice. */
export async function synthesize(cfg: SpeechClient, text: string, signal: AbortSignal): Promise<Clip> {
  const res = await fetch('/speech/synthesize', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-agenta-key': cfg.key },
    body: JSON.stringify({ text, agentId: cfg.uuid }),
    signal
  })
  if (!res.ok) throw new Error(await errorMessage(res))
  return { audio: await res.arrayBuffer(), mime: res.headers.get('content-type') ?? 'audio/wav' }
}
