#include "spec/SpecOverrides.h"

#include "base/Errors.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace trainlab {

QList<SpecPathElement> parseSpecPath(const QString& path) {
    static const QRegularExpression segmentPattern(
        QStringLiteral("^([A-Za-z_][A-Za-z0-9_]*)((?:\\[[0-9]+\\])*)$"));
    static const QRegularExpression indexPattern(QStringLiteral("\\[([0-9]+)\\]"));
    QList<SpecPathElement> elements;
    if (path.isEmpty())
        throw InputError(QStringLiteral("empty spec path"));
    for (const QString& segment : path.split(QLatin1Char('.'))) {
        const auto match = segmentPattern.match(segment);
        if (!match.hasMatch())
            throw InputError(QStringLiteral("malformed spec path '%1' at '%2' (expected names "
                                            "like training.optimizer.lr or model.layers[0].out)")
                                 .arg(path, segment));
        elements.append({match.captured(1), -1});
        auto indices = indexPattern.globalMatch(match.captured(2));
        while (indices.hasNext()) {
            bool ok = false;
            const int index = indices.next().captured(1).toInt(&ok);
            if (!ok)
                throw InputError(QStringLiteral("index too large in spec path '%1'").arg(path));
            elements.append({QString(), index});
        }
    }
    return elements;
}

namespace {

QString prefixText(const QList<SpecPathElement>& elements, qsizetype count) {
    QString text;
    for (qsizetype i = 0; i < count; ++i) {
        const auto& e = elements[i];
        if (e.index >= 0)
            text += QStringLiteral("[%1]").arg(e.index);
        else
            text += (text.isEmpty() ? QString() : QStringLiteral(".")) + e.key;
    }
    return text;
}

// Returns `container` with the value at elements[at..] replaced; recursion rebuilds the
// copy-on-write JSON containers on the way back up.
QJsonValue assign(const QJsonValue& container, const QList<SpecPathElement>& elements, qsizetype at,
                  const QJsonValue& value) {
    if (at == elements.size())
        return value;
    const SpecPathElement& element = elements[at];
    if (element.index >= 0) {
        if (!container.isArray())
            throw InputError(QStringLiteral("%1 is not a list, cannot index it with [%2]")
                                 .arg(prefixText(elements, at))
                                 .arg(element.index));
        QJsonArray array = container.toArray();
        if (element.index >= array.size())
            throw InputError(QStringLiteral("%1 has %2 entries, no [%3]")
                                 .arg(prefixText(elements, at))
                                 .arg(array.size())
                                 .arg(element.index));
        array[element.index] = assign(array[element.index], elements, at + 1, value);
        return array;
    }
    if (!container.isUndefined() && !container.isNull() && !container.isObject())
        throw InputError(QStringLiteral("%1 is not an object, cannot set %2 in it")
                             .arg(prefixText(elements, at), element.key));
    QJsonObject object = container.toObject();
    object[element.key] = assign(object.value(element.key), elements, at + 1, value);
    return object;
}

} // namespace

void setSpecValue(QJsonObject& root, const QString& path, const QJsonValue& value) {
    const auto elements = parseSpecPath(path);
    if (elements.first().index >= 0)
        throw InputError(QStringLiteral("spec path '%1' must start with a name").arg(path));
    root = assign(root, elements, 0, value).toObject();
}

QJsonValue specValue(const QJsonObject& root, const QString& path) {
    QJsonValue current = root;
    for (const auto& element : parseSpecPath(path)) {
        if (element.index >= 0) {
            const QJsonArray array = current.toArray();
            if (!current.isArray() || element.index >= array.size())
                return QJsonValue(QJsonValue::Undefined);
            current = array[element.index];
        } else {
            if (!current.isObject())
                return QJsonValue(QJsonValue::Undefined);
            current = current.toObject().value(element.key);
        }
    }
    return current;
}

QJsonValue parseOverrideValue(const QString& text) {
    // Wrapping in an array lets QJsonDocument parse scalars as well as objects and arrays.
    QJsonParseError error{};
    const auto doc = QJsonDocument::fromJson(
        QByteArray("[") + text.trimmed().toUtf8() + QByteArray("]"), &error);
    if (error.error == QJsonParseError::NoError && doc.isArray() && doc.array().size() == 1)
        return doc.array().first();
    return text;
}

void applyOverrides(QJsonObject& root, const QStringList& assignments) {
    for (const QString& assignment : assignments) {
        const qsizetype eq = assignment.indexOf(QLatin1Char('='));
        if (eq <= 0)
            throw InputError(
                QStringLiteral("--set %1: expected path=value, e.g. training.optimizer.lr=0.01")
                    .arg(assignment));
        try {
            setSpecValue(root, assignment.left(eq).trimmed(),
                         parseOverrideValue(assignment.mid(eq + 1)));
        } catch (const InputError& e) {
            throw InputError(QStringLiteral("--set %1: %2").arg(assignment, e.message()));
        }
    }
}

} // namespace trainlab
