// The bootstrap's memory arena: sorted scores, tables and per-thread scratch in one shared wasm memory.
import { WorkbenchError } from '../../../shared/contract/errors'
import { compileWasm, instantiate, sharedMemory, type SharedWasmMemory } from '../wasm'
import { blockCount, completeCounts, kernelCells, PAIR_CODES, PAIR_SLICE_ENDS, PAIR_TABLE, type StreamState } from './resample-counts'
import { RESAMPLE_WASM_BASE64 } from './resample-wasm'
import type { SortedScores } from './sorted-scores'

interface KernelExports {
  init(table: number, thresholds: number, codes: number, slices: number): void
  fill(counts: number, cells: number, blocks: number, state: number): number
  accumulate(scores: number, counts: number, n: number, cum: number): number
  scan(scores: number, above: number, atOrAbove: number, counts: number, cum: number, n: number, members: number, out: number): void
}

/** Byte offsets of everything in the arena; slot k's scratch starts at slotBase + k·slotStride. */
export interface ArenaLayout {
  members: number
  nonmembers: number
  nMembers: number
  nNonmembers: number
  above: number
  /** Equal to `above` when no member ties a non-member (sortScores then shares the arrays). */
  atOrAbove: number
  table: number
  sliceEnds: number
  codes: number
  slotBase: number
  slotStride: number
  slots: number
  /** Offsets within a slot. */
  slot: { cum: number; memberCounts: number; nonmemberCounts: number; blocks: number; state: number; out: number }
}

/** Sorted scores and scratch for `slots` threads in one shared memory; structured-cloneable to workers. */
export interface ResampleArena {
  memory: SharedWasmMemory
  layout: ArenaLayout
}

function layoutFor(nP: number, nN: number, tied: boolean, slots: number): ArenaLayout {
  let end = 0
  const take = (bytes: number): number => {
    const at = end
    end += Math.ceil(bytes / 8) * 8
    return at
  }
  const members = take(8 * nP)
  const nonmembers = take(8 * nN)
  const above = take(4 * nN)
  const atOrAbove = tied ? take(4 * nN) : above
  const table = take(PAIR_TABLE.length)
  const sliceEnds = take(4 * PAIR_SLICE_ENDS.length)
  const codes = take(PAIR_CODES.length)
  const slotBase = end
  end = 0
  const slot = { cum: take(8 * (nP + 1)), memberCounts: take(nP), nonmemberCounts: take(nN), blocks: take(4 * blockCount(Math.max(nP, nN))), state: take(16), out: take(32) }
  return { members, nonmembers, nMembers: nP, nNonmembers: nN, above, atOrAbove, table, sliceEnds, codes, slotBase, slotStride: end, slots, slot }
}

/** An arena holding `sorted` (copied once) and scratch for `slots` threads. */
export function createArena(sorted: SortedScores, slots: number): ResampleArena {
  const nP = sorted.members.length
  const nN = sorted.nonmembers.length
  const layout = layoutFor(nP, nN, sorted.membersAbove !== sorted.membersAtOrAbove, slots)
  const memory = sharedMemory({
    bytes: layout.slotBase + slots * layout.slotStride,
    tooLarge: (pages) =>
      new WorkbenchError({ code: 'unsupported', message: `Bootstrapping ${nP + nN} scores needs ${pages * 64} KiB, more than WebAssembly's 4 GiB.`, hint: 'Evaluate a subset of the items.' })
  })
  const buf = memory.buffer
  new Float64Array(buf, layout.members, nP).set(sorted.members)
  new Float64Array(buf, layout.nonmembers, nN).set(sorted.nonmembers)
  new Int32Array(buf, layout.above, nN).set(sorted.membersAbove)
  if (layout.atOrAbove !== layout.above) new Int32Array(buf, layout.atOrAbove, nN).set(sorted.membersAtOrAbove)
  new Uint8Array(buf, layout.table, PAIR_TABLE.length).set(PAIR_TABLE)
  new Uint32Array(buf, layout.sliceEnds, PAIR_SLICE_ENDS.length).set(PAIR_SLICE_ENDS)
  new Uint8Array(buf, layout.codes, PAIR_CODES.length).set(PAIR_CODES)
  return { memory, layout }
}

/** One thread's view of an arena: typed-array views and the kernels on its scratch slot. */
export interface ArenaSlot {
  sorted: SortedScores
  cum: Float64Array
  memberCounts: Uint8Array
  nonmemberCounts: Uint8Array
  /** Fill memberCounts / nonmemberCounts with one exact Multinomial(n, uniform) draw from `state`. */
  draw(which: 'members' | 'nonmembers', state: StreamState): void
  /** cum ← member prefix counts; returns Σ count·score over members. */
  accumulate(): number
  /** The non-member scan: [2·AUC numerator, max(TP·N − FP·P), Σ count·score] (see resample.wat). */
  scan(): [number, number, number]
}

/** Open slot `index` of the arena on this thread (instantiates the kernels on the shared memory). */
export function openSlot(arena: ResampleArena, index: number): ArenaSlot {
  const { memory, layout: L } = arena
  const k = instantiate<KernelExports>(compileWasm(RESAMPLE_WASM_BASE64), memory)
  k.init(L.table, L.sliceEnds, L.codes, PAIR_SLICE_ENDS.length)
  const buf = memory.buffer
  const base = L.slotBase + index * L.slotStride
  const at = (offset: number): number => base + offset
  const above = new Int32Array(buf, L.above, L.nNonmembers)
  const sorted: SortedScores = {
    members: new Float64Array(buf, L.members, L.nMembers),
    nonmembers: new Float64Array(buf, L.nonmembers, L.nNonmembers),
    membersAbove: above,
    membersAtOrAbove: L.atOrAbove === L.above ? above : new Int32Array(buf, L.atOrAbove, L.nNonmembers)
  }
  const memberCounts = new Uint8Array(buf, at(L.slot.memberCounts), L.nMembers)
  const nonmemberCounts = new Uint8Array(buf, at(L.slot.nonmemberCounts), L.nNonmembers)
  const blocks = new Int32Array(buf, at(L.slot.blocks), blockCount(Math.max(L.nMembers, L.nNonmembers)))
  const state = new Int32Array(buf, at(L.slot.state), 4)
  const out = new Float64Array(buf, at(L.slot.out), 3)
  return {
    sorted,
    cum: new Float64Array(buf, at(L.slot.cum), L.nMembers + 1),
    memberCounts,
    nonmemberCounts,
    draw(which, from) {
      const counts = which === 'members' ? memberCounts : nonmemberCounts
      state.set(from)
      const total = k.fill(counts.byteOffset, kernelCells(counts.length), blocks.byteOffset, state.byteOffset)
      completeCounts(counts, blocks, total, state)
      from.set(state)
    },
    accumulate: () => k.accumulate(L.members, memberCounts.byteOffset, L.nMembers, at(L.slot.cum)),
    scan() {
      k.scan(L.nonmembers, L.above, L.atOrAbove, nonmemberCounts.byteOffset, at(L.slot.cum), L.nNonmembers, L.nMembers, out.byteOffset)
      return [out[0], out[1], out[2]]
    }
  }
}

let countsSlot: ArenaSlot | undefined

/**
 * One exact Multinomial(n, uniform) draw (bootstrap counts of n items) from `state`, advancing it.
 * Reuses a scratch arena across calls with the same n (paired comparisons draw per item in input order).
 */
export function multinomialCounts(n: number, state: StreamState): Uint8Array {
  if (countsSlot?.memberCounts.length !== n) {
    const none = new Float64Array(0)
    const rank = new Int32Array(0)
    countsSlot = openSlot(createArena({ members: new Float64Array(n), nonmembers: none, membersAbove: rank, membersAtOrAbove: rank }, 1), 0)
  }
  countsSlot.draw('members', state)
  return countsSlot.memberCounts.slice()
}
