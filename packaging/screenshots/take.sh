#!/bin/bash
# Takes the README's screenshots from a real window under Xvfb.
# Usage: packaging/screenshots/take.sh [BUILD_DIR]   (default build/release)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/release}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="$work/screens.db"
cli="$build/app/trainlab-cli"

# A few finished runs to fill the table, then a longer one to watch live.
"$cli" run experiments/quickstart.json --db "$db" >/dev/null 2>&1
"$cli" run experiments/quickstart.json --db "$db" --set training.optimizer.lr=0.002 \
  --set name=quickstart-low-lr >/dev/null 2>&1
"$cli" run experiments/quickstart.json --db "$db" --set training.optimizer.type=sgd \
  --set training.optimizer.lr=0.05 --set name=quickstart-sgd >/dev/null 2>&1
sed -e 's/"epochs": 40/"epochs": 60/' -e 's/"samples": 3000/"samples": 40000/' \
  -e 's/"quickstart-spirals"/"spirals-40k"/' -e 's/"lr": 0.01/"lr": 0.003/' \
  experiments/quickstart.json > "$work/long.json"

export QT_QPA_PLATFORM=xcb
export XDG_CONFIG_HOME="$work/config" # the user's saved window layout and draft stay out of it
xvfb-run -a -s "-screen 0 1280x820x24" bash -c "
  '$build/app/trainlab' --db '$db' --run '$work/long.json' &
  app=\$!
  sleep 7
  set -e; import -window root packaging/screenshots/main-window-live.png
  kill \$app
"
# The System view of a run that trains: CPU and memory from system_samples.
xvfb-run -a -s "-screen 0 1280x820x24" bash -c "
  '$build/app/trainlab' --db '$work/system.db' --run '$work/long.json' --page system &
  app=\$!
  sleep 12
  set -e; import -window root packaging/screenshots/system-view.png
  kill \$app
"
xvfb-run -a -s "-screen 0 1280x820x24" bash -c "
  '$build/app/trainlab' --db '$db' --dataset experiments/fashion_augmented.json &
  app=\$!
  sleep 8
  set -e; import -window root packaging/screenshots/dataset-page.png
  kill \$app
"
# A quick variant of fashion_sweep.json, a few trials in: the jobs panel lists them.
python3 - "$work/sweep.json" <<'PY'
import json, sys
spec = json.load(open("experiments/fashion_sweep.json"))
spec["dataset"]["max_train_samples"] = 3000
spec["training"]["epochs"] = 4
spec["sweep"].update({"trials": 12, "n_init": 4})
json.dump(spec, open(sys.argv[1], "w"))
PY
xvfb-run -a -s "-screen 0 1280x820x24" bash -c "
  '$build/app/trainlab' --db '$work/sweep.db' --run '$work/sweep.json' &
  app=\$!
  sleep ${SWEEP_SHOT_AFTER_S:-40}
  set -e; import -window root packaging/screenshots/sweep-window.png
  kill \$app
"
# The editing pages on a spec: the model designer, the training form, the sweep table.
for shot in "model fashion_cnn" "training fashion_cnn" "sweep fashion_sweep"; do
  set -- $shot
  xvfb-run -a -s "-screen 0 1280x820x24" bash -c "
    XDG_CONFIG_HOME='$work/config' '$build/app/trainlab' --db '$work/pages.db' \
      --spec experiments/$2.json --page $1 &
    app=\$!
    sleep 5
    set -e; import -window root packaging/screenshots/$1-page.png
    kill \$app
  "
done
echo "wrote packaging/screenshots/main-window-live.png, system-view.png, dataset-page.png, sweep-window.png," \
  "model-page.png, training-page.png and sweep-page.png"
