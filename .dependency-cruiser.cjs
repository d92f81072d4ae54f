// The import layers of docs/design.md ("Rules of the house", rule 1) as dependency-cruiser rules; `npm run lint` runs them.
// Packages match resolved (node_modules/x/...) or, where a package is absent, by bare name.
const ELECTRON = '^(node_modules/)?electron(/|$)'

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle makes load order matter and layers meaningless; break it by moving the shared part down.',
      from: {},
      to: { circular: true }
    },
    {
      name: 'engine-stays-pure',
      severity: 'error',
      comment: 'src/main/engine runs in plain Node (CLI, server, tests, a utilityProcess): it never reaches up to a ring around it.',
      from: { path: '^src/main/engine/' },
      to: { path: ['^src/(server|cli|preload|renderer)/', '^src/main/(host|electron)/', ELECTRON] }
    },
    {
      name: 'host-below-rings',
      severity: 'error',
      comment: 'src/main/host runs the engine behind a port for every ring; it never imports one of them.',
      from: { path: '^src/main/host/' },
      to: { path: ['^src/(server|cli|preload|renderer)/', '^src/main/electron/', ELECTRON] }
    },
    {
      name: 'shared-imports-only-shared',
      severity: 'error',
      comment: 'src/shared is compiled for Node and for the browser: it imports only itself and pure npm packages (zod, echarts).',
      from: { path: '^src/shared/' },
      to: { pathNot: ['^src/shared/', '^(node_modules/)?(zod|echarts|zrender)(/|$)'] }
    },
    {
      name: 'shared-no-node-builtins',
      severity: 'error',
      comment: 'src/shared runs in the renderer too, where Node built-ins do not exist.',
      from: { path: '^src/shared/' },
      to: { dependencyTypes: ['core'] }
    },
    {
      name: 'renderer-through-contract',
      severity: 'error',
      comment: 'The renderer reaches the main side only through src/shared and the typed API the preload declares (src/preload/index.d.ts).',
      from: { path: '^src/renderer/' },
      to: { path: '^src/', pathNot: ['^src/(renderer|shared)/', '^src/preload/index\\.d\\.ts$'] }
    },
    {
      name: 'renderer-no-node-builtins',
      severity: 'error',
      comment: 'The renderer runs sandboxed in a browser; Node built-ins are not there.',
      from: { path: '^src/renderer/' },
      to: { dependencyTypes: ['core'] }
    },
    {
      name: 'onnxruntime-only-in-session',
      severity: 'error',
      comment: 'One place owns the ONNX runtime: execution-provider choice, fallback, feed checks, dispose.',
      from: { pathNot: '^src/main/engine/models/session\\.ts$' },
      to: { path: '^(node_modules/)?onnxruntime-(node|common)(/|$)' }
    },
    {
      name: 'better-sqlite3-only-in-database',
      severity: 'error',
      comment: 'One place owns SQLite: open, pragmas, transactions, error rewriting.',
      from: { pathNot: '^src/main/engine/store/database\\.ts$' },
      to: { path: '^(node_modules/)?better-sqlite3(/|$)' }
    },
    {
      name: 'electron-only-in-electron-ring',
      severity: 'error',
      comment: "Only src/main/electron, src/preload and the utilityProcess entry (src/main/host/utility-entry.ts) may import 'electron'.",
      from: { path: '^src/', pathNot: ['^src/main/electron/', '^src/preload/', '^src/main/host/utility-entry\\.ts$'] },
      to: { path: [ELECTRON] }
    },
    {
      name: 'wabt-only-at-build-time',
      severity: 'error',
      comment: 'The assembler is a dev dependency: kernels ship assembled (*-wasm.ts); only src/main/engine/wasm/assemble.ts and tests use it.',
      from: { path: '^src/', pathNot: '^src/main/engine/wasm/assemble\\.ts$' },
      to: { path: '^(node_modules/)?wabt(/|$)' }
    },
    {
      name: 'runner-below-ops',
      severity: 'error',
      comment: 'ops/ is the operation layer over runner/ (docs/design.md module map); the runner receives what it needs.',
      from: { path: '^src/main/engine/runner/' },
      to: { path: '^src/main/engine/ops/' }
    },
    {
      name: 'ops-only-from-engine-face',
      severity: 'error',
      comment: 'ops/ is the top of the engine: only engine.ts / index.ts assemble it.',
      from: { path: '^src/main/engine/', pathNot: ['^src/main/engine/ops/', '^src/main/engine/(engine|index)\\.ts$'] },
      to: { path: '^src/main/engine/ops/' }
    },
    {
      name: 'rings-through-engine-entries',
      severity: 'error',
      comment:
        'The CLI and the server reach the engine through its public entries only: index.ts (the engine) and ring-api.ts (config, cache merge, scores files); the engine itself runs behind src/main/host.',
      from: { path: '^src/(cli|server)/' },
      to: { path: '^src/main/engine/', pathNot: '^src/main/engine/(index|ring-api)\\.ts$' }
    },
    {
      name: 'src-never-imports-tests',
      severity: 'error',
      comment: 'The product never depends on test code, benchmarks or tools.',
      from: { path: '^src/' },
      to: { path: '^(test|bench|tools)/' }
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(out|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.mts', '.js', '.mjs', '.cjs', '.vue', '.json', '.d.ts']
    },
    reporterOptions: { text: { highlightFocused: true } }
  }
}
