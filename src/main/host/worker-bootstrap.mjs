// Worker bootstrap when running from source: registers the TypeScript loader, then loads the entry.
import { register } from 'tsx/esm/api'

register()
await import('./worker-entry.ts')
