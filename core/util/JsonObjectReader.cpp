#include "util/JsonObjectReader.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <cmath>
#include <vector>

namespace trainlab {

namespace {

QString formatNumber(double value) {
    return QString::number(value, 'g', 10);
}

QString rangeText(const JsonObjectReader::Range& range) {
    const bool hasMin = std::isfinite(range.min);
    const bool hasMax = std::isfinite(range.max);
    const QString lower = (range.minExclusive ? QStringLiteral("> ") : QStringLiteral(">= ")) +
                          formatNumber(range.min);
    const QString upper = (range.maxExclusive ? QStringLiteral("< ") : QStringLiteral("<= ")) +
                          formatNumber(range.max);
    if (hasMin && hasMax)
        return lower + QStringLiteral(" and ") + upper;
    return hasMin ? lower : upper;
}

bool inRange(double value, const JsonObjectReader::Range& range) {
    if (range.minExclusive ? !(value > range.min) : !(value >= range.min))
        return false;
    if (range.maxExclusive ? !(value < range.max) : !(value <= range.max))
        return false;
    return true;
}

} // namespace

QString describeJson(const QJsonValue& value) {
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return formatNumber(value.toDouble());
    case QJsonValue::String:
        return QLatin1Char('"') + value.toString() + QLatin1Char('"');
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

JsonObjectReader::JsonObjectReader(const QJsonObject& object, QString path, QStringList& errors)
    : object_(object)
    , path_(std::move(path))
    , errors_(errors) {}

QString JsonObjectReader::pathOf(const QString& key) const {
    return path_.isEmpty() ? key : path_ + QLatin1Char('.') + key;
}

void JsonObjectReader::error(const QString& key, const QString& message) {
    errors_ << (key.isEmpty() ? path_ : pathOf(key)) + QStringLiteral(": ") + message;
}

std::optional<double> JsonObjectReader::numberValue(const QString& key, bool wantInteger,
                                                    Range range) {
    known_.insert(key);
    if (!object_.contains(key))
        return std::nullopt;
    const QJsonValue value = object_.value(key);
    if (!value.isDouble()) {
        error(key, QStringLiteral("must be a number, got ") + describeJson(value));
        return std::nullopt;
    }
    const double number = value.toDouble();
    if (wantInteger && number != std::floor(number)) {
        error(key, QStringLiteral("must be an integer, got ") + describeJson(value));
        return std::nullopt;
    }
    if (!inRange(number, range)) {
        error(key, QStringLiteral("must be ") + rangeText(range) + QStringLiteral(", got ") +
                       describeJson(value));
        return std::nullopt;
    }
    return number;
}

void JsonObjectReader::integer(const QString& key, int& out, Range range) {
    if (auto value = numberValue(key, true, range)) {
        if (std::abs(*value) > double(std::numeric_limits<int>::max()))
            error(key, QStringLiteral("is too large, got ") + formatNumber(*value));
        else
            out = int(*value);
    }
}

void JsonObjectReader::integer64(const QString& key, qint64& out, Range range) {
    if (auto value = numberValue(key, true, range)) {
        // Beyond 2^53 a JSON number is no longer an exact integer.
        if (std::abs(*value) > 9007199254740992.0)
            error(key, QStringLiteral("is too large to be exact, got ") + formatNumber(*value));
        else
            out = qint64(*value);
    }
}

void JsonObjectReader::number(const QString& key, double& out, Range range) {
    if (auto value = numberValue(key, false, range))
        out = *value;
}

void JsonObjectReader::boolean(const QString& key, bool& out) {
    known_.insert(key);
    if (!object_.contains(key))
        return;
    const QJsonValue value = object_.value(key);
    if (!value.isBool()) {
        error(key, QStringLiteral("must be true or false, got ") + describeJson(value));
        return;
    }
    out = value.toBool();
}

void JsonObjectReader::string(const QString& key, QString& out, const QStringList& allowed) {
    known_.insert(key);
    if (!object_.contains(key))
        return;
    const QJsonValue value = object_.value(key);
    if (!value.isString()) {
        error(key, QStringLiteral("must be a string, got ") + describeJson(value));
        return;
    }
    const QString text = value.toString();
    if (!allowed.isEmpty() && !allowed.contains(text)) {
        error(key, QStringLiteral("must be one of ") + allowed.join(QStringLiteral(", ")) +
                       QStringLiteral("; got ") + describeJson(value));
        return;
    }
    out = text;
}

QJsonValue JsonObjectReader::raw(const QString& key) {
    known_.insert(key);
    return object_.value(key);
}

JsonObjectReader JsonObjectReader::child(const QString& key) {
    known_.insert(key);
    const QJsonValue value = object_.value(key);
    if (!value.isUndefined() && !value.isObject()) {
        error(key, QStringLiteral("must be an object, got ") + describeJson(value));
        return JsonObjectReader(QJsonObject(), pathOf(key), errors_);
    }
    return JsonObjectReader(value.toObject(), pathOf(key), errors_);
}

void JsonObjectReader::finish() {
    for (auto it = object_.begin(); it != object_.end(); ++it) {
        if (!known_.contains(it.key()))
            error(it.key(), QStringLiteral("unknown key"));
    }
}

namespace {

// One open object or array while scanning JSON text for duplicate keys.
struct JsonFrame {
    bool object = false;
    QString path;
    QHash<QString, int> keyLines; ///< object: each key's line
    QString key;                  ///< object: the key whose value comes next
    int index = 0;                ///< array: the element whose value comes next
    bool expectKey = true;        ///< object: a string now is a key, not a value
};

// Reads the JSON string starting at text[i] == '"', decoding escapes as QJsonDocument does (so
// "a" and "\u0061" are the same key); leaves i on the closing quote.
QString readJsonString(const QByteArray& text, qsizetype& i) {
    QString out;
    qsizetype runStart = ++i;
    auto flush = [&] { out += QString::fromUtf8(text.constData() + runStart, i - runStart); };
    while (i < text.size() && text[i] != '"') {
        if (text[i] != '\\') {
            ++i;
            continue;
        }
        flush();
        const char c = i + 1 < text.size() ? text[i + 1] : '\0';
        i += 2;
        switch (c) {
        case 'b':
            out += QLatin1Char('\b');
            break;
        case 'f':
            out += QLatin1Char('\f');
            break;
        case 'n':
            out += QLatin1Char('\n');
            break;
        case 'r':
            out += QLatin1Char('\r');
            break;
        case 't':
            out += QLatin1Char('\t');
            break;
        case 'u': {
            bool ok = false;
            const ushort unit = QByteArray(text.constData() + i, 4).toUShort(&ok, 16);
            out += QChar(ok ? unit : ushort(0xfffd)); // surrogates pair up in the QString
            i += 4;
            break;
        }
        default: // '"', '\\', '/'
            out += QLatin1Char(c);
            break;
        }
        runStart = i;
    }
    flush();
    return out;
}

QString childPath(const JsonFrame& parent) {
    if (!parent.object)
        return parent.path + QStringLiteral("[%1]").arg(parent.index);
    return parent.path.isEmpty() ? parent.key : parent.path + QLatin1Char('.') + parent.key;
}

} // namespace

QStringList duplicateJsonKeys(const QByteArray& json) {
    QStringList problems;
    std::vector<JsonFrame> stack;
    int line = 1;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json[i];
        switch (c) {
        case '\n':
            ++line;
            break;
        case '{':
        case '[': {
            JsonFrame frame;
            frame.object = c == '{';
            frame.path = stack.empty() ? QString() : childPath(stack.back());
            stack.push_back(std::move(frame));
            break;
        }
        case '}':
        case ']':
            if (!stack.empty())
                stack.pop_back();
            break;
        case ',':
            if (!stack.empty()) {
                ++stack.back().index;
                stack.back().expectKey = true;
            }
            break;
        case '"': {
            const int startLine = line;
            const QString text = readJsonString(json, i);
            if (stack.empty() || !stack.back().object || !stack.back().expectKey)
                break; // a string value
            JsonFrame& frame = stack.back();
            frame.expectKey = false;
            frame.key = text;
            const auto seen = frame.keyLines.constFind(text);
            if (seen == frame.keyLines.cend()) {
                frame.keyLines.insert(text, startLine);
                break;
            }
            problems << QStringLiteral("%1: duplicate key (lines %2 and %3); JSON keeps only one "
                                       "of the two values")
                            .arg(childPath(frame))
                            .arg(*seen)
                            .arg(startLine);
            break;
        }
        default:
            break;
        }
    }
    return problems;
}

} // namespace trainlab
