// Counting the elements of an async stream without holding them, with periodic cancellation checks.
import { throwIfAborted } from '../../../shared/contract/errors'

/** Number of elements `iterable` yields; checks `signal` every 4096 elements. */
export async function countAsync(iterable: AsyncIterable<unknown>, signal?: AbortSignal): Promise<number> {
  let n = 0
  const it = iterable[Symbol.asyncIterator]()
  while (!(await it.next()).done) {
    if (++n % 4096 === 0) throwIfAborted(signal)
  }
  return n
}
