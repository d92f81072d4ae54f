#!/usr/bin/env bash
# The README's SLURM job-array recipe on a real scheduler: start a private one-node SLURM (munged, slurmctld,
# slurmd on localhost, everything in a temp dir), submit `sbatch --array=0-3 --wait` of `mia embed --shard i/4`
# on the demo world, merge the four shard databases with `mia cache merge`, embed once in a single process,
# and check that the merged cache equals the single run's (every embeddings row: key and vector bytes).
#
#   npm run test:slurm                    # or: bash test/slurm/run-array.sh [--local | --reuse]
#   --local   no scheduler: run the same job script as 4 local processes (SLURM_ARRAY_TASK_ID=0..3)
#   --reuse   submit to the SLURM that sbatch already reaches (a real cluster); set MIA_SLURM_WORKDIR to a
#             folder every node sees and pass extra sbatch options in MIA_SLURM_SBATCH (e.g. "-p short")
#   env: MIA_SLURM_DATASET, MIA_SLURM_MODEL (default: the bundled emoji-demo and demo-clip-s),
#        MIA_SLURM_INSTALL=0 (never apt-get install), MIA_SLURM_KEEP=1 (keep the temp dir), MIA_SLURM_TIMEOUT (s, 900)
#
# Exit status: 0 PASS, 1 FAIL, 77 SKIP (SLURM could not be installed or started; the reason is printed).
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MODE=private
case "${1:-}" in
  --local) MODE=local ;;
  --reuse) MODE=reuse ;;
  '') ;;
  *) echo "usage: $0 [--local | --reuse]" >&2; exit 2 ;;
esac
DATASET="${MIA_SLURM_DATASET:-$REPO/resources/datasets/emoji-demo}"
MODEL="${MIA_SLURM_MODEL:-$REPO/resources/models/demo-clip-s}"
TIMEOUT="${MIA_SLURM_TIMEOUT:-900}"
NODE="$(command -v node)" || { echo "SKIP: node not found"; exit 77; }
MIA=("$NODE" "$REPO/bin/mia.cjs")
START=$SECONDS

W="${MIA_SLURM_WORKDIR:-}"
if [ -z "$W" ]; then W="$(mktemp -d /tmp/mia-slurm.XXXXXX)"; else mkdir -p "$W"; W="$(cd "$W" && pwd)"; fi
# munged insists that every folder above its socket is world-executable (mktemp makes 0700).
chmod 755 "$W"
S="$W/slurm"       # the private cluster's config, state, spool, logs, munge key and socket
mkdir -p "$W/shards" "$W/logs"

PIDS=()            # slurm daemons this script started (stopped by PID, never by name)
MUNGED_PID=
RESULT=1
log() { printf '[slurm-test %4ds] %s\n' "$((SECONDS - START))" "$*"; }

teardown() {
  if [ "$MODE" = private ] && [ -f "$S/slurm.conf" ]; then
    SLURM_CONF="$S/slurm.conf" timeout 10 scontrol shutdown >/dev/null 2>&1 || true
    for _ in $(seq 1 20); do
      alive=0
      for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
      [ $alive = 0 ] && break
      sleep 0.5
    done
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  fi
  if [ -n "$MUNGED_PID" ]; then kill "$MUNGED_PID" 2>/dev/null; wait "$MUNGED_PID" 2>/dev/null || true; fi
  if [ "${MIA_SLURM_KEEP:-0}" = 1 ] || { [ "$RESULT" = 1 ] && [ -z "${MIA_SLURM_WORKDIR:-}" ]; }; then
    [ "$RESULT" = 0 ] || log "kept $W for inspection"
  elif [ -z "${MIA_SLURM_WORKDIR:-}" ]; then
    rm -rf "$W"
  fi
}
trap teardown EXIT
trap 'exit 130' INT TERM

skip() { RESULT=77; echo "SKIP: $*"; exit 77; }
fail() { RESULT=1; echo "FAIL: $*"; exit 1; }
tail_logs() { for f in "$@"; do [ -s "$f" ] && { echo "--- $f"; tail -n 15 "$f"; }; done; }

# ---------------------------------------------------------------- the scheduler
need_tools() {
  local missing=()
  for t in "$@"; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
  echo "${missing[*]}"
}

free_port() { "$NODE" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

start_private_slurm() {
  local missing
  missing="$(need_tools munged sbatch scontrol sinfo slurmctld slurmd)"
  if [ -n "$missing" ]; then
    [ "${MIA_SLURM_INSTALL:-1}" = 1 ] || skip "missing $missing and MIA_SLURM_INSTALL=0"
    [ "$(id -u)" = 0 ] || skip "missing $missing; install the Debian packages slurm-wlm and munge (needs root)"
    command -v apt-get >/dev/null 2>&1 || skip "missing $missing and no apt-get to install slurm-wlm and munge"
    log "installing slurm-wlm and munge (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -qq slurm-wlm munge >"$W/logs/apt.log" 2>&1; then
      apt-get update -qq >>"$W/logs/apt.log" 2>&1
      apt-get install -y -qq slurm-wlm munge >>"$W/logs/apt.log" 2>&1 || { tail -n 5 "$W/logs/apt.log"; skip "apt-get install slurm-wlm munge failed (see above)"; }
    fi
    missing="$(need_tools munged sbatch scontrol sinfo slurmctld slurmd)"
    [ -z "$missing" ] || skip "still missing after installing slurm-wlm and munge: $missing"
  fi
  # slurmd must be root to start job steps as the submitting user; this private cluster has no other way.
  [ "$(id -u)" = 0 ] || skip "a private slurmd needs root (run as root, or use --reuse on an existing cluster, or --local)"

  mkdir -p "$S/munge" "$S/state" "$S/spool" "$S/log"
  chmod 755 "$S" "$S/munge"
  # munge: a fresh key and a private socket, nothing system-wide.
  if command -v mungekey >/dev/null 2>&1; then
    mungekey --create --keyfile="$S/munge/munge.key" >/dev/null 2>&1 || skip "mungekey --create failed"
  else
    dd if=/dev/urandom of="$S/munge/munge.key" bs=1 count=1024 status=none
  fi
  chmod 600 "$S/munge/munge.key"
  local sock="$S/munge/munge.socket"
  munged -F --socket="$sock" --key-file="$S/munge/munge.key" --pid-file="$S/munge/munged.pid" \
    --log-file="$S/log/munged.log" --seed-file="$S/munge/munged.seed" >"$S/log/munged.out" 2>&1 &
  MUNGED_PID=$!
  for _ in $(seq 1 20); do [ -S "$sock" ] && break; sleep 0.25; done
  if ! munge -n --socket="$sock" 2>/dev/null | unmunge --socket="$sock" >/dev/null 2>&1; then
    tail_logs "$S/log/munged.out" "$S/log/munged.log"; skip "munged did not start (see its log above)"
  fi

  local ctld_port d_port cpus
  ctld_port="$(free_port)"; d_port="$(free_port)"; cpus="$(nproc)"
  cat >"$S/slurm.conf" <<EOF
# generated by test/slurm/run-array.sh: a one-node cluster on localhost, no cgroups, no accounting
ClusterName=miatest
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
NodeName=localhost CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF="$S/slurm.conf"

  slurmctld -D -i >"$S/log/slurmctld.out" 2>&1 &
  PIDS+=($!)
  local ok=0
  for _ in $(seq 1 40); do scontrol ping 2>/dev/null | grep -q 'is UP' && { ok=1; break; }; sleep 0.5; done
  [ $ok = 1 ] || { tail_logs "$S/log/slurmctld.out" "$S/log/slurmctld.log"; skip "slurmctld did not come up (see its log above)"; }

  slurmd -D -N localhost >"$S/log/slurmd.out" 2>&1 &
  PIDS+=($!)
  ok=0
  local state=''
  for _ in $(seq 1 60); do
    state="$(sinfo -h -n localhost -o %T 2>/dev/null)"
    case "$state" in idle*|mixed*|allocated*) ok=1; break ;; esac
    sleep 0.5
  done
  [ $ok = 1 ] || { tail_logs "$S/log/slurmd.out" "$S/log/slurmd.log"; skip "slurmd did not register (node state '${state:-none}'; see its log above)"; }
  log "private SLURM $(sinfo -V 2>/dev/null | awk '{print $2}') up: slurmctld :$ctld_port, slurmd :$d_port, node localhost CPUs=$cpus ($state), munge $(munged -V 2>&1 | awk '{print $1}')"
}

case "$MODE" in
  private) start_private_slurm ;;
  reuse)
    [ -z "$(need_tools sbatch sinfo)" ] || skip "--reuse: sbatch/sinfo not found"
    sinfo -h >/dev/null 2>&1 || skip "--reuse: no SLURM controller reachable (sinfo failed)"
    log "reusing the cluster sbatch reaches: $(sinfo -h -o '%P %D %T' | head -n 3 | tr '\n' ';')"
    ;;
  local) log "--local: no scheduler; the job script runs as 4 local processes" ;;
esac

# ---------------------------------------------------------------- the README's job script
JOB="$W/embed-array.sh"
cat >"$JOB" <<EOF
#!/bin/bash
#SBATCH --job-name=mia-embed --array=0-3 --cpus-per-task=1
#SBATCH --output=$W/logs/task-%a.out
# the README recipe, with \`npx mia\` spelled as the launcher it runs
echo "array job \${SLURM_ARRAY_JOB_ID:-none} task \$SLURM_ARRAY_TASK_ID (job \${SLURM_JOB_ID:-none}) on \$(hostname)"
cd "$REPO"
exec nice "$NODE" bin/mia.cjs --workspace "$W/shards/\$SLURM_ARRAY_TASK_ID" --threads 1 embed --model "$MODEL" --dataset "$DATASET" \\
    --shard "\$SLURM_ARRAY_TASK_ID/4" --json > "$W/shards/\$SLURM_ARRAY_TASK_ID.json"
EOF
chmod +x "$JOB"

T0=$SECONDS
if [ "$MODE" = local ]; then
  LPIDS=()
  for i in 0 1 2 3; do SLURM_ARRAY_TASK_ID=$i bash "$JOB" >"$W/logs/task-$i.out" 2>&1 & LPIDS+=($!); done
  rc=0
  for p in "${LPIDS[@]}"; do wait "$p" || rc=1; done
  [ $rc = 0 ] || { tail_logs "$W"/logs/task-*.out; fail "a local shard process failed"; }
  ARRAY_JOB=local
else
  # shellcheck disable=SC2086
  out="$(timeout "$TIMEOUT" sbatch --parsable --wait ${MIA_SLURM_SBATCH:-} "$JOB" 2>"$W/logs/sbatch.err")"
  rc=$?
  ARRAY_JOB="${out%%;*}"
  if [ $rc != 0 ]; then
    [ -n "$ARRAY_JOB" ] && scancel "$ARRAY_JOB" 2>/dev/null
    cat "$W/logs/sbatch.err"; tail_logs "$W"/logs/task-*.out "$S/log/slurmd.log"
    fail "sbatch --array=0-3 --wait exited $rc (job ${ARRAY_JOB:-not submitted})"
  fi
fi
ARRAY_S=$((SECONDS - T0))
for i in 0 1 2 3; do
  [ -s "$W/shards/$i.json" ] || { tail_logs "$W/logs/task-$i.out"; fail "task $i wrote no summary"; }
  if [ "$MODE" != local ]; then
    grep -q "^array job $ARRAY_JOB task $i " "$W/logs/task-$i.out" || fail "task $i did not run as array job $ARRAY_JOB task $i: $(head -n 1 "$W/logs/task-$i.out")"
  fi
done
log "array job $ARRAY_JOB: 4 tasks done in ${ARRAY_S}s"

# ---------------------------------------------------------------- merge, single run, compare
"${MIA[@]}" cache merge "$W"/shards/{0,1,2,3} --into "$W/merged.sqlite" --json >"$W/merge.json" 2>"$W/logs/merge.err" \
  || { cat "$W/logs/merge.err"; fail "mia cache merge exited non-zero"; }
"${MIA[@]}" cache merge "$W"/shards/{0,1,2,3} --into "$W/merged.sqlite" --json >"$W/merge-again.json" 2>>"$W/logs/merge.err" \
  || { cat "$W/logs/merge.err"; fail "second mia cache merge exited non-zero"; }
T1=$SECONDS
nice "${MIA[@]}" --workspace "$W/single" embed --model "$MODEL" --dataset "$DATASET" --json >"$W/single.json" 2>"$W/logs/single.err" \
  || { cat "$W/logs/single.err"; fail "single-process mia embed exited non-zero"; }
SINGLE_S=$((SECONDS - T1))

cd "$REPO" && "$NODE" --input-type=module - "$W" "$ARRAY_S" "$SINGLE_S" <<'EOF'
import { createRequire } from 'node:module'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
const require = createRequire(path.join(process.cwd(), 'package.json'))
const Database = require('better-sqlite3')
const [w, arrayS, singleS] = process.argv.slice(2)
const read = (f) => JSON.parse(fs.readFileSync(path.join(w, f), 'utf8'))
function rows(file) {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    return db.prepare('SELECT model_fingerprint, kind, content_hash, view, dim, vector FROM embeddings').all()
      .map((r) => `${r.model_fingerprint}|${r.kind}|${r.content_hash}|${r.view}|${r.dim}|${r.vector.toString('hex')}`).sort()
  } finally { db.close() }
}
const problems = []
const shards = [0, 1, 2, 3].map((i) => read(`shards/${i}.json`))
const single = read('single.json'), merge = read('merge.json'), again = read('merge-again.json')
const counts = shards.map((s) => s.items)
if (counts.some((n) => !(n > 0))) problems.push(`a shard embedded no items: ${counts}`)
if (counts.reduce((a, b) => a + b, 0) !== single.items) problems.push(`shard items ${counts.join('+')} != single run's ${single.items}`)
if (merge.conflicts.length) problems.push(`merge reported ${merge.conflicts.length} conflicts, e.g. ${JSON.stringify(merge.conflicts[0])}`)
if (again.inserted !== 0) problems.push(`merging again inserted ${again.inserted} rows (not idempotent)`)
const a = rows(path.join(w, 'merged.sqlite')), b = rows(path.join(w, 'single', 'workspace.sqlite'))
const digest = (r) => createHash('sha256').update(r.join('\n')).digest('hex').slice(0, 16)
if (b.length === 0) problems.push('the single run cached no embeddings')
if (a.length !== b.length) problems.push(`merged cache has ${a.length} rows, single run ${b.length}`)
const as = new Set(a), bs = new Set(b)
const missing = b.filter((r) => !as.has(r)), extra = a.filter((r) => !bs.has(r))
if (missing.length || extra.length) problems.push(`${missing.length} single-run rows missing from the merge, ${extra.length} merged rows not in the single run; first: ${(missing[0] ?? extra[0]).slice(0, 120)}…`)
const kinds = (r) => ['image', 'text'].map((k) => `${r.filter((x) => x.split('|')[1] === k).length} ${k}`).join(' + ')
console.log(`shards: ${counts.join(' + ')} = ${counts.reduce((x, y) => x + y, 0)} items (array ${arrayS}s); single run ${single.items} items (${singleS}s, ${single.provider})`)
console.log(`merge: ${merge.inserted} rows inserted, ${merge.identical} identical, ${merge.conflicts.length} conflicts; again: ${again.inserted} inserted`)
console.log(`embeddings rows compared (key + dim + vector bytes): merged ${a.length} (${kinds(a)}) sha256 ${digest(a)}, single ${b.length} sha256 ${digest(b)}`)
if (problems.length) { for (const p of problems) console.log(`mismatch: ${p}`); process.exit(1) }
EOF
cmp=$?
MODE_TXT="real SLURM array job $ARRAY_JOB"; [ "$MODE" = local ] && MODE_TXT="4 local processes (--local, no scheduler)"
[ $cmp = 0 ] || fail "merged cache of 4 shards ($MODE_TXT) differs from the single run"
RESULT=0
echo "PASS: 4-task job array ($MODE_TXT) merged == single-run cache, in $((SECONDS - START))s"
