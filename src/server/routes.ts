// API routes, generic over the contract: POST /api/ops/<op> streams events and the result as SSE.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { toErrorData, WorkbenchError } from '../shared/contract/errors'
import { isOperationName } from '../shared/contract/operations'
import type { EngineClient } from '../main/host/client'
import { openSse, writeSse } from './sse'

/** Largest JSON body accepted (bytes); operations take paths and parameters, never bulk data. */
export const MAX_BODY_BYTES = 1024 * 1024

/** Send a JSON error reply. */
export function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent) return void res.end()
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(JSON.stringify({ code, message }))
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'] ?? ''
  if (!type.startsWith('application/json')) {
    throw new WorkbenchError({ code: 'invalid-input', message: 'Requests must be application/json.' })
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) throw new WorkbenchError({ code: 'invalid-input', message: `Request body over ${MAX_BODY_BYTES} bytes.` })
    chunks.push(chunk as Buffer)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text)
  } catch {
    throw new WorkbenchError({ code: 'invalid-input', message: 'Request body is not valid JSON.' })
  }
}

/** Handle /api/* requests; returns false when the path is not an API route. */
export async function handleApi(client: EngineClient, req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> {
  const cancelMatch = /^\/api\/cancel\/([\w-]{1,100})$/.exec(pathname)
  if (cancelMatch && req.method === 'POST') {
    client.cancel(cancelMatch[1])
    res.writeHead(204).end()
    return true
  }
  const opMatch = /^\/api\/ops\/([\w.-]{1,100})$/.exec(pathname)
  if (!opMatch) return false
  if (req.method !== 'POST') {
    sendError(res, 405, 'invalid-input', 'Use POST.')
    return true
  }
  const op = opMatch[1]
  if (!isOperationName(op)) {
    sendError(res, 404, 'not-found', `Unknown operation "${op}".`)
    return true
  }
  let input: unknown
  try {
    input = await readJsonBody(req)
  } catch (err) {
    const data = toErrorData(err)
    sendError(res, 400, data.code, data.message)
    return true
  }
  const headerId = req.headers['x-request-id']
  const requestId = typeof headerId === 'string' && /^[\w-]{1,100}$/.test(headerId) ? headerId : randomUUID()
  const controller = new AbortController()
  // A closed connection (tab closed, fetch aborted) cancels the operation.
  res.on('close', () => {
    if (!res.writableFinished) controller.abort()
  })
  openSse(res)
  try {
    const output = await client.invoke(op, input as never, {
      requestId,
      signal: controller.signal,
      onEvent: (event) => writeSse(res, 'event', event)
    })
    writeSse(res, 'result', output)
  } catch (err) {
    writeSse(res, 'error', toErrorData(err))
  }
  res.end()
  return true
}
