// The Compare screen (issue 21, issue 20 item 7) in browser mode: five experiments' histograms on shared axes at a readable
// height, colours that mean one thing (experiments never wear member/non-member colours), TPR@0.1% and "A − B" in the
// table and CSV, and per-record agreement: FPR, Jaccard matrix, Venn (2–3) / UpSet (more) with exports, and the
// most-exposed records with thumbnails filtered by "flagged by all / only by X". Tiny CLIP over 60 emoji-demo items keeps
// the runs to seconds.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Locator, Page } from '@playwright/test'
import { test, expect, screenshot, callOp, type ServedWorkbench } from '../fixtures'
import { checkPdf, checkSvg, exportDir, pngSize } from '../export-checks'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const TINY_CLIP = path.join(ROOT, 'test/fixtures/tiny-clip')
const EMOJI = path.join(ROOT, 'resources/datasets/emoji-demo')
/** The class colours of src/shared/charts/palette.ts, written out: the test checks the screen, not the module. */
const CLASS = ['#d55e00', '#0072b2']
/** Greys of the screen style (axes, grid lines, text) and "no paint". */
const NEUTRAL = new Set(['#666666', '#e6e6e6', '#333333', '#ffffff', 'none', 'transparent', ''])
const BANKS = ['hflip', 'rot(deg=15)', 'hflip, rot(deg=15)', 'vflip', 'hflip, vflip, autocontrast']

test.describe.configure({ mode: 'serial' })

let aea: string[] = []
let csa = ''

/** A manifest dataset of 30 members and 30 non-members cut from emoji-demo (images copied, so thumbnails are allowed). */
function miniEmoji(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-e2e-compare-'))
  const lines = fs.readFileSync(path.join(EMOJI, 'manifest.csv'), 'utf8').trim().split('\n')
  const want = { member: 30, nonmember: 30 }
  const rows = [lines[0]]
  fs.mkdirSync(path.join(dir, 'images'))
  for (const line of lines.slice(1)) {
    if (line.includes('"')) continue
    const cells = line.split(',')
    const kind = cells[3] as 'member' | 'nonmember'
    if (cells[4] !== 'target' || !(kind in want) || want[kind] === 0) continue
    want[kind]--
    const image = `images/${cells[0]}.png`
    fs.copyFileSync(path.join(EMOJI, cells[1]), path.join(dir, image))
    rows.push([cells[0], image, ...cells.slice(2)].join(','))
  }
  fs.writeFileSync(path.join(dir, 'manifest.csv'), rows.join('\n') + '\n')
  fs.writeFileSync(path.join(dir, 'dataset.json'), JSON.stringify({ name: 'compare-mini', description: 'emoji-demo subset', license: 'see emoji-demo', manifest: 'manifest.csv' }))
  return dir
}

async function run(page: Page, served: ServedWorkbench, dataset: string, attack: 'csa' | 'aea', name: string, bank?: string): Promise<string> {
  const params = { evaluation: { resamples: 50 }, blind: { enabled: false }, ...(bank ? { aea: { bank, aggregation: 'mean' } } : {}) }
  const created = await callOp<{ id: string }>(page, served, 'experiments.create', { spec: { name, model: 'tiny-clip', dataset, attack, params } })
  const done = await callOp<{ status: string }>(page, served, 'experiments.run', { id: created.id })
  expect(done.status).toBe('done')
  return created.id
}

async function openRoute(page: Page, route: string): Promise<void> {
  await expect(page.getByTestId('runtime')).toBeVisible()
  await page.evaluate((hash) => ((globalThis as unknown as { location: { hash: string } }).location.hash = hash), route)
}

/** Paint colours (fill or stroke) of the shapes of the chart under `box`, as lower-case #rrggbb. */
async function paints(box: Locator, attr: 'fill' | 'stroke'): Promise<Set<string>> {
  // Clip-path rectangles (black by default) and invisible hit areas (opacity or width 0) are geometry, not paint.
  const raw = await box
    .locator('svg path, svg circle')
    .evaluateAll((els, a) => els.filter((e) => !e.closest('clipPath, defs') && e.getAttribute(a === 'fill' ? 'fill-opacity' : 'stroke-width') !== '0').map((e) => e.getAttribute(a) ?? ''), attr)
  const hex = (c: string): string => {
    // rgba(…, 0) is ECharts' invisible hit area: no paint.
    if (/^rgba\(.*,\s*0(\.0*)?\s*\)$/.test(c)) return 'none'
    const m = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(c)
    return (
      m
        ? `#${m
            .slice(1, 4)
            .map((v) => Number(v).toString(16).padStart(2, '0'))
            .join('')}`
        : c
    ).toLowerCase()
  }
  return new Set(raw.map(hex).filter((c) => !NEUTRAL.has(c)))
}

/** Click an export button and keep the file the browser downloads under test-results/exports. */
async function exported(page: Page, button: Locator): Promise<string> {
  const download = page.waitForEvent('download', { timeout: 60_000 })
  await button.click()
  const d = await download
  const file = path.join(exportDir(ROOT), d.suggestedFilename())
  await d.saveAs(file)
  return file
}

test('five experiments: histograms on shared axes at a readable height, colours with one meaning, TPR@0.1% and A − B', async ({ workbenchPage: page, served }) => {
  test.setTimeout(8 * 60_000)
  const dataset = miniEmoji()
  await callOp(page, served, 'datasets.add', { path: dataset })
  // Browser mode reads only registered models: add the tiny CLIP fixture as a user would (Models → Add).
  await callOp(page, served, 'models.add', { path: TINY_CLIP })
  aea = []
  for (const [i, bank] of BANKS.entries()) aea.push(await run(page, served, dataset, 'aea', `AEA bank ${i + 1}`, bank))
  csa = await run(page, served, dataset, 'csa', 'CSA')

  await openRoute(page, `/compare?ids=${aea.join(',')}`)
  const hist = page.getByTestId('compare-hist')
  await expect(hist.locator('svg')).toBeVisible({ timeout: 60_000 })
  await expect(page.getByTestId('hist-axes')).toContainText('same score and y axes')
  // Five panels in two rows of three, each at least 150 px tall: the chart grows, it does not squash.
  const box = (await hist.getByTestId('chart').boundingBox())!
  expect(box.height).toBeGreaterThanOrEqual(2 * 250)
  for (const name of ['AEA bank 1', 'AEA bank 5']) await expect(hist).toContainText(name)

  const roc = await paints(page.getByTestId('compare-roc'), 'stroke')
  const fills = await paints(hist, 'fill')
  expect([...fills].sort()).toEqual([...CLASS].sort())
  for (const c of CLASS) expect(roc.has(c), `ROC uses class colour ${c}`).toBe(false)
  expect(roc.size).toBeGreaterThanOrEqual(5)
  for (const c of roc) expect(fills.has(c), `colour ${c} means an experiment and a class`).toBe(false)
  // The Venn's circles (five experiments: an UpSet instead) never wear class colours either.
  await expect(page.getByTestId('agreement-upset')).toBeVisible()

  await expect(page.getByTestId('compare-metrics').locator('th', { hasText: 'TPR @ 0.1% FPR' })).toBeVisible()
  await expect(page.getByTestId('compare-tpr01')).toHaveCount(5)
  await expect(page.getByTestId('delta-convention')).toContainText('Δ = A − B')
  const screen = Number((await page.getByTestId('delta-auc').first().textContent())!.replace('+', '').replace('−', '-'))
  const csv = await callOp<{ data: string }>(page, served, 'export.table', { ids: aea, format: 'csv' })
  const [header, , second] = csv.data
    .trim()
    .split(/\r?\n/)
    .map((l) => l.split(','))
  const column = header.indexOf('delta_auc_ref_minus_row')
  expect(column, header.join(',')).toBeGreaterThan(0)
  expect(Number(second[column])).toBeCloseTo(screen, 3)
  expect(header).toContain('tpr_at_fpr_0.001')
  await screenshot(page, 'compare-five-shared-axes')
})

test('agreement of three experiments: FPR, Jaccard matrix, a Venn that exports, filtered most-exposed records with thumbnails', async ({ workbenchPage: page }) => {
  test.skip(aea.length === 0, 'needs the runs of the first test')
  const ids = [csa, aea[0], aea[2]]
  await openRoute(page, `/compare?ids=${ids.join(',')}`)
  const panel = page.getByTestId('agreement')
  await expect(panel).toBeVisible({ timeout: 60_000 })
  await expect(panel.getByTestId('agreement-jaccard-cell')).toHaveCount(9)
  for (const i of [0, 4, 8]) await expect(panel.getByTestId('agreement-jaccard-cell').nth(i)).toHaveText('1.00')

  await panel.getByTestId('agreement-fpr').selectOption('0.1')
  await expect(panel).toContainText('TPR@10% threshold')
  const venn = panel.getByTestId('agreement-venn')
  await expect(venn.locator('svg')).toBeVisible()
  // Three circles in the experiment colours of the ROC curves above, never a class colour.
  const circles = await paints(venn, 'stroke')
  expect(circles.size).toBe(3)
  const roc = await paints(page.getByTestId('compare-roc'), 'stroke')
  for (const c of circles) {
    expect(CLASS).not.toContain(c)
    expect(roc.has(c)).toBe(true)
  }
  await expect(venn).toContainText('items flagged by none')
  await screenshot(page, 'compare-agreement-venn')

  const svg = await exported(page, panel.getByTestId('agreement-export-svg'))
  expect(svg).toMatch(/\.venn\.svg$/)
  await checkSvg(page, svg, ['CSA'])
  const pdf = await exported(page, panel.getByTestId('agreement-export-pdf'))
  checkPdf(pdf)
  const png = await exported(page, panel.getByTestId('agreement-export-png'))
  expect(pngSize(png).width).toBe(Math.round(3.3 * 300))
  const flags = await exported(page, panel.getByTestId('agreement-export-csv'))
  const lines = fs.readFileSync(flags, 'utf8').trim().split(/\r?\n/)
  expect(lines[0]).toBe('id,caption,membership,CSA,AEA bank 1,AEA bank 3')

  // The filter: every card flagged by all three, then only by the CSA run; counts as the option labels say.
  const filter = panel.getByTestId('agreement-filter')
  const cards = panel.getByTestId('agreement-records').getByTestId('item-card')
  const expected = (label: string): number => Number(/\((\d+)\)$/.exec(label)![1])
  for (const value of ['all', 'only:0']) {
    await filter.selectOption(value)
    const label = (await filter.locator(`option[value="${value}"]`).textContent())!.trim()
    const n = Math.min(expected(label), 24)
    await expect(cards).toHaveCount(n)
    const notes = await cards.getByTestId('item-note').allTextContents()
    for (const note of notes) expect(note).toMatch(value === 'all' ? /^all ·/ : /^CSA · exposure/)
    if (value === 'all' && n > 0) {
      await expect(cards.first().locator('img')).toHaveAttribute('src', /^data:image\/png;base64,/)
      await screenshot(page, 'compare-agreement-flagged-by-all')
      await cards.first().click()
      const detail = page.getByTestId('item-detail')
      await expect(detail.getByTestId('item-detail-scores').locator('tbody tr')).toHaveCount(6)
      await detail.getByTestId('item-detail-close').click()
    }
  }
  await screenshot(page, 'compare-agreement-only-csa')
})

test('agreement of four or more experiments: an UpSet figure that exports', async ({ workbenchPage: page }) => {
  test.skip(aea.length === 0, 'needs the runs of the first test')
  await openRoute(page, `/compare?ids=${[csa, ...aea.slice(0, 3)].join(',')}`)
  const panel = page.getByTestId('agreement')
  await expect(panel.getByTestId('agreement-upset').locator('svg')).toBeVisible({ timeout: 60_000 })
  await expect(panel.getByTestId('agreement-venn')).toHaveCount(0)
  const file = await exported(page, panel.getByTestId('agreement-export-svg'))
  expect(file).toMatch(/\.upset\.svg$/)
  await checkSvg(page, file, ['members'])
  await screenshot(page, 'compare-agreement-upset')
})
