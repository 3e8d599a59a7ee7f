#!/usr/bin/env bash
# Reproduces every number in experiments/reports/learned-vs-random.md (run from the repository root).
#   experiments/learned-vs-random/run.sh     # everything, into runs/learned-vs-random (the configs name the
#                                            # agents by that path, so it is fixed)
# Steps: 1. the fixed-q sweep on a seed that is not an evaluation seed (chooses the "best fixed q" arm);
# 2. agents from one agent seed: never updated (the controls, one per network), trained with the
# default per-image preset and with the paper preset; 3. every arm on the evaluation seeds, compared
# with random and with each control; 4. the per-class q tables and the mean reward per arm.
# Finished cells are reused by `rlmix compare`; a `learned:DIR` cell's identity includes the SHA-256 of
# the agent file, so after retraining an agent compare stops naming the changed cells (add
# --rerun-changed to redo them).
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
EPISODES=3

# 1. Fixed-q sweep (seed 100), and a check that the config's fixed arm is the sweep's best q.
$NICE $R compare --config experiments/learned-vs-random/fixed-q-sweep.json --out "$OUT/fixed-q-sweep"
python3 experiments/learned-vs-random/summarize.py best-fixed "$OUT/fixed-q-sweep/results.json" experiments/learned-vs-random.json

# 2. Agents, all from agent seed 1000 (not an evaluation seed). n_steps larger than the run (1 step)
# means the rollout never fills: no PPO update; `updates` prints the counters (0 for the controls), and
# `same-weights` shows that n_steps does not change the initial weights (so a control starts where the
# trained agent of its network started). The trained agents are in agents-f84079e/: they were made with
# the learner of commit f84079e; the learner merged since (83e6f07) changes only per-image credit, which
# neither preset uses (with the joint action, R = 1, its GAE is the same arithmetic).
$NICE $R agent train "${DATA[@]}" --seed $AGENT_SEED --episodes 1 --max-batches 1 --n-steps 2 --out "$OUT/agents/untrained" --overwrite
$NICE $R agent train "${DATA[@]}" --seed $AGENT_SEED --episodes 1 --max-batches 1 --n-steps 16 --out "$OUT/agents/untrained-n16" --overwrite
$NICE $R agent train "${DATA[@]}" --seed $AGENT_SEED --episodes 1 --max-batches 1 --n-steps 250 --preset paper --out "$OUT/agents/untrained-paper" --overwrite
$NICE $R agent train "${DATA[@]}" --seed $AGENT_SEED --episodes "$EPISODES" --out "$OUT/agents-f84079e/per-image" --overwrite
$NICE $R agent train "${DATA[@]}" --seed $AGENT_SEED --episodes "$EPISODES" --preset paper --out "$OUT/agents-f84079e/paper" --overwrite
python3 experiments/learned-vs-random/summarize.py updates "$OUT/agents/untrained" "$OUT/agents/untrained-paper" "$OUT/agents-f84079e/per-image" "$OUT/agents-f84079e/paper"
python3 experiments/learned-vs-random/summarize.py same-weights "$OUT/agents/untrained" "$OUT/agents/untrained-n16"

# 3. The arms on seeds 0-5, against random; then (same cells, reused, nothing retrained) against each
# untrained control. Each run rewrites results.*, so they are copied apart.
$NICE $R compare --config experiments/learned-vs-random.json --out "$OUT/compare"
mkdir -p "$OUT/compare/vs-random" && cp "$OUT"/compare/results.* "$OUT"/compare/*.png "$OUT/compare/vs-random/"
for control in untrained untrained-paper; do
  python3 experiments/learned-vs-random/summarize.py rebase experiments/learned-vs-random.json $control > "$OUT/vs-$control.json"
  $NICE $R compare --config "$OUT/vs-$control.json" --out "$OUT/compare"
  mkdir -p "$OUT/compare/vs-$control" && cp "$OUT"/compare/results.* "$OUT/compare/vs-$control/"
done

# 4. Per-class q and mean reward per arm.
for arm in untrained per-image-f84079e untrained-paper paper-f84079e; do
  echo "## $arm"; python3 experiments/tools/q_by_class.py "$OUT/compare/$arm"
done
python3 experiments/learned-vs-random/summarize.py reward "$OUT/compare" random untrained untrained-paper
