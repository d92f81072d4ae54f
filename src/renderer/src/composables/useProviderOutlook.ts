// Where a provider choice will run on this engine, read from app.info's capabilities (issue 19): what `auto` resolves
// to, and why an explicit choice would fall back to the CPU (the reasons models/providers.ts gives `mia info`).
import { computed, type ComputedRef } from 'vue'
import type { Capabilities, GpuAdapter, ProviderChoice } from '../../../shared/contract/models'
import { useAppStore } from '../stores/app'
import { useSettingsStore } from '../stores/settings'

/** What a run asking for `choice` is expected to run on here, and why not on the choice itself. */
export interface ProviderOutlook {
  choice: ProviderChoice
  /** The provider expected to run, e.g. `cpu`; null while the capabilities are unknown. */
  runsOn: string | null
  /** The adapter behind it when that is WebGPU. */
  adapter: GpuAdapter | null
  /** Why the choice is not what runs (absent provider, software GPU skipped by auto); null when it is. */
  reason: string | null
}

/** The outlook of `choice` on an engine with `caps` (null: not known yet). */
export function providerOutlook(choice: ProviderChoice, caps: Capabilities | null): ProviderOutlook {
  if (!caps) return { choice, runsOn: null, adapter: null, reason: null }
  const available = caps.executionProviders
  // `auto` skips a software WebGPU adapter (slower than the CPU provider), as models/providers.ts does.
  const auto = available.filter((p) => !(p === 'webgpu' && caps.adapter?.software))
  const runsOn = choice === 'auto' ? (auto[0] ?? 'cpu') : available.includes(choice) ? choice : 'cpu'
  const mentions = (name: string): string[] => caps.fallbacks.filter((f) => f.toLowerCase().includes(name))
  let reason: string | null = null
  if (choice !== 'auto' && runsOn !== choice) reason = [`${choice} is not available here.`, ...mentions(choice)].join(' ')
  else if (choice === 'auto' && runsOn === 'cpu' && available.length > 1) reason = mentions('webgpu').join(' ') || null
  return { choice, runsOn, adapter: runsOn === 'webgpu' ? caps.adapter : null, reason }
}

/** The outlook of the provider chosen in the settings, on the connected engine. */
export function useProviderOutlook(): ComputedRef<ProviderOutlook> {
  const app = useAppStore()
  const settings = useSettingsStore()
  return computed(() => providerOutlook(settings.provider, app.info?.capabilities ?? null))
}
