#!/usr/bin/env python3
"""Makes a large TrainLab workspace for the scale benchmarks (issue 12): by default 10,000 runs
and 10 million metric rows, copied from real runs that trainlab-cli trains first (a quickstart
run and a small sweep), so every row has the shape the program writes.

Usage: make_big_workspace.py CLI OUT.db [--runs 10000] [--rows-per-run 1000] [--sweeps 100]
                             [--trials 50]

Half the runs (sweeps x trials) are trials of copied sweeps; the rest are single runs. Every
copy's curves come from the quickstart run (its first --rows-per-run rows). Statuses,
names, parameters and metric values vary from copy to copy so that sorting and filtering have
work to do. The run summaries are worked out again at the end, as migration 7 does.
"""
import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time

SWEEP_SPEC = {
    "trainlab": 1, "name": "big-sweep",
    "dataset": {"source": "synthetic", "synthetic": {"kind": "blobs", "samples": 400,
                "classes": 3, "features": 4, "noise": 1.5}, "validation_split": 0.2},
    "model": {"layers": [{"type": "linear", "out": 8}, {"type": "relu"}, {"type": "linear"}]},
    "training": {"epochs": 1, "batch_size": 32, "threads": 1},
    "devices": "cpu",
    "sweep": {"strategy": "random", "trials": 2, "parallel": 1, "seed": 1,
              "objective": [{"metric": "val_accuracy", "goal": "maximize"}],
              "space": {"training.optimizer.lr": {"log_uniform": [1e-3, 1e-1]}}},
}


def columns(db, table):
    return [row[1] for row in db.execute(f"PRAGMA table_info({table})")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cli")
    parser.add_argument("out")
    parser.add_argument("--runs", type=int, default=10000)
    parser.add_argument("--rows-per-run", type=int, default=1000)
    parser.add_argument("--sweeps", type=int, default=100)
    parser.add_argument("--trials", type=int, default=50)
    args = parser.parse_args()
    if os.path.exists(args.out):
        sys.exit(f"{args.out}: exists; give a new path")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    started = time.time()
    with tempfile.TemporaryDirectory() as work:
        sweep_spec = os.path.join(work, "sweep.json")
        with open(sweep_spec, "w") as f:
            json.dump(SWEEP_SPEC, f)
        quickstart = os.path.join(root, "experiments", "quickstart.json")
        for command in (["run", quickstart], ["sweep", sweep_spec]):
            subprocess.run([args.cli, *command, "--db", args.out], check=True,
                           stdout=subprocess.DEVNULL)

    db = sqlite3.connect(args.out)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = OFF")
    run_cols = [c for c in columns(db, "runs") if c != "id"]
    sweep_cols = [c for c in columns(db, "sweeps") if c != "id"]
    single = db.execute("SELECT id FROM runs WHERE sweep IS NULL OR sweep = 0").fetchone()[0]
    trial = db.execute("SELECT id, sweep FROM runs WHERE sweep > 0 ORDER BY id").fetchone()
    source_rows = db.execute("SELECT count(*) FROM metrics WHERE run = ?", (single,)).fetchone()[0]
    per_run = min(args.rows_per_run, source_rows)

    rng = random.Random(12)
    statuses = ["completed"] * 8 + ["failed", "cancelled", "pruned"]
    run_list = ", ".join(run_cols)

    def copy_run(source, sweep_id, trial_no, name):
        selected = []
        for col in run_cols:
            if col == "sweep":
                selected.append("?")
            elif col == "trial":
                selected.append("?")
            elif col == "name":
                selected.append("?")
            elif col == "status":
                selected.append("?")
            elif col == "params":
                selected.append("?")
            elif col == "owner":
                selected.append("NULL")
            else:
                selected.append(col)
        lr = 10 ** rng.uniform(-4, -1)
        params = json.dumps({"training.optimizer.lr": lr, "model.layers[0].out":
                             rng.choice([16, 32, 64, 128])})
        values = []
        for col in run_cols:
            if col == "sweep":
                values.append(sweep_id or None)
            elif col == "trial":
                values.append(trial_no or None)
            elif col == "name":
                values.append(name)
            elif col == "status":
                values.append(rng.choice(statuses))
            elif col == "params":
                values.append(params)
        cur = db.execute(f"INSERT INTO runs({run_list}) SELECT {', '.join(selected)} FROM runs "
                         f"WHERE id = ?", (*values, source))
        new_id = cur.lastrowid
        scale = rng.uniform(0.8, 1.2)
        db.execute("INSERT INTO metrics(run, step, epoch, name, value, wall_time) "
                   "SELECT ?, step, epoch, name, value * ?, wall_time FROM metrics WHERE run = ? "
                   "ORDER BY rowid LIMIT ?", (new_id, scale, single, per_run))

    made = 0
    for s in range(args.sweeps):
        cur = db.execute(f"INSERT INTO sweeps({', '.join(sweep_cols)}) SELECT "
                         f"{', '.join(sweep_cols)} FROM sweeps WHERE id = ?", (trial[1],))
        sweep_id = cur.lastrowid
        db.execute("UPDATE sweeps SET status = 'completed' WHERE id = ?", (sweep_id,))
        for t in range(1, args.trials + 1):
            copy_run(trial[0], sweep_id, t, f"big-sweep-{s}-trial-{t}")
            made += 1
    while made < args.runs:
        copy_run(single, 0, 0, f"run-{made}")
        made += 1
        if made % 1000 == 0:
            db.commit()
            print(f"{made} runs ({time.time() - started:.0f} s)", flush=True)
    db.commit()
    db.execute("DELETE FROM run_summaries")
    db.execute("INSERT INTO run_summaries(run, name, last_step, min_value, max_value) "
               "SELECT run, name, max(step), min(value), max(value) FROM metrics "
               "GROUP BY run, name")
    db.execute("UPDATE run_summaries SET last_value = (SELECT value FROM metrics m WHERE "
               "m.run = run_summaries.run AND m.name = run_summaries.name AND m.step = "
               "run_summaries.last_step ORDER BY m.rowid DESC LIMIT 1)")
    db.commit()
    runs, rows = db.execute("SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM metrics)"
                            ).fetchone()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    size = os.path.getsize(args.out) / 1e9
    print(f"{args.out}: {runs} runs, {rows} metric rows, {size:.2f} GB "
          f"({time.time() - started:.0f} s)")


if __name__ == "__main__":
    main()
