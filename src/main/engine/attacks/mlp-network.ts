// The WSA attack MLP laid out in wasm memory: forward pass, softmax cross-entropy backward pass and
// Adam step over padded buffers, driven through the SIMD kernels of kernels/nn.wat.
import { createNnRuntime, panelMajor, rowMajor, type NnBuffer, type NnRuntime } from './kernels/nn-runtime'

/** One fully connected layer in PyTorch's nn.Linear layout: weight is outputs × inputs, row-major. */
export interface MlpLayer {
  inputs: number
  outputs: number
  weight: Float32Array
  bias: Float32Array
}

/** A trained or initialised MLP as plain data (ReLU between layers, logits out). */
export interface MlpModel {
  layers: MlpLayer[]
}

/** Adam hyper-parameters (Kingma & Ba 2015; torch.optim.Adam defaults). */
export interface AdamSettings {
  learningRate: number
  beta1: number
  beta2: number
  eps: number
}

const pad8 = (v: number): number => Math.ceil(v / 8) * 8
const pad4 = (v: number): number => Math.ceil(v / 4) * 4

/**
 * Where layer l's weight and bias live inside a parameter region. The weight is stored transposed
 * (p_in × p_out) in 8-column panels, element (i, o) at weightOffset + ((o >> 3)·p_in + i)·8 + (o & 7),
 * so the forward GEMM streams each panel contiguously.
 */
interface LayerSlot {
  inputs: number
  outputs: number
  pIn: number
  pOut: number
  weightOffset: number
  biasOffset: number
}

/** A network bound to a kernel runtime; all buffers are sized for `maxBatch` rows. */
export class MlpNetwork {
  private readonly slots: LayerSlot[]
  private readonly acts: NnBuffer[]
  private readonly grads: NnBuffer[]
  private readonly transposed: NnBuffer[]
  /** β1^t and β2^t of the last Adam step t. */
  private readonly adamPower = { t: 0, b1: 1, b2: 1 }
  private constructor(
    private readonly rt: NnRuntime,
    slots: LayerSlot[],
    private readonly params: NnBuffer,
    private readonly gradient: NnBuffer,
    private readonly moment1: NnBuffer,
    private readonly moment2: NnBuffer,
    readonly maxBatch: number
  ) {
    this.slots = slots
    const rows = pad4(maxBatch)
    this.acts = [rt.alloc(rows * slots[0].pIn), ...slots.map((s) => rt.alloc(rows * s.pOut))]
    this.grads = slots.map((s) => rt.alloc(rows * s.pOut))
    this.transposed = slots.map((s, l) => (l === 0 ? params : rt.alloc(s.pOut * s.pIn)))
  }

  /** Copy `model` into a fresh kernel runtime; `threads` as in createNnRuntime. */
  static async create(model: MlpModel, maxBatch: number, threads?: number): Promise<MlpNetwork> {
    let offset = 0
    const slots = model.layers.map((layer, l) => {
      const pIn = l === 0 ? pad8(layer.inputs) : pad8(model.layers[l - 1].outputs)
      const pOut = pad8(layer.outputs)
      const slot = { inputs: layer.inputs, outputs: layer.outputs, pIn, pOut, weightOffset: offset, biasOffset: offset + pIn * pOut }
      offset += pIn * pOut + pOut
      return slot
    })
    const rows = pad4(maxBatch)
    const activations = rows * (slots[0].pIn + 2 * slots.reduce((s, x) => s + x.pOut, 0))
    const transposes = slots.slice(1).reduce((s, x) => s + x.pIn * x.pOut, 0)
    const floats = 4 * offset + activations + transposes + 64 * (3 * slots.length + 8)
    const rt = await createNnRuntime({ floats, threads })
    const net = new MlpNetwork(rt, slots, rt.alloc(offset), rt.alloc(offset), rt.alloc(offset), rt.alloc(offset), maxBatch)
    net.load(model)
    return net
  }

  /** Threads the kernels run on. */
  get threads(): number {
    return this.rt.threads
  }

  /** Number of classes the output layer produces. */
  get outputs(): number {
    return this.slots[this.slots.length - 1].outputs
  }

  /** Offset of weight (input i, output o) of a layer inside a parameter region. */
  private static at(s: LayerSlot, i: number, o: number): number {
    return s.weightOffset + ((o >> 3) * s.pIn + i) * 8 + (o & 7)
  }

  /** Overwrite the parameters from a model with the same shape (into the panel layout). */
  load(model: MlpModel): void {
    const p = this.params.view
    model.layers.forEach((layer, l) => {
      const s = this.slots[l]
      for (let o = 0; o < s.outputs; o++) {
        for (let i = 0; i < s.inputs; i++) p[MlpNetwork.at(s, i, o)] = layer.weight[o * s.inputs + i]
        p[s.biasOffset + o] = layer.bias[o]
      }
    })
  }

  /** The current parameters as plain data (PyTorch layout). */
  toModel(region: 'params' | 'gradient' = 'params'): MlpModel {
    const p = (region === 'params' ? this.params : this.gradient).view
    return {
      layers: this.slots.map((s) => {
        const weight = new Float32Array(s.outputs * s.inputs)
        const bias = new Float32Array(s.outputs)
        for (let o = 0; o < s.outputs; o++) {
          for (let i = 0; i < s.inputs; i++) weight[o * s.inputs + i] = p[MlpNetwork.at(s, i, o)]
          bias[o] = p[s.biasOffset + o]
        }
        return { inputs: s.inputs, outputs: s.outputs, weight, bias }
      })
    }
  }

  /** Copy of all parameters (for early stopping's best weights). */
  snapshot(): Float32Array {
    return this.params.view.slice()
  }

  /** Restore parameters from snapshot(). */
  restore(snapshot: Float32Array): void {
    this.params.view.set(snapshot)
  }

  /** Gather rows `order[start .. start+count)` of x (n × dim, row-major) into the input batch. */
  loadRows(x: Float32Array, dim: number, order: ArrayLike<number>, start: number, count: number): void {
    const input = this.acts[0].view
    const pIn = this.slots[0].pIn
    for (let r = 0; r < count; r++) {
      const row = order[start + r]
      input.set(x.subarray(row * dim, row * dim + dim), r * pIn)
    }
  }

  /** Forward pass over the first `count` loaded rows; logits(r, j) reads the result. */
  forward(count: number): void {
    const rows = pad4(count)
    this.slots.forEach((s, l) => {
      const input = this.acts[l]
      const out = this.acts[l + 1]
      this.rt.gemm(input.ptr, s.pIn, 1, this.params.ptr + 4 * s.weightOffset, panelMajor(s.pIn), out.ptr, rowMajor(s.pOut), rows, s.pIn, s.pOut)
      const y = out.view
      const p = this.params.view
      const relu = l < this.slots.length - 1
      for (let r = 0; r < rows; r++) {
        const base = r * s.pOut
        for (let o = 0; o < s.pOut; o++) {
          const v = y[base + o] + p[s.biasOffset + o]
          y[base + o] = relu && !(v > 0) ? 0 : v
        }
      }
    })
  }

  /** Logit j of batch row r after forward(). */
  logit(r: number, j: number): number {
    return this.acts[this.slots.length].view[r * this.slots[this.slots.length - 1].pOut + j]
  }

  /**
   * Backward pass of the mean softmax cross-entropy over the first `count` rows (labels in row
   * order), leaving parameter gradients in the gradient region; returns the mean loss.
   */
  backward(labels: ArrayLike<number>, count: number): number {
    const last = this.slots.length - 1
    const rows = pad4(count)
    const dz = this.grads[last].view
    const pOut = this.slots[last].pOut
    const classes = this.slots[last].outputs
    dz.fill(0, 0, rows * pOut)
    let loss = 0
    for (let r = 0; r < count; r++) {
      let max = -Infinity
      for (let j = 0; j < classes; j++) max = Math.max(max, this.logit(r, j))
      let sum = 0
      for (let j = 0; j < classes; j++) sum += Math.exp(this.logit(r, j) - max)
      const y = labels[r]
      loss += Math.log(sum) + max - this.logit(r, y)
      for (let j = 0; j < classes; j++) {
        dz[r * pOut + j] = (Math.exp(this.logit(r, j) - max) / sum - (j === y ? 1 : 0)) / count
      }
    }
    for (let l = last; l >= 0; l--) this.backwardLayer(l, count, rows)
    return loss / count
  }

  private backwardLayer(l: number, count: number, rows: number): void {
    const s = this.slots[l]
    const input = this.acts[l]
    const dz = this.grads[l]
    const g = this.gradient
    this.rt.gemm(input.ptr, 1, s.pIn, dz.ptr, rowMajor(s.pOut), g.ptr + 4 * s.weightOffset, panelMajor(s.pIn), s.pIn, count, s.pOut)
    const gv = g.view
    const dzv = dz.view
    for (let o = 0; o < s.pOut; o++) {
      let sum = 0
      for (let r = 0; r < count; r++) sum += dzv[r * s.pOut + o]
      gv[s.biasOffset + o] = sum
    }
    if (l === 0) return
    const w = this.transposed[l]
    // W (p_out × p_in, row-major) from the panels: panel q holds outputs 8q..8q+7 as p_in × 8.
    for (let q = 0; q < s.pOut / 8; q++) {
      this.rt.transpose(this.params.ptr + 4 * (s.weightOffset + q * s.pIn * 8), w.ptr + 4 * (8 * q * s.pIn), s.pIn, 8, 8, s.pIn)
    }
    const below = this.grads[l - 1]
    this.rt.gemm(dz.ptr, s.pOut, 1, w.ptr, rowMajor(s.pIn), below.ptr, rowMajor(s.pIn), rows, s.pOut, s.pIn)
    // ReLU backward: PyTorch's threshold_backward passes the gradient only where the output is > 0.
    const a = input.view
    const d = below.view
    for (let i = 0; i < rows * s.pIn; i++) if (!(a[i] > 0)) d[i] = 0
  }

  /** Adam step number `t` (1-based) with the gradients from backward(). */
  adamStep(t: number, adam: AdamSettings): void {
    // Why: β^t by repeated multiplication is exact IEEE arithmetic in every JIT tier, whereas `**`
    // is a library call; bit-identical training must not depend on when V8 optimises this code.
    const power = this.adamPower
    if (power.t > t) Object.assign(power, { t: 0, b1: 1, b2: 1 })
    for (; power.t < t; power.t++) {
      power.b1 *= adam.beta1
      power.b2 *= adam.beta2
    }
    const stepSize = adam.learningRate / (1 - power.b1)
    const bc2sqrt = Math.sqrt(1 - power.b2)
    this.rt.adam(this.params.ptr, this.gradient.ptr, this.moment1.ptr, this.moment2.ptr, this.params.view.length, stepSize, adam.beta1, adam.beta2, adam.eps, bc2sqrt)
  }

  /** Release the kernel runtime (stops its worker thread). */
  close(): Promise<void> {
    return this.rt.close()
  }
}
