// WSA ablation (issue 17): AUC and TPR@1% FPR of WSA against the size of the guaranteed non-member pool (D_no)
// and λ, beside CSA, on saved embeddings of the demo world. Nothing is tuned on the evaluation labels: λ is either
// fixed in advance or chosen by the label-free precision rule (docs/attacks.md "WSA").
//   node bin/mia.cjs embed --model demo-clip-l --dataset emoji-demo --out /tmp/emb-l.jsonl
//   npx tsx bench/wsa-ablation.ts /tmp/emb-l.jsonl [sizes=100,250,500,1000,all] [lambdas=0,0.5,1,1.5,rule] [seeds=0] [stem]
// Writes bench/figures/<stem>.json and .svg (stem default wsa-ablation) and prints a Markdown table. The fits are the
// workbench's (src/main/engine/attacks/wsa-ablation.ts, also behind `mia experiments ablation` and the results screen).
import fs from 'node:fs'
import { loadavg } from 'node:os'
import path from 'node:path'
import { csaScores, runWsaAblation, type EmbeddingRows } from '../src/main/engine/attacks'
import { ablationRows, lambdaLabel } from '../src/shared/contract/ablation'
import { rocAuc, rocCurve, tprAtFpr } from '../src/main/engine/metrics'
import { csvRows } from '../src/main/engine/csv'

const [file, sizesArg = '100,250,500,1000,all', lambdasArg = '0,0.5,1,1.5,rule', seedsArg = '0', stem = 'wsa-ablation'] = process.argv.slice(2)
const manifest = path.resolve('resources/datasets/emoji-demo/manifest.csv')
const records: string[][] = []
const text = fs.readFileSync(manifest, 'utf8')
for await (const row of csvRows(
  (async function* () {
    yield text
  })(),
  manifest
))
  records.push(row.fields)
const header = records[0]
const roles = new Map(records.slice(1).map((f) => [f[0], Object.fromEntries(header.map((h, i) => [h, f[i]])) as Record<string, string>]))
const lines = fs
  .readFileSync(file, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { id: string; image_embeds: number[]; text_embeds: number[] })
const d = lines[0].image_embeds.length

function rows(ids: Array<{ id: string; image_embeds: number[]; text_embeds: number[] }>): EmbeddingRows & { captions: string[] } {
  const image = new Float32Array(ids.length * d)
  const text = new Float32Array(ids.length * d)
  ids.forEach((e, i) => {
    const ni = Math.hypot(...e.image_embeds)
    const nt = Math.hypot(...e.text_embeds)
    e.image_embeds.forEach((v, j) => (image[i * d + j] = v / ni))
    e.text_embeds.forEach((v, j) => (text[i * d + j] = v / nt))
  })
  const truth = Int8Array.from(ids, (e) => (roles.get(e.id)!.membership === 'member' ? 1 : 0))
  return { n: ids.length, image, text, truth, captions: ids.map((e) => roles.get(e.id)!.caption) }
}

const target = rows(lines.filter((e) => roles.get(e.id)?.role === 'target'))
const allReference = lines.filter((e) => roles.get(e.id)?.role === 'reference')
const labels = Array.from(target.truth!)
const metricsOf = (scores: ArrayLike<number>): { auc: number; tpr1: number } => {
  const curve = rocCurve({ scores, labels })
  return { auc: rocAuc(curve), tpr1: tprAtFpr(curve, 0.01).tpr ?? Number.NaN }
}

const csa = metricsOf(csaScores(target.image, target.text, target.n, d))
const sizes = sizesArg.split(',').map((s) => (s === 'all' ? allReference.length : Number(s)))
const lambdas = lambdasArg.split(',').map((s) => (s === 'rule' ? undefined : Number(s)))
const seeds = seedsArg.split(',').map(Number)
const load = loadavg()[0]
const t0 = performance.now()
// One implementation with the workbench's `experiments.ablation` (src/main/engine/attacks/wsa-ablation.ts).
const cells = await runWsaAblation({
  d,
  target,
  reference: rows(allReference),
  groups: target.captions.map((c) => c.toLowerCase()),
  sizes,
  lambdas: lambdas.map((l) => l ?? 'rule'),
  seeds,
  onCell: (cell) => process.stderr.write(`${JSON.stringify(cell)}\n`)
})
const results: Array<Record<string, unknown>> = cells.map((c) =>
  c.error
    ? { size: c.size, seed: c.seed, lambda: c.requested, rule: c.requested === 'rule', error: c.error.slice(0, 80) }
    : { size: c.size, seed: c.seed, lambda: c.lambda, rule: c.requested === 'rule', nSelected: c.nSelected, used: c.usedPerClass, precision: c.precision, auc: c.auc, tpr1: c.tpr1 }
)
const seconds = (performance.now() - t0) / 1000
fs.mkdirSync('bench/figures', { recursive: true })
fs.writeFileSync(`bench/figures/${stem}.json`, JSON.stringify({ file: path.basename(file), d, nTargets: target.n, csa, results, seconds, loadAverage: load }, null, 1) + '\n')
console.log(`CSA: AUC ${csa.auc.toFixed(3)}, TPR@1% ${csa.tpr1.toFixed(3)}; ${seconds.toFixed(0)} s, load ${load.toFixed(1)}`)
console.log('| D_no | λ | seeds | pseudo-members (used/class) | precision | WSA AUC | WSA TPR@1% |\n| --- | --- | --- | --- | --- | --- | --- |')
const f3 = (v: number | null): string => (v === null ? '' : v.toFixed(3))
for (const r of ablationRows(cells)) {
  if (!r.fits) {
    console.log(`| ${r.size} | ${r.requested} | — | no pseudo-members | | | |`)
    continue
  }
  console.log(`| ${r.size} | ${lambdaLabel(r.requested, r.lambdas)} | ${r.fits} | ${r.nSelected!.toFixed(0)} (${r.usedPerClass!.toFixed(0)}) | ${f3(r.precision)} | ${f3(r.auc)} | ${f3(r.tpr1)} |`)
}
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
if (sizes.length > 1) fs.writeFileSync(`bench/figures/${stem}.svg`, svg(results, sizes, lambdas, csa))

/** Two panels (AUC, TPR@1%) of WSA against |D_no| (log axis), one line per λ, CSA dashed. */
function svg(res: typeof results, xs: number[], ls: Array<number | undefined>, base: { auc: number; tpr1: number }): string {
  const W = 320,
    H = 220,
    M = 40
  const colors = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02']
  const x = (v: number): number => M + ((Math.log(v) - Math.log(xs[0])) / (Math.log(xs[xs.length - 1]) - Math.log(xs[0]) || 1)) * (W - M - 10)
  const panel = (key: 'auc' | 'tpr1', dx: number, lo: number, hi: number, title: string): string => {
    const y = (v: number): number => H - M + 10 - ((v - lo) / (hi - lo)) * (H - M - 20)
    const lines = ls.map((lambda, k) => {
      const pts = xs.flatMap((size) => {
        const g = res.filter((r) => r.size === size && (lambda === undefined ? r.rule : r.lambda === lambda && !r.rule) && !r.error)
        return g.length ? [`${x(size).toFixed(1)},${y(mean(g.map((r) => r[key] as number))).toFixed(1)}`] : []
      })
      return `<polyline fill="none" stroke="${colors[k % colors.length]}" stroke-width="1.5" points="${pts.join(' ')}"/><text x="${W - 8}" y="${30 + 12 * k}" font-size="9" text-anchor="end" fill="${colors[k % colors.length]}">λ ${lambda ?? 'rule'}</text>`
    })
    const ticks = xs.map((v) => `<text x="${x(v).toFixed(1)}" y="${H - M + 24}" font-size="8" text-anchor="middle">${v}</text>`).join('')
    const yt = [lo, (lo + hi) / 2, hi].map((v) => `<text x="${M - 4}" y="${y(v) + 3}" font-size="8" text-anchor="end">${v.toFixed(2)}</text>`).join('')
    return `<g transform="translate(${dx},0)"><text x="${W / 2}" y="14" font-size="11" text-anchor="middle">${title}</text><line x1="${M}" y1="${y(base[key])}" x2="${W - 10}" y2="${y(base[key])}" stroke="#000" stroke-dasharray="4 3"/><text x="${M + 2}" y="${y(base[key]) - 3}" font-size="8">CSA</text>${lines.join('')}<line x1="${M}" y1="${H - M + 10}" x2="${W - 10}" y2="${H - M + 10}" stroke="#888"/>${ticks}${yt}<text x="${W / 2}" y="${H - 4}" font-size="9" text-anchor="middle">|D_no| (log)</text></g>`
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H}" font-family="sans-serif">${panel('auc', 0, 0.4, 1, 'WSA AUC')}${panel('tpr1', W, 0, 0.5, 'WSA TPR@1% FPR')}</svg>\n`
}
