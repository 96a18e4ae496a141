#!/bin/bash
# Takes the Evaluation view's screenshots (docs/screenshots/evaluation-*.png) from a real
# Fashion-MNIST run: trainlab-cli trains the MLP of experiments/fashion_mlp.json for a few epochs
# on the full training set and evaluates it on the 10,000 test images; then the window, offscreen,
# is photographed by tests/gui/tst_evaluationview (its screenshot case, widget->grab()).
# Usage: packaging/screenshots/take-evaluation.sh [BUILD_DIR] [EPOCHS]   (build/release, 4)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/release}
epochs=${2:-4}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p docs/screenshots
"$build/app/trainlab-cli" run experiments/fashion_mlp.json --db "$work/fashion.db" \
  --set training.epochs="$epochs" >/dev/null
"$build/app/trainlab-cli" report 1 --db "$work/fashion.db"
QT_QPA_PLATFORM=offscreen XDG_CONFIG_HOME="$work/config" \
  TRAINLAB_EVALUATION_DB="$work/fashion.db" TRAINLAB_EVALUATION_SHOTS="$PWD/docs/screenshots" \
  "$build/tests/gui/tst_evaluationview" screenshotsOfAWorkspace
echo "wrote docs/screenshots/evaluation-matrix.png, evaluation-per-class.png," \
  "evaluation-curves.png, evaluation-pr.png and evaluation-misclassified.png"
