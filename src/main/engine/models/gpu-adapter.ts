// What WebGPU can run on here: the Vulkan loader and driver manifests Dawn sees (Linux), or the platform's native API.
// onnxruntime-node does not expose Dawn's GPUAdapterInfo, so the adapter is named from the driver the loader offers:
// its manifest (ICD JSON), the library it points at and, for NVIDIA, /proc/driver/nvidia. docs/attacks.md § Providers.
import fs from 'node:fs'
import path from 'node:path'
import type { GpuAdapter } from '../../../shared/contract/models'

/** One Vulkan driver manifest and what it is. */
interface VulkanDriver {
  manifest: string
  library: string
  adapter: GpuAdapter
  /** Dawn refuses it (Mesa's llvmpipe lacks features Dawn requires). */
  rejected: boolean
}

/** The loader and drivers the Vulkan loader would enumerate for Dawn, with what is missing. */
export interface VulkanSetup {
  loader: string | null
  /** The variable that chose the manifests, when one did. */
  override: { name: string; files: string[] } | null
  drivers: VulkanDriver[]
  /** Manifests named by the override that do not exist. */
  missingManifests: string[]
}

const LOADER = 'libvulkan.so.1'
const LIB_DIRS = ['/usr/lib/x86_64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/lib64', '/usr/lib', '/lib', '/usr/local/lib']
// Vulkan loader search order (LoaderDriverInterface.md, "Driver Manifest File Search").
const ICD_DIRS = ['/usr/local/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/share/vulkan/icd.d']

/** Where the loader would be found: LD_LIBRARY_PATH, the ld.so cache, the usual library folders. */
export function findVulkanLoader(env: NodeJS.ProcessEnv = process.env): string | null {
  const dirs = [...(env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ...LIB_DIRS]
  for (const dir of dirs) {
    const file = path.join(dir, LOADER)
    if (fs.existsSync(file)) return file
  }
  try {
    if (fs.readFileSync('/etc/ld.so.cache').includes(LOADER)) return `${LOADER} (ld.so.cache)`
  } catch {
    // no cache: the folders above were the answer
  }
  return null
}

function nvidiaModel(): { model: string | null; driver: string | null } {
  let model: string | null = null
  try {
    for (const gpu of fs.readdirSync('/proc/driver/nvidia/gpus')) {
      const info = fs.readFileSync(path.join('/proc/driver/nvidia/gpus', gpu, 'information'), 'utf8')
      model = /^Model:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? model
      if (model) break
    }
  } catch {
    // no NVIDIA kernel driver
  }
  let driver: string | null = null
  try {
    driver = /Kernel Module\s+([\d.]+)/.exec(fs.readFileSync('/proc/driver/nvidia/version', 'utf8'))?.[1] ?? null
  } catch {
    // idem
  }
  return { model, driver }
}

/** Name the adapter behind a Vulkan driver library. */
export function adapterOfLibrary(library: string): { adapter: GpuAdapter; rejected: boolean } {
  const base = path.basename(library).toLowerCase()
  const make = (vendor: string, architecture: string, description: string, software = false, driver: string | null = null): GpuAdapter => ({
    vendor,
    architecture,
    description,
    backend: 'vulkan',
    software,
    driver,
    source: 'vulkan-manifest'
  })
  if (base.includes('swiftshader')) return { adapter: make('google', 'swiftshader', 'SwiftShader Vulkan (software GPU)', true), rejected: false }
  if (base.includes('nvidia')) {
    const n = nvidiaModel()
    return { adapter: make('nvidia', 'nvidia', n.model ?? 'NVIDIA GPU (Vulkan driver of the NVIDIA driver)', false, n.driver), rejected: false }
  }
  if (base.includes('lvp')) return { adapter: make('mesa', 'llvmpipe', 'Mesa llvmpipe (software Vulkan)', true), rejected: true }
  if (base.includes('radeon')) return { adapter: make('amd', 'radv', 'AMD GPU (Mesa RADV)'), rejected: false }
  if (base.includes('intel')) return { adapter: make('intel', 'anv', 'Intel GPU (Mesa ANV)'), rejected: false }
  if (base.includes('amdvlk')) return { adapter: make('amd', 'amdvlk', 'AMD GPU (AMDVLK)'), rejected: false }
  return { adapter: make('unknown', base, `Vulkan driver ${base}`), rejected: false }
}

function readDriver(manifest: string): VulkanDriver | null {
  try {
    const json = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { ICD?: { library_path?: unknown } }
    const lib = json.ICD?.library_path
    if (typeof lib !== 'string') return null
    const library = lib.includes('/') ? path.resolve(path.dirname(manifest), lib) : lib
    return { manifest, library, ...adapterOfLibrary(library) }
  } catch {
    return null
  }
}

function manifestsIn(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => path.join(dir, f))
  } catch {
    return []
  }
}

/** The Vulkan setup Dawn will see: VK_DRIVER_FILES / VK_ICD_FILENAMES override the manifest folders. */
export function vulkanSetup(env: NodeJS.ProcessEnv = process.env): VulkanSetup {
  const name = env.VK_DRIVER_FILES ? 'VK_DRIVER_FILES' : env.VK_ICD_FILENAMES ? 'VK_ICD_FILENAMES' : null
  const files = name ? (env[name] ?? '').split(':').filter(Boolean) : ICD_DIRS.flatMap(manifestsIn)
  const expanded = name ? files.flatMap((f) => (fs.existsSync(f) && fs.statSync(f).isDirectory() ? manifestsIn(f) : [f])) : files
  const missingManifests = expanded.filter((f) => !fs.existsSync(f))
  const drivers = expanded
    .filter((f) => fs.existsSync(f))
    .map(readDriver)
    .filter((d): d is VulkanDriver => d !== null)
  return { loader: findVulkanLoader(env), override: name ? { name, files } : null, drivers, missingManifests }
}

/** The adapter Dawn picks with onnxruntime's high-performance preference: hardware before software, else none. */
export function likelyAdapter(setup: VulkanSetup): GpuAdapter | null {
  const usable = setup.drivers.filter((d) => !d.rejected && d.adapter.vendor !== 'unknown')
  const pick = usable.find((d) => !d.adapter.software) ?? usable[0] ?? setup.drivers.find((d) => !d.rejected)
  return pick?.adapter ?? null
}

/** The adapter on platforms whose WebGPU backend is not Vulkan. */
export function nativeAdapter(platform: NodeJS.Platform): GpuAdapter | null {
  if (platform === 'darwin') return { vendor: 'apple', architecture: 'metal', description: 'Metal GPU', backend: 'metal', software: false, driver: null, source: 'platform' }
  if (platform === 'win32') return { vendor: 'unknown', architecture: 'd3d12', description: 'Direct3D 12 GPU', backend: 'd3d12', software: false, driver: null, source: 'platform' }
  return null
}

function hasRenderNode(): boolean {
  try {
    return fs.readdirSync('/dev/dri').some((f) => f.startsWith('renderD'))
  } catch {
    return false
  }
}

/**
 * Whether a driver here may give Dawn an adapter. Asking Dawn when none can costs a few hundred ms and prints Mesa's
 * and Dawn's warnings on stderr for every command, so a probe runs only when some driver has a device behind it.
 */
export function mayHaveAdapter(setup: VulkanSetup): boolean {
  if (!setup.loader) return false
  return setup.drivers.some((d) => {
    if (d.rejected) return false
    if (d.adapter.vendor === 'nvidia') return fs.existsSync('/proc/driver/nvidia/version')
    if (d.adapter.vendor === 'intel' || d.adapter.vendor === 'amd') return hasRenderNode()
    return true
  })
}

/** What onnxruntime would have said had it been asked, when `mayHaveAdapter` ruled the probe out. */
export const NO_DEVICE = 'No supported adapters (no driver here has a device behind it: no /dev/dri render node, no NVIDIA kernel driver)'

const NVIDIA_HINT =
  'On NVIDIA Linux servers the Vulkan driver comes with the NVIDIA driver: point VK_DRIVER_FILES (or VK_ICD_FILENAMES) at its nvidia_icd.json (usually /usr/share/vulkan/icd.d/ or /etc/vulkan/icd.d/).'

/** Why Dawn found no adapter, in terms of what is missing here (Linux). */
export function explainNoAdapter(setup: VulkanSetup, ortMessage: string): string {
  const head = 'WebGPU unavailable:'
  if (!setup.loader)
    return `${head} the Vulkan loader ${LOADER} is missing (Debian/Ubuntu: apt install libvulkan1; without root, put ${LOADER} on LD_LIBRARY_PATH — DEVELOPERS.md has the recipe). ${NVIDIA_HINT}`
  if (setup.missingManifests.length) return `${head} ${setup.override!.name} names ${setup.missingManifests.join(', ')}, which does not exist. ${NVIDIA_HINT}`
  if (setup.drivers.length === 0) return `${head} no Vulkan driver manifest was found${setup.override ? ` in ${setup.override.name}` : ` in ${ICD_DIRS.join(', ')}`}. ${NVIDIA_HINT}`
  const rejected = setup.drivers.filter((d) => d.rejected)
  const named = setup.drivers.map((d) => `${path.basename(d.manifest)} (${d.adapter.description})`).join(', ')
  if (rejected.length === setup.drivers.length) return `${head} Dawn rejects these drivers: ${named} (llvmpipe lacks Vulkan features WebGPU requires). ${NVIDIA_HINT}`
  return `${head} Dawn found no usable GPU through these drivers: ${named} — ${ortMessage.split('\n')[0].replace(/^.*Failed to get a WebGPU adapter: /, '')}. ${NVIDIA_HINT}`
}
