// augment.preview: the K views of one item as PNG thumbnails, so the bank can be judged before a run.
import { WorkbenchError } from '../../../shared/contract/errors'
import type { OpOutput, OpParsedInput } from '../../../shared/contract/operations'
import { defaultBank, formatBank, parseBank, previewViews } from '../augment'
import { imageHash, readItemImage, type Item } from '../datasets'
import { decodeImage } from '../preprocess'
import type { Services } from '../services'

/** The bank's views of the requested item (default: the first usable one); the bank is validated first. */
export async function augmentPreviewOp(s: Services, input: OpParsedInput<'augment.preview'>, signal?: AbortSignal): Promise<OpOutput<'augment.preview'>> {
  const bank = input.bank.trim() ? parseBank(input.bank) : defaultBank()
  const ds = await s.openDataset(input.dataset, signal)
  let item: Item | undefined
  for await (const it of ds.items({ signal, onIssue: () => undefined })) {
    if (it.escapesRoot || !it.imagePath) continue
    if (!input.itemId || it.id === input.itemId) {
      item = it
      break
    }
  }
  if (!item) {
    throw new WorkbenchError({
      code: 'not-found',
      item: input.itemId ?? input.dataset,
      message: input.itemId ? `Item ${input.itemId} is not in ${ds.info.name}.` : `${ds.info.name} has no usable item to preview.`,
      hint: 'Pick another item or dataset.'
    })
  }
  const bytes = await readItemImage(item).catch((err: Error) => {
    throw new WorkbenchError(
      { code: 'bad-item', item: item!.id, message: `Item ${item!.id}: ${err.message}`, hint: 'Pick another item, or fix the file with `mia datasets validate`.' },
      { cause: err }
    )
  })
  const image = await decodeImage(bytes, { itemId: item.id })
  // The key is the content hash, as in runs: the preview shows exactly the pixels the run will embed.
  const views = await previewViews(image, bank, imageHash(bytes), input.seed, { size: input.size, signal })
  return {
    itemId: item.id,
    caption: item.caption,
    bank: formatBank(bank),
    views: views.map((v) => ({ index: v.k, spec: v.spec, image: `data:image/png;base64,${v.png.toString('base64')}` }))
  }
}
