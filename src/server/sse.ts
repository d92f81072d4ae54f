// Server-sent-event framing for operation responses: events stream, then one result or error frame.
import type { ServerResponse } from 'node:http'

/** Start an SSE response. */
export function openSse(res: ServerResponse): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no'
  })
  res.flushHeaders()
}

/** Write one SSE frame: `event` names the kind (event | result | error), `data` is JSON. */
export function writeSse(res: ServerResponse, event: 'event' | 'result' | 'error', data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
}
