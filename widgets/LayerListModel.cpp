#include "LayerListModel.h"

#include "model/LayerRegistry.h"

#include <QBrush>
#include <QColor>
#include <QDataStream>
#include <QIODevice>
#include <QMimeData>
#include <algorithm>

namespace trainlab {

namespace {

const QString kRowsMimeType = QStringLiteral("application/x-trainlab-layer-rows");

QString valueText(const QJsonValue& value) {
    if (value.isBool())
        return value.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 6);
    if (value.isArray())
        return QObject::tr("%n layer(s)", nullptr, int(value.toArray().size()));
    return value.toString();
}

} // namespace

LayerListModel::LayerListModel(QObject* parent)
    : QAbstractListModel(parent) {}

void LayerListModel::setLayers(const QJsonArray& layers) {
    beginResetModel();
    layers_ = layers;
    problems_.clear();
    endResetModel();
}

int LayerListModel::insertLayer(int row, const QJsonObject& layer) {
    row = std::clamp(row, 0, int(layers_.size()));
    beginInsertRows({}, row, row);
    layers_.insert(row, layer);
    endInsertRows();
    Q_EMIT layersEdited();
    return row;
}

int LayerListModel::duplicateLayer(int row) {
    if (row < 0 || row >= layers_.size())
        return -1;
    return insertLayer(row + 1, layer(row));
}

void LayerListModel::setLayerField(int row, const QString& field, const QJsonValue& value) {
    if (row < 0 || row >= layers_.size())
        return;
    QJsonObject object = layer(row);
    if (value.isUndefined())
        object.remove(field);
    else
        object.insert(field, value);
    layers_[row] = object;
    const QModelIndex changed = index(row);
    Q_EMIT dataChanged(changed, changed);
}

void LayerListModel::setProblems(const QMap<int, QString>& problems) {
    if (problems == problems_)
        return;
    problems_ = problems;
    if (!layers_.isEmpty())
        Q_EMIT dataChanged(index(0), index(int(layers_.size()) - 1));
}

int LayerListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(layers_.size());
}

QVariant LayerListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject object = layer(index.row());
    const QString problem = problems_.value(index.row());
    switch (role) {
    case Qt::DisplayRole:
        // No row number: it would change on every move, and core's paths count from 0.
        return describeLayer(object);
    case Qt::ToolTipRole: {
        if (!problem.isEmpty())
            return problem;
        const LayerType* type =
            layerRegistry().find(object.value(QStringLiteral("type")).toString());
        return type ? type->help : QVariant();
    }
    case Qt::BackgroundRole:
        return problem.isEmpty() ? QVariant() : QBrush(QColor(255, 205, 205));
    case Qt::ForegroundRole:
        return problem.isEmpty() ? QVariant() : QBrush(QColor(140, 0, 0));
    case LayerJsonRole:
        return object;
    case ProblemRole:
        return problem;
    default:
        return {};
    }
}

Qt::ItemFlags LayerListModel::flags(const QModelIndex& index) const {
    // Items are dragged; only the gaps between them take a drop (a drop onto an item would
    // mean nesting, which a flat list cannot do).
    if (!index.isValid())
        return Qt::ItemIsDropEnabled;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled |
           Qt::ItemNeverHasChildren;
}

bool LayerListModel::removeRows(int row, int count, const QModelIndex& parent) {
    if (parent.isValid() || row < 0 || count <= 0 || row + count > layers_.size())
        return false;
    beginRemoveRows({}, row, row + count - 1);
    for (int i = 0; i < count; ++i)
        layers_.removeAt(row);
    endRemoveRows();
    Q_EMIT layersEdited();
    return true;
}

bool LayerListModel::moveRows(const QModelIndex& sourceParent, int sourceRow, int count,
                              const QModelIndex& destinationParent, int destinationChild) {
    const int size = int(layers_.size());
    if (sourceParent.isValid() || destinationParent.isValid() || count <= 0 || sourceRow < 0 ||
        sourceRow + count > size || destinationChild < 0 || destinationChild > size)
        return false;
    // Moving a block to its own place (or just behind itself) changes nothing.
    if (destinationChild >= sourceRow && destinationChild <= sourceRow + count)
        return false;
    if (!beginMoveRows({}, sourceRow, sourceRow + count - 1, {}, destinationChild))
        return false;
    QJsonArray moved;
    for (int i = 0; i < count; ++i)
        moved.append(layers_.takeAt(sourceRow));
    const int target = destinationChild > sourceRow ? destinationChild - count : destinationChild;
    for (int i = 0; i < count; ++i)
        layers_.insert(target + i, moved.at(i));
    endMoveRows();
    Q_EMIT layersEdited();
    return true;
}

Qt::DropActions LayerListModel::supportedDropActions() const {
    return Qt::MoveAction;
}

QStringList LayerListModel::mimeTypes() const {
    return {kRowsMimeType};
}

QMimeData* LayerListModel::mimeData(const QModelIndexList& indexes) const {
    QList<int> rows;
    for (const QModelIndex& index : indexes) {
        if (index.isValid() && !rows.contains(index.row()))
            rows << index.row();
    }
    std::sort(rows.begin(), rows.end());
    QByteArray bytes;
    QDataStream stream(&bytes, QIODevice::WriteOnly);
    // Which list the rows belong to: a drop moves rows of this list only.
    stream << quintptr(this) << rows;
    auto* data = new QMimeData;
    data->setData(kRowsMimeType, bytes);
    return data;
}

bool LayerListModel::canDropMimeData(const QMimeData* data, Qt::DropAction action, int, int,
                                     const QModelIndex& parent) const {
    return data && data->hasFormat(kRowsMimeType) && action == Qt::MoveAction && !parent.isValid();
}

bool LayerListModel::dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int,
                                  const QModelIndex& parent) {
    if (!canDropMimeData(data, action, row, 0, parent))
        return false;
    QList<int> rows;
    quintptr owner = 0;
    QDataStream stream(data->data(kRowsMimeType));
    stream >> owner >> rows;
    if (owner != quintptr(this) || rows.isEmpty() || rows.last() >= layers_.size())
        return false;
    if (row < 0)
        row = int(layers_.size()); // dropped below the last item
    // Each row lands after the one before, in their list order, as QListView orders its own
    // moves. Rows above the drop point shift up as earlier ones leave; rows below do not.
    const int dropRow = row;
    bool moved = false;
    int movedFromAbove = 0;
    for (int source : rows) {
        if (source < dropRow) {
            moved |= moveRows({}, source - movedFromAbove, 1, {}, row);
            ++movedFromAbove;
        } else {
            moved |= moveRows({}, source, 1, {}, row);
            ++row;
        }
    }
    return moved;
}

QString LayerListModel::describeLayer(const QJsonObject& layer) {
    const QString typeName = layer.value(QStringLiteral("type")).toString();
    QStringList parts;
    auto add = [&](const QString& key) {
        if (key != QLatin1String("type") && layer.contains(key))
            parts << key + QLatin1Char(' ') + valueText(layer.value(key));
    };
    // Fields in the order the type defines them, then any the type does not know.
    QStringList known;
    if (const LayerType* type = layerRegistry().find(typeName)) {
        for (const LayerField& field : type->fields) {
            known << field.name;
            add(field.name);
        }
    }
    for (auto it = layer.begin(); it != layer.end(); ++it) {
        if (!known.contains(it.key()))
            add(it.key());
    }
    const QString type = typeName.isEmpty() ? QObject::tr("(no type)") : typeName;
    return parts.isEmpty() ? type : type + QStringLiteral("   ") + parts.join(QStringLiteral(", "));
}

} // namespace trainlab
