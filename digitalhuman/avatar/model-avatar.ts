// The way in to the 3D avatar for the kiosk, the phone page and the studio's preview. Cheap to
// import: three.js and three-vrm (./three-avatar) load with a dynamic import() only when a GLB/VRM
// avatar is shown, so the built-in avatar's pages do not grow. A file that cannot be shown falls
// back to the built-in avatar with a message for the operator in the page's language.
import type { SpeakingAvatar } from './avatar-handle'
import { AvatarModelError, type AvatarModelErrorKind } from './model-error'
import type { ThreeAvatarHandle, ThreeAvatarOptions } from './three-avatar'

export type { ThreeAvatarHandle, ThreeAvatarOptions } from './three-avatar'
export { AvatarModelError, type AvatarModelErrorKind } from './model-error'

export type MountedAvatar<B extends SpeakingAvatar> =
  { kind: 'model'; avatar: ThreeAvatarHandle } | { kind: 'builtin'; avatar: B; message: string; error: AvatarModelError }

/** Loads three-avatar on demand and creates the 3D avatar; rejects with AvatarModelError. */
export async function createModelAvatar(container: HTMLElement, opts: ThreeAvatarOptions): Promise<ThreeAvatarHandle> {
  let mod: typeof import('./three-avatar')
  try {
    mod = await import('./three-avatar')
  } catch (err) {
    // The page's chunk is gone (the server was updated under a long-running kiosk) or blocked.
    throw new AvatarModelError('load', `The 3D avatar's code could not be loaded: ${(err as Error)?.message ?? err}`)
  }
  return mod.createThreeAvatar(container, opts)
}

/**
 * The operator's GLB/VRM avatar in `container`, or, when it cannot be shown, `fallback()` (the
 * built-in avatar) and a message to show the operator.
 */
export async function mountModelAvatar<B extends SpeakingAvatar>(
  container: HTMLElement,
  opts: ThreeAvatarOptions,
  fallback: () => B,
  lang: 'en' | 'zh-CN' = 'en'
): Promise<MountedAvatar<B>> {
  try {
    return { kind: 'model', avatar: await createModelAvatar(container, opts) }
  } catch (err) {
    const error = err instanceof AvatarModelError ? err : new AvatarModelError('load', String((err as Error)?.message ?? err))
    return { kind: 'builtin', avatar: fallback(), message: modelFallbackMessage(error, lang), error }
  }
}

const WHY: Record<AvatarModelErrorKind, { en: string; 'zh-CN': string }> = {
  webgl: { en: 'this screen has no WebGL (turn on hardware acceleration)', 'zh-CN': '此屏幕不支持 WebGL（请开启硬件加速）' },
  fetch: { en: 'its file could not be downloaded', 'zh-CN': '无法下载模型文件' },
  'not-glb': { en: 'its file is not a GLB or VRM file', 'zh-CN': '文件不是 GLB 或 VRM 格式' },
  corrupt: { en: 'its file is damaged', 'zh-CN': '文件已损坏' },
  unsupported: { en: 'its file uses a format this app cannot read', 'zh-CN': '文件使用了本应用无法读取的格式' },
  'no-mesh': { en: 'its file has nothing to draw', 'zh-CN': '文件中没有可显示的模型' },
  'no-mouth': { en: 'the model has no mouth shapes (viseme, jawOpen or VRM aa)', 'zh-CN': '模型没有口型（viseme、jawOpen 或 VRM aa）' },
  load: { en: 'the model could not be loaded', 'zh-CN': '模型无法加载' }
}

/** What the operator reads when the 3D avatar falls back: the reason in short, then the details. */
export function modelFallbackMessage(error: AvatarModelError, lang: 'en' | 'zh-CN' = 'en'): string {
  const why = WHY[error.kind] ?? WHY.load
  return lang === 'zh-CN'
    ? `3D 数字人无法显示：${why['zh-CN']}。已改用内置形象。（${error.message}）`
    : `The 3D avatar cannot be shown: ${why.en}. The built-in avatar is used instead. (${error.message})`
}
