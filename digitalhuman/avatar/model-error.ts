// Why an avatar file cannot be shown, as a kind the caller acts on (fall back, refuse the upload)
// and a message saying what to fix. Its own tiny module: a page imports it without the checks.

export type AvatarModelErrorKind =
  /** No WebGL in this browser (the 3D avatar only). */
  | 'webgl'
  /** The file could not be downloaded (the 3D avatar only). */
  | 'fetch'
  /** Not a binary glTF (GLB/VRM) file. */
  | 'not-glb'
  /** A GLB whose header, chunks or JSON are broken. */
  | 'corrupt'
  /** A valid file this avatar cannot show (glTF 1, Draco or KTX2 compression). */
  | 'unsupported'
  /** Nothing to draw. */
  | 'no-mesh'
  /** No morph target or expression that opens the mouth. */
  | 'no-mouth'
  /** three.js failed on a file that passed these checks (a missing texture, a broken buffer). */
  | 'load'

export class AvatarModelError extends Error {
  constructor(
    readonly kind: AvatarModelErrorKind,
    message: string
  ) {
    super(message)
    this.name = 'AvatarModelError'
  }
}
