#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/CMakeLists.txt) and runs each for a
# fixed time on a seed corpus: slices of the real datasets in
# ../shared/datasets (when present), a checkpoint, a resume state and a
# session made by the regular build, and the cases of issue 44's probe.
#
#   fuzz/run.sh [--seconds N | --runs N] [--jobs J] [--build-dir DIR] [--only TARGET]
#
# Each target runs N seconds (default 60), or N executions with --runs.
# Prints one line per target: executions, speed, coverage, and whether it
# crashed; a crash leaves its input under build-fuzz/crashes/TARGET/ and the
# script exits 1. The corpus grows in build-fuzz/corpus/TARGET between runs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds=60
runs=""
jobs=1
build_dir="$here/build"
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --build-dir) build_dir="$(cd "$2" && pwd)"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    *) echo "fuzz/run.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
fuzz_dir="$here/build-fuzz"
recdiff="$build_dir/app/recdiff"
[ -x "$recdiff" ] || { echo "fuzz/run.sh: build the project first ($recdiff missing)" >&2; exit 2; }

mkdir -p "$fuzz_dir"
cmake -S "$here/fuzz" -B "$fuzz_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DRECDIFF_BUILD="$build_dir" > "$fuzz_dir/configure.log" 2>&1 ||
  { cat "$fuzz_dir/configure.log"; exit 1; }
cmake --build "$fuzz_dir" -- -j2 > "$fuzz_dir/build.log" 2>&1 || { tail -40 "$fuzz_dir/build.log"; exit 1; }

# Seeds, once.
seeds="$fuzz_dir/seeds"
if [ ! -d "$seeds" ]; then
  mkdir -p "$seeds"/{sequences,interactions,published_split,item_metadata,synthetic_truth,dataset_loader,checkpoint,training_state,session,pytorch_state_dict}
  shared="$here/../shared/datasets"
  scratch="$fuzz_dir/scratch"
  rm -rf "$scratch"; mkdir -p "$scratch"
  "$recdiff" dataset synth "$scratch/synth" --users 60 --items 40 > /dev/null
  head -n 40 "$scratch/synth/sequences.txt" > "$seeds/sequences/synth"
  cp "$scratch/synth/sequences.txt" "$seeds/dataset_loader/synth"
  cp "$scratch/synth/truth.json" "$seeds/synthetic_truth/synth"
  { printf '\0'; head -n 40 "$scratch/synth/items.tsv"; } > "$seeds/item_metadata/items"
  if [ -d "$shared" ]; then
    for f in "$shared"/*/sequences.txt; do head -n 30 "$f" > "$seeds/sequences/$(basename "$(dirname "$f")")"; done
    for d in "$shared"/*/; do
      [ -f "$d/train.tsv" ] && { head -n 20 "$d/train.tsv"; printf '\0'; head -n 10 "$d/val.tsv"; printf '\0'; head -n 10 "$d/test.tsv"; } \
        > "$seeds/published_split/$(basename "$d")"
    done
    for f in "$shared"/*/*.item; do [ -f "$f" ] && { printf '\0'; head -n 30 "$f"; } > "$seeds/item_metadata/$(basename "$f")"; done
    for f in "$shared"/*/*.inter; do [ -f "$f" ] && { printf '\1'; head -n 40 "$f"; } > "$seeds/interactions/$(basename "$f")"; done
  fi
  printf '\0user,item,rating,timestamp\n1,10,5,100\n1,11,4,101\n2,10,3,99\n' > "$seeds/interactions/csv"
  # A checkpoint and a resume state (a run stopped by Ctrl+C keeps its state).
  "$recdiff" train "$scratch/synth" --model sasrec --set dim=8,max_length=5 --epochs 1 --threads 1 --quiet \
    --out "$scratch/m.ckpt" > /dev/null 2>&1
  cp "$scratch/m.ckpt" "$seeds/checkpoint/sasrec"
  timeout -s INT 4 "$recdiff" train "$scratch/synth" --model sasrec --set dim=8,max_length=5,patience=100000 --epochs 100000 \
    --threads 1 --quiet --out "$scratch/r.ckpt" > /dev/null 2>&1 || true
  [ -f "$scratch/r.ckpt.resume" ] && cp "$scratch/r.ckpt.resume" "$seeds/training_state/sasrec"
  # The probe's shapes of damage: truncated, one byte changed, empty.
  head -c 100 "$scratch/m.ckpt" > "$seeds/checkpoint/truncated"
  : > "$seeds/checkpoint/empty"
  cp "$here/sessions/classroom-demo.rdsession" "$seeds/session/classroom"
  printf '{"format":"recdiff-studio-session","format_version":1}' > "$seeds/session/minimal"
  # data.pkl of torch.save(OrderedDict(w=tensor([1., 2.]), n=tensor([3]))).
  printf '\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01(X\x01\x00\x00\x00wq\x02ctorch._utils\n_rebuild_tensor_v2\nq\x03((X\x07\x00\x00\x00storageq\x04ctorch\nFloatStorage\nq\x05X\x01\x00\x00\x000q\x06X\x03\x00\x00\x00cpuq\x07K\x02tq\x08QK\x00K\x02\x85q\tK\x01\x85q\n\x89h\x00)Rq\x0btq\x0cRq\rX\x01\x00\x00\x00nq\x0eh\x03((h\x04ctorch\nLongStorage\nq\x0fX\x01\x00\x00\x001q\x10h\x07K\x01tq\x11QK\x00K\x01\x85q\x12K\x01\x85q\x13\x89h\x00)Rq\x14tq\x15Rq\x16u.' \
    > "$seeds/pytorch_state_dict/ordered_dict"
fi

# -jobs makes libFuzzer run that many processes, each logging to fuzz-N.log
# in the current folder (so the loop runs in the fuzz build folder).
parallel=()
[ "$jobs" -gt 1 ] && parallel=(-jobs="$jobs" -workers="$jobs")
cd "$fuzz_dir"
scratch_tmp=/tmp
[ -d /dev/shm ] && [ -w /dev/shm ] && scratch_tmp=/dev/shm
failed=0
for bin in "$fuzz_dir"/fuzz_*; do
  [ -x "$bin" ] || continue
  target="${bin##*/fuzz_}"
  [ -z "$only" ] || [ "$only" = "$target" ] || continue
  corpus="$fuzz_dir/corpus/$target"
  crashes="$fuzz_dir/crashes/$target"
  mkdir -p "$corpus" "$crashes" "$seeds/$target"
  log="$fuzz_dir/$target.log"
  # Text formats show their bugs in a few lines (and run 2-3x faster small);
  # checkpoints, states and sessions need room for their JSON.
  case "$target" in checkpoint|training_state|session) max_len=4096 ;; *) max_len=1024 ;; esac
  limit=(-max_total_time="$seconds")
  [ -z "$runs" ] || limit=(-runs="$runs")
  set +e
  # The inputs go through files: a memory file system makes that cheap.
  TMPDIR="$scratch_tmp" ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$bin" "$corpus" "$seeds/$target" "${limit[@]}" -max_len="$max_len" -rss_limit_mb=4096 -timeout=20 \
    "${parallel[@]}" -artifact_prefix="$crashes/" -print_final_stats=1 > "$log" 2>&1
  code=$?
  set -e
  if [ "$jobs" -gt 1 ]; then cat fuzz-*.log >> "$log" 2>/dev/null; rm -f fuzz-*.log; fi
  # (A crashed run prints no final statistics: its count is the last "#N".)
  executed=$({ grep -h "stat::number_of_executed_units" "$log" || true; } | awk '{s += $2} END {print s + 0}')
  [ "$executed" != 0 ] || executed=$({ grep -hoE "^#[0-9]+" "$log" || true; } | tail -1 | tr -d '#')
  speed=$({ grep -h "stat::average_exec_per_sec" "$log" || true; } | awk '{s += $2} END {print s + 0}')
  cov=$({ grep -hoE "cov: [0-9]+" "$log" || true; } | tail -1 | awk '{print $2}')
  if [ "$code" = 0 ]; then verdict="no crash"; else verdict="CRASH (exit $code; see $log)"; failed=1; fi
  printf '%-18s %12s executions  %7s/s  coverage %6s  %s\n' "$target" "$executed" "$speed" "${cov:-?}" "$verdict"
done
exit "$failed"
