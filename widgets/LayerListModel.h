#pragma once

#include <QAbstractListModel>
#include <QJsonArray>
#include <QJsonObject>
#include <QMap>

namespace trainlab {

/// The model's layers as the designer lists them: one row per top-level layer of `model.layers`
/// (its JSON object as the spec holds it), with the problem core finds at that layer, if any.
/// Rows can be inserted, removed and moved, by drag and drop too; every change of the list's
/// shape is announced by `layersEdited` so the page can write the list back to the spec.
class LayerListModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        LayerJsonRole = Qt::UserRole + 1, ///< the layer's JSON object
        ProblemRole,                      ///< core's message for this layer; empty when it fits
    };

    explicit LayerListModel(QObject* parent = nullptr);

    /// Replaces every row (the spec changed elsewhere); no `layersEdited`.
    void setLayers(const QJsonArray& layers);
    const QJsonArray& layers() const { return layers_; }
    QJsonObject layer(int row) const { return layers_.at(row).toObject(); }

    /// Inserts `layer` at `row` (clamped to the end) and returns where it went.
    int insertLayer(int row, const QJsonObject& layer);
    /// Inserts a copy of the layer at `row` right after it; returns the copy's row.
    int duplicateLayer(int row);
    /// Sets one field of the layer at `row` (an undefined value removes it); no `layersEdited`:
    /// the page writes the field itself.
    void setLayerField(int row, const QString& field, const QJsonValue& value);
    /// Core's problems per row (rows not named have none).
    void setProblems(const QMap<int, QString>& problems);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool removeRows(int row, int count, const QModelIndex& parent = {}) override;
    bool moveRows(const QModelIndex& sourceParent, int sourceRow, int count,
                  const QModelIndex& destinationParent, int destinationChild) override;

    // Drag and drop inside the list: the dragged rows travel as their numbers, and a drop moves
    // them (QListView itself calls moveRows when the drag is its own).
    Qt::DropActions supportedDropActions() const override;
    QStringList mimeTypes() const override;
    QMimeData* mimeData(const QModelIndexList& indexes) const override;
    bool canDropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                         const QModelIndex& parent) const override;
    bool dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                      const QModelIndex& parent) override;

    /// "conv2d  out 32, kernel 5, padding 2": the type and the fields the spec gives.
    static QString describeLayer(const QJsonObject& layer);

Q_SIGNALS:
    /// Rows were inserted, removed or moved by an edit (not by setLayers).
    void layersEdited();

private:
    QJsonArray layers_;
    QMap<int, QString> problems_;
};

} // namespace trainlab
