// renderFigure end to end: SVG is well-formed and sized in inches, the PDF is one page with the font embedded, the PNG has the asked pixel size.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Resvg } from '@resvg/resvg-js'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportFontFile, renderFigure, svgToPng } from '../../../../src/main/engine/figures'
import { EXPERIMENT_COLORS } from '../../../../src/shared/charts/palette'
import type { ExperimentView } from '../../../../src/shared/contract/experiments'
import { makeExperimentView } from '../../../helpers/experiment-view'

/** Tags balanced, attributes quoted, every "&" an entity, one root: what an XML parser needs. Returns the problems. */
function xmlProblems(xml: string): string[] {
  const problems: string[] = []
  const stack: string[] = []
  let roots = 0
  const token = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|([^<]+)|(<)/g
  for (const m of xml.matchAll(token)) {
    const [whole, closing, name, attrs, selfClosing, text, stray] = m
    if (stray) problems.push(`stray "<" at ${m.index}: ${xml.slice(m.index, m.index + 40)}`)
    const content = text ?? attrs ?? ''
    for (const amp of content.matchAll(/&(?!(?:#\d+|#x[0-9a-fA-F]+|amp|lt|gt|quot|apos);)/g)) problems.push(`bare "&" at ${m.index + (amp.index ?? 0)}`)
    if (!name || whole.startsWith('<!')) continue
    if (closing) {
      if (stack.pop() !== name) problems.push(`</${name}> closes the wrong element`)
    } else if (!selfClosing) {
      if (stack.length === 0) roots++
      stack.push(name)
    } else if (stack.length === 0) roots++
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(' > ')}`)
  if (roots !== 1) problems.push(`${roots} root elements`)
  return problems
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  expect(png.toString('latin1', 12, 16)).toBe('IHDR')
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) }
}

function hasTool(name: string): boolean {
  return spawnSync(name, ['-v'], { encoding: 'utf8' }).error === undefined
}
const POPPLER = hasTool('pdfinfo') && hasTool('pdffonts') && hasTool('pdftoppm')
if (!POPPLER) console.warn('poppler-utils (pdfinfo, pdffonts, pdftoppm) not found: the PDF checks that call them are skipped; install poppler-utils to run them.')

let a: ExperimentView
let b: ExperimentView
let tmp: string
beforeAll(async () => {
  a = await makeExperimentView({ name: 'CSA & <ViT-B/32>', seed: 1, shift: 0.8 })
  b = await makeExperimentView({ name: 'CSA on ViT-L/14', modelName: 'demo-clip-l', seed: 2, shift: 1.5, nonmembers: 1500 })
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-figures-'))
})
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

describe('SVG', () => {
  it('checker flags what a parser would reject', () => {
    expect(xmlProblems('<svg><g></svg>')).not.toEqual([])
    expect(xmlProblems('<svg><text>a & b</text></svg>')).not.toEqual([])
    expect(xmlProblems('<svg/><svg/>')).not.toEqual([])
    expect(xmlProblems('<svg><style><![CDATA[a<b]]></style><text>a &amp; b</text></svg>')).toEqual([])
  })

  it('is well-formed, sized in inches over a point viewBox, names the bundled font and holds the legend text', async () => {
    const svg = (await renderFigure({ kind: 'compare', views: [a, b], format: 'svg', widthIn: 3.3 })).toString('utf8')
    expect(xmlProblems(svg)).toEqual([])
    expect(() => new Resvg(svg)).not.toThrow()
    const root = /^<svg\b[^>]*>/.exec(svg)?.[0] ?? ''
    expect(root).toMatch(/ width="3\.3in" height="2\.475in"/)
    expect(root).toMatch(/viewBox="0 0 237\.6 178\.2"/)
    expect(svg).toMatch(/font-family:DejaVu Sans, sans-serif/)
    const auc = a.record.results!.metrics!.auc.toFixed(3)
    // The legend adds what sets the two apart (their seeds; shared/experiment-facts.ts) between the name and the AUC.
    expect(svg).toContain(`CSA &amp; &lt;ViT-B/32&gt; (seed 1) (AUC ${auc})`)
    expect(svg).toContain('CSA on ViT-L/14 (seed 2) (AUC')
    expect(svg).toContain('False positive rate')
  })

  it('shades the ROC band (log and linear) as a filled polygon under the curve, and leaves it out of comparisons', async () => {
    const band = (svg: string): string[] => [...svg.matchAll(/<polygon [^>]*fill-opacity="0\.2"[^>]*>/g)].map((m) => m[0])
    for (const scale of ['log', 'linear'] as const) {
      const svg = (await renderFigure({ kind: 'roc', views: [a], format: 'svg', widthIn: 3.3, options: { scale } })).toString('utf8')
      expect(xmlProblems(svg)).toEqual([])
      const paths = band(svg)
      expect(paths, scale).toHaveLength(1)
      // The band takes its curve's colour: the first experiment colour (src/shared/charts/palette.ts), never a class colour.
      expect(paths[0]).toContain(`fill="${EXPERIMENT_COLORS[0]}"`)
    }
    expect(band((await renderFigure({ kind: 'compare', views: [a, b], format: 'svg', widthIn: 3.3 })).toString('utf8'))).toHaveLength(0)
  })

  it('honours an explicit height and renders histograms with the threshold', async () => {
    const svg = (await renderFigure({ kind: 'hist', views: [a], format: 'svg', widthIn: 6.9, heightIn: 2, options: { threshold: 0.26 } })).toString('utf8')
    expect(xmlProblems(svg)).toEqual([])
    expect(svg).toMatch(/^<svg[^>]* width="6\.9in" height="2in"/)
    expect(svg).toContain('τ = 0.260')
    expect(svg).toContain('Non-members')
  })
})

describe('PDF', () => {
  it('has one page of the figure size and embeds the bundled font (no standard-14 font)', async () => {
    const pdf = await renderFigure({ kind: 'roc', views: [a], format: 'pdf', widthIn: 3.3 })
    const text = pdf.toString('latin1')
    expect(text.startsWith('%PDF-')).toBe(true)
    expect(text.match(/\/Type \/Page\b/g)).toHaveLength(1)
    expect(text).toMatch(/\/MediaBox \[0 0 237\.6 178\.2\]/)
    expect(text).toMatch(/\/FontFile2 \d+ 0 R/)
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans/)
    expect(text).not.toMatch(/\/BaseFont \/(Helvetica|Times|Courier)/)
  })

  it.skipIf(!POPPLER)('reads back with poppler: 1 page, font emb=yes, renders with pdftoppm', async () => {
    const file = path.join(tmp, 'compare.pdf')
    fs.writeFileSync(file, await renderFigure({ kind: 'compare', views: [a, b], format: 'pdf', widthIn: 6.9 }))
    const info = spawnSync('pdfinfo', [file], { encoding: 'utf8' })
    expect(info.stdout).toMatch(/^Pages:\s+1$/m)
    expect(info.stdout).toMatch(/^Page size:\s+496\.8 x 216 pts/m)
    const fonts = spawnSync('pdffonts', [file], { encoding: 'utf8' }).stdout.trim().split('\n').slice(2)
    expect(fonts.length).toBeGreaterThan(0)
    for (const line of fonts) expect(line).toMatch(/DejaVuSans\s+CID TrueType\s+Identity-H\s+yes\s+yes/)
    const out = path.join(tmp, 'page')
    expect(spawnSync('pdftoppm', ['-r', '100', '-png', '-singlefile', file, out]).status).toBe(0)
    const { info: img } = await sharp(`${out}.png`).raw().toBuffer({ resolveWithObject: true })
    expect([img.width, img.height]).toEqual([690, 300])
    const stats = await sharp(`${out}.png`).stats()
    // Not a blank page: the curves and text pull the mean well below white.
    expect(stats.channels[0].mean).toBeLessThan(250)
  })
})

describe('PNG', () => {
  it('is round(widthIn × dpi) pixels wide', async () => {
    const one = pngSize(await renderFigure({ kind: 'roc', views: [a, b], format: 'png', widthIn: 3.3 }))
    expect(one.width).toBe(990)
    // The height follows the aspect ratio: 2.475 in × 300 dpi = 742.5 px, within a pixel.
    expect(Math.abs(one.height - 742.5)).toBeLessThanOrEqual(1)
    const two = pngSize(await renderFigure({ kind: 'hist', views: [a, b], format: 'png', widthIn: 6.9, dpi: 150 }))
    expect(two.width).toBe(1035)
    const odd = pngSize(await renderFigure({ kind: 'roc', views: [a], format: 'png', widthIn: 2.5, heightIn: 2.5, dpi: 96 }))
    expect(odd).toEqual({ width: 240, height: 240 })
  })

  it('draws text with the bundled font', async () => {
    const svg = '<svg width="100" height="40" viewBox="0 0 100 40" xmlns="http://www.w3.org/2000/svg"><text x="4" y="28" style="font-size:24px;font-family:DejaVu Sans, sans-serif;">Mg</text></svg>'
    const dark = async (fontFile: string): Promise<number> => {
      const { data } = await sharp(svgToPng(svg, 100, fontFile))
        .greyscale()
        .raw()
        .toBuffer({ resolveWithObject: true })
      return data.filter((v) => v < 128).length
    }
    expect(fs.existsSync(exportFontFile())).toBe(true)
    expect(await dark(exportFontFile())).toBeGreaterThan(50)
  })
})

describe('renderFigure input checks', () => {
  it('rejects sizes that cannot be drawn', async () => {
    await expect(renderFigure({ kind: 'roc', views: [a], format: 'svg', widthIn: 0 })).rejects.toThrow(/positive/)
    await expect(renderFigure({ kind: 'roc', views: [a], format: 'png', widthIn: 3.3, dpi: 0 })).rejects.toThrow(/dpi/)
  })
})
