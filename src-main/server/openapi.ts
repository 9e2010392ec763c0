import { z } from 'zod'
import { endpoints } from '../contract/api'
import { ErrorBody, errorStatus } from '../contract/errors'
import { SpeechSynthesize, SpeechTranscribeQuery, SpeechTranscript, speechRoutes } from '../contract/speech'
import { APP_VERSION } from '../core/version'

const toSchema = (s: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'openapi-3.0' })

/** OpenAPI 3 generated from the contract, so the document cannot drift from the routes. */
export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const [name, ep] of Object.entries(endpoints)) {
    const params = [...ep.path.matchAll(/:(\w+)/g)].map((m) => m[1])
    const oaPath = ep.path.replace(/:(\w+)/g, '{$1}')
    const inputSchema = toSchema(ep.input, 'input') as { properties?: Record<string, unknown>; required?: string[] }
    const props = { ...(inputSchema.properties ?? {}) }
    for (const p of params) delete props[p]
    const hasBody = ep.method === 'POST' || ep.method === 'PUT'
    const parameters = [
      ...params.map((p) => ({ name: p, in: 'path', required: true, schema: { type: 'string' } })),
      ...(hasBody ? [] : Object.entries(props).map(([k, schema]) => ({ name: k, in: 'query', required: inputSchema.required?.includes(k) ?? false, schema })))
    ]
    const errors = Object.fromEntries(
      [...new Set(Object.values(errorStatus))].map((status) => [
        String(status),
        { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }
      ])
    )
    paths[oaPath] ??= {}
    paths[oaPath][ep.method.toLowerCase()] = {
      operationId: name,
      summary: ep.summary,
      parameters,
      ...(hasBody && {
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { ...inputSchema, properties: props, required: inputSchema.required?.filter((r) => !params.includes(r)) } } }
        }
      }),
      responses: {
        [name.endsWith('.create') ? '201' : '200']: { description: 'OK', content: { 'application/json': { schema: toSchema(ep.output, 'output') } } },
        ...errors
      }
    }
  }
  // Speech answers with audio bytes, so its routes are not in the JSON table; described here by hand.
  const errorRefs = { '4XX': { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } }
  paths[speechRoutes.synthesize.path] = {
    post: {
      operationId: 'speech.synthesize',
      summary: speechRoutes.synthesize.summary,
      requestBody: { required: true, content: { 'application/json': { schema: toSchema(SpeechSynthesize, 'input') } } },
      responses: { '200': { description: 'The audio', content: { 'audio/*': { schema: { type: 'string', format: 'binary' } } } }, ...errorRefs }
    }
  }
  const query = toSchema(SpeechTranscribeQuery, 'input') as { properties?: Record<string, unknown> }
  paths[speechRoutes.transcribe.path] = {
    post: {
      operationId: 'speech.transcribe',
      summary: speechRoutes.transcribe.summary,
      parameters: Object.entries(query.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: false, schema })),
      requestBody: { required: true, content: { 'audio/*': { schema: { type: 'string', format: 'binary' } } } },
      responses: { '200': { description: 'OK', content: { 'application/json': { schema: toSchema(SpeechTranscript, 'output') } } }, ...errorRefs }
    }
  }
  return {
    openapi: '3.0.3',
    info: { title: 'Agenta Studio API', version: APP_VERSION },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: toSchema(ErrorBody, 'output') }
    },
    security: [{ bearer: [] }],
    paths
  }
}
