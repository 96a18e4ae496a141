#pragma once

#include "store/RunTable.h"

#include <QString>
#include <QVariant>

namespace trainlab {

/// A column the user adds to the runs table: a hyperparameter, or a metric's final or best
/// value. Kept (in QSettings too) as a key: "param:ADDRESS", "final:METRIC", "best:METRIC".
struct RunColumn {
    enum class Kind { Invalid, Param, Final, Best };
    Kind kind = Kind::Invalid;
    QString name;

    static RunColumn parse(const QString& key);
    static QString key(Kind kind, const QString& name);
    QString key() const { return key(kind, name); }
    /// The header: a hyperparameter's last two address parts ("optimizer.lr"), else the metric.
    QString title() const;
    /// The header's tool tip: what the column holds, in full.
    QString description() const;
    RunSortKey sortKey(bool descending) const;
};

/// A value as the table shows it: numbers to 5 significant digits, other values as text.
QVariant formatRunValue(const QVariant& value);

} // namespace trainlab
