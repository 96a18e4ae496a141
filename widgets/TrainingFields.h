#pragma once

#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <QVector>

namespace trainlab {

enum class TrainingFieldKind { Invalid, Integer, Number, Boolean, Choice, Text, IntegerList };

/// One field of the spec's `training` block as the Training page edits it and the Sweep page
/// offers it: its path, core's default (from a default TrainingSpec) and core's limits (those
/// readTraining in core/spec/SpecJson.cpp checks; core stays the judge, these keep a spin box
/// from offering what it would refuse).
struct TrainingField {
    QString path; ///< "training.optimizer.lr"
    QString label;
    QString group; ///< the page's box it sits in
    TrainingFieldKind kind = TrainingFieldKind::Invalid;
    QJsonValue defaultValue;
    double min = 0;
    double max = 0;
    bool minExclusive = false;
    bool maxExclusive = false;
    bool logScale = false; ///< spans decades: arrows multiply, sweeps default to log_uniform
    QString zeroMeans;     ///< what 0 means where it switches something off ("no limit")
    QStringList choices;   ///< Choice: the JSON values; "" means "leave the field out"
    QString controlledBy;  ///< the choice field that decides whether this one applies ...
    QStringList appliesTo; ///< ... and the values for which it does (empty: always applies)
    QString help;

    bool numeric() const {
        return kind == TrainingFieldKind::Integer || kind == TrainingFieldKind::Number;
    }
    /// Whether the field matters when `controller` (controlledBy's value) has that value.
    bool appliesWhen(const QString& controller) const {
        return appliesTo.isEmpty() || appliesTo.contains(controller);
    }
};

/// Every training field, in the order the page shows them.
const QVector<TrainingField>& trainingFields();
/// The field at `path`, or nullptr.
const TrainingField* findTrainingField(const QString& path);

/// Per-epoch metric names a run can watch (early stopping, plateau schedule, sweep objectives):
/// validation metrics for classification then regression. Core checks the name when the run
/// starts, against what the task evaluates.
QStringList perEpochMetricSuggestions();

} // namespace trainlab
