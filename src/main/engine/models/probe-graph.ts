// y = Relu(x @ W), x: float32[1, 4]: the graph that proves a WebGPU adapter answers (tools/webgpu-probe/make_probe.py wrote it).
export const PROBE_GRAPH =
  'CAgSDW1pYS13b3JrYmVuY2g6nwEKEQoBeAoBdxIBbSIGTWF0TXVsCgwKAW0SAXkiBFJlbHUSBXByb2JlKksIBAgEEAEiQAAAAAAAAAA+AACAPgAAwD4AAAA/AAAgPwAAQD8AAGA/AACAPwAAkD8AAKA/AACwPwAAwD8AANA/AADgPwAA8D9CAXdaEwoBeBIOCgwIARIICgIIAQoCCARiEwoBeRIOCgwIARIICgIIAQoCCARCBAoAEBE='
