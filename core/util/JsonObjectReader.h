#pragma once

#include <QJsonObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <limits>
#include <optional>

namespace trainlab {

/// Reads fields of one JSON object into typed values, collecting every problem with its JSON
/// path instead of stopping at the first one. Keys that were never asked for are reported as
/// unknown by finish(), so a misspelt key is an error rather than a silently ignored setting.
/// The allowed interval of a number (infinite bounds: no limit on that side).
struct NumberRange {
    double min = -std::numeric_limits<double>::infinity();
    double max = std::numeric_limits<double>::infinity();
    bool minExclusive = false;
    bool maxExclusive = false;
};

class JsonObjectReader {
public:
    using Range = NumberRange;

    JsonObjectReader(const QJsonObject& object, QString path, QStringList& errors);

    const QString& path() const { return path_; }
    QString pathOf(const QString& key) const;
    bool has(const QString& key) const { return object_.contains(key); }
    const QJsonObject& object() const { return object_; }
    /// The shared error list, for nested readers that build their own paths.
    QStringList& errors() { return errors_; }

    void integer(const QString& key, int& out, Range range = {});
    void integer64(const QString& key, qint64& out, Range range = {});
    void number(const QString& key, double& out, Range range = {});
    void boolean(const QString& key, bool& out);
    void string(const QString& key, QString& out, const QStringList& allowed = {});
    /// Marks a key as known and returns its raw value (undefined when absent).
    QJsonValue raw(const QString& key);
    /// Reads a nested object; an absent key gives an empty object, a wrong type an error.
    JsonObjectReader child(const QString& key);

    void error(const QString& key, const QString& message);
    /// Reports keys that no read asked for. Call once all known keys were read.
    void finish();

private:
    std::optional<double> numberValue(const QString& key, bool wantInteger, Range range);

    QJsonObject object_;
    QString path_;
    QStringList& errors_;
    QSet<QString> known_;
};

/// Formats a JSON value for an error message ("-1", "\"abc\"", "[...]").
QString describeJson(const QJsonValue& value);

/// Every key that appears twice in one object of `json` (text that QJsonDocument already
/// parsed), as "path: duplicate key (lines 3 and 9)" with the path in --set syntax
/// ("model.layers[0].out"). QJsonDocument silently keeps one of the two values, so a spec
/// with a duplicate would run with a setting its author may not have meant.
QStringList duplicateJsonKeys(const QByteArray& json);

} // namespace trainlab
