// The engine utilityProcess (issue 9: a crash is reported, not fatal to the window), checked against a recording
// stand-in for Electron's API: the process is restarted and every open window is given a port to the new one.
import { EventEmitter } from 'node:events'
import { availableParallelism } from 'node:os'
import type { WebContents } from 'electron'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { uvThreadpoolSize } from '../../../src/main/engine/runner/uv-threadpool.cjs'

interface FakeChild extends EventEmitter {
  messages: Array<{ message: unknown; ports: unknown[] }>
  killed: boolean
  options: Record<string, unknown>
}

const rec = vi.hoisted(() => ({ children: [] as unknown[], modulePath: '' }))

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events')
  let port = 0
  return {
    app: { isPackaged: false, getAppPath: () => '/app', getPath: (name: string) => `/user/${name}`, getVersion: () => '9.9.9' },
    MessageChannelMain: class {
      port1 = { id: ++port }
      port2 = { id: ++port }
    },
    utilityProcess: {
      fork(modulePath: string, _args: string[], options: Record<string, unknown>) {
        rec.modulePath = modulePath
        const child = Object.assign(new Emitter(), { messages: [] as unknown[], killed: false, options })
        Object.assign(child, {
          postMessage: (message: unknown, ports: unknown[] = []) => child.messages.push({ message, ports }),
          kill: () => (child.killed = true)
        })
        rec.children.push(child)
        return child
      }
    }
  }
})
vi.mock('../../../src/main/host/utility-entry?modulePath', () => ({ default: '/app/out/main/utility-entry.js' }))

/** A window's webContents as main sees it: records the ports it is sent. */
function fakeContents(): EventEmitter & { received: unknown[]; destroyed: boolean; isDestroyed(): boolean; postMessage(ch: string, msg: unknown, ports: unknown[]): void } {
  const wc = Object.assign(new EventEmitter(), {
    received: [] as unknown[],
    destroyed: false,
    isDestroyed: () => wc.destroyed,
    postMessage: (channel: string, message: unknown, ports: unknown[]) => wc.received.push({ channel, message, ports })
  })
  return wc
}

const children = (): FakeChild[] => rec.children as FakeChild[]

describe('engine process', () => {
  beforeEach(() => {
    rec.children.length = 0
    vi.resetModules()
  })

  it('forks the engine entry with the workspace config and the Electron build of better-sqlite3', async () => {
    const { startEngineProcess } = await import('../../../src/main/electron/engine-process')
    startEngineProcess()
    expect(children()).toHaveLength(1)
    expect(rec.modulePath).toBe('/app/out/main/utility-entry.js')
    // libuv's pool is sized in the environment the process starts with (a size already set is kept).
    const pool = process.env.UV_THREADPOOL_SIZE || String(uvThreadpoolSize(availableParallelism()))
    expect(children()[0].options).toMatchObject({
      serviceName: 'MIA engine',
      env: expect.objectContaining({ MIA_SQLITE_BINDING: '/app/.native/electron/better_sqlite3.node', UV_THREADPOOL_SIZE: pool })
    })
    expect(children()[0].messages[0].message).toEqual({
      kind: 'config',
      config: { resourcesDir: '/app/resources', workspaceDir: '/user/userData/workspace', appVersion: '9.9.9', runtime: 'electron', appRoot: '/app' }
    })
  })

  it('a crash is reported and the engine restarted, and every open window gets a port to the new process', async () => {
    const { startEngineProcess } = await import('../../../src/main/electron/engine-process')
    const engine = startEngineProcess()
    const [a, b] = [fakeContents(), fakeContents()]
    engine.connect(a as unknown as WebContents)
    engine.connect(b as unknown as WebContents)
    expect(a.received).toHaveLength(1)
    expect(children()[0].messages.filter((m) => (m.message as { kind: string }).kind === 'connect')).toHaveLength(2)
    expect(engine.lastCrash()).toBeNull()

    b.destroyed = true
    b.emit('destroyed')
    children()[0].emit('exit', 134)
    expect(engine.lastCrash()).toMatchObject({ message: 'The engine process exited with code 134; it was restarted and running operations were lost.', exitCode: 134 })
    expect(Date.parse(engine.lastCrash()!.at)).toBeGreaterThan(0)
    expect(children()).toHaveLength(2)
    const fresh = children()[1]
    expect(fresh.messages.map((m) => (m.message as { kind: string }).kind)).toEqual(['config', 'connect'])
    // The surviving window is handed a port of the new process; the closed one is forgotten.
    expect(a.received).toHaveLength(2)
    expect(b.received).toHaveLength(1)
    expect((a.received[1] as { channel: string }).channel).toBe('engine-port')
    expect(a.received[0]).toMatchObject({ message: { crash: null } })
    expect(a.received[1]).toMatchObject({ message: { crash: { exitCode: 134 } } })
    expect(fresh.messages[1].ports).toHaveLength(1)

    children()[1].emit('exit', 1)
    expect(children()).toHaveLength(3)
    expect(a.received).toHaveLength(3)
  })

  it('a clean exit (quit) is not a crash and starts nothing; stop() kills the current process', async () => {
    const { startEngineProcess } = await import('../../../src/main/electron/engine-process')
    const engine = startEngineProcess()
    engine.stop()
    expect(children()[0].killed).toBe(true)
    children()[0].emit('exit', 0)
    expect(children()).toHaveLength(1)
    expect(engine.lastCrash()).toBeNull()
  })
})
