// The preload (issue 9 Electron checklist): the renderer gets exactly window.workbench {invoke, cancel} and
// window.workbenchDesktop {pickPath}; calls wait for the engine port, and errors cross the bridge as plain data.
// Checked against a recording stand-in for Electron's contextBridge and ipcRenderer.
import { describe, expect, it, vi } from 'vitest'

const rec = vi.hoisted(() => ({
  exposed: {} as Record<string, Record<string, unknown>>,
  listeners: {} as Record<string, (event: { ports: unknown[] }) => void>,
  invoked: [] as Array<[string, unknown]>
}))

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => (rec.exposed[key] = api) },
  ipcRenderer: {
    on: (channel: string, fn: (event: { ports: unknown[] }) => void) => (rec.listeners[channel] = fn),
    invoke: (channel: string, args: unknown) => {
      rec.invoked.push([channel, args])
      return Promise.resolve('/picked')
    }
  }
}))

/** The engine end of the brokered MessagePort: records requests, answers with what `reply` returns. */
function fakePort(reply: (request: { id: string; op: string }) => unknown) {
  const port = {
    sent: [] as Array<{ kind: string; id: string; op: string }>,
    onmessage: null as ((e: { data: unknown }) => void) | null,
    started: false,
    start: () => (port.started = true),
    postMessage(message: { kind: string; id: string; op: string }) {
      port.sent.push(message)
      if (message.kind === 'request') queueMicrotask(() => port.onmessage?.({ data: reply(message) }))
    }
  }
  return port
}

describe('preload', () => {
  it('exposes exactly the contract API and the dialog bridge, nothing else', async () => {
    await import('../../src/preload/index')
    expect(Object.keys(rec.exposed).sort()).toEqual(['workbench', 'workbenchDesktop'])
    expect(Object.keys(rec.exposed.workbench).sort()).toEqual(['cancel', 'invoke'])
    expect(Object.keys(rec.exposed.workbenchDesktop).sort()).toEqual(['lastEngineCrash', 'onEngineCrash', 'pickPath'])
    expect(Object.values({ ...rec.exposed.workbench, ...rec.exposed.workbenchDesktop }).every((f) => typeof f === 'function')).toBe(true)
    expect(Object.keys(rec.listeners)).toEqual(['engine-port'])
  })

  it('queues calls until the engine port arrives; errors come back as plain data with code and hint', async () => {
    await import('../../src/preload/index')
    const api = rec.exposed.workbench as { invoke(op: string, input: unknown): Promise<unknown> }
    const early = api.invoke('app.info', {})
    const port = fakePort((r) =>
      r.op === 'app.info'
        ? { kind: 'response', id: r.id, ok: true, output: { name: 'MIA Workbench' } }
        : { kind: 'response', id: r.id, ok: false, error: { code: 'not-found', message: 'No such model.', hint: 'Add it first.' } }
    )
    rec.listeners['engine-port']({ ports: [port] })
    port.onmessage?.({ data: { kind: 'ready' } })
    expect(port.started).toBe(true)
    await expect(early).resolves.toEqual({ name: 'MIA Workbench' })
    const err = await api.invoke('models.get', { id: 'x' }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'not-found', message: 'No such model.', hint: 'Add it first.' })
    expect(Object.getPrototypeOf(err)).toBe(Object.prototype)
    expect(port.sent.map((m) => [m.kind, m.op])).toEqual([
      ['request', 'app.info'],
      ['request', 'models.get']
    ])
  })

  it('asks main for a picker by purpose only', async () => {
    await import('../../src/preload/index')
    const desktop = rec.exposed.workbenchDesktop as { pickPath(purpose: string): Promise<string | null> }
    await expect(desktop.pickPath('model')).resolves.toBe('/picked')
    expect(rec.invoked).toEqual([['dialog:pick-path', { purpose: 'model' }]])
  })
})
