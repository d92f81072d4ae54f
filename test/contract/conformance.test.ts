// One conformance suite run against every transport: in-process engine, worker host, HTTP server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WorkbenchApi } from '../../src/shared/contract/api'
import { toErrorData } from '../../src/shared/contract/errors'
import { AppInfoSchema, operations } from '../../src/shared/contract/operations'
import { createEngine } from '../../src/main/engine'
import { startEngineWorker, type EngineWorker } from '../../src/main/host/worker-host'
import { startServer, type RunningServer } from '../../src/server/http'
import { createHttpClient } from '../../src/renderer/src/api/http-client'
import { tempDir, testConfig } from '../helpers/workspace'
import path from 'node:path'
import fs from 'node:fs'

interface Transport {
  name: string
  api: WorkbenchApi
}

const ws = tempDir()
const transports: Transport[] = []
let worker: EngineWorker
let server: RunningServer
let staticDir: string

const original = globalThis.fetch

beforeAll(async () => {
  const config = testConfig(ws.dir)
  const engine = createEngine(config)
  transports.push({
    name: 'in-process',
    api: { invoke: (op, input, o) => engine.invoke(op, input, { onEvent: o?.onEvent }), cancel: () => undefined }
  })
  worker = await startEngineWorker(config)
  transports.push({ name: 'worker', api: worker.client })
  staticDir = path.join(ws.dir, 'static')
  fs.mkdirSync(staticDir)
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>t</title>')
  server = await startServer({ client: worker.client, staticDir })
  // Node's fetch sends no cookie jar, so the HTTP client authenticates with the bearer token.
  const token = server.token
  const base = server.url
  globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    String(input).startsWith(base) ? original(input, { ...init, headers: { ...(init?.headers as Record<string, string>), Authorization: `Bearer ${token}` } }) : original(input, init)) as typeof fetch
  transports.push({ name: 'http', api: createHttpClient(server.url.replace(/\/$/, '')) })
}, 120_000)

afterAll(async () => {
  globalThis.fetch = original
  await server?.close()
  await worker?.terminate()
  ws.cleanup()
})

const each = (fn: (t: Transport) => Promise<void>) => async () => {
  for (const t of transports) await fn(t)
}

describe('contract conformance across transports', () => {
  it(
    'app.info answers the same on every transport and matches the schema',
    each(async (t) => {
      const info = await t.api.invoke('app.info', {})
      expect(AppInfoSchema.safeParse(info).success, t.name).toBe(true)
      expect(info.name).toBe('MIA Workbench')
      expect(info.capabilities.executionProviders.at(-1)).toBe('cpu')
    })
  )

  it(
    'models.list returns the bundled models (or an explanatory hint) identically',
    each(async (t) => {
      const out = await t.api.invoke('models.list', {})
      expect(operations['models.list'].output.safeParse(out).success, t.name).toBe(true)
      const reference = await transports[0].api.invoke('models.list', {})
      expect(out, t.name).toEqual(reference)
      if (out.models.length === 0) expect(out.hint).toMatch(/No models found/)
    })
  )

  it(
    'invalid input is rejected with invalid-input naming the field',
    each(async (t) => {
      const err = await t.api.invoke('app.info', { unexpected: 1 } as never).then(
        () => null,
        (e: unknown) => toErrorData(e)
      )
      expect(err?.code, t.name).toBe('invalid-input')
      expect(err?.message, t.name).toMatch(/app\.info/)
    })
  )

  it(
    'unknown operations are refused',
    each(async (t) => {
      const err = await t.api.invoke('no.such.op' as never, {} as never).then(
        () => null,
        (e: unknown) => toErrorData(e)
      )
      expect(['invalid-input', 'not-found']).toContain(err?.code)
    })
  )
})
