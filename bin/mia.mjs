#!/usr/bin/env node
// `mia` launcher: runs the TypeScript CLI from the source checkout through tsx's loader.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/main.ts')
