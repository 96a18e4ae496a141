#pragma once

#include "store/RunComparison.h"

#include <QList>
#include <QWidget>
#include <functional>

class QCheckBox;
class QComboBox;
class QLabel;
class QTableView;
class QToolButton;

namespace trainlab {

class ConfigDiffModel;
class HistoryReaderHost;
class MetricFiguresModel;
class OverlayPlot;
class SavingsModel;

/// Several runs side by side: the overlaid curves of one metric or system series, the config
/// fields that differ (spec and environment), each run's final and best metrics, and what each
/// cost and saved against the first run (time, energy, money, beside the change in accuracy). All
/// of it is read on the history thread (HistoryReader's compare requests); the view only shows.
/// Exports: the plot to PNG, SVG or PDF, either table to CSV, and every metric series of the
/// runs to CSV.
class CompareView : public QWidget {
    Q_OBJECT
public:
    /// `databasePath` is the workspace `history` reads: exports refuse to overwrite it.
    CompareView(HistoryReaderHost* history, QString databasePath, QWidget* parent = nullptr);
    ~CompareView() override;

    /// Compares `runs` (in this order: run i takes palette colour i).
    void setRuns(const QList<qint64>& runs);
    const QList<qint64>& runs() const { return runs_; }
    /// What was read of the runs (empty until comparisonLoaded).
    const RunComparison& comparison() const { return comparison_; }

    /// The metric or system series (systemseries names) overlaid; empty: none yet.
    QString series() const { return series_; }
    /// Overlays `name`, one of the runs' metrics or recorded system series; false otherwise.
    bool showSeries(const QString& name);

    /// Writes the plot by the path's suffix (.png, .svg, .pdf); returns why not, or "".
    QString exportPlot(const QString& path);
    QString exportDiffCsv(const QString& path);
    QString exportMetricsCsv(const QString& path);
    /// Writes every metric series of the runs to `path` as CSV on the history thread;
    /// seriesExported or failed follows.
    void exportAllSeries(const QString& path);

    OverlayPlot* overlay() const { return overlay_; }
    ConfigDiffModel* diffModel() const { return diffModel_; }
    MetricFiguresModel* metricsModel() const { return metricsModel_; }
    SavingsModel* savingsModel() const { return savingsModel_; }
    QComboBox* seriesChooser() const { return seriesChooser_; }
    QComboBox* xChooser() const { return xChooser_; }
    QCheckBox* logYBox() const { return logY_; }
    QString statusText() const;

Q_SIGNALS:
    /// The runs' records, tables and choosers are filled.
    void comparisonShown();
    /// The overlay holds the curves of series().
    void curvesShown();
    void seriesExported(const QString& path, qint64 rows);
    /// A read or an export failed; the message names the file or run at fault.
    void failed(const QString& message);

private:
    QWidget* buildToolbar();
    void onComparison(qint64 request, const RunComparison& comparison);
    void onCurves(qint64 request, const QVector<RunCurve>& curves);
    void onFailure(qint64 request, const QString& message);
    void requestCurves();
    void fillXChooser();
    void chooseExportPath(const QString& title, const QString& filter, const QString& suffix,
                          const std::function<QString(const QString&)>& write);
    /// Refuses the workspace's own files; returns why, or "".
    QString checkTarget(const QString& path) const;
    QString runLabel(const RunRecord& run) const;
    void report(const QString& message, bool error);

    HistoryReaderHost* history_;
    QString databasePath_;
    QList<qint64> runs_;
    RunComparison comparison_;
    QString series_;
    qint64 comparisonRequest_ = 0;
    qint64 curvesRequest_ = 0;
    qint64 exportRequest_ = 0;
    OverlayPlot* overlay_ = nullptr;
    ConfigDiffModel* diffModel_ = nullptr;
    MetricFiguresModel* metricsModel_ = nullptr;
    SavingsModel* savingsModel_ = nullptr;
    QTableView* diffView_ = nullptr;
    QTableView* metricsView_ = nullptr;
    QTableView* savingsView_ = nullptr;
    QComboBox* seriesChooser_ = nullptr;
    QComboBox* xChooser_ = nullptr;
    QCheckBox* logY_ = nullptr;
    QToolButton* exportButton_ = nullptr;
    QLabel* status_ = nullptr;
};

} // namespace trainlab
