// IPC for native dialogs (issue 9 Electron checklist): only our window's top frame showing the bundled renderer may
// ask, and only with a known purpose. Checked against a recording stand-in for Electron's ipcMain and BrowserWindow.
import { beforeAll, describe, expect, it, vi } from 'vitest'

const rec = vi.hoisted(() => ({
  handlers: {} as Record<string, (event: unknown, args: unknown) => Promise<unknown>>,
  windows: new Map<unknown, { id: number }>(),
  picked: [] as Array<[unknown, string]>
}))

vi.mock('electron', () => ({
  ipcMain: { handle: (channel: string, fn: (event: unknown, args: unknown) => Promise<unknown>) => (rec.handlers[channel] = fn) },
  BrowserWindow: { fromWebContents: (contents: unknown) => rec.windows.get(contents) ?? null }
}))
vi.mock('../../../src/main/electron/dialogs', () => ({
  PICK_PURPOSES: ['model', 'dataset-folder', 'dataset-manifest'],
  pickPath: async (win: unknown, purpose: string) => {
    rec.picked.push([win, purpose])
    return `/picked/${purpose}`
  }
}))

/** An invoke event from a frame of a webContents; `ours` makes it one of our windows. */
function event(url: string, options: { ours?: boolean; subframe?: boolean } = {}) {
  const mainFrame = { url }
  const sender = { mainFrame }
  if (options.ours ?? true) rec.windows.set(sender, { id: rec.windows.size + 1 })
  return { sender, senderFrame: options.subframe ? { url } : mainFrame }
}

describe('dialog IPC', () => {
  let pick: (event: unknown, args: unknown) => Promise<unknown>
  beforeAll(async () => {
    const { registerIpc } = await import('../../../src/main/electron/ipc')
    registerIpc({ lastCrash: () => ({ message: 'The engine process exited with code 134.', exitCode: 134, at: '2026-01-01T00:00:00.000Z' }) })
    expect(Object.keys(rec.handlers).sort()).toEqual(['dialog:pick-path', 'engine:last-crash'])
    pick = rec.handlers['dialog:pick-path']
  })

  it('opens the picker for our window showing the bundled renderer', async () => {
    await expect(pick(event('file:///app/out/renderer/index.html'), { purpose: 'dataset-manifest' })).resolves.toBe('/picked/dataset-manifest')
    expect(rec.picked).toHaveLength(1)
  })

  it('refuses sub-frames, remote pages and windows that are not ours', async () => {
    const untrusted = /Refused: dialog request from an untrusted frame/
    await expect(pick(event('file:///app/out/renderer/index.html', { subframe: true }), { purpose: 'model' })).rejects.toThrow(untrusted)
    await expect(pick(event('https://example.com/'), { purpose: 'model' })).rejects.toThrow(untrusted)
    await expect(pick(event('file:///app/out/renderer/index.html', { ours: false }), { purpose: 'model' })).rejects.toThrow(untrusted)
    expect(rec.picked).toHaveLength(1)
  })

  it("tells our window the engine's last crash, and nothing to others", async () => {
    const lastCrash = rec.handlers['engine:last-crash']
    await expect(lastCrash(event('file:///app/out/renderer/index.html'), undefined)).resolves.toMatchObject({ exitCode: 134 })
    await expect(lastCrash(event('https://example.com/'), undefined)).resolves.toBeNull()
  })

  it('refuses an unknown purpose, extra keys and non-objects before any dialog opens', async () => {
    for (const args of [{ purpose: 'anything' }, { purpose: 'model', defaultPath: '/etc' }, 'model', null]) {
      await expect(pick(event('file:///app/out/renderer/index.html'), args)).rejects.toThrow(/Refused: invalid dialog request/)
    }
    expect(rec.picked).toHaveLength(1)
  })
})
