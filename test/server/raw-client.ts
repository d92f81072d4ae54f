// Raw loopback HTTP for server tests: bytes on a socket, so request lines, Host and Origin can be anything.
import http from 'node:http'
import net from 'node:net'

/** Send `bytes` and collect the reply until the server closes or `waitMs` passes; status is null without a reply. */
export function sendRaw(port: number, bytes: string | Buffer, waitMs = 2000, host = '127.0.0.1'): Promise<{ status: number | null; text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port })
    let text = ''
    const finish = (closed: boolean): void => {
      clearTimeout(timer)
      socket.destroy()
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text)
      resolve({ status: m ? Number(m[1]) : null, text, closed })
    }
    const timer = setTimeout(() => finish(false), waitMs)
    socket.on('data', (d) => {
      text += d.toString('latin1')
      // One answer is enough: keep-alive would otherwise hold the socket until waitMs.
      const bodyAt = text.indexOf('\r\n\r\n') + 4
      if (bodyAt < 4) return
      const head = text.slice(0, bodyAt)
      const length = /content-length: (\d+)/i.exec(head)
      if (length ? text.length - bodyAt >= Number(length[1]) : /transfer-encoding: chunked/i.test(head) && text.endsWith('0\r\n\r\n')) finish(false)
    })
    socket.on('error', () => finish(true))
    socket.on('close', () => finish(true))
    socket.write(bytes)
  })
}

/** A well-formed request through Node's client, with any headers. */
export function request(
  port: number,
  options: { path: string; method?: string; headers?: Record<string, string>; body?: string; host?: string }
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: options.host ?? '127.0.0.1', port, path: options.path, method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      let body = ''
      res.on('data', (c) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }))
    })
    req.on('error', reject)
    if (options.body) req.write(options.body)
    req.end()
  })
}
