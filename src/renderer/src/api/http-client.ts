// WorkbenchApi over HTTP + server-sent events (browser mode); the session cookie authenticates.
import type { CallOptions, WorkbenchApi } from '../../../shared/contract/api'
import { WorkbenchError, isWorkbenchErrorData } from '../../../shared/contract/errors'
import type { WorkbenchEvent } from '../../../shared/contract/events'

interface Frame {
  event: string
  data: string
}

/** Split an SSE byte stream into frames. */
async function* readFrames(body: ReadableStream<Uint8Array>): AsyncGenerator<Frame> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    buffer += decoder.decode(value, { stream: true })
    let cut: number
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const raw = buffer.slice(0, cut)
      buffer = buffer.slice(cut + 2)
      const frame: Frame = { event: 'message', data: '' }
      for (const line of raw.split('\n')) {
        if (line.startsWith('event: ')) frame.event = line.slice(7)
        else if (line.startsWith('data: ')) frame.data += line.slice(6)
      }
      yield frame
    }
  }
}

async function failureOf(response: Response): Promise<WorkbenchError> {
  const body: unknown = await response.json().catch(() => null)
  if (isWorkbenchErrorData(body)) return new WorkbenchError(body)
  return new WorkbenchError({ code: 'internal', message: `HTTP ${response.status} ${response.statusText}` })
}

/** Create the browser-mode API client for the server this page came from. */
export function createHttpClient(base = ''): WorkbenchApi {
  const cancel = (requestId: string): void => {
    void fetch(`${base}/api/cancel/${encodeURIComponent(requestId)}`, { method: 'POST', credentials: 'same-origin' })
  }
  async function invoke(op: string, input: unknown, options: CallOptions = {}): Promise<unknown> {
    const requestId = options.requestId ?? crypto.randomUUID()
    const response = await fetch(`${base}/api/ops/${op}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-Request-Id': requestId },
      body: JSON.stringify(input ?? {})
    })
    if (!response.ok || !response.body) throw await failureOf(response)
    for await (const frame of readFrames(response.body)) {
      const data: unknown = JSON.parse(frame.data)
      if (frame.event === 'event') options.onEvent?.(data as WorkbenchEvent)
      else if (frame.event === 'result') return data
      else if (frame.event === 'error') throw new WorkbenchError(isWorkbenchErrorData(data) ? data : { code: 'internal', message: String(frame.data) })
    }
    throw new WorkbenchError({ code: 'internal', message: `The server closed the ${op} stream without a result.`, hint: 'Check that `mia serve` is still running.' })
  }
  return { invoke: invoke as WorkbenchApi['invoke'], cancel }
}
