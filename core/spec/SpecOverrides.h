#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace trainlab {

/// A parsed address of a spec field: `training.optimizer.lr`, `model.layers[0].out`.
/// Each element is an object key or, for a `[n]` suffix, an array index.
struct SpecPathElement {
    QString key;
    int index = -1; ///< >= 0: an array index, key is empty
};

/// Splits a path; throws InputError on malformed text such as `a..b` or `x[abc]`.
QList<SpecPathElement> parseSpecPath(const QString& path);

/// Sets the field at `path` in `root`, creating missing objects. Arrays must already hold the
/// index. Throws InputError naming the path when it cannot be applied.
void setSpecValue(QJsonObject& root, const QString& path, const QJsonValue& value);

/// The value at `path`, or undefined when absent.
QJsonValue specValue(const QJsonObject& root, const QString& path);

/// Parses the value half of `--set path=value`: JSON when it parses as JSON (numbers, true,
/// false, null, arrays, objects, "quoted"), otherwise the text as a string.
QJsonValue parseOverrideValue(const QString& text);

/// Applies `path=value` assignments in order. Throws InputError naming the bad assignment.
void applyOverrides(QJsonObject& root, const QStringList& assignments);

} // namespace trainlab
