#pragma once

#include <QJsonObject>
#include <QStringList>

namespace trainlab {

/// Runs run `runId`'s trained model on image files or CSV files of rows, each read and
/// normalized as the run's training data was. Returns
///   {"run", "task", "classes", "output_activation",
///    "predictions": [{"input", "class", "index", "probabilities": [...], "logits": [...]}]}
/// (a regression's predictions hold "value" instead of a class). Throws InputError naming the
/// input at fault (see readPredictionInputs) or why the run has no model.
QJsonObject predictRun(const QString& databasePath, qint64 runId, const QStringList& inputs);

} // namespace trainlab
