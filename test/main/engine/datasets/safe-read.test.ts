// Reading dataset files (issue 16): regular files only, never blocking on a FIFO or a device, bounded in size; real
// paths judged against the real root; the cache line counts distinct contents.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readRegularFile, realPathInside } from '../../../../src/main/engine/datasets/safe-read'
import { cacheLine } from '../../../../src/main/engine/runner/embed-outcome'
import { tempDir } from '../../../helpers/workspace'

const ws = tempDir('mia-safe-read-')
afterAll(() => ws.cleanup())
const posix = process.platform !== 'win32'

describe('readRegularFile', () => {
  it('reads a regular file and refuses one over the size bound', async () => {
    const file = path.join(ws.dir, 'a.bin')
    fs.writeFileSync(file, Buffer.alloc(1000, 7))
    expect((await readRegularFile(file, 1000)).length).toBe(1000)
    await expect(readRegularFile(file, 999)).rejects.toMatchObject({ code: 'EFBIG', message: expect.stringMatching(/1000 bytes, over the limit of 999/) })
  })

  it.runIf(posix)('refuses a FIFO at once, without waiting for a writer', async () => {
    const fifo = path.join(ws.dir, 'pipe.png')
    execFileSync('mkfifo', [fifo])
    const t0 = Date.now()
    await expect(readRegularFile(fifo, 1 << 20)).rejects.toMatchObject({ code: 'ENOTREG', message: expect.stringMatching(/FIFO \(named pipe\), not a regular file/) })
    expect(Date.now() - t0).toBeLessThan(2000)
  })

  it.runIf(posix)('refuses character devices, folders, sockets and symlink loops', async () => {
    await expect(readRegularFile('/dev/zero', 1 << 20)).rejects.toMatchObject({ code: 'ENOTREG', message: expect.stringMatching(/a device/) })
    await expect(readRegularFile(ws.dir, 1 << 20)).rejects.toMatchObject({ code: 'EISDIR' })
    const sock = path.join(ws.dir, 's.png')
    const server = net.createServer().listen(sock)
    await new Promise((r) => server.once('listening', r))
    try {
      await expect(readRegularFile(sock, 1 << 20)).rejects.toMatchObject({ name: 'DataFileError' })
    } finally {
      server.close()
    }
    fs.symlinkSync('loop.png', path.join(ws.dir, 'loop.png'))
    await expect(readRegularFile(path.join(ws.dir, 'loop.png'), 1 << 20)).rejects.toMatchObject({ code: 'ELOOP', message: expect.stringMatching(/symbolic link loop/) })
  })
})

describe('realPathInside', () => {
  it('judges symlinks by their target, roots by their real path', async () => {
    const root = path.join(ws.dir, 'root')
    fs.mkdirSync(path.join(root, 'img'), { recursive: true })
    fs.writeFileSync(path.join(root, 'img', 'in.png'), 'x')
    fs.writeFileSync(path.join(ws.dir, 'secret.png'), 'x')
    fs.symlinkSync(path.join(ws.dir, 'secret.png'), path.join(root, 'img', 'out.png'))
    fs.symlinkSync('in.png', path.join(root, 'img', 'alias.png'))
    fs.symlinkSync(root, path.join(ws.dir, 'root-link'))
    expect(await realPathInside(root, path.join(root, 'img', 'in.png'))).toBe('inside')
    expect(await realPathInside(root, path.join(root, 'img', 'alias.png'))).toBe('inside')
    expect(await realPathInside(root, path.join(root, 'img', 'out.png'))).toBe('outside')
    expect(await realPathInside(path.join(ws.dir, 'root-link'), path.join(root, 'img', 'in.png'))).toBe('inside')
    expect(await realPathInside(root, path.join(root, 'no-folder', 'gone.png'))).toBe('missing')
    fs.symlinkSync('self', path.join(root, 'self'))
    expect(await realPathInside(root, path.join(root, 'self', 'x.png'))).toBe('loop')
  })
})

describe('cacheLine', () => {
  it('on an empty cache, duplicate captions are distinct work, not cached', () => {
    const keys = ['a', 'a', 'b', 'c', 'c', 'c'].map((contentHash) => ({ contentHash }))
    const views = ['x', 'x', 'y'].map((contentHash) => ({ contentHash, view: 'orig' }))
    expect(cacheLine(keys, 3, views, 2)).toBe('Cache: 6 captions, 3 distinct, 0 cached; 3 image views, 2 distinct, 0 cached.')
    expect(cacheLine(keys, 1, views, 0)).toBe('Cache: 6 captions, 3 distinct, 2 cached; 3 image views, 2 distinct, 2 cached.')
  })
})

describe("a dataset's own files", () => {
  it.runIf(posix)('a FIFO as manifest, labels.csv or dataset.json fails the open at once, naming it', async () => {
    const { openDataset } = await import('../../../../src/main/engine/datasets')
    const manifestFifo = path.join(ws.dir, 'fifo-manifest.csv')
    execFileSync('mkfifo', [manifestFifo])
    await expect(openDataset(manifestFifo)).rejects.toMatchObject({ code: 'bad-dataset', item: manifestFifo, message: expect.stringMatching(/FIFO/) })
    for (const name of ['labels.csv', 'dataset.json']) {
      const dir = path.join(ws.dir, `folder-${name}`)
      fs.mkdirSync(dir)
      fs.writeFileSync(path.join(dir, 'a.png'), 'x')
      execFileSync('mkfifo', [path.join(dir, name)])
      await expect(openDataset(dir), name).rejects.toMatchObject({ code: 'bad-dataset', message: expect.stringMatching(/FIFO/) })
    }
  })
})
