// espeak-ng compiled to WebAssembly (the optional npm package `espeak-ng`, GPL-3.0-or-later, its
// voice data inside the .wasm): the offline voice on machines without the espeak-ng program
// (Windows, macOS, a bare Linux). It is espeak-ng's command line built with Emscripten: each call
// instantiates it with arguments, text in and a WAV out through its in-memory file system. That
// takes 150–250 ms of CPU per sentence, so it runs in one worker thread (the server's event loop
// keeps streaming turns meanwhile), with the compiled module kept between calls.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'

export interface WasmSpeakRequest {
  text: string
  voice: string
  wpm?: number
}

/** The package's entry, or undefined when the optional dependency is not installed. */
export function espeakWasmEntry(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve('espeak-ng')
  } catch {
    return undefined
  }
}

// The worker's code: plain JavaScript run with `eval`, so it needs no bundler entry of its own.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const { readFileSync } = require('node:fs')
let ready
function load() {
  ready ??= Promise.all([import(workerData.entry), WebAssembly.compile(readFileSync(workerData.wasm))])
  return ready
}
parentPort.on('message', async ({ id, text, voice, wpm }) => {
  try {
    const [{ default: ESpeakNg }, compiled] = await load()
    const errors = []
    const args = ['-v', voice, '-w', '/tmp/out.wav', '-f', '/tmp/in.txt']
    if (wpm) args.push('-s', String(wpm))
    const m = await ESpeakNg({
      arguments: args,
      // The text goes in as a file: as an argument, one starting with "-" would read as an option.
      preRun: [(mod) => mod.FS.writeFile('/tmp/in.txt', text)],
      instantiateWasm: (imports, done) => {
        WebAssembly.instantiate(compiled, imports).then((instance) => done(instance, compiled))
        return {}
      },
      print: () => {},
      printErr: (line) => errors.push(line)
    })
    let wav
    try {
      wav = m.FS.readFile('/tmp/out.wav')
    } catch {
      wav = new Uint8Array()
    }
    parentPort.postMessage({ id, wav, error: wav.length > 44 ? undefined : errors.find((e) => !/keepRuntimeAlive/.test(e)) || 'no audio' }, [wav.buffer])
  } catch (err) {
    parentPort.postMessage({ id, error: String(err && err.message || err) })
  }
})
`

interface Pending {
  resolve(wav: Uint8Array): void
  reject(err: Error): void
}

let worker: Worker | undefined
const pending = new Map<number, Pending>()
let nextId = 1

function start(entry: string): Worker {
  const w = new Worker(WORKER, { eval: true, workerData: { entry: pathToFileURL(entry).href, wasm: join(dirname(entry), 'espeak-ng.wasm') } })
  // An idle voice must not keep the process alive.
  w.unref()
  w.on('message', ({ id, wav, error }: { id: number; wav?: Uint8Array; error?: string }) => {
    const p = pending.get(id)
    pending.delete(id)
    if (!p) return
    if (!pending.size) w.unref()
    if (error || !wav) p.reject(new Error(error ?? 'no audio'))
    else p.resolve(new Uint8Array(wav.buffer, wav.byteOffset, wav.byteLength))
  })
  const fail = (err: Error) => {
    if (worker === w) worker = undefined
    for (const p of pending.values()) p.reject(err)
    pending.clear()
  }
  w.on('error', fail)
  w.on('exit', (code) => fail(new Error(`the espeak-ng worker stopped (exit code ${code})`)))
  return w
}

/**
 * Speaks with the wasm build: a WAV (22050 Hz, sizes written). Rejects with the reason espeak-ng
 * printed (an unknown voice), or when the package is missing. One call at a time in the worker;
 * an abort stops waiting (the sentence in progress is short and is dropped).
 */
export function speakWasm(req: WasmSpeakRequest, signal?: AbortSignal): Promise<Uint8Array> {
  const entry = espeakWasmEntry()
  if (!entry) return Promise.reject(new Error('the optional package espeak-ng is not installed'))
  if (signal?.aborted) return Promise.reject(signal.reason)
  worker ??= start(entry)
  const id = nextId++
  return new Promise<Uint8Array>((resolve, reject) => {
    const onAbort = () => {
      pending.delete(id)
      if (!pending.size) worker?.unref()
      reject(signal?.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    const settle =
      <T>(fn: (v: T) => void) =>
      (v: T) => {
        signal?.removeEventListener('abort', onAbort)
        fn(v)
      }
    pending.set(id, { resolve: settle(resolve), reject: settle(reject) })
    // Held while a sentence is in progress, so a caller that only awaits it still gets it.
    worker!.ref()
    worker!.postMessage({ id, ...req })
  })
}

/** Stops the worker (tests; the process exit does it otherwise). */
export async function stopEspeakWasm(): Promise<void> {
  const w = worker
  worker = undefined
  await w?.terminate()
}
