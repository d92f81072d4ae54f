// Small datasets cut from the bundled emoji-demo for browser specs (images copied in: browser mode reads images inside
// the dataset folder only), and a route opener that waits for the app to mount.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, type Page } from '@playwright/test'

const DATASETS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../resources/datasets')

/** Which rows to keep: by role and the row's index among the rows of that role (manifest order). */
export type SampleRule = (role: string, indexInRole: number) => boolean

/** Write a manifest of the rows `keep` accepts of a bundled dataset (emoji-demo unless `source` names another; all columns kept) into a temp folder and return it. */
export function sampleDemo(o: { prefix: string; name: string; description: string; keep: SampleRule; source?: string }): string {
  const DEMO = path.join(DATASETS, o.source ?? 'emoji-demo')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), o.prefix))
  const [header, ...rows] = fs.readFileSync(path.join(DEMO, 'manifest.csv'), 'utf8').trim().split('\n')
  const columns = header.split(',')
  const [image, role] = [columns.indexOf('image'), columns.indexOf('role')]
  const seen = new Map<string, number>()
  const kept = rows
    .map((line) => line.split(','))
    .filter((cells) => cells.length === columns.length)
    .filter((cells) => {
      const i = seen.get(cells[role]) ?? 0
      seen.set(cells[role], i + 1)
      return o.keep(cells[role], i)
    })
    .map((cells) => {
      fs.mkdirSync(path.dirname(path.join(dir, cells[image])), { recursive: true })
      fs.copyFileSync(path.join(DEMO, cells[image]), path.join(dir, cells[image]))
      return cells.join(',')
    })
  fs.writeFileSync(path.join(dir, 'manifest.csv'), [header, ...kept].join('\n') + '\n')
  fs.writeFileSync(path.join(dir, 'dataset.json'), JSON.stringify({ name: o.name, description: o.description, license: 'as emoji-demo', manifest: 'manifest.csv' }))
  return dir
}

/** Go to a route of the app once it has mounted. */
export async function openRoute(page: Page, route: string): Promise<void> {
  await expect(page.getByTestId('runtime')).toBeVisible()
  // The first screen's heading: the router's start-up redirect is done and will not overwrite the hash set below.
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
  await page.evaluate((hash) => ((globalThis as unknown as { location: { hash: string } }).location.hash = hash), route)
}
