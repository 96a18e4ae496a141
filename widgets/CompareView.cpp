#include "CompareView.h"

#include "ConfigDiffModel.h"
#include "MetricFiguresModel.h"
#include "OverlayPlot.h"
#include "SavingsModel.h"
#include "TableCsv.h"
#include "WorkspaceSafeFileDialog.h"

#include "store/HistoryReader.h"
#include "store/WorkspaceReader.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>
#include <climits>

namespace trainlab {

namespace {

const QString kEnergy = QStringLiteral("energy_j");

/// Requests are numbered across every view, so no two share a number.
qint64 nextRequest() {
    static qint64 last = 0;
    return ++last;
}

QString systemSeriesTitle(const QString& name) {
    if (name == systemseries::kGpuMemoryMb)
        return CompareView::tr("GPU memory (MB)");
    if (name == systemseries::kPowerW)
        return CompareView::tr("GPU power (W)");
    return CompareView::tr("CPU % (of one core)");
}

/// The curve of `name` for `run` among `curves`, or null.
const RunCurve* curveOf(const QVector<RunCurve>& curves, qint64 run, const QString& name) {
    for (const RunCurve& curve : curves)
        if (curve.run == run && curve.name == name)
            return &curve;
    return nullptr;
}

QTableView* tableView(QAbstractItemModel* model, const QString& name) {
    auto* view = new QTableView;
    view->setObjectName(name);
    view->setModel(model);
    view->verticalHeader()->hide();
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    return view;
}

QWidget* titled(const QString& title, QWidget* content) {
    auto* box = new QGroupBox(title);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(content);
    return box;
}

} // namespace

CompareView::CompareView(HistoryReaderHost* history, QString databasePath, QWidget* parent)
    : QWidget(parent)
    , history_(history)
    , databasePath_(std::move(databasePath))
    , overlay_(new OverlayPlot)
    , diffModel_(new ConfigDiffModel(this))
    , metricsModel_(new MetricFiguresModel(this))
    , savingsModel_(new SavingsModel(this))
    , status_(new QLabel) {
    overlay_->setObjectName(QStringLiteral("compareOverlay"));
    status_->setObjectName(QStringLiteral("compareStatus"));
    status_->setWordWrap(true);
    diffView_ = tableView(diffModel_, QStringLiteral("compareDiff"));
    metricsView_ = tableView(metricsModel_, QStringLiteral("compareMetrics"));
    savingsView_ = tableView(savingsModel_, QStringLiteral("compareSavings"));
    auto* tables = new QSplitter(Qt::Horizontal);
    tables->addWidget(titled(tr("Config fields that differ"), diffView_));
    tables->addWidget(titled(tr("Final and best metrics"), metricsView_));
    auto* costs = new QSplitter(Qt::Vertical);
    costs->addWidget(tables);
    costs->addWidget(titled(tr("Cost, and what each run saved against the first"), savingsView_));
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(overlay_);
    split->addWidget(costs);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(buildToolbar());
    layout->addWidget(status_);
    layout->addWidget(split, 1);

    HistoryReader* reader = history_->reader();
    connect(reader, &HistoryReader::comparisonLoaded, this, &CompareView::onComparison);
    connect(reader, &HistoryReader::curvesLoaded, this, &CompareView::onCurves);
    connect(reader, &HistoryReader::requestFailed, this, &CompareView::onFailure);
    connect(reader, &HistoryReader::curvesExported, this,
            [this](qint64 request, const QString& path, qint64 rows) {
                if (request != exportRequest_)
                    return;
                report(tr("Wrote %n row(s) to %1", nullptr, int(std::min<qint64>(rows, INT_MAX)))
                           .arg(path),
                       false);
                Q_EMIT seriesExported(path, rows);
            });
    overlay_->setEmptyText(tr("Select two or more runs in the list and choose Run ▸ Compare"));
    report(tr("No runs to compare yet."), false);
}

CompareView::~CompareView() = default;

QWidget* CompareView::buildToolbar() {
    seriesChooser_ = new QComboBox;
    seriesChooser_->setObjectName(QStringLiteral("compareSeries"));
    seriesChooser_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    connect(seriesChooser_, &QComboBox::activated, this,
            [this](int index) { showSeries(seriesChooser_->itemData(index).toString()); });
    xChooser_ = new QComboBox;
    xChooser_->setObjectName(QStringLiteral("compareX"));
    connect(xChooser_, &QComboBox::activated, this, [this](int index) {
        overlay_->setXAxis(OverlayX(xChooser_->itemData(index).toInt()));
    });
    logY_ = new QCheckBox(tr("Log scale"));
    logY_->setObjectName(QStringLiteral("compareLogY"));
    connect(logY_, &QCheckBox::toggled, overlay_, &OverlayPlot::setLogY);

    exportButton_ = new QToolButton;
    exportButton_->setObjectName(QStringLiteral("compareExport"));
    exportButton_->setText(tr("Export"));
    exportButton_->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(exportButton_);
    for (const auto& [label, suffix] : {std::pair{tr("Plot as PNG…"), QStringLiteral("png")},
                                        std::pair{tr("Plot as SVG…"), QStringLiteral("svg")},
                                        std::pair{tr("Plot as PDF…"), QStringLiteral("pdf")}}) {
        menu->addAction(label, this, [this, suffix = suffix] {
            chooseExportPath(tr("Export the plot"), tr("Images (*.%1)").arg(suffix), suffix,
                             [this](const QString& path) { return exportPlot(path); });
        });
    }
    menu->addSeparator();
    menu->addAction(tr("Config diff as CSV…"), this, [this] {
        chooseExportPath(tr("Export the config diff"), tr("CSV files (*.csv)"),
                         QStringLiteral("csv"),
                         [this](const QString& path) { return exportDiffCsv(path); });
    });
    menu->addAction(tr("Final and best metrics as CSV…"), this, [this] {
        chooseExportPath(tr("Export the metrics table"), tr("CSV files (*.csv)"),
                         QStringLiteral("csv"),
                         [this](const QString& path) { return exportMetricsCsv(path); });
    });
    menu->addAction(tr("Every metric series as CSV…"), this, [this] {
        chooseExportPath(tr("Export every metric series"), tr("CSV files (*.csv)"),
                         QStringLiteral("csv"), [this](const QString& path) {
                             exportAllSeries(path);
                             return QString();
                         });
    });
    exportButton_->setMenu(menu);

    auto* bar = new QWidget;
    auto* layout = new QHBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Series")));
    layout->addWidget(seriesChooser_);
    layout->addSpacing(12);
    layout->addWidget(new QLabel(tr("x")));
    layout->addWidget(xChooser_);
    layout->addSpacing(12);
    layout->addWidget(logY_);
    layout->addStretch(1);
    layout->addWidget(exportButton_);
    return bar;
}

void CompareView::setRuns(const QList<qint64>& runs) {
    runs_ = runs;
    comparison_ = {};
    series_.clear();
    comparisonRequest_ = nextRequest();
    curvesRequest_ = 0;
    seriesChooser_->clear();
    overlay_->setCurves({});
    diffModel_->setDifferences({}, {});
    metricsModel_->setMetrics({}, {});
    report(tr("Reading %n run(s)…", nullptr, int(runs.size())), false);
    history_->loadComparison(comparisonRequest_, runs);
}

QString CompareView::runLabel(const RunRecord& run) const {
    return run.sweep > 0 ? tr("#%1 %2 (trial %3)").arg(run.id).arg(run.name).arg(run.trial)
                         : tr("#%1 %2").arg(run.id).arg(run.name);
}

void CompareView::onComparison(qint64 request, const RunComparison& comparison) {
    if (request != comparisonRequest_)
        return;
    comparison_ = comparison;
    // The tables name a run by its id alone: a column as wide as "#24 name (trial 24)" pushed
    // its right-aligned numbers out of sight. The plot's legend pairs ids with names.
    QStringList headers;
    for (const RunRecord& run : comparison_.runs)
        headers << QStringLiteral("#%1").arg(run.id);
    diffModel_->setDifferences(headers, comparison_.differences);
    metricsModel_->setMetrics(headers, comparison_.metrics);
    savingsModel_->setComparison(headers, comparison_);

    seriesChooser_->clear();
    for (const ComparedMetric& metric : std::as_const(comparison_.metrics))
        seriesChooser_->addItem(metric.name, metric.name);
    if (!comparison_.systemSeries.isEmpty() && seriesChooser_->count() > 0)
        seriesChooser_->insertSeparator(seriesChooser_->count());
    for (const QString& name : std::as_const(comparison_.systemSeries))
        seriesChooser_->addItem(systemSeriesTitle(name), name);
    report(comparison_.differences.isEmpty()
               ? tr("%n run(s); no config field differs between them.", nullptr,
                    int(comparison_.runs.size()))
               : tr("%n run(s); %1 config field(s) differ.", nullptr, int(comparison_.runs.size()))
                     .arg(comparison_.differences.size()),
           false);
    Q_EMIT comparisonShown();

    // The validation loss says most about a comparison; else the training loss, else the first.
    QString first;
    for (const QString& preferred :
         {QStringLiteral("val_loss"), QStringLiteral("train_loss"), QString()}) {
        const int index = preferred.isEmpty() ? (seriesChooser_->count() > 0 ? 0 : -1)
                                              : seriesChooser_->findData(preferred);
        if (index >= 0) {
            first = seriesChooser_->itemData(index).toString();
            break;
        }
    }
    if (first.isEmpty())
        overlay_->setEmptyText(tr("These runs logged no metrics yet"));
    else
        showSeries(first);
}

bool CompareView::showSeries(const QString& name) {
    const int index = seriesChooser_->findData(name);
    if (index < 0)
        return false;
    seriesChooser_->setCurrentIndex(index);
    series_ = name;
    fillXChooser();
    requestCurves();
    return true;
}

void CompareView::fillXChooser() {
    const bool system = systemseries::kAll.contains(series_);
    const auto current = OverlayX(xChooser_->currentData().toInt());
    xChooser_->clear();
    if (!system) {
        xChooser_->addItem(tr("step"), int(OverlayX::Step));
        xChooser_->addItem(tr("epoch"), int(OverlayX::Epoch));
    }
    xChooser_->addItem(tr("wall time"), int(OverlayX::WallTime));
    // Offered only when every run has its energy series to read x from.
    if (!system && comparison_.energyRecorded)
        xChooser_->addItem(tr("energy used"), int(OverlayX::Energy));
    const int keep = xChooser_->findData(int(current));
    xChooser_->setCurrentIndex(keep >= 0 ? keep : 0);
}

void CompareView::requestCurves() {
    curvesRequest_ = nextRequest();
    if (systemseries::kAll.contains(series_)) {
        history_->loadSystemCurves(curvesRequest_, runs_);
        return;
    }
    QStringList names{series_};
    if (comparison_.energyRecorded && series_ != kEnergy)
        names << kEnergy;
    history_->loadCurves(curvesRequest_, runs_, names);
}

void CompareView::onCurves(qint64 request, const QVector<RunCurve>& curves) {
    if (request != curvesRequest_)
        return;
    QVector<OverlayCurve> overlay;
    qint64 points = 0;
    for (const RunRecord& run : comparison_.runs) {
        OverlayCurve curve;
        curve.label = runLabel(run);
        if (const RunCurve* found = curveOf(curves, run.id, series_)) {
            curve.value = found->value;
            curve.step = found->step;
            curve.epoch = found->epoch;
            // Seconds since the run started (its first session, for a resumed run).
            const QDateTime started = QDateTime::fromString(run.started, Qt::ISODateWithMs);
            const double origin = started.isValid()
                                      ? double(started.toMSecsSinceEpoch()) / 1000.0
                                      : (found->wallTime.isEmpty() ? 0.0 : found->wallTime.first());
            curve.wallSeconds.reserve(found->wallTime.size());
            for (const double t : found->wallTime)
                curve.wallSeconds.append(t - origin);
            if (const RunCurve* energy = curveOf(curves, run.id, kEnergy))
                curve.energyJ = energyAtSteps(*energy, found->step);
            points += found->value.size();
        }
        overlay.append(curve);
    }
    overlay_->setEmptyText(tr("None of these runs has %1 yet").arg(series_));
    overlay_->setYLabel(systemseries::kAll.contains(series_) ? systemSeriesTitle(series_)
                                                             : series_);
    overlay_->setCurves(std::move(overlay), OverlayX(xChooser_->currentData().toInt()));
    // Should a run lack what x asked for, the plot fell back to steps: say so in the chooser.
    if (const int shown = xChooser_->findData(int(overlay_->xAxis())); shown >= 0)
        xChooser_->setCurrentIndex(shown);
    report(tr("%1: %n point(s) over %2 run(s)", nullptr, int(std::min<qint64>(points, INT_MAX)))
               .arg(series_)
               .arg(comparison_.runs.size()),
           false);
    Q_EMIT curvesShown();
}

void CompareView::onFailure(qint64 request, const QString& message) {
    if (request != comparisonRequest_ && request != curvesRequest_ && request != exportRequest_)
        return;
    report(message, true);
    Q_EMIT failed(message);
}

QString CompareView::checkTarget(const QString& path) const {
    if (isWorkspaceFile(path, databasePath_))
        return tr("%1: is the workspace itself; choose another file").arg(path);
    return {};
}

QString CompareView::exportPlot(const QString& path) {
    QString error = checkTarget(path);
    if (error.isEmpty())
        error = overlay_->exportTo(path);
    report(error.isEmpty() ? tr("Wrote %1").arg(path) : error, !error.isEmpty());
    return error;
}

QString CompareView::exportDiffCsv(const QString& path) {
    QString error = checkTarget(path);
    if (error.isEmpty())
        error = saveTableCsv(*diffModel_, path);
    report(error.isEmpty() ? tr("Wrote %1").arg(path) : error, !error.isEmpty());
    return error;
}

QString CompareView::exportMetricsCsv(const QString& path) {
    QString error = checkTarget(path);
    if (error.isEmpty())
        error = saveTableCsv(*metricsModel_, path);
    report(error.isEmpty() ? tr("Wrote %1").arg(path) : error, !error.isEmpty());
    return error;
}

void CompareView::exportAllSeries(const QString& path) {
    exportRequest_ = nextRequest();
    report(tr("Writing every series to %1…").arg(path), false);
    history_->exportCurves(exportRequest_, runs_, path); // the reader refuses the workspace
}

void CompareView::chooseExportPath(const QString& title, const QString& filter,
                                   const QString& suffix,
                                   const std::function<QString(const QString&)>& write) {
    QFileDialog* dialog =
        createWorkspaceSafeFileDialog(this, title, QFileInfo(databasePath_).absolutePath(), filter);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(suffix);
    connect(dialog, &QFileDialog::fileSelected, this,
            [write](const QString& path) { write(path); });
    dialog->open();
}

QString CompareView::statusText() const {
    return status_->text();
}

void CompareView::report(const QString& message, bool error) {
    status_->setText(message);
    status_->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
}

} // namespace trainlab
