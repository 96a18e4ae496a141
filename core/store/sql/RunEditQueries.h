#pragma once

#include "store/sql/Private.h"

#include "store/RunRecords.h"

#include <QList>
#include <QStringList>

namespace trainlab {

class Database;

/// SQL of what a person edits on stored runs: tags, notes, and deleting runs for good.
namespace runedits {

/// `tag` trimmed; throws InputError naming it when it is empty, too long, or holds a comma or
/// a line break (the table lists tags comma-separated).
QString checkedTag(const QString& tag);

/// Adds each of `tags` to each run (a tag a run has already stays once). Throws InputError
/// naming the first run that does not exist or the first bad tag; nothing is changed then.
void addTags(Database& db, const QList<qint64>& runs, const QStringList& tags);
/// Removes each of `tags` from each run (a tag a run does not have is no error).
void removeTags(Database& db, const QList<qint64>& runs, const QStringList& tags);
/// Sets each run's note; an empty (or blank) note removes it.
void setNote(Database& db, const QList<qint64>& runs, const QString& note);

/// Deletes runs for good: their metric rows, summaries, system samples, artifacts, checkpoint
/// rows, tags and note, then their checkpoint files. All or nothing: a run that does not exist,
/// that trains now (in this process or another live one) or that is a trial of a sweep that
/// is going on is refused with InputError naming it, and nothing is deleted.
///
/// A sweep keeps its other trials; its best, Pareto front and totals are read from the trials
/// that remain, and its stored parameter importance is cleared (it was fitted on the deleted
/// trials too). A sweep whose last trial goes is deleted with it.
///
/// Files go after the rows are committed, so a failure leaves files nobody refers to rather
/// than rows whose checkpoints are gone; what could not be removed is listed in `leftovers`.
/// The run's own checkpoint folder (`<workspace>.trainlab/checkpoints/run-N`) goes whole; a
/// checkpoint file recorded elsewhere (runs from before workspaces had their own folder) goes
/// only when no remaining run refers to it.
RunDeletion deleteRuns(Database& db, const QList<qint64>& runs);

} // namespace runedits

} // namespace trainlab
