#pragma once

#include "sweep/SearchSpace.h"

#include <QAbstractTableModel>
#include <QJsonArray>
#include <QJsonObject>
#include <functional>

namespace trainlab {

/// One row of the sweep's space: the field it overrides and the values it takes. `extra`
/// keeps what the table does not edit (a `when` condition) so editing a row never drops it.
struct SweepParamRow {
    QString path;
    ParamKind kind = ParamKind::Uniform;
    bool logScale = false; ///< integer ranges only (log_uniform is its own kind)
    double low = 0;
    double high = 1;
    QJsonArray choices; ///< Choice; Fixed holds its one value here
    QJsonObject extra;
};

/// The `sweep.space` of a spec as an editable table: field, kind (what core's SearchSpace
/// reads: uniform, log_uniform, int, int on a log scale, choice, fixed), range or values.
class SweepParamsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Field, Kind, Low, High, Values, Count };

    explicit SweepParamsModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// Shows a `space` object (replacing every row).
    void setSpace(const QJsonObject& space);
    /// The `space` object the rows describe; rows without a field are left out.
    QJsonObject space() const;
    const QList<SweepParamRow>& rows() const { return rows_; }
    void appendRow(const SweepParamRow& row);
    void removeParam(int row);

    /// Makes the row a field starts with when a person picks it (its kind and a range around
    /// the spec's current value); without one, a picked field keeps the row's kind and range.
    void setRowFactory(std::function<SweepParamRow(const QString& path)> factory) {
        rowFactory_ = std::move(factory);
    }

    /// The kinds a person can choose, in menu order, and their names.
    static QStringList kindNames();
    static QString kindName(const SweepParamRow& row);
    /// Whether the row's kind takes a [low, high] range (else a list of values).
    static bool isRange(const SweepParamRow& row);

Q_SIGNALS:
    /// A person changed the rows (edit, add, remove); not emitted by setSpace.
    void edited();

private:
    void setKind(SweepParamRow& row, const QString& name) const;
    QList<SweepParamRow> rows_;
    std::function<SweepParamRow(const QString&)> rowFactory_;
};

} // namespace trainlab
