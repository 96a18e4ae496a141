#pragma once

#include <QAbstractTableModel>
#include <QString>
#include <vector>

namespace trainlab {

/// The model designer's summary table: per layer (nested layers indented) its output shape,
/// parameters, forward FLOPs per sample and activation memory per batch, as core's model
/// analysis works them out. A layer core refuses is marked red with core's message; layers
/// after it, which the analysis never reached, show their type only.
class ModelSummaryModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Layer, Output, Parameters, Flops, Activations, Count };

    struct Row {
        QString path; ///< model.layers[i] or model.layers[i].layers[j]
        QString type;
        int depth = 0;
        bool analyzed = false; ///< the analysis reached and worked out this layer
        QString output;        ///< shape text; empty when not analyzed
        qint64 parameters = 0;
        double flops = 0;
        qint64 activationBytes = 0; ///< at the batch size
        QString problem;            ///< core's message for this layer; empty when it fits
    };

    explicit ModelSummaryModel(QObject* parent = nullptr);

    void setRows(std::vector<Row> rows);
    const std::vector<Row>& rows() const { return rows_; }
    /// The first row with a problem, or -1.
    int problemRow() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// "1.5 MiB", as the CLI's summary prints memory.
    static QString bytesText(double bytes);
    /// "12.3 M", "850 k": FLOPs and parameter counts at a glance.
    static QString countText(double count);

private:
    std::vector<Row> rows_;
};

} // namespace trainlab
