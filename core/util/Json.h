#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QString>

namespace trainlab {

/// {name: value} for a map of metric values.
QJsonObject toJsonObject(const QMap<QString, double>& values);

/// One-line JSON text, as the store keeps specs, params and payloads.
QString compactJson(const QJsonObject& object);
QString compactJson(const QJsonArray& array);

/// Parses text that the program itself wrote as a JSON object; empty on anything else.
QJsonObject parseJsonObject(const QString& text);

} // namespace trainlab
