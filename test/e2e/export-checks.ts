// Checks of exported figure files: SVG parses and names the curves, the PDF has one page and renders, the PNG has the asked size.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { expect, type Page } from '@playwright/test'

/** Parse the SVG in the page's DOMParser (a real XML parser) and return its text content. */
export async function checkSvg(page: Page, file: string, legend: readonly string[]): Promise<void> {
  const svg = fs.readFileSync(file, 'utf8')
  const parsed = await page.evaluate((text) => {
    // Runs in the page; the Node typecheck has no DOM types, so the parser is described here.
    interface XmlNode {
      nodeName: string
      textContent: string | null
    }
    interface XmlDoc {
      documentElement: XmlNode
      querySelector(s: string): XmlNode | null
    }
    const Parser = (globalThis as unknown as { DOMParser: new () => { parseFromString(t: string, type: string): XmlDoc } }).DOMParser
    const doc = new Parser().parseFromString(text, 'image/svg+xml')
    return { root: doc.documentElement.nodeName, error: doc.querySelector('parsererror')?.textContent ?? null, text: doc.documentElement.textContent ?? '' }
  }, svg)
  expect(parsed.error, 'the SVG parses as XML').toBeNull()
  expect(parsed.root).toBe('svg')
  for (const name of legend) expect(parsed.text, `the SVG legend names "${name}"`).toContain(name)
}

/** One page (pdfinfo), and pdftoppm renders it to a PNG. */
export function checkPdf(file: string): void {
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' })
  expect(info).toMatch(/^Pages:\s+1$/m)
  const prefix = file.replace(/\.pdf$/, '-render')
  execFileSync('pdftoppm', ['-png', '-r', '72', '-singlefile', file, prefix])
  expect(fs.statSync(`${prefix}.png`).size).toBeGreaterThan(1000)
}

/** Pixel size from the PNG's IHDR chunk. */
export function pngSize(file: string): { width: number; height: number } {
  const bytes = fs.readFileSync(file)
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG')
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}

/** Where a test keeps its downloaded exports. */
export function exportDir(root: string): string {
  const dir = path.join(root, 'test-results', 'exports')
  fs.mkdirSync(dir, { recursive: true })
  return dir
}
