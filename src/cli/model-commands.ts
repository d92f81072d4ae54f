// `mia models inspect` and `mia models pull`: thin wrappers over the models.* operations.
import type { Command } from 'commander'
import type { ModelInspection } from '../shared/contract/models'
import { scoreRuleText } from '../shared/format'
import { withEngine, type GlobalOptions } from './engine-session'
import { action, printJson } from './output'
import { progressPrinter } from './progress-bar'

function towerLine(label: string, t: ModelInspection['towers']['vision']): string {
  if (!t) return `${label.padEnd(14)} —`
  const shape = t.inputShape ? `[${t.inputShape.join(', ')}]` : '[?]'
  const batch = t.fixedBatch ? `, batch fixed at ${t.fixedBatch}` : ''
  return `${label.padEnd(14)} ${t.file}: ${t.input} ${t.inputType}${shape}${t.mask ? ` + ${t.mask}` : ''} → ${t.output}${batch}`
}

/** Human-readable inspection: facts first, then one line per problem. */
export function inspectionText(m: ModelInspection): string {
  const p = m.preprocessing
  const lines = [
    `${m.name}  (${m.path})`,
    `layout         ${m.format ?? '?'} · ${m.layout ?? '?'} · variant ${m.variant ?? '?'} (weights ${m.weights ?? '?'}; has ${m.variants?.join(', ') || 'none'})`,
    `precision      ${m.precision ?? '?'}${m.quantized ? ' — quantized weights change the scores under attack; results are marked' : ''}`,
    `embedding      ${m.embeddingDim ?? 'symbolic (read from the first batch)'} · image ${m.imageSize ?? '?'} px · context ${m.contextLength ?? '?'} tokens · ${m.parameterCount?.toLocaleString('en-US') ?? '?'} parameters`,
    towerLine('image tower', m.towers.vision),
    towerLine('text tower', m.towers.text),
    p
      ? `preprocessing  ${p.resize}, ${p.crop ?? 'no crop'}, ${p.interpolation}, mean [${p.mean.join(', ')}], std [${p.std.join(', ')}]; ${p.order} order; from ${p.source ?? 'defaults'}`
      : 'preprocessing  —',
    `tokenizer      ${m.tokenizer ? `${m.tokenizer.file}${m.tokenizer.kind ? ` · ${m.tokenizer.kind}` : ''}` : '—'}`,
    `score          ${scoreRuleText(m.scoreRule)}`,
    ...(m.notes ?? []).map((n) => `note           ${n}`),
    ...(m.problems ?? []).map((e) => `PROBLEM        ${e.message}${e.hint ? ` (${e.hint})` : ''}`)
  ]
  if (!m.problems?.length) lines.push(`fingerprint    ${m.fingerprint}`)
  return lines.join('\n') + '\n'
}

/** Register `models inspect` and `models pull` on the `models` command. */
export function registerModelCommands(models: Command, globals: () => GlobalOptions): void {
  registerPull(models, globals)
  models
    .command('inspect <dir>')
    .description('describe a model folder in any accepted layout (towers, variant, preprocessing, tokenizer) and list every problem; exit 1 if any')
    .option('--variant <v>', 'weights variant: fp32, fp16, int8, uint8, quantized, q4, q4f16, bnb4, or a variant id such as combined-fp16 (alias: DIR@variant)')
    .option('--json', 'print JSON')
    .action(
      action(
        async (dir: string, opts: { variant?: string; json?: boolean }) => {
          const m = await withEngine(globals(), (client) => client.invoke('models.inspect', { path: dir, variant: opts.variant }))
          if (opts.json) printJson(m)
          else process.stdout.write(inspectionText(m))
          if (m.problems?.length) process.exitCode = 1
        },
        (_dir, opts) => Boolean(opts.json)
      )
    )
}

/** Register `models pull` on the `models` command. */
function registerPull(models: Command, globals: () => GlobalOptions): void {
  models
    .command('pull <repo-id>')
    .description('download a CLIP ONNX export from the Hugging Face hub into its cache (only the files its layout needs; resumable; HF_ENDPOINT, HF_TOKEN)')
    .option('--revision <rev>', 'branch, tag or commit (default main)')
    .option('--variant <v>', 'weights variant to fetch: fp32 (default when present), fp16, int8, uint8, quantized, q4, q4f16, bnb4')
    .option('--json', 'print JSON (no progress output)')
    .action(
      action(
        async (repoId: string, opts: { revision?: string; variant?: string; json?: boolean }) => {
          const m = await withEngine(globals(), (client, signal) =>
            client.invoke('models.pull', { repoId, revision: opts.revision, variant: opts.variant }, { signal, onEvent: progressPrinter(Boolean(opts.json)) })
          )
          if (opts.json) return printJson(m)
          const mb = (m.downloadedBytes / 1e6).toFixed(1)
          process.stdout.write(`${repoId}@${m.revision?.slice(0, 12)}: ${m.pulledFiles.length} files (${mb} MB downloaded) in ${m.path}\n`)
          process.stdout.write(m.error ? `but it cannot be used: ${m.error.message}\n` : `use it as --model ${repoId}${m.weights && m.weights !== 'fp32' ? ` --variant ${m.weights}` : ''}\n`)
          if (m.error) process.exitCode = 1
        },
        (_repo, opts) => Boolean(opts.json)
      )
    )
}

/** `--variant V` is the documented way to pick weights; `DIR@V` stays as its alias (models/registry.ts parseModelRef). */
export function withVariant(model: string, variant: string | undefined): string {
  return variant ? `${model.replace(/@[a-z0-9-]+$/, '')}@${variant}` : model
}
