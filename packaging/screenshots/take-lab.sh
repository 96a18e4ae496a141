#!/bin/bash
# Takes the README's compare and sweep screenshots (docs/screenshots/compare.png,
# sweep-*.png) from a real Fashion-MNIST sweep:
# trainlab-cli sweeps the MLP of experiments/fashion_mlp.json (learning rate, batch size, weight
# decay; accuracy against energy, ASHA pruning) on part of the training set; then the window,
# offscreen, is photographed by tests/gui/tst_labsweep (its screenshot case, widget->grab()):
# the sweep's results, brushed, and a compare of its three best trials.
# Usage: packaging/screenshots/take-lab.sh [BUILD_DIR] [TRIALS]   (build/release, 24)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/release}
trials=${2:-24}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p docs/screenshots
db="$work/fashion.db"
python3 - "$work/sweep.json" "$trials" <<'PY'
import json, sys
spec = json.load(open("experiments/fashion_mlp.json"))
spec["name"] = "fashion-mlp-sweep"
spec["dataset"]["max_train_samples"] = 12000
spec["training"]["epochs"] = 4
spec["sweep"] = {
    "strategy": "random", "trials": int(sys.argv[2]), "parallel": 2, "seed": 4,
    "objective": [{"metric": "val_accuracy", "goal": "maximize"},
                  {"metric": "energy_j", "goal": "minimize"}],
    "space": {"training.optimizer.lr": {"log_uniform": [1e-4, 3e-2]},
              "training.batch_size": {"choice": [64, 128, 256]},
              "training.optimizer.weight_decay": {"log_uniform": [1e-5, 1e-2]}},
    "early_stop": {"type": "asha", "resource": "epoch", "min": 1, "reduction": 2}}
json.dump(spec, open(sys.argv[1], "w"))
PY
"$build/app/trainlab-cli" sweep "$work/sweep.json" --db "$db" >/dev/null
"$build/app/trainlab-cli" show-sweep 1 --db "$db"
best=$("$build/app/trainlab-cli" show-sweep 1 --db "$db" --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
done = [t for t in r["trials"] if t["status"] == "completed" and "val_accuracy" in t["metrics"]]
done.sort(key=lambda t: -t["metrics"]["val_accuracy"])
print(",".join(str(t["run"]) for t in done[:3]))')

QT_QPA_PLATFORM=offscreen XDG_CONFIG_HOME="$work/config" TRAINLAB_LAB_DB="$db" \
  TRAINLAB_LAB_COMPARE="$best" TRAINLAB_LAB_SHOTS="$PWD/docs/screenshots" \
  "$build/tests/gui/tst_labsweep" screenshotsOfASweep
echo "wrote docs/screenshots/compare.png, sweep-parallel.png, sweep-history.png," \
  "sweep-scatter.png and sweep-pareto.png (runs $best compared)"
