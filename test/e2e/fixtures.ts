// E2E fixtures: a `mia serve` per worker on a temp workspace, a page that fails on any page error, screenshots per screen.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { test as base, expect, type Page } from '@playwright/test'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** A running browser-mode server. */
export interface ServedWorkbench {
  url: string
  urlWithToken: string
  token: string
  workspace: string
}

async function startServe(workspace: string): Promise<{ child: ChildProcess; served: ServedWorkbench }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/mia.cjs'), '--workspace', workspace, 'serve', '--port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let log = ''
  const urlWithToken = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      log += chunk.toString()
      const match = /(http:\/\/\S+\?token=[0-9a-f]+)/.exec(log)
      if (match) resolve(match[1])
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (c: Buffer) => (log += c.toString()))
    child.once('exit', (code) => reject(new Error(`mia serve exited with ${code}:\n${log}`)))
    setTimeout(() => reject(new Error(`mia serve did not print its URL within 60 s:\n${log}`)), 60_000)
  })
  const url = new URL(urlWithToken)
  return { child, served: { url: `${url.origin}/`, urlWithToken, token: url.searchParams.get('token')!, workspace } }
}

/** Call an operation on the served workbench over its HTTP API and return the result frame (for setting up a test). */
export async function callOp<T>(page: Page, served: ServedWorkbench, op: string, input: unknown): Promise<T> {
  const res = await page.request.post(`${served.url}api/ops/${op}`, { headers: { Authorization: `Bearer ${served.token}`, 'Content-Type': 'application/json' }, data: input })
  const body = await res.text()
  const result = /event: result\ndata: (.*)\n/.exec(body)
  if (!result) throw new Error(`${op} failed: ${body.slice(0, 500)}`)
  return JSON.parse(result[1]) as T
}

/** Save a full-page screenshot under test-results/screens/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'screens', `${name}.png`), fullPage: true })
}

export const test = base.extend<{ workbenchPage: Page }, { served: ServedWorkbench }>({
  served: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-e2e-'))
      const { child, served } = await startServe(workspace)
      await use(served)
      child.kill('SIGINT')
      await new Promise((r) => child.once('exit', r))
      fs.rmSync(workspace, { recursive: true, force: true })
    },
    { scope: 'worker' }
  ],
  workbenchPage: async ({ page, served }, use) => {
    const errors: string[] = []
    page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`))
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`)
    })
    await page.goto(served.urlWithToken)
    await use(page)
    expect(errors, 'the page logged errors').toEqual([])
  }
})

export { expect }
