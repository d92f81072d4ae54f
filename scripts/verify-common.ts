// Shared by scripts/verify-models.ts and scripts/verify-siglip.ts: the reference pixels as the model sees them, and
// the cosine of the project's embeddings to PyTorch's.

/** What both generators' reference.json say about images (tools/clip-export/reference.py, export_siglip.py). */
export interface ReferencePixels {
  imageSize: number
  pixels: { mean: number[]; std: number[] }
  images: Array<{ pixels: string }>
}

/** CHW float32 batch: (u8 / 255 − mean[c]) / std[c] of each stored S×S×3 8-bit image, read by `read`. */
export function referencePixels(ref: ReferencePixels, read: (rel: string) => Buffer): Float32Array {
  const s = ref.imageSize
  const out = new Float32Array(ref.images.length * 3 * s * s)
  ref.images.forEach((image, i) => {
    const u8 = read(image.pixels)
    for (let c = 0; c < 3; c++) for (let p = 0; p < s * s; p++) out[(i * 3 + c) * s * s + p] = (u8[p * 3 + c] / 255 - ref.pixels.mean[c]) / ref.pixels.std[c]
  })
  return out
}

/** Cosine of row i of `flat` (rows of rows[0].length) to rows[i]; cosine ignores the project's L2 normalisation. */
export function rowCosines(flat: ArrayLike<number>, rows: number[][]): number[] {
  const d = rows[0].length
  return rows.map((r, i) => {
    let dot = 0
    let a = 0
    let b = 0
    for (let j = 0; j < d; j++) {
      dot += flat[i * d + j] * r[j]
      a += flat[i * d + j] ** 2
      b += r[j] ** 2
    }
    return dot / Math.sqrt(a * b)
  })
}

/** The smallest of rowCosines. */
export function minCosine(flat: ArrayLike<number>, rows: number[][]): number {
  return Math.min(...rowCosines(flat, rows))
}

/** The smallest image and text cosines of the project's embeddings to a reference's PyTorch embeddings. */
export function towerCosines(
  images: ArrayLike<number>,
  texts: ArrayLike<number>,
  ref: { images: Array<{ image_embeds: number[] }>; captions: Array<{ text_embeds: number[] }> }
): { img: number; txt: number } {
  return {
    img: minCosine(
      images,
      ref.images.map((i) => i.image_embeds)
    ),
    txt: minCosine(
      texts,
      ref.captions.map((c) => c.text_embeds)
    )
  }
}
