#pragma once

#include "spec/ExperimentSpec.h"

#include <QString>
#include <memory>
#include <utility>

namespace trainlab {

class StoreWriter;
struct TeacherModel;

/// What a run starts from or learns from that another run of the workspace holds.

/// A checkpoint of `run` (`which`: best, its best.pt; last, its newest last-*.pt) and how to
/// name it ("run 12 (best)"). InputError naming `field` (the spec field that named the run)
/// when there is no such run or checkpoint.
std::pair<QString, QString> checkpointOfRun(StoreWriter& store, qint64 run, const QString& which,
                                            const QString& field);

/// training.distill.teacher as that run's network, checkpoint and input statistics. InputError
/// naming the field when the run is missing, has no such checkpoint, or ran an external command.
std::shared_ptr<const TeacherModel> teacherOf(StoreWriter& store, const DistillSpec& distill);

} // namespace trainlab
