// LaTeX writing: escaping of text (specials and the few Unicode symbols our labels use) and booktabs tables.

const SPECIALS: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '{': '\\{',
  '}': '\\}',
  $: '\\$',
  '&': '\\&',
  '#': '\\#',
  '%': '\\%',
  _: '\\_',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  // In the default OT1 font encoding "<" and ">" print as ¡ and ¿.
  '<': '\\textless{}',
  '>': '\\textgreater{}',
  '≥': '$\\geq$',
  '≤': '$\\leq$',
  '±': '$\\pm$',
  '×': '$\\times$',
  '−': '$-$',
  Δ: '$\\Delta$',
  λ: '$\\lambda$',
  τ: '$\\tau$',
  α: '$\\alpha$',
  μ: '$\\mu$',
  σ: '$\\sigma$',
  '…': '\\ldots{}'
}

const SPECIAL_RE = new RegExp(
  `[${Object.keys(SPECIALS)
    .map((c) => c.replace(/[\\\]^-]/g, '\\$&'))
    .join('')}]`,
  'g'
)

/** Text safe inside a LaTeX document: the ten specials escaped, "<", ">" and math symbols spelled as commands. */
export function latexEscape(text: string): string {
  return text.replace(SPECIAL_RE, (ch) => SPECIALS[ch])
}

/** A column of a LaTeX table: header (already LaTeX) and alignment. */
export interface LatexColumn {
  header: string
  align: 'l' | 'r' | 'c'
}

/** Parts of a booktabs table; cells are already LaTeX (escape text with latexEscape). */
export interface LatexTable {
  columns: readonly LatexColumn[]
  rows: readonly (readonly string[])[]
  /** Caption text (already LaTeX); left out when empty. */
  caption?: string
  label?: string
  /** Notes printed under the rule, one line each (already LaTeX). */
  notes?: readonly string[]
  /** `table` fits one column of a two-column paper; `table*` (default) spans both. */
  float?: 'table' | 'table*'
  /** Packages needed besides booktabs, named in the first comment line. */
  requires?: readonly string[]
}

/** A `table` or `table*` environment with a booktabs tabular (\toprule, \midrule, \bottomrule); needs \usepackage{booktabs}. */
export function latexTable(t: LatexTable): string {
  const line = (cells: readonly string[]): string => `    ${cells.join(' & ')} \\\\`
  const float = t.float ?? 'table*'
  const out = [
    `% Requires ${['booktabs', ...(t.requires ?? [])].map((p) => `\\usepackage{${p}}`).join(', ')}.`,
    `\\begin{${float}}[t]`,
    '  \\centering',
    '  \\small',
    `  \\begin{tabular}{${t.columns.map((c) => c.align).join('')}}`,
    '    \\toprule',
    line(t.columns.map((c) => c.header)),
    '    \\midrule',
    ...t.rows.map(line),
    '    \\bottomrule',
    '  \\end{tabular}'
  ]
  for (const note of t.notes ?? []) out.push(`  \\par\\smallskip{\\footnotesize ${note}}`)
  if (t.caption) out.push(`  \\caption{${t.caption}}`)
  if (t.label) out.push(`  \\label{${t.label}}`)
  out.push(`\\end{${float}}`, '')
  return out.join('\n')
}
