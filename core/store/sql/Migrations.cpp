#include "store/sql/Migrations.h"

namespace trainlab {

const std::vector<Migration>& schemaMigrations() {
    static const std::vector<Migration> migrations = {
        {1, R"sql(
CREATE TABLE experiments(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    spec TEXT NOT NULL,
    created TEXT NOT NULL);
CREATE TABLE runs(
    id INTEGER PRIMARY KEY,
    experiment INTEGER REFERENCES experiments(id),
    sweep INTEGER,
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK(status IN ('queued','running','completed','failed','cancelled',
                                          'pruned','interrupted')),
    params TEXT NOT NULL DEFAULT '{}',
    spec TEXT NOT NULL,
    devices TEXT NOT NULL DEFAULT '',
    owner TEXT,
    created TEXT NOT NULL,
    started TEXT,
    ended TEXT,
    error TEXT);
CREATE INDEX runs_status ON runs(status);
CREATE TABLE metrics(
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    epoch REAL NOT NULL,
    name TEXT NOT NULL,
    value REAL NOT NULL,
    wall_time REAL NOT NULL);
CREATE INDEX metrics_run_name_step ON metrics(run, name, step);
)sql"},
        {2, R"sql(
ALTER TABLE runs ADD COLUMN energy_j REAL;
ALTER TABLE runs ADD COLUMN device_hours REAL;
ALTER TABLE runs ADD COLUMN cost REAL;
CREATE TABLE sweeps(
    id INTEGER PRIMARY KEY,
    experiment INTEGER REFERENCES experiments(id),
    strategy TEXT NOT NULL,
    space TEXT NOT NULL,
    objectives TEXT NOT NULL,
    status TEXT NOT NULL,
    created TEXT NOT NULL);
CREATE TABLE system_samples(
    run INTEGER REFERENCES runs(id) ON DELETE CASCADE,
    device TEXT NOT NULL,
    time REAL NOT NULL,
    gpu_mem_used REAL,
    gpu_mem_total REAL,
    util REAL,
    power_w REAL,
    temperature_c REAL,
    cpu_percent REAL,
    rss_bytes REAL);
CREATE INDEX system_samples_run_time ON system_samples(run, time);
CREATE TABLE checkpoints(
    id INTEGER PRIMARY KEY,
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    epoch REAL NOT NULL,
    path TEXT NOT NULL,
    metric TEXT,
    value REAL,
    is_best INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL);
CREATE TABLE artifacts(
    id INTEGER PRIMARY KEY,
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    created TEXT NOT NULL);
CREATE INDEX artifacts_run_kind ON artifacts(run, kind);
)sql"},
        {3, R"sql(
ALTER TABLE sweeps ADD COLUMN name TEXT;
ALTER TABLE sweeps ADD COLUMN spec TEXT;
ALTER TABLE sweeps ADD COLUMN owner TEXT;
ALTER TABLE sweeps ADD COLUMN ended TEXT;
ALTER TABLE sweeps ADD COLUMN error TEXT;
ALTER TABLE sweeps ADD COLUMN importance TEXT;
ALTER TABLE runs ADD COLUMN trial INTEGER;
ALTER TABLE runs ADD COLUMN saved_device_hours REAL;
CREATE INDEX runs_sweep ON runs(sweep, trial);
)sql"},
        // The workspace's identity (checkpoints carry it, so one workspace never loads
        // another's) and where each run keeps its checkpoints.
        {4, R"sql(
CREATE TABLE workspace(id TEXT NOT NULL);
INSERT INTO workspace(id) VALUES(lower(hex(randomblob(16))));
ALTER TABLE runs ADD COLUMN checkpoint_dir TEXT;
)sql"},
        // `paused` becomes a state a run can be stored in. SQLite cannot change a CHECK
        // constraint in place: the table is rebuilt (foreign keys are off while migrating, so
        // the rows that reference runs stay).
        {5, R"sql(
CREATE TABLE runs_new(
    id INTEGER PRIMARY KEY,
    experiment INTEGER REFERENCES experiments(id),
    sweep INTEGER,
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK(status IN ('queued','running','paused','completed','failed',
                                          'cancelled','pruned','interrupted')),
    params TEXT NOT NULL DEFAULT '{}',
    spec TEXT NOT NULL,
    devices TEXT NOT NULL DEFAULT '',
    owner TEXT,
    created TEXT NOT NULL,
    started TEXT,
    ended TEXT,
    error TEXT,
    energy_j REAL,
    device_hours REAL,
    cost REAL,
    trial INTEGER,
    saved_device_hours REAL,
    checkpoint_dir TEXT);
INSERT INTO runs_new(id, experiment, sweep, name, status, params, spec, devices, owner, created,
                     started, ended, error, energy_j, device_hours, cost, trial,
                     saved_device_hours, checkpoint_dir)
    SELECT id, experiment, sweep, name, status, params, spec, devices, owner, created, started,
           ended, error, energy_j, device_hours, cost, trial, saved_device_hours, checkpoint_dir
    FROM runs;
DROP TABLE runs;
ALTER TABLE runs_new RENAME TO runs;
CREATE INDEX runs_status ON runs(status);
CREATE INDEX runs_sweep ON runs(sweep, trial);
)sql"},
        // Where a run's energy figure came from: measured (rapl) or an estimate, and how.
        {6, R"sql(
ALTER TABLE runs ADD COLUMN energy_source TEXT;
)sql"},
        // Each run's last, lowest and highest value per metric, kept by the writer as it logs:
        // lists, sorts and sweeps read it instead of aggregating millions of metric rows.
        {7, R"sql(
CREATE TABLE run_summaries(
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    last_step INTEGER NOT NULL,
    last_value REAL,
    min_value REAL,
    max_value REAL,
    PRIMARY KEY(run, name)) WITHOUT ROWID;
INSERT INTO run_summaries(run, name, last_step, min_value, max_value)
    SELECT run, name, max(step), min(value), max(value) FROM metrics GROUP BY run, name;
UPDATE run_summaries SET last_value = (
    SELECT value FROM metrics m WHERE m.run = run_summaries.run AND m.name = run_summaries.name
        AND m.step = run_summaries.last_step ORDER BY m.rowid DESC LIMIT 1);
)sql"},
        // Telemetry and cost (issue 13): the environment a run ran in (JSON), the prices and
        // power figures a workspace keeps for its cost accounting, and the GPU columns of a
        // sample that NVML's energy counter and the CUDA allocator fill (NULL where absent).
        {8, R"sql(
ALTER TABLE runs ADD COLUMN environment TEXT;
CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
ALTER TABLE system_samples ADD COLUMN gpu_energy_j REAL;
ALTER TABLE system_samples ADD COLUMN cuda_allocated REAL;
ALTER TABLE system_samples ADD COLUMN cuda_reserved REAL;
ALTER TABLE system_samples ADD COLUMN cuda_peak_allocated REAL;
)sql"},
        // Tags and a note per run (issue 12), each in its own narrow table: the runs table
        // filters on them without reading every run's spec, and a tag finds its runs by index.
        // run_labels_version changes with every tag or note, so a window notices an edit
        // another process made with one cheap read (see runs::listSignature). Deleting a run
        // deletes the experiment row it made, whose foreign key check reads runs by experiment.
        {9, R"sql(
CREATE INDEX runs_experiment ON runs(experiment);
CREATE TABLE run_tags(
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY(run, tag)) WITHOUT ROWID;
CREATE INDEX run_tags_tag ON run_tags(tag, run);
CREATE TABLE run_notes(
    run INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    note TEXT NOT NULL);
CREATE TABLE run_labels_version(version INTEGER NOT NULL);
INSERT INTO run_labels_version(version) VALUES(0);
CREATE TRIGGER run_tags_inserted AFTER INSERT ON run_tags
    BEGIN UPDATE run_labels_version SET version = version + 1; END;
CREATE TRIGGER run_tags_deleted AFTER DELETE ON run_tags
    BEGIN UPDATE run_labels_version SET version = version + 1; END;
CREATE TRIGGER run_notes_inserted AFTER INSERT ON run_notes
    BEGIN UPDATE run_labels_version SET version = version + 1; END;
CREATE TRIGGER run_notes_updated AFTER UPDATE ON run_notes
    BEGIN UPDATE run_labels_version SET version = version + 1; END;
CREATE TRIGGER run_notes_deleted AFTER DELETE ON run_notes
    BEGIN UPDATE run_labels_version SET version = version + 1; END;
)sql"},
        // Pre-flight results (issue 14): what a learning-rate range test (and later tools)
        // found, kept with the complete spec it was run for, newest last.
        {10, R"sql(
CREATE TABLE preflight_results(
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    spec TEXT NOT NULL,
    result TEXT NOT NULL,
    created TEXT NOT NULL);
CREATE INDEX preflight_results_kind ON preflight_results(kind, id);
)sql"},
    };
    return migrations;
}

} // namespace trainlab
