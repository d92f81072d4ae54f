// Builds dataset fixtures in temp folders: real images encoded by sharp, manifests and caption files.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { createRng } from '../../../../src/main/engine/rng'

/** A fresh temp folder and its removal. */
export async function makeTempDir(prefix = 'mia-datasets-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix))
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

/** Encoded bytes of a seeded noise image, so different seeds give different bytes. */
export async function imageBytes(seed: number, format: 'png' | 'jpeg' | 'webp' | 'gif' | 'tiff' = 'png', size = 24): Promise<Buffer> {
  const rng = createRng(seed)
  const pixels = Buffer.alloc(size * size * 3)
  for (let i = 0; i < pixels.length; i++) pixels[i] = rng.int(256)
  return sharp(pixels, { raw: { width: size, height: size, channels: 3 } })
    .toFormat(format)
    .toBuffer()
}

/** Write `content` at `dir/rel`, creating folders. */
export async function writeAt(dir: string, rel: string, content: string | Uint8Array): Promise<string> {
  const file = path.join(dir, rel)
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, content)
  return file
}

/** Write a seeded image at `dir/rel` in the format its extension names. */
export async function writeImage(dir: string, rel: string, seed: number): Promise<string> {
  const ext = path.extname(rel).slice(1).toLowerCase()
  const format = ext === 'jpg' ? 'jpeg' : ext === 'tif' ? 'tiff' : (ext as 'png' | 'jpeg' | 'webp' | 'gif' | 'tiff')
  return writeAt(dir, rel, await imageBytes(seed, format))
}

/** Collect an async iterable into an array (fixtures are small). */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of iterable) out.push(x)
  return out
}
