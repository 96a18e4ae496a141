#include "SweepParamsModel.h"

#include "spec/SpecOverrides.h"

#include <QJsonDocument>
#include <algorithm>
#include <cmath>

namespace trainlab {

namespace {

const QString kUniform = QStringLiteral("uniform");
const QString kLogUniform = QStringLiteral("log_uniform");
const QString kInt = QStringLiteral("int");
const QString kLogInt = QStringLiteral("int, log scale");
const QString kChoice = QStringLiteral("choice");
const QString kFixed = QStringLiteral("fixed");

QString valueText(const QJsonValue& v) {
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 10);
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact))
        .mid(1)
        .chopped(1);
}

// "64, 128, 256" or "adam, sgd": each item read as `--set` reads a value (JSON, else text).
QJsonArray parseValues(const QString& text) {
    QJsonArray values;
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!part.trimmed().isEmpty())
            values.append(parseOverrideValue(part.trimmed()));
    }
    return values;
}

} // namespace

SweepParamsModel::SweepParamsModel(QObject* parent)
    : QAbstractTableModel(parent) {}

int SweepParamsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

int SweepParamsModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : Count;
}

QStringList SweepParamsModel::kindNames() {
    return {kUniform, kLogUniform, kInt, kLogInt, kChoice, kFixed};
}

QString SweepParamsModel::kindName(const SweepParamRow& row) {
    switch (row.kind) {
    case ParamKind::Uniform:
        return kUniform;
    case ParamKind::LogUniform:
        return kLogUniform;
    case ParamKind::Integer:
        return row.logScale ? kLogInt : kInt;
    case ParamKind::Choice:
        return kChoice;
    case ParamKind::Fixed:
        return kFixed;
    case ParamKind::Invalid:
        break;
    }
    return QString();
}

bool SweepParamsModel::isRange(const SweepParamRow& row) {
    return row.kind == ParamKind::Uniform || row.kind == ParamKind::LogUniform ||
           row.kind == ParamKind::Integer;
}

QVariant SweepParamsModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rows_.size())
        return {};
    const SweepParamRow& row = rows_[index.row()];
    const bool edit = role == Qt::EditRole;
    if (role != Qt::DisplayRole && !edit && role != Qt::ToolTipRole)
        return {};
    switch (Column(index.column())) {
    case Field:
        if (role == Qt::ToolTipRole)
            return tr("The spec field each trial overrides");
        return row.path;
    case Kind:
        return role == Qt::ToolTipRole ? QVariant() : QVariant(kindName(row));
    case Low:
    case High: {
        if (!isRange(row))
            return role == Qt::DisplayRole ? QVariant(QStringLiteral("—")) : QVariant();
        const double v = index.column() == Low ? row.low : row.high;
        if (role == Qt::ToolTipRole)
            return QVariant();
        return edit ? QVariant(v) : QVariant(QString::number(v, 'g', 8));
    }
    case Values: {
        if (isRange(row))
            return role == Qt::DisplayRole ? QVariant(QStringLiteral("—")) : QVariant();
        if (role == Qt::ToolTipRole)
            return tr("Values separated by commas: 64, 128, 256 or adam, sgd");
        QStringList parts;
        for (const QJsonValue& v : row.choices)
            parts << valueText(v);
        return parts.join(QStringLiteral(", "));
    }
    case Count:
        break;
    }
    return {};
}

void SweepParamsModel::setKind(SweepParamRow& row, const QString& name) const {
    const bool wasRange = isRange(row);
    if (name == kUniform || name == kLogUniform || name == kInt || name == kLogInt) {
        if (!wasRange) {
            // From a list of values to a range: span the numbers it held.
            double low = std::numeric_limits<double>::infinity();
            double high = -low;
            for (const QJsonValue& v : row.choices) {
                if (v.isDouble()) {
                    low = std::min(low, v.toDouble());
                    high = std::max(high, v.toDouble());
                }
            }
            if (low < high) {
                row.low = low;
                row.high = high;
            }
        }
        row.kind = name == kUniform      ? ParamKind::Uniform
                   : name == kLogUniform ? ParamKind::LogUniform
                                         : ParamKind::Integer;
        row.logScale = name == kLogInt;
        if (row.kind == ParamKind::Integer) {
            row.low = std::round(row.low);
            row.high = std::round(row.high);
        }
        return;
    }
    if (wasRange) // from a range to values: its ends
        row.choices = name == kFixed ? QJsonArray{row.low} : QJsonArray{row.low, row.high};
    if (name == kFixed && row.choices.size() > 1)
        row.choices = QJsonArray{row.choices.first()};
    row.kind = name == kFixed ? ParamKind::Fixed : ParamKind::Choice;
    row.logScale = false;
}

bool SweepParamsModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (!index.isValid() || role != Qt::EditRole || index.row() >= rows_.size())
        return false;
    SweepParamRow& row = rows_[index.row()];
    switch (Column(index.column())) {
    case Field: {
        const QString path = value.toString().trimmed();
        if (path == row.path)
            return false;
        if (rowFactory_ && !path.isEmpty()) {
            SweepParamRow fresh = rowFactory_(path);
            fresh.extra = row.extra;
            row = fresh;
        }
        row.path = path;
        break;
    }
    case Kind:
        if (!kindNames().contains(value.toString()))
            return false;
        setKind(row, value.toString());
        break;
    case Low:
    case High: {
        bool ok = false;
        double v = value.toDouble(&ok);
        if (!ok || !isRange(row))
            return false;
        if (row.kind == ParamKind::Integer)
            v = std::round(v);
        (index.column() == Low ? row.low : row.high) = v;
        break;
    }
    case Values:
        if (isRange(row))
            return false;
        row.choices = parseValues(value.toString());
        if (row.kind == ParamKind::Fixed && row.choices.size() > 1)
            row.choices = QJsonArray{row.choices.first()};
        break;
    case Count:
        return false;
    }
    Q_EMIT dataChanged(this->index(index.row(), 0), this->index(index.row(), Count - 1));
    Q_EMIT edited();
    return true;
}

Qt::ItemFlags SweepParamsModel::flags(const QModelIndex& index) const {
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    const SweepParamRow& row = rows_[index.row()];
    const bool range = isRange(row);
    switch (Column(index.column())) {
    case Field:
    case Kind:
        return flags | Qt::ItemIsEditable;
    case Low:
    case High:
        return range ? flags | Qt::ItemIsEditable : flags;
    case Values:
        return range ? flags : flags | Qt::ItemIsEditable;
    case Count:
        break;
    }
    return flags;
}

QVariant SweepParamsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Field:
        return tr("Field");
    case Kind:
        return tr("Kind");
    case Low:
        return tr("Low");
    case High:
        return tr("High");
    case Values:
        return tr("Values");
    case Count:
        break;
    }
    return {};
}

void SweepParamsModel::setSpace(const QJsonObject& space) {
    beginResetModel();
    rows_.clear();
    for (auto it = space.begin(); it != space.end(); ++it) {
        SweepParamRow row;
        row.path = it.key();
        QJsonObject def = it.value().toObject();
        const auto range = [&](const QString& key) {
            const QJsonArray r = def.take(key).toArray();
            row.low = r.at(0).toDouble();
            row.high = r.at(1).toDouble();
        };
        if (def.contains(kUniform)) {
            row.kind = ParamKind::Uniform;
            range(kUniform);
        } else if (def.contains(kLogUniform)) {
            row.kind = ParamKind::LogUniform;
            range(kLogUniform);
        } else if (def.contains(kInt)) {
            row.kind = ParamKind::Integer;
            range(kInt);
            row.logScale = def.take(QStringLiteral("log")).toBool();
        } else if (def.contains(kChoice)) {
            row.kind = ParamKind::Choice;
            row.choices = def.take(kChoice).toArray();
        } else if (def.contains(kFixed)) {
            row.kind = ParamKind::Fixed;
            row.choices = QJsonArray{def.take(kFixed)};
        }
        row.extra = def; // `when`, and anything core will name as unknown
        rows_.append(row);
    }
    endResetModel();
}

QJsonObject SweepParamsModel::space() const {
    QJsonObject space;
    for (const SweepParamRow& row : rows_) {
        if (row.path.isEmpty())
            continue;
        QJsonObject def = row.extra;
        switch (row.kind) {
        case ParamKind::Uniform:
            def.insert(kUniform, QJsonArray{row.low, row.high});
            break;
        case ParamKind::LogUniform:
            def.insert(kLogUniform, QJsonArray{row.low, row.high});
            break;
        case ParamKind::Integer:
            def.insert(kInt, QJsonArray{qint64(row.low), qint64(row.high)});
            if (row.logScale)
                def.insert(QStringLiteral("log"), true);
            break;
        case ParamKind::Choice:
            def.insert(kChoice, row.choices);
            break;
        case ParamKind::Fixed:
            def.insert(kFixed, row.choices.isEmpty() ? QJsonValue() : row.choices.first());
            break;
        case ParamKind::Invalid:
            break;
        }
        space.insert(row.path, def);
    }
    return space;
}

void SweepParamsModel::appendRow(const SweepParamRow& row) {
    beginInsertRows({}, int(rows_.size()), int(rows_.size()));
    rows_.append(row);
    endInsertRows();
    Q_EMIT edited();
}

void SweepParamsModel::removeParam(int row) {
    if (row < 0 || row >= rows_.size())
        return;
    beginRemoveRows({}, row, row);
    rows_.removeAt(row);
    endRemoveRows();
    Q_EMIT edited();
}

} // namespace trainlab
