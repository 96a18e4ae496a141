#include "MainWindow.h"

#include "DatasetPage.h"
#include "MetricPlot.h"
#include "RunsTableModel.h"
#include "WorkspaceSafeFileDialog.h"

#include "base/Errors.h"
#include "jobs/Backend.h"
#include "spec/SpecJson.h"
#include "store/HistoryReader.h"

#include <QAction>
#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace trainlab {

namespace {

constexpr int kPlotPoints = 2000;
constexpr int kRefreshMs = 3000;

} // namespace

QString findQuickstartSpec() {
    const QString name = QStringLiteral("experiments/quickstart.json");
    const QStringList candidates = {
        QCoreApplication::applicationDirPath() + QStringLiteral("/../share/trainlab/") + name,
        QStringLiteral(TRAINLAB_SOURCE_DIR "/") + name,
    };
    for (const QString& candidate : candidates) {
        if (QFileInfo::exists(candidate))
            return QFileInfo(candidate).canonicalFilePath();
    }
    return {};
}

MainWindow::MainWindow(const QString& databasePath, QWidget* parent)
    : QMainWindow(parent)
    , databasePath_(databasePath)
    , backend_(std::make_unique<BackendHost>(databasePath))
    , history_(std::make_unique<HistoryReaderHost>(databasePath)) {
    setWindowTitle(tr("TrainLab — %1").arg(QFileInfo(databasePath).fileName()));
    buildActions();
    buildLayout();
    connectBackend();
    auto* refresh = new QTimer(this);
    connect(refresh, &QTimer::timeout, this, [this] { history_->loadRuns(); });
    refresh->start(kRefreshMs);
    history_->loadRuns();
    updateActions();
    resize(1280, 800);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildActions() {
    QToolBar* toolbar = addToolBar(tr("Run"));
    toolbar->setMovable(false);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    openAction_ = toolbar->addAction(style()->standardIcon(QStyle::SP_DialogOpenButton),
                                     tr("Run spec…"), this, [this] { chooseSpecFile(); });
    openAction_->setShortcut(QKeySequence::Open);
    quickstartAction_ = toolbar->addAction(
        style()->standardIcon(QStyle::SP_MediaPlay), tr("Run quickstart"), this, [this] {
            const QString spec = findQuickstartSpec();
            if (spec.isEmpty())
                showError(tr("Quickstart"), tr("experiments/quickstart.json "
                                               "was not found."));
            else
                startSpecFile(spec);
        });
    pauseAction_ = toolbar->addAction(style()->standardIcon(QStyle::SP_MediaPause), tr("Pause"));
    pauseAction_->setObjectName(QStringLiteral("pauseAction"));
    pauseAction_->setCheckable(true);
    connect(pauseAction_, &QAction::toggled, this, [this](bool paused) {
        backend_->backend()->setPaused(paused);
        statusLabel_->setText(paused ? tr("Paused between steps") : tr("Resumed"));
    });
    cancelAction_ = toolbar->addAction(style()->standardIcon(QStyle::SP_MediaStop), tr("Cancel"),
                                       this, &MainWindow::cancelRun);
}

void MainWindow::buildLayout() {
    runsModel_ = new RunsTableModel(this);
    runsView_ = new QTableView;
    runsView_->setObjectName(QStringLiteral("runsView"));
    runsView_->setModel(runsModel_);
    runsView_->setSelectionBehavior(QAbstractItemView::SelectRows);
    runsView_->setSelectionMode(QAbstractItemView::SingleSelection);
    runsView_->verticalHeader()->hide();
    runsView_->horizontalHeader()->setStretchLastSection(true);
    runsView_->setAlternatingRowColors(true);
    runsView_->setWordWrap(false);
    runsView_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    connect(runsView_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                const qint64 id = runsModel_->runIdAt(current.row());
                if (id != lossPlot_->runId())
                    showRun(id);
            });

    lossPlot_ =
        new MetricPlot(tr("Loss"), {QStringLiteral("train_loss"), QStringLiteral("val_loss")});
    accuracyPlot_ = new MetricPlot(
        tr("Accuracy"), {QStringLiteral("train_accuracy"), QStringLiteral("val_accuracy")});
    auto* plots = new QSplitter(Qt::Vertical);
    plots->addWidget(lossPlot_);
    plots->addWidget(accuracyPlot_);

    auto* top = new QSplitter(Qt::Horizontal);
    top->addWidget(runsView_);
    top->addWidget(plots);
    top->setStretchFactor(0, 2);
    top->setStretchFactor(1, 3);
    top->setSizes({500, 750});

    log_ = new QPlainTextEdit;
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(5000);
    log_->setPlaceholderText(tr("Run messages appear here."));
    auto* main = new QSplitter(Qt::Vertical);
    main->addWidget(top);
    main->addWidget(log_);
    main->setStretchFactor(0, 4);
    main->setStretchFactor(1, 1);
    datasetPage_ = new DatasetPage;
    tabs_ = new QTabWidget;
    tabs_->setDocumentMode(true);
    tabs_->addTab(main, tr("Runs"));
    tabs_->addTab(datasetPage_, tr("Dataset"));
    setCentralWidget(tabs_);

    statusLabel_ = new QLabel(tr("Idle"));
    statusBar()->addWidget(statusLabel_, 1);
    statusBar()->addPermanentWidget(new QLabel(databasePath_));
}

void MainWindow::connectBackend() {
    Backend* backend = backend_->backend();
    connect(backend, &Backend::runStarted, this, &MainWindow::onRunStarted);
    connect(backend, &Backend::runFinished, this, &MainWindow::onRunFinished);
    connect(backend, &Backend::metricsBatch, this, &MainWindow::onMetrics);
    connect(backend, &Backend::runMessage, this,
            [this](qint64, const QString& line) { appendLog(line); });
    connect(backend, &Backend::storeFailed, this,
            [this](const QString& message) { showError(tr("Database"), message); });
    HistoryReader* reader = history_->reader();
    connect(reader, &HistoryReader::runsLoaded, this, &MainWindow::onRunsLoaded);
    connect(reader, &HistoryReader::seriesLoaded, this,
            [this](qint64 runId, const QVector<MetricPoint>& points) {
                lossPlot_->setSeries(runId, points);
                accuracyPlot_->setSeries(runId, points);
            });
    connect(reader, &HistoryReader::failed, this,
            [this](const QString& message) { statusLabel_->setText(message); });
}

QFileDialog* MainWindow::chooseSpecFile(const QString& directory) {
    const QString start =
        directory.isEmpty() ? QFileInfo(findQuickstartSpec()).absolutePath() : directory;
    QFileDialog* dialog = createWorkspaceSafeFileDialog(this, tr("Run an experiment spec"), start,
                                                        tr("Experiment specs (*.json)"));
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, this, &MainWindow::startSpecFile);
    dialog->open();
    return dialog;
}

bool MainWindow::startSpecFile(const QString& path) {
    RunRequest request;
    try {
        request.spec = loadSpecFile(path);
    } catch (const InputError& e) {
        showError(tr("Cannot run this spec"), e.message());
        return false;
    }
    ++queuedRuns_;
    appendLog(tr("queued %1").arg(path));
    backend_->startRun(request);
    updateActions();
    return true;
}

void MainWindow::showDataset(const QString& specPath) {
    try {
        const ExperimentSpec spec = loadSpecFile(specPath);
        tabs_->setCurrentWidget(datasetPage_);
        datasetPage_->setDatasetSpec(spec.dataset);
        datasetPage_->load();
    } catch (const InputError& e) {
        showError(tr("Cannot open this spec"), e.message());
    }
}

void MainWindow::cancelRun() {
    backend_->backend()->requestCancel(); // first, so releasing the pause takes no extra step
    pauseAction_->setChecked(false);
    statusLabel_->setText(tr("Cancelling after the current step…"));
}

void MainWindow::showRun(qint64 runId) {
    lossPlot_->showRun(runId);
    accuracyPlot_->showRun(runId);
    if (runId > 0 && runId != activeRunId_) {
        QStringList names = lossPlot_->metrics() + accuracyPlot_->metrics();
        history_->loadSeries(runId, names, kPlotPoints);
    }
}

void MainWindow::onRunsLoaded(const QVector<RunListEntry>& runs) {
    const qint64 shown = lossPlot_->runId();
    runsModel_->setRuns(runs);
    const int row = runsModel_->rowOf(shown);
    if (row >= 0 && runsView_->currentIndex().row() != row) {
        const QSignalBlocker blocker(runsView_->selectionModel());
        runsView_->selectRow(row);
    }
}

void MainWindow::onRunStarted(qint64 runId, const QString& name) {
    activeRunId_ = runId;
    showRun(runId); // follow the new run live
    statusLabel_->setText(tr("Training run %1 (%2)…").arg(runId).arg(name));
    history_->loadRuns();
    updateActions();
}

void MainWindow::onRunFinished(qint64 runId, const QString& status, const QString& error) {
    queuedRuns_ = std::max(0, queuedRuns_ - 1);
    if (runId == activeRunId_)
        activeRunId_ = 0;
    statusLabel_->setText(error.isEmpty() ? tr("Run %1 %2").arg(runId).arg(status)
                                          : tr("Run %1 %2: %3").arg(runId).arg(status, error));
    // Run 0 never started: the database refused it, and storeFailed has already said so.
    if (status == QLatin1String("failed") && runId > 0)
        showError(tr("Run %1 failed").arg(runId), error);
    history_->loadRuns();
    updateActions();
}

void MainWindow::onMetrics(const QVector<MetricPoint>& points) {
    lossPlot_->addPoints(points);
    accuracyPlot_->addPoints(points);
}

void MainWindow::showError(const QString& title, const QString& message) {
    appendLog(title + QStringLiteral(": ") + message);
    // Window-modal and non-blocking: the event loop (and live training updates) keeps running.
    auto* box = new QMessageBox(QMessageBox::Critical, title, message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("errorDialog"));
    box->open();
}

void MainWindow::appendLog(const QString& line) {
    log_->appendPlainText(line);
}

void MainWindow::updateActions() {
    cancelAction_->setEnabled(queuedRuns_ > 0);
    pauseAction_->setEnabled(queuedRuns_ > 0);
    if (queuedRuns_ == 0 && pauseAction_->isChecked())
        pauseAction_->setChecked(false);
}

} // namespace trainlab
