#include "TableCsv.h"

#include "store/RunComparison.h"

#include <QAbstractItemModel>
#include <QSaveFile>

namespace trainlab {

namespace {

/// A number's every digit where the model keeps them (tool tips), else what it shows.
QString cellText(const QAbstractItemModel& model, int row, int column) {
    const QModelIndex index = model.index(row, column);
    const QString shown = model.data(index, Qt::DisplayRole).toString();
    const QString full = model.data(index, Qt::ToolTipRole).toString();
    bool number = false;
    full.toDouble(&number);
    return number ? full : shown;
}

} // namespace

void writeTableCsv(const QAbstractItemModel& model, QIODevice& out) {
    QStringList fields;
    for (int column = 0; column < model.columnCount(); ++column)
        fields << csvField(model.headerData(column, Qt::Horizontal).toString());
    out.write(fields.join(QLatin1Char(',')).toUtf8() + '\n');
    for (int row = 0; row < model.rowCount(); ++row) {
        fields.clear();
        for (int column = 0; column < model.columnCount(); ++column) {
            const QString text = cellText(model, row, column);
            // An absent value is an empty field, which every CSV reader takes as missing.
            fields << csvField(text == RunComparison::kMissing ? QString() : text);
        }
        out.write(fields.join(QLatin1Char(',')).toUtf8() + '\n');
    }
}

QString saveTableCsv(const QAbstractItemModel& model, const QString& path) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("%1: cannot write: %2").arg(path, file.errorString());
    writeTableCsv(model, file);
    if (!file.commit())
        return QStringLiteral("%1: cannot write: %2").arg(path, file.errorString());
    return {};
}

} // namespace trainlab
