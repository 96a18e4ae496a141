#pragma once

#include <QAbstractTableModel>
#include <QStringList>

namespace trainlab {

/// The first rows of a CSV / TSV file, as read, for the Dataset page.
class TablePreviewModel : public QAbstractTableModel {
    Q_OBJECT
public:
    explicit TablePreviewModel(QObject* parent = nullptr);
    void setTable(const QStringList& header, const QList<QStringList>& rows);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QStringList header_;
    QList<QStringList> rows_;
};

} // namespace trainlab
