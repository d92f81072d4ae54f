// Worker-thread side of the preprocessing pool (runner/preprocess-pool.ts): prepares the items it is sent, one reply each.
import type { MessagePort } from 'node:worker_threads'
import { prepareItem, type ItemTask, type PrepareSettings } from './prepare-item'

/** The module entry (worker-threads.ts, a serving one): answers each task on `port`; pixels are transferred, not copied. */
export function run(settings: PrepareSettings, port: MessagePort): void {
  port.on('message', (m: { id: number; task: ItemTask }) => {
    void prepareItem(m.task, settings).then((result) => {
      port.postMessage({ id: m.id, result }, 'pixels' in result ? [result.pixels.buffer as ArrayBuffer] : [])
    })
  })
}
