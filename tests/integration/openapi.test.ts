// The published OpenAPI document, checked by a real validator and against the routes it describes.
import SwaggerParser from '@apidevtools/swagger-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChatMessageChunk, TurnEvent } from '../../src-main/contract/chat'
import { bootServer, type BootedServer } from '../utils/boot'

let s: BootedServer
let doc: any

beforeAll(async () => {
  s = await bootServer()
  const res = await fetch(`${s.url}/api/openapi.json`)
  expect(res.status).toBe(200)
  doc = await res.json()
})
afterAll(() => s?.close())

describe('GET /api/openapi.json (17)', () => {
  it('is a valid OpenAPI document (swagger-parser)', async () => {
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeTruthy()
  })

  it('names this server', () => {
    expect(doc.servers).toEqual([{ url: s.url, description: expect.any(String) }])
  })

  it('covers every surface: /api, /v1, the chat protocol, /mcp, uploads and the studio turn stream', () => {
    const ops = Object.entries(doc.paths).flatMap(([path, item]: [string, any]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`))
    expect(ops).toEqual(
      expect.arrayContaining([
        'GET /api/agents',
        'GET /v1/models',
        'GET /v1/models/{model}',
        'POST /v1/chat/completions',
        'POST /v1/responses',
        'POST /chat-init',
        'POST /chat-message',
        'POST /mcp',
        'POST /api/knowledge-bases/{id}/upload',
        'POST /api/chat/turn'
      ])
    )
    expect(Object.keys(doc.paths['/api/knowledge-bases/{id}/upload'].post.requestBody.content)).toEqual(['multipart/form-data'])
    expect(Object.keys(doc.paths['/api/chat/turn'].post.responses['200'].content)).toEqual(['text/event-stream'])
    expect(Object.keys(doc.paths['/chat-message'].post.responses['200'].content).sort()).toEqual(['application/json', 'text/event-stream'])
    // The frames of both streams are declared: one schema per kind of event or chunk.
    const kinds = (schema: any) => (schema.oneOf ?? schema.anyOf).length
    expect(kinds(doc.components.schemas.TurnEvent)).toBe(TurnEvent.options.length)
    expect(kinds(doc.components.schemas.ChatMessageChunk)).toBe(ChatMessageChunk.options.length)
  })

  it('no request body declares an empty `required` list', () => {
    const empty: string[] = []
    const walk = (node: unknown, at: string) => {
      if (!node || typeof node !== 'object') return
      if (Array.isArray((node as any).required) && (node as any).required.length === 0) empty.push(at)
      for (const [k, v] of Object.entries(node)) walk(v, `${at}/${k}`)
    }
    walk(doc, '#')
    expect(empty).toEqual([])
  })
})
