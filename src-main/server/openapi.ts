import { z } from 'zod'
import { endpoints, streams } from '../contract/api'
import { ChatInitBody, ChatMessageBody, ChatMessageChunk, TurnEvent } from '../contract/chat'
import { StagedRestore } from '../contract/backup'
import { ErrorBody, errorStatus } from '../contract/errors'
import { DigitalHuman } from '../contract/digital-humans'
import { ChatCompletionRequest, ResponsesRequest } from '../contract/openai'
import { SpeechSynthesize, SpeechTranscribeQuery, SpeechTranscript, speechRoutes } from '../contract/speech'
import { APP_VERSION } from '../core/version'

type Schema = Record<string, unknown>

/** A JSON Schema as OpenAPI 3.0 takes it; an empty `required` list is dropped (3.0 forbids it). */
const toSchema = (s: z.ZodType, io: 'input' | 'output'): Schema => tidy(z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'openapi-3.0' })) as Schema

function tidy(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(tidy)
  if (!node || typeof node !== 'object') return node
  const out: Schema = {}
  for (const [k, v] of Object.entries(node)) {
    if (k === 'required' && Array.isArray(v) && v.length === 0) continue
    out[k] = tidy(v)
  }
  return out
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const jsonContent = (schema: Schema) => ({ 'application/json': { schema } })
const sseContent = (description: string) => ({ 'text/event-stream': { schema: { type: 'string', description } } })
const jsonBody = (schema: Schema) => ({ required: true, content: jsonContent(schema) })

/** The error answers of a surface: every status it may give, in its error shape. */
const errorsOf = (statuses: number[], shape: string) =>
  Object.fromEntries(statuses.map((s) => [String(s), { description: 'Error', content: jsonContent(ref(shape)) }]))

const API_ERRORS = [...new Set(Object.values(errorStatus))].sort()
const V1_ERRORS = [400, 401, 403, 404, 413, 415, 429, 500, 502, 504]

/** A route's body: its input without the path parameters. */
function bodySchema(input: Schema, properties: Record<string, unknown>, required: string[]): Schema {
  const { required: _all, ...rest } = input
  return { ...rest, properties, ...(required.length && { required }) }
}

/** `/api`: generated from the contract's endpoints, so it cannot drift from the routes. */
function apiPaths(): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const [name, ep] of Object.entries(endpoints)) {
    const params = [...ep.path.matchAll(/:(\w+)/g)].map((m) => m[1])
    const oaPath = ep.path.replace(/:(\w+)/g, '{$1}')
    const inputSchema = toSchema(ep.input, 'input') as { properties?: Record<string, unknown>; required?: string[] }
    const props = { ...(inputSchema.properties ?? {}) }
    for (const p of params) delete props[p]
    const required = inputSchema.required?.filter((r) => !params.includes(r)) ?? []
    const hasBody = ep.method === 'POST' || ep.method === 'PUT'
    const parameters = [
      ...params.map((p) => ({ name: p, in: 'path', required: true, schema: { type: 'string' } })),
      ...(hasBody ? [] : Object.entries(props).map(([k, schema]) => ({ name: k, in: 'query', required: required.includes(k), schema })))
    ]
    paths[oaPath] ??= {}
    paths[oaPath][ep.method.toLowerCase()] = {
      operationId: name,
      tags: ['api'],
      summary: ep.summary,
      parameters,
      ...(hasBody && { requestBody: jsonBody(bodySchema(inputSchema, props, required)) }),
      responses: {
        [name.endsWith('.create') ? '201' : '200']: { description: 'OK', content: jsonContent(toSchema(ep.output, 'output')) },
        ...errorsOf(API_ERRORS, 'Error')
      }
    }
  }
  // Speech answers with audio bytes, so its routes are not in the JSON table; described here by hand.
  paths[speechRoutes.synthesize.path] = {
    post: {
      operationId: 'speech.synthesize',
      tags: ['speech'],
      summary: speechRoutes.synthesize.summary,
      requestBody: jsonBody(toSchema(SpeechSynthesize, 'input')),
      responses: {
        '200': { description: 'The audio', content: { 'audio/*': { schema: { type: 'string', format: 'binary' } } } },
        ...errorsOf([400, 401, 403, 404, 413, 422, 502], 'Error')
      }
    }
  }
  const query = toSchema(SpeechTranscribeQuery, 'input') as { properties?: Record<string, unknown> }
  paths[speechRoutes.transcribe.path] = {
    post: {
      operationId: 'speech.transcribe',
      tags: ['speech'],
      summary: speechRoutes.transcribe.summary,
      parameters: Object.entries(query.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: false, schema })),
      requestBody: { required: true, content: { 'audio/*': { schema: { type: 'string', format: 'binary' } } } },
      responses: {
        '200': { description: 'OK', content: jsonContent(toSchema(SpeechTranscript, 'output')) },
        ...errorsOf([400, 401, 403, 404, 413, 415, 422, 502], 'Error')
      }
    }
  }
  // Routes outside the endpoint table: the multipart upload and the studio's turn stream.
  paths['/api/knowledge-bases/{id}/upload'] = {
    post: {
      operationId: 'knowledgeBases.upload',
      tags: ['api'],
      summary: 'Upload files into a knowledge base (all or nothing: 413 over the size limit, 415 for an unsupported type, 422 for none or an empty one)',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: { type: 'object', description: 'Any number of file fields', additionalProperties: { type: 'string', format: 'binary' } }
          }
        }
      },
      responses: {
        '201': {
          description: 'The new documents',
          content: jsonContent({
            type: 'object',
            required: ['documents'],
            properties: {
              documents: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { id: { type: 'string' }, name: { type: 'string' }, status: { type: 'string' }, duplicate: { type: 'boolean' } }
                }
              }
            }
          })
        },
        ...errorsOf([400, 401, 404, 413, 415, 422], 'Error')
      }
    }
  }
  // A digital human's GLB/VRM file (server/digital-humans.ts); the desktop app attaches one by path instead.
  const idParam = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }]
  paths['/api/digital-humans/{id}/model'] = {
    post: {
      operationId: 'digitalHumans.uploadModel',
      tags: ['api'],
      summary:
        "Upload a GLB/VRM avatar's file (413 over the size limit, 415 not a GLB, 422 a GLB without VRM data for a VRM avatar, 409 for a built-in or LiveTalking avatar)",
      parameters: idParam,
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': { schema: { type: 'object', description: 'One file field', additionalProperties: { type: 'string', format: 'binary' } } }
        }
      },
      responses: {
        '200': { description: 'The digital human with its file', content: jsonContent(toSchema(DigitalHuman, 'output')) },
        ...errorsOf([400, 401, 404, 409, 413, 415, 422], 'Error')
      }
    },
    get: {
      operationId: 'digitalHumans.model',
      tags: ['api'],
      summary: "A GLB/VRM avatar's file",
      parameters: idParam,
      responses: {
        '200': { description: 'The file', content: { 'model/gltf-binary': { schema: { type: 'string', format: 'binary' } } } },
        ...errorsOf([401, 404], 'Error')
      }
    }
  }
  // The backup archive itself (server/backup-files.ts).
  paths['/api/backups/{name}/file'] = {
    get: {
      operationId: 'backups.download',
      tags: ['api'],
      summary: 'Download a backup file (a gzipped tar of the data folder)',
      parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        '200': { description: 'The archive', content: { 'application/gzip': { schema: { type: 'string', format: 'binary' } } } },
        ...errorsOf([400, 401, 404], 'Error')
      }
    }
  }
  paths['/api/backups/upload'] = {
    post: {
      operationId: 'backups.upload',
      tags: ['api'],
      summary: 'Upload a backup file and check it (as backups.inspect): 400 damaged or not a backup, 422 from a newer version',
      requestBody: { required: true, content: { 'application/gzip': { schema: { type: 'string', format: 'binary' } } } },
      responses: {
        '201': { description: 'Checked; confirm with backups.restore', content: jsonContent(toSchema(StagedRestore, 'output')) },
        ...errorsOf([400, 401, 404, 409, 415, 422], 'Error')
      }
    }
  }
  const turn = streams['chat.turn']
  paths[turn.path] = {
    post: {
      operationId: 'chat.turn',
      tags: ['api'],
      summary: 'Run one turn of a studio session; its events stream back as Server-Sent Events',
      requestBody: jsonBody(toSchema(turn.input, 'input')),
      responses: {
        '200': {
          description: 'One `data:` frame per turn event (start, delta, tool_call, tool_progress, tool_result, card, sources, wait, error), ending with done',
          content: sseContent('One TurnEvent (components/schemas/TurnEvent) as JSON per data: line')
        },
        ...errorsOf([400, 401, 404, 409, 413], 'Error')
      }
    }
  }
  return paths
}

const keySecurity = [{ bearer: [] }, { agentKeyHeader: [] }, { agentKeyQuery: [] }]

/** `/v1`: the OpenAI-compatible API (every agent is a model). */
function v1Paths(): Record<string, Record<string, unknown>> {
  const v1 = (op: Record<string, unknown>) => ({ tags: ['v1'], security: keySecurity, ...op })
  const modelParam = { name: 'model', in: 'path', required: true, schema: { type: 'string' }, description: "An agent's uuid, id or name" }
  const idempotency = {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    schema: { type: 'string', maxLength: 255 },
    description: 'A retry with the same key (and body) gets the first answer instead of running the turn again; the same key with another body is a 400'
  }
  return {
    '/v1/models': {
      get: v1({
        operationId: 'v1.models.list',
        summary: 'The agents the caller may use, as models',
        responses: { '200': { description: 'OK', content: jsonContent(ref('ModelList')) }, ...errorsOf([401, 403], 'OpenAiError') }
      })
    },
    '/v1/models/{model}': {
      get: v1({
        operationId: 'v1.models.retrieve',
        summary: 'One agent as a model',
        parameters: [modelParam],
        responses: { '200': { description: 'OK', content: jsonContent(ref('Model')) }, ...errorsOf([401, 403, 404], 'OpenAiError') }
      })
    },
    '/v1/chat/completions': {
      post: v1({
        operationId: 'v1.chat.completions',
        summary:
          "Run the agent's turn on an OpenAI conversation. Caller `tools` come back as `tool_calls`; the agent's cards ride in `message.cards` / `delta.cards`",
        parameters: [idempotency],
        requestBody: jsonBody(toSchema(ChatCompletionRequest, 'input')),
        responses: {
          '200': {
            description: 'A chat.completion, or with stream: true chat.completion.chunk frames ending with [DONE]',
            content: { ...jsonContent(ref('ChatCompletion')), ...sseContent('chat.completion.chunk JSON per data: line, then [DONE]') }
          },
          ...errorsOf(V1_ERRORS, 'OpenAiError')
        }
      })
    },
    '/v1/responses': {
      post: v1({
        operationId: 'v1.responses',
        summary: 'A minimal Responses API: text input or messages in, one text message out (no tools, no stored responses)',
        parameters: [idempotency],
        requestBody: jsonBody(toSchema(ResponsesRequest, 'input')),
        responses: {
          '200': {
            description: 'A response, or with stream: true its events (response.created … response.completed)',
            content: { ...jsonContent(ref('Response')), ...sseContent('Responses stream event JSON per data: line') }
          },
          ...errorsOf(V1_ERRORS, 'OpenAiError')
        }
      })
    }
  }
}

/** The original chat protocol (widgets and phones) and the MCP endpoint. */
function protocolPaths(): Record<string, Record<string, unknown>> {
  const rpc = {
    type: 'object',
    required: ['jsonrpc'],
    properties: { jsonrpc: { type: 'string', enum: ['2.0'] }, id: { nullable: true }, method: { type: 'string' }, params: { type: 'object' } }
  }
  const notAllowed = { '405': { description: 'Stateless endpoint: POST only', content: jsonContent(rpc) } }
  return {
    '/chat-init': {
      post: {
        operationId: 'chat.init',
        tags: ['chat protocol'],
        security: keySecurity,
        summary: "Open (or resume) a session with an agent: the given session if it is this agent's, else a new one",
        requestBody: jsonBody(toSchema(ChatInitBody, 'input')),
        responses: {
          '200': { description: 'OK', content: jsonContent({ type: 'object', required: ['session_id'], properties: { session_id: { type: 'string' } } }) },
          ...errorsOf([400, 401, 403, 404], 'Error')
        }
      }
    },
    '/chat-message': {
      post: {
        operationId: 'chat.message',
        tags: ['chat protocol'],
        security: keySecurity,
        summary: 'Send a message in a session; the answer streams as {content, card, type?} chunks, or comes whole with stream: false',
        requestBody: jsonBody(toSchema(ChatMessageBody, 'input')),
        responses: {
          '200': {
            description: 'SSE chunks then data: [DONE]; with stream: false one JSON answer',
            content: {
              ...jsonContent({
                type: 'object',
                properties: {
                  content: { type: 'string' },
                  card: { type: 'object', nullable: true },
                  cards: { type: 'array', items: { type: 'object' } },
                  session_id: { type: 'string' },
                  run_id: { type: 'string' },
                  status: { type: 'string' },
                  error: { type: 'object' }
                }
              }),
              ...sseContent('One ChatMessageChunk (components/schemas/ChatMessageChunk) as JSON per data: line, then [DONE]')
            }
          },
          ...errorsOf([400, 401, 403, 404, 409, 413], 'Error')
        }
      }
    },
    '/mcp': {
      post: {
        operationId: 'mcp',
        tags: ['mcp'],
        summary: 'MCP over streamable HTTP (stateless): every agent is a tool. Studio token only',
        requestBody: jsonBody({ oneOf: [rpc, { type: 'array', items: rpc }] }),
        responses: {
          '200': { description: 'JSON-RPC result or error', content: jsonContent(rpc) },
          '202': { description: 'Notification accepted' },
          ...errorsOf([401], 'Error')
        }
      },
      get: { operationId: 'mcp.get', tags: ['mcp'], summary: 'Not available (stateless server)', responses: notAllowed },
      delete: { operationId: 'mcp.delete', tags: ['mcp'], summary: 'Not available (stateless server)', responses: notAllowed }
    }
  }
}

/** Response shapes of /v1 (OpenAI's, written out: the contract has no zod for what we send there). */
const v1Schemas: Record<string, Schema> = {
  OpenAiError: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['message', 'type'],
        properties: {
          message: { type: 'string' },
          type: { type: 'string' },
          param: { type: 'string', nullable: true },
          code: { type: 'string', nullable: true }
        }
      }
    }
  },
  Model: {
    type: 'object',
    required: ['id', 'object', 'created', 'owned_by'],
    properties: {
      id: { type: 'string' },
      object: { type: 'string', enum: ['model'] },
      created: { type: 'integer' },
      owned_by: { type: 'string' },
      name: { type: 'string' }
    }
  },
  ModelList: {
    type: 'object',
    required: ['object', 'data'],
    properties: { object: { type: 'string', enum: ['list'] }, data: { type: 'array', items: ref('Model') } }
  },
  Card: {
    type: 'object',
    description: 'A card the agent showed (extension field)',
    required: ['type', 'data'],
    properties: { type: { type: 'string' }, data: { type: 'object' } }
  },
  ToolCall: {
    type: 'object',
    required: ['id', 'type', 'function'],
    properties: {
      id: { type: 'string' },
      type: { type: 'string', enum: ['function'] },
      function: { type: 'object', required: ['name', 'arguments'], properties: { name: { type: 'string' }, arguments: { type: 'string' } } }
    }
  },
  Usage: { type: 'object', properties: { prompt_tokens: { type: 'integer' }, completion_tokens: { type: 'integer' }, total_tokens: { type: 'integer' } } },
  ChatCompletion: {
    type: 'object',
    required: ['id', 'object', 'created', 'model', 'choices'],
    properties: {
      id: { type: 'string' },
      object: { type: 'string', enum: ['chat.completion'] },
      created: { type: 'integer' },
      model: { type: 'string' },
      choices: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            index: { type: 'integer' },
            finish_reason: { type: 'string', enum: ['stop', 'tool_calls'] },
            message: {
              type: 'object',
              properties: {
                role: { type: 'string', enum: ['assistant'] },
                content: { type: 'string', nullable: true },
                tool_calls: { type: 'array', items: ref('ToolCall') },
                cards: { type: 'array', items: ref('Card') }
              }
            }
          }
        }
      },
      usage: ref('Usage')
    }
  },
  Response: {
    type: 'object',
    required: ['id', 'object', 'created_at', 'status', 'model', 'output'],
    properties: {
      id: { type: 'string' },
      object: { type: 'string', enum: ['response'] },
      created_at: { type: 'integer' },
      status: { type: 'string', enum: ['completed', 'failed', 'in_progress'] },
      model: { type: 'string' },
      output: { type: 'array', items: { type: 'object' } },
      output_text: { type: 'string' },
      usage: { type: 'object', nullable: true },
      cards: { type: 'array', items: ref('Card') }
    }
  }
}

/**
 * OpenAPI 3.0 for every surface of the server: `/api` (from the contract), `/v1`, the chat
 * protocol, `/mcp`, uploads and the turn stream. `serverUrl` is the address it was asked on.
 */
export function openApiDocument(serverUrl?: string) {
  return {
    openapi: '3.0.3',
    info: {
      title: 'Agenta Studio API',
      version: APP_VERSION,
      description:
        "`/api` and `/mcp` take the studio token. `/v1` (OpenAI-compatible) and the chat protocol (`/chat-init`, `/chat-message`) also take a published agent's public key (pk_…), which opens only that agent."
    },
    ...(serverUrl && { servers: [{ url: serverUrl, description: 'This server' }] }),
    tags: [
      { name: 'api', description: 'The studio API (studio token)' },
      { name: 'v1', description: 'OpenAI-compatible: every agent is a model' },
      { name: 'chat protocol', description: 'The original widget/phone chat protocol' },
      { name: 'mcp', description: 'Agents as MCP tools' }
    ],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: "The studio token, or (where allowed) a published agent's public key pk_…" },
        agentKeyHeader: { type: 'apiKey', in: 'header', name: 'X-Agenta-Key', description: "A published agent's public key" },
        agentKeyQuery: { type: 'apiKey', in: 'query', name: 'key', description: "A published agent's public key" }
      },
      schemas: {
        Error: toSchema(ErrorBody, 'output'),
        // What the SSE streams carry per `data:` line (OpenAPI 3.0 cannot type the frames of a stream).
        TurnEvent: toSchema(TurnEvent, 'output'),
        ChatMessageChunk: toSchema(ChatMessageChunk, 'output'),
        ...v1Schemas
      }
    },
    security: [{ bearer: [] }],
    paths: { ...apiPaths(), ...v1Paths(), ...protocolPaths() }
  }
}
