#!/usr/bin/env python3
"""A sweep's best-so-far against what it had spent, from a workspace, through trainlab-cli.

At each trial's end: minutes since the sweep's first trial started, device-hours and energy
spent by then (a trial still running counts the share of its time it had run), the best
objective so far and that trial's test accuracy. Pruned trials never reach the test set, so the
test accuracy is the best completed trial's.

Usage: sweep_progress.py CLI DB SWEEP [--metric val_accuracy] [--markdown]
Not a test: the README's showcase table comes from it.
"""
import argparse
import datetime
import json
import subprocess


def cli_json(cli, db, *args):
    out = subprocess.run([cli, *args, "--db", db, "--json"], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def when(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cli")
    parser.add_argument("db")
    parser.add_argument("sweep", type=int)
    parser.add_argument("--metric", default="val_accuracy")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()

    sweep = cli_json(args.cli, args.db, "show-sweep", str(args.sweep))
    trials = []
    for trial in sweep["trials"]:
        run = cli_json(args.cli, args.db, "show", str(trial["run"]))
        if not run.get("started") or not run.get("ended"):
            continue
        metrics = trial.get("metrics") or {}
        trials.append({
            "trial": trial["trial"], "status": trial["status"],
            "start": when(run["started"]), "end": when(run["ended"]),
            "energy_j": run.get("energy_j") or 0.0,
            "objective": metrics.get(args.metric), "test": metrics.get("test_accuracy"),
        })
    if not trials:
        raise SystemExit(f"sweep {args.sweep}: no trial has ended")
    origin = min(t["start"] for t in trials)
    rows = []
    best = None
    for done in sorted(trials, key=lambda t: t["end"]):
        now = done["end"]
        seconds = 0.0
        energy = 0.0
        for t in trials:
            ran = max(0.0, min(now, t["end"]) - t["start"])
            whole = max(1e-9, t["end"] - t["start"])
            seconds += ran
            energy += t["energy_j"] * min(1.0, ran / whole)
        if done["objective"] is not None and (best is None or done["objective"] > best["objective"]):
            best = done
        rows.append((done["trial"], done["status"], (now - origin) / 60, seconds / 3600,
                     energy / 1000, best["objective"] if best else None,
                     best["test"] if best else None))
    if args.markdown:
        print(f"| trial ended | status | wall min | device-hours | energy kJ | best {args.metric} "
              "| its test accuracy |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
    for trial, status, minutes, hours, kj, objective, test in rows:
        cells = [str(trial), status, f"{minutes:.1f}", f"{hours:.3f}", f"{kj:.1f}",
                 "-" if objective is None else f"{objective:.4f}",
                 "-" if test is None else f"{test:.4f}"]
        print("| " + " | ".join(cells) + " |" if args.markdown else "  ".join(cells))


if __name__ == "__main__":
    main()
