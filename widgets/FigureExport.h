#pragma once

#include <functional>

#include <QString>
#include <Qt>

class QAbstractItemModel;
class QCustomPlot;
class QFileDialog;
class QWidget;

namespace trainlab {

/// Saves `plot` as it is drawn now to `path`, as PNG (twice the on-screen resolution), SVG or
/// PDF (vector), by the file's suffix. False, with `error` naming the file, when the suffix is
/// neither or the file cannot be written. Only these suffixes are written, so an export can
/// never land on a workspace database.
bool savePlotFile(QCustomPlot* plot, const QString& path, QString* error);
/// The same for any widget that paints itself (the parallel coordinates, say).
bool saveWidgetFigure(QWidget* widget, const QString& path, QString* error);
/// Writes a figure to a path (savePlotFile, saveWidgetFigure or a view's own).
using FigureWriter = std::function<bool(QWidget* figure, const QString& path, QString* error)>;

/// Writes `model`'s rows to `path` as CSV: the horizontal headers, then each row's `role` data
/// (numbers at full precision when the role gives numbers). False, with `error` naming the
/// file, when the suffix is not .csv or the file cannot be written.
bool saveTableCsv(const QAbstractItemModel* model, const QString& path, QString* error,
                  int role = Qt::DisplayRole);

/// A non-blocking "save" dialog (it never opens the files it lists) that saves `plot` as PNG or
/// PDF once a file is chosen; a failure goes to a message box. `suggestedName` without suffix.
QFileDialog* askToSavePlot(QWidget* parent, QCustomPlot* plot, const QString& suggestedName);
/// The same for any figure, written by `write` once a file is chosen.
QFileDialog* askToSaveFigure(QWidget* parent, QWidget* figure, const QString& suggestedName,
                             const FigureWriter& write = saveWidgetFigure);

/// The same for a table, as CSV.
QFileDialog* askToSaveTable(QWidget* parent, const QAbstractItemModel* model,
                            const QString& suggestedName, int role = Qt::DisplayRole);

} // namespace trainlab
