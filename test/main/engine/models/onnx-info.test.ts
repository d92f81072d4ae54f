// The streaming ONNX reader against the tiny CLIP export: interface, parameter count, broken files.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readOnnxInfo } from '../../../../src/main/engine/models'
import { TINY_DIR, copyTiny, loadReference } from './tiny-fixture'

const ref = loadReference()
const tmp = copyTiny()
afterAll(() => tmp.cleanup())
const onnx = (name: string): string => path.join(TINY_DIR, 'onnx', name)

describe('readOnnxInfo', () => {
  it("reads the vision tower interface and counts exactly PyTorch's vision parameters", async () => {
    const info = await readOnnxInfo(onnx('vision_model.onnx'))
    expect(info.opset).toBe(17)
    expect(info.producer).toBe('pytorch')
    expect(info.inputs).toEqual([{ name: 'pixel_values', type: 'float32', shape: ['batch_size', 3, 224, 224] }])
    expect(info.outputs[0]).toEqual({ name: 'image_embeds', type: 'float32', shape: ['batch_size', 16] })
    expect(info.parameterCount).toBe(ref.parameterCount.vision)
    expect(info.ops).toContain('Conv')
    expect(info.externalData).toEqual([])
  })

  it('reads the text tower with its fixed 77-token input', async () => {
    const info = await readOnnxInfo(onnx('text_model.onnx'))
    expect(info.inputs).toEqual([{ name: 'input_ids', type: 'int64', shape: ['batch_size', 77] }])
    expect(info.parameterCount).toBe(ref.parameterCount.text)
  })

  it('reads the combined fp16 graph: float16 pixels, attention_mask, all weights but the 0-d logit scale', async () => {
    const info = await readOnnxInfo(onnx('model_fp16.onnx'))
    expect(info.inputs.map((i) => `${i.name}:${i.type}`)).toEqual(['input_ids:int64', 'pixel_values:float16', 'attention_mask:int64'])
    expect(info.outputs.map((o) => o.name)).toEqual(['logits_per_image', 'logits_per_text', 'text_embeds', 'image_embeds'])
    expect(info.parameterCount).toBe(ref.parameterCount.total - ref.parameterCount.logit_scale)
    expect(info.weightElements.float32 ?? 0).toBe(0)
  })

  it('rejects text, empty, Git LFS pointer, truncated and missing files with a named reason', async () => {
    const write = (name: string, bytes: string | Buffer): string => {
      const file = path.join(tmp.root, name)
      fs.writeFileSync(file, bytes)
      return file
    }
    const whole = fs.readFileSync(onnx('vision_model.onnx'))
    const cases: Array<[string, RegExp]> = [
      [write('html.onnx', '<html>404</html>'), /html\.onnx is not an ONNX model: it is text starting with "<html>404/],
      [write('empty.onnx', ''), /empty\.onnx is empty/],
      [write('lfs.onnx', 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n'), /Git LFS pointer/],
      [write('cut.onnx', whole.subarray(0, 100_000)), /cut\.onnx is truncated or corrupt \(100000 bytes; .*the file ends/],
      [write('noise.onnx', Buffer.from([0x0b, 0x0c, 0xff, 0xff])), /noise\.onnx is not a valid ONNX model/],
      [path.join(tmp.root, 'absent.onnx'), /absent\.onnx does not exist/]
    ]
    for (const [file, message] of cases) {
      const err = await readOnnxInfo(file).then(
        () => null,
        (e: unknown) => e
      )
      expect(err, file).toMatchObject({ code: 'bad-model', item: file })
      expect((err as Error).message).toMatch(message)
    }
  })
})
