// SwiftShader, the software Vulkan driver of Debian's chromium package: the GPU the WebGPU suite runs on in CI.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { findVulkanLoader } from '../../src/main/engine/models/gpu-adapter'

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json'

/** Why the WebGPU suite cannot run here, or null when the Vulkan loader and SwiftShader are both present. */
export function swiftshaderMissing(): string | null {
  if (process.platform !== 'linux' || process.arch !== 'x64') return `WebGPU suite skipped: SwiftShader runs on linux-x64 only (this is ${process.platform}-${process.arch}).`
  if (!findVulkanLoader()) return 'WebGPU suite skipped: the Vulkan loader libvulkan.so.1 is missing (apt install libvulkan1).'
  if (!fs.existsSync(SWIFTSHADER_ICD)) return `WebGPU suite skipped: SwiftShader's ${SWIFTSHADER_ICD} is missing (apt install chromium).`
  return null
}

/** Environment that makes Dawn (inside onnxruntime-node) see SwiftShader and nothing else. */
export function swiftshaderEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const runtime = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-xdg-'))
  fs.chmodSync(runtime, 0o700)
  const env: NodeJS.ProcessEnv = { ...base, VK_ICD_FILENAMES: SWIFTSHADER_ICD, XDG_RUNTIME_DIR: runtime }
  delete env.VK_DRIVER_FILES
  return env
}

/** Print the skip reason once, so a skipped suite is never silent. */
export function reportSkip(reason: string | null): boolean {
  if (reason) console.warn(reason)
  return reason !== null
}
