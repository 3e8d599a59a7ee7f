#!/usr/bin/env bash
# Reproduces every number in experiments/reports/learned-vs-random.md (run from the repository root).
#   experiments/learned-vs-random/run.sh     # everything, into runs/learned-vs-random (the configs name the
#                                            # agents by that path, so it is fixed)
# Steps: 1. the fixed-q sweep on a seed that is not an evaluation seed (chooses the "best fixed q" arm);
# 2. three agents from one agent seed: never updated (the control), trained with the default
# per-image preset, trained with the paper preset; 3. every arm on the evaluation seeds, compared
# with random and with the untrained control; 4. the per-class q tables and the mean reward per arm.
# Finished cells are reused by `rlmix compare`, but a cell's identity does not include the agent
# file's contents: after retraining an agent, delete $OUT/compare* before step 3.
set -euo pipefail

OUT=runs/learned-vs-random
# One torch thread: on the shared 2-core machine two threads ran about 3x slower (spinning under
# load). The thread count can change the last digits of the results; every number in the report used 1.
export OMP_NUM_THREADS=1
NICE="nice -n 10"
dotnet build -c Release src/RLMix.Cli
R=src/RLMix.Cli/bin/Release/net10.0/rlmix
DATA=(--dataset fashion-mnist-mini --limit-train 4000)
AGENT_SEED=1000
EPISODES=${EPISODES:-3}

# 1. Fixed-q sweep (seed 100), and a check that the config's fixed arm is the sweep's best q.
$NICE $R compare --config experiments/learned-vs-random/fixed-q-sweep.json --out "$OUT/fixed-q-sweep"
python3 experiments/learned-vs-random/summarize.py best-fixed "$OUT/fixed-q-sweep/results.json" experiments/learned-vs-random.json

# 2. Agents. n_steps larger than the run (1 step) means the rollout never fills: no PPO update.
$NICE $R agent train "${DATA[@]}" --seed $AGENT_SEED --episodes 1 --max-batches 1 --n-steps 2 \
  --out "$OUT/agents/untrained" --overwrite
$NICE $R agent train "${DATA[@]}" --seed $AGENT_SEED --episodes "$EPISODES" --out "$OUT/agents/per-image" --overwrite
$NICE $R agent train "${DATA[@]}" --seed $AGENT_SEED --episodes "$EPISODES" --preset paper --out "$OUT/agents/paper" --overwrite
python3 experiments/learned-vs-random/summarize.py updates "$OUT/agents/untrained" "$OUT/agents/per-image" "$OUT/agents/paper"

# 3. The arms on seeds 0-5: against random, then (same cells, reused) against the untrained control.
# The second config (generated) differs only in its baseline, so its cells are the first's (reused, not rerun);
# each run rewrites results.*, so they are kept apart.
$NICE $R compare --config experiments/learned-vs-random.json --out "$OUT/compare"
mkdir -p "$OUT/compare/vs-random" && cp "$OUT"/compare/results.* "$OUT/compare/vs-random/"
python3 experiments/learned-vs-random/summarize.py rebase experiments/learned-vs-random.json untrained > "$OUT/vs-untrained.json"
$NICE $R compare --config "$OUT/vs-untrained.json" --out "$OUT/compare"
mkdir -p "$OUT/compare/vs-untrained" && cp "$OUT"/compare/results.* "$OUT/compare/vs-untrained/"

# 4. Per-class q and mean reward per arm.
for arm in untrained learned-per-image learned-paper; do
  echo "## $arm"; python3 experiments/tools/q_by_class.py "$OUT/compare/$arm"
done
python3 experiments/learned-vs-random/summarize.py reward "$OUT/compare" random untrained
