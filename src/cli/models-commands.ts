// `mia models list|add|inspect|remove`: bundled models and the folders the user added (the engine describes them).
import path from 'node:path'
import type { Command } from 'commander'
import { WorkbenchError } from '../shared/contract/errors'
import type { ModelInfo } from '../shared/contract/models'
import type { EngineClient } from '../main/host/client'
import { withEngine, type GlobalOptions } from './engine-session'
import { registerModelCommands } from './model-commands'
import { action, hasJson, printJson, write } from './output'

/** One line of facts: dimension, input size, context, precision, parameters — or why it cannot load. */
function facts(m: ModelInfo): string {
  return m.error ? `ERROR: ${m.error.message}` : `dim ${m.embeddingDim}, ${m.imageSize}px, ctx ${m.contextLength}, ${m.precision}, ${m.parameterCount?.toLocaleString('en-US')} params`
}

/** Every fact of one model, one per line. */
function describe(m: ModelInfo): string[] {
  const lines = [
    `${m.name} (${m.source === 'bundled' ? 'bundled' : 'added'})`,
    `path:        ${m.path}`,
    `fingerprint: ${m.fingerprint ?? '—'}`,
    `layout:      ${m.layout ?? '—'}`,
    `facts:       ${facts(m)}`,
    `files:       ${m.files.map((f) => `${f.path} (${f.bytes.toLocaleString('en-US')} B)`).join(', ') || '—'}`
  ]
  if (m.card) lines.push(`model card:  ${JSON.stringify(m.card)}`)
  if (m.error?.hint) lines.push(`hint:        ${m.error.hint}`)
  return lines
}

/** The listed model whose name or folder is `ref`; an added one first, since an added folder may share a bundled model's name. */
async function findModel(c: EngineClient, ref: string): Promise<ModelInfo | undefined> {
  const { models } = await c.invoke('models.list', {})
  const trim = (p: string): string => p.replace(/\/+$/, '')
  const matches = models.filter((m) => m.name === ref || trim(m.path) === trim(ref) || trim(m.path) === trim(path.resolve(ref)))
  return matches.find((m) => m.source === 'user') ?? matches[0]
}

/** Register the models command group on the program. */
export function registerModelsCommands(program: Command, globals: () => GlobalOptions): void {
  const models = program.command('models').description('model folders (Hugging Face ONNX, OpenCLIP/immich, clip-as-service layouts): bundled ones and those you add')
  registerModelCommands(models, globals)
  models
    .command('list')
    .description('bundled and added models with architecture facts and load errors')
    .option('--json', 'print JSON')
    .action(
      action(async (o: { json?: boolean }) => {
        const out = await withEngine(globals(), (c) => c.invoke('models.list', {}))
        if (o.json) return printJson(out)
        // Models found in the Hugging Face cache show their revision; the format and weights say what will run.
        const where = (m: ModelInfo): string => (m.repoId ? `hf-cache@${m.revision?.slice(0, 7)}` : m.source === 'user' ? 'added' : m.source)
        write(out.models.map((m) => `${m.name.padEnd(20)} ${where(m).padEnd(8)} ${m.format ?? ''} ${m.weights ?? ''} ${facts(m)}`))
        if (out.hint) write([out.hint])
      }, hasJson)
    )
  models
    .command('add <dir>')
    .description('add a model folder so runs, the app and browser mode can use it by name')
    .option('--name <name>', "the name to use it by (default: the one its files give); a bundled model's name is refused")
    .option('--json', 'print JSON')
    .action(
      action(async (dir: string, o: { name?: string; json?: boolean }) => {
        const info = await withEngine(globals(), (c) => c.invoke('models.add', { path: dir, ...(o.name !== undefined ? { name: o.name } : {}) }))
        if (o.json) return printJson(info)
        write([...describe(info), `added as "${info.name}": use --model ${info.name}`])
      }, hasJson)
    )
  models
    .command('remove <name|dir>')
    .description('forget an added model (its folder and cached embeddings stay)')
    .option('--json', 'print JSON')
    .action(
      action(async (ref: string, o: { json?: boolean }) => {
        const removed = await withEngine(globals(), async (c) => {
          const info = await findModel(c, ref)
          if (!info || info.source !== 'user')
            throw new WorkbenchError({
              code: 'not-found',
              item: ref,
              message: info ? `"${ref}" is a bundled model; only added models can be removed.` : `No added model is named or located at "${ref}".`,
              hint: 'See `mia models list` for the added ones.'
            })
          await c.invoke('models.remove', { path: info.path })
          return info
        })
        if (o.json) return printJson({ removed: { name: removed.name, path: removed.path } })
        write([`removed ${removed.name} (${removed.path})`])
      }, hasJson)
    )
}
