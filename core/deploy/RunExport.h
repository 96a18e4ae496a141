#pragma once

#include <QJsonObject>
#include <QString>

namespace trainlab {

/// Writes run `runId`'s trained model to folder `dir` (created when missing) for use outside
/// TrainLab:
///   spec.json           the complete spec the run trained with
///   model.json          its layers in order, each with its fields and input / output shapes,
///                       the state dict's names and how outputs read as probabilities
///   weights.pt          the state dict (parameters and buffers by PyTorch's names) as
///                       torch.save writes it: torch.load(path) gives a dict for
///                       model.load_state_dict (tests/python/trainlab_export.py builds the
///                       network from model.json)
///   preprocessing.json  class names, input shape, normalization statistics, table features
/// Returns {"run", "dir", "files"}. Throws InputError for a run without a model or a `dir`
/// that is not a folder, EnvironmentError when a file cannot be written.
QJsonObject exportRun(const QString& databasePath, qint64 runId, const QString& dir);

} // namespace trainlab
