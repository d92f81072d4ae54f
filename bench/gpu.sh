#!/usr/bin/env bash
# bench/gpu.sh: the portable archive on a Linux x64 machine with an NVIDIA GPU, PyTorch and no network (issue 23).
# One run, under 8 minutes on a 16-core H100/H200 machine, printing one table: for ViT-B/32 (10,000 images) and
# ViT-L/14 (2,000 images) with random weights, `mia embed` end to end (JPEG decode, preprocessing, cache, inference)
# on the WebGPU provider (and CUDA when the archive's onnxruntime has it), a bare vision session on the same provider
# (bench/gpu-bare.mjs), and PyTorch's own pipeline (DataLoader, Pillow, CUDA eager fp32 and fp16 autocast,
# bench/gpu_torch.py) on the same weights and JPEGs. Checks: the WebGPU adapter is the NVIDIA GPU (`mia info --json`),
# and WebGPU embeddings equal CPU ones (cos >= 0.9999, `mia embed --out` on both). Exit status 1 if a check failed.
#
# Needs there: bash, tar with xz, python3 with torch + torchvision + Pillow + numpy (+ onnx for the generator), and
# an NVIDIA driver that ships its Vulkan ICD. Node is NOT needed: everything JS runs on the archive's own runtime.
#
# ---- Getting the files there (upload limit 64 MiB for tree + extras; the tracked tree alone is ~32 MB) ----
# The runtime archive (dist/mia-<version>-linux-x64.tar.xz, ~45 MiB; `npm run portable` builds it, the demo archive
# is not needed here) does not fit beside the whole tree in one upload. Two ways, both with public tools only:
#  A. Slim the tree (one upload). The script needs only bench/, tools/clip-export/ and
#     test/fixtures/tiny-clip/tokenizer*.json (the CLIP BPE files, for the generator):
#       git archive --format=tar HEAD bench tools/clip-export test/fixtures/tiny-clip/tokenizer.json \
#         test/fixtures/tiny-clip/tokenizer_config.json | tar -x -C /tmp/slim
#       cp dist/mia-*-linux-x64.tar.xz /tmp/slim/ ; mkdir /tmp/slim/.gl ; cp <debs, below> /tmp/slim/.gl/
#     (~47 MiB together), send /tmp/slim, run `bash bench/gpu.sh` there with MIA_ARCHIVE=mia-<version>-linux-x64.tar.xz.
#  B. Parts over several uploads to one machine that stays up between them (its untracked files survive):
#       split -b 24M -d dist/mia-<version>-linux-x64.tar.xz part/mia.tar.xz.   # here: 2 parts
#       sha256sum dist/mia-<version>-linux-x64.tar.xz                          # note it
#     upload 1 (tree + part/mia.tar.xz.00): mkdir -p /tmp/carry && cp part/* /tmp/carry/
#     upload 2 (tree + part/mia.tar.xz.01): cp part/* /tmp/carry/ && cat /tmp/carry/mia.tar.xz.* > /tmp/mia.tar.xz \
#       && sha256sum /tmp/mia.tar.xz && MIA_ARCHIVE=/tmp/mia.tar.xz bash bench/gpu.sh
#     If the machine went away between uploads, start again from upload 1.
#
# ---- The Vulkan loader (WebGPU runs on Vulkan on Linux) ----
# onnxruntime's WebGPU backend loads libvulkan.so.1 at run time; GPU containers often have the NVIDIA driver and its
# Vulkan ICD but no loader. On any Debian/Ubuntu x64 machine with network (any architecture, with these -o options):
#   mkdir -p .gl /tmp/amd64/partial; o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
#   apt-get $o update; (cd .gl && apt-get $o download libvulkan1)
# and bring .gl/ along (~150 KB). This script unpacks every .gl/*.deb into $WORK/gl (`dpkg-deb -x`, or `ar` + `tar`
# where dpkg is absent) and puts its lib folder on LD_LIBRARY_PATH: nothing is written outside $WORK. If the loader
# finds no driver, the ICD manifest is often not in the standard folders; the script then points VK_DRIVER_FILES
# (VK_ICD_FILENAMES for older loaders) at the first nvidia_icd.json it finds under /usr/local/nvidia, /usr/share,
# /etc (e.g. /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json in NVIDIA's container images). Set it yourself to
# override. `mia info --json` must then report `capabilities.adapter.vendor` "nvidia" and `software` false.
#
# ---- Sizes (environment; defaults are the real run) ----
#   GPU_BENCH_MODELS="vit-b-32:10000 vit-l-14:2000"  config:images pairs (configs in tools/clip-export/configs.py)
#   GPU_BENCH_COS_IMAGES=64        images embedded on both CPU and WebGPU for the cosine check
#   GPU_BENCH_BATCH=128            batch size for every row
#   GPU_BENCH_WORKERS=$(nproc)     DataLoader workers for PyTorch
#   GPU_BENCH_PROVIDERS="webgpu cuda"   mia providers to time (one not in `mia info` is skipped, with the reason)
#   GPU_BENCH_EXPECT_VENDOR=nvidia adapter vendor the check wants (a dry run on SwiftShader: google)
#   GPU_BENCH_WORK=/tmp/mia-gpu-bench   scratch folder (models, JPEGs, workspaces); removed first
#   MIA_ARCHIVE=dist/mia-*-linux-x64.tar.xz   PYTHON=python3
# Dry run on a CPU machine with SwiftShader as the "GPU" (correctness only; BENCHMARKS.md "GPU benchmark script"):
#   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json XDG_RUNTIME_DIR=/tmp/xdg PYTHON=/usr/bin/python3 \
#   GPU_BENCH_MODELS=vit-b-32:32 GPU_BENCH_COS_IMAGES=8 GPU_BENCH_BATCH=8 GPU_BENCH_EXPECT_VENDOR=google bash bench/gpu.sh
set -euo pipefail

ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd -P)
MODELS=${GPU_BENCH_MODELS:-"vit-b-32:10000 vit-l-14:2000"}
COS_IMAGES=${GPU_BENCH_COS_IMAGES:-64}
BATCH=${GPU_BENCH_BATCH:-128}
WORKERS=${GPU_BENCH_WORKERS:-$(nproc)}
PROVIDERS=${GPU_BENCH_PROVIDERS:-"webgpu cuda"}
EXPECT_VENDOR=${GPU_BENCH_EXPECT_VENDOR:-nvidia}
WORK=${GPU_BENCH_WORK:-/tmp/mia-gpu-bench}
PY=${PYTHON:-python3}
ARCHIVE=${MIA_ARCHIVE:-$(ls "$ROOT"/dist/mia-*-linux-x64.tar.xz 2>/dev/null | head -1)}
START=$(date +%s)
FAILED=0
ROWS=()

say() { printf '[gpu.sh %4ss] %s\n' $(($(date +%s) - START)) "$*"; }
fail() { say "CHECK FAILED: $*"; FAILED=1; }
row() { ROWS+=("$(printf '%-9s | %-50s | %6s | %8s | %10s | %s' "$@")"); }
json() { "$PY" -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, {'d': d}))" "$1"; }

[ -f "$ARCHIVE" ] || { echo "no runtime archive: set MIA_ARCHIVE or run \`npm run portable\` (see this header)" >&2; exit 2; }
rm -rf "$WORK"; mkdir -p "$WORK/app" "$WORK/gl"
say "machine: $(uname -srm), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg); $(command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | head -1 || echo 'no nvidia-smi')"

# 1. Runtime archive.
tar -xJf "$ARCHIVE" -C "$WORK/app"
APP=$(ls -d "$WORK"/app/mia-*/ | head -1); APP=${APP%/}
MIA=("$APP/mia")
say "unpacked $(basename "$ARCHIVE") ($(du -m "$ARCHIVE" | cut -f1) MiB) into $APP"

# 2. Vulkan loader and driver manifest.
if [ "$(ldconfig -p 2>/dev/null | grep -c 'libvulkan\.so\.1' || true)" = 0 ]; then  # grep -c: -q would SIGPIPE ldconfig under pipefail
  for deb in "$ROOT"/.gl/*.deb; do
    [ -f "$deb" ] || continue
    if command -v dpkg-deb >/dev/null; then dpkg-deb -x "$deb" "$WORK/gl"
    else (cd "$WORK/gl" && ar x "$deb" && tar -xf data.tar.* && rm -f data.tar.* control.tar.* debian-binary); fi
  done
  lib=$(dirname "$(find "$WORK/gl" -name 'libvulkan.so.1*' | head -1)" 2>/dev/null || true)
  if [ -n "$lib" ] && [ "$lib" != . ]; then export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; say "Vulkan loader from .gl/: $lib"
  else say "no system libvulkan.so.1 and no .gl/*.deb: WebGPU will find no adapter (see this header)"; fi
fi
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ] && ! ls /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json >/dev/null 2>&1; then
  icd=$(find /usr/local/nvidia /usr/share /etc -name nvidia_icd.json 2>/dev/null | head -1 || true)
  if [ -n "$icd" ]; then export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd; say "Vulkan driver manifest: $icd"; fi
fi
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$WORK/xdg}; mkdir -p "$XDG_RUNTIME_DIR"

# 3. Providers and the adapter.
"${MIA[@]}" info --json > "$WORK/info.json"
ADAPTER=$(json 'd["capabilities"]["adapter"]' < "$WORK/info.json")
EPS=$(json '" ".join(d["capabilities"]["executionProviders"])' < "$WORK/info.json")
say "providers: $EPS; adapter: $ADAPTER"
json '"\n".join(d["capabilities"]["fallbacks"])' < "$WORK/info.json" | sed 's/^/  fallback: /'
json 'str((d["capabilities"]["adapter"] or {}).get("vendor","")).lower()' < "$WORK/info.json" | grep -qi "$EXPECT_VENDOR" \
  || fail "WebGPU adapter vendor is not '$EXPECT_VENDOR': $ADAPTER"

# 4. JPEGs, once, for the largest count; each model reads a hard-linked prefix of them.
MAXN=0; for m in $MODELS; do n=${m#*:}; [ "$n" -gt "$MAXN" ] && MAXN=$n; done
"$PY" "$ROOT/bench/gpu_torch.py" photos "$WORK/photos" "$MAXN"
say "$MAXN photo-like JPEGs (500x375, q90) in $WORK/photos"
subset() { mkdir -p "$2"; ls "$WORK/photos" | sort | head -"$1" | while read -r f; do ln "$WORK/photos/$f" "$2/$f"; done; }

for m in $MODELS; do
  cfg=${m%%:*}; N=${m#*:}; model="$WORK/models/$cfg"
  # 5. Random-weight model from the project's generator (vision + text graphs only, seed 0).
  CLIP_TOKENIZER_DIR="$ROOT/test/fixtures/tiny-clip" "$PY" "$ROOT/tools/clip-export/export.py" --config "$cfg" \
    --out "$model" --variants separate --images 1 --captions 1 --seed 0 > "$WORK/export-$cfg.log"
  SIDE=$(json 'd["vision_config"]["image_size"]' < "$model/config.json")
  say "$cfg: generated ($(du -sm "$model" | cut -f1) MB, image side $SIDE)"
  subset "$N" "$WORK/ds-$cfg"; subset "$(( COS_IMAGES < N ? COS_IMAGES : N ))" "$WORK/cos-$cfg"

  # 6. WebGPU vs CPU embeddings on the same images (separate workspaces: nothing is read from a cache).
  for p in cpu webgpu; do
    "${MIA[@]}" --workspace "$WORK/ws-cos-$cfg-$p" --provider "$p" --batch-size "$BATCH" embed --model "$model" \
      --dataset "$WORK/cos-$cfg" --out "$WORK/cos-$cfg-$p.jsonl" --json > "$WORK/cos-$cfg-$p.json"
  done
  COS=$("$PY" "$ROOT/bench/gpu_torch.py" cos "$WORK/cos-$cfg-cpu.jsonl" "$WORK/cos-$cfg-webgpu.jsonl")
  say "$cfg: WebGPU vs CPU image embeddings: $COS"
  "$PY" -c "import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if d['n'] and d['min_cos']>=0.9999 else 1)" "$COS" \
    || fail "$cfg: WebGPU vs CPU cosine below 0.9999 or no images: $COS"

  # 7. mia end to end and the bare session, per provider.
  for p in $PROVIDERS; do
    if ! grep -qw "$p" <<< "$EPS"; then row "$cfg" "mia embed, $p" "$N" - - "skipped: $p not in mia info's providers ($EPS)"; continue; fi
    "${MIA[@]}" --workspace "$WORK/ws-$cfg-$p" --provider "$p" --batch-size "$BATCH" embed --model "$model" \
      --dataset "$WORK/ds-$cfg" --json > "$WORK/e2e-$cfg-$p.json"
    got=$(json 'd["provider"]' < "$WORK/e2e-$cfg-$p.json"); s=$(json 'd["seconds"]' < "$WORK/e2e-$cfg-$p.json")
    [ "$got" = "$p" ] || fail "$cfg: asked for $p, mia ran on $got"
    e2e=$("$PY" -c "print(f'{$N/$s:.4g}')")
    row "$cfg" "mia embed, $p (decode+preprocess+infer+store)" "$N" "$(printf '%.2f' "$s")" "$e2e" "ran on $got"
    bare=$("$APP/runtime/node" "$ROOT/bench/gpu-bare.mjs" "$APP" "$model/onnx/vision_model.onnx" "$p" "$SIDE" "$BATCH" "$N")
    b=$(json 'd["images_per_s"]' <<< "$bare"); bs=$(json 'd["seconds"]' <<< "$bare")
    row "$cfg" "bare session, $p (pre-made tensors)" "$N" "$(printf '%.2f' "$bs")" "$("$PY" -c "print(f'{$b:.4g}')")" \
      "pipeline = $("$PY" -c "print(f'{100*$N/$s/$b:.0f}')")% of bare"
  done

  # 8. PyTorch's own pipeline on the same weights and JPEGs.
  for dt in fp32 fp16; do
    out=$("$PY" "$ROOT/bench/gpu_torch.py" eager --config "$cfg" --images "$WORK/ds-$cfg" --dtype "$dt" --batch "$BATCH" \
      --workers "$WORKERS" --check "$WORK/cos-$cfg-cpu.jsonl")
    if grep -q '"skipped"' <<< "$out"; then
      row "$cfg" "PyTorch CUDA eager $dt, DataLoader+Pillow" "$N" - - "skipped: $(json 'd["skipped"]' <<< "$out")"; continue
    fi
    row "$cfg" "PyTorch CUDA eager $dt, DataLoader x$WORKERS+Pillow" "$N" "$(json '"%.2f" % d["seconds"]' <<< "$out")" \
      "$(json '"%.4g" % d["images_per_s"]' <<< "$out")" \
      "$(json '"bare %.0f/s, GPU busy %.0f%%, cos to mia cpu %.5f (n=%d)" % (d["bare_images_per_s"], 100 * d["gpu_busy"], d["cos_to_mia_cpu"]["min"] or 0, d["cos_to_mia_cpu"]["n"])' <<< "$out")"
  done
done

echo
echo "GPU benchmark (bench/gpu.sh), $(date -u '+%Y-%m-%d %H:%M UTC'), adapter: $ADAPTER, batch $BATCH, load $(cut -d' ' -f1 /proc/loadavg)"
printf '%-9s | %-50s | %6s | %8s | %10s | %s\n' model pipeline images seconds 'images/s' note
printf -- '%.0s-' {1..120}; echo
printf '%s\n' "${ROWS[@]}"
say "done in $(($(date +%s) - START)) s; checks $([ "$FAILED" = 0 ] && echo passed || echo FAILED)"
exit "$FAILED"
