#include "MainWindow.h"

#include "DatasetPage.h"
#include "DeviceTableModel.h"
#include "EvaluationView.h"
#include "JobsTableModel.h"
#include "MetricPlot.h"
#include "ModelPage.h"
#include "PlotControls.h"
#include "RunLogView.h"
#include "RunNotifier.h"
#include "RunsBrowser.h"
#include "RunsTreeModel.h"
#include "SpecDocument.h"
#include "SpecJsonPage.h"
#include "SweepPage.h"
#include "SystemPanel.h"
#include "TrainingPage.h"
#include "WorkspaceSafeFileDialog.h"

#include "base/Errors.h"
#include "jobs/Backend.h"
#include "jobs/DeviceUsage.h"
#include "jobs/RunJob.h"
#include "jobs/SweepJob.h"
#include "spec/SpecJson.h"
#include "store/HistoryReader.h"
#include "store/ProcessToken.h"
#include "store/WorkspaceReader.h"

#include <QAction>
#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace trainlab {

namespace {

constexpr int kPlotPoints = 2000;
constexpr int kSystemRefreshMs = 2000;

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
    spec_ = new SpecDocument(this);
    buildSpecActions();
    buildActions();
    buildLayout();
    buildPreflightActions();
    buildMenus();
    connectBackend();
    connectDatasetPage();
    updateActions();
    resize(1280, 800);
    restoreSession();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildActions() {
    QToolBar* toolbar = addToolBar(tr("Run"));
    toolbar->setObjectName(QStringLiteral("runToolbar")); // saveState() keys toolbars by name
    toolbar->setMovable(false);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addAction(startSpecAction_);
    toolbar->addSeparator();
    openAction_ = toolbar->addAction(style()->standardIcon(QStyle::SP_DialogOpenButton),
                                     tr("Run spec…"), this, [this] { chooseSpecFile(); });
    openAction_->setToolTip(tr("Run an experiment file as it is"));
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
    connect(pauseAction_, &QAction::triggered, this,
            [this](bool paused) { setCurrentJobPaused(paused); });
    cancelAction_ = toolbar->addAction(style()->standardIcon(QStyle::SP_MediaStop), tr("Stop"),
                                       this, &MainWindow::cancelRun);
    cancelAction_->setObjectName(QStringLiteral("stopAction"));
    removeAction_ = toolbar->addAction(style()->standardIcon(QStyle::SP_TrashIcon),
                                       tr("Remove from queue"), this, [this] {
                                           if (const qint64 id = currentJobId())
                                               backend()->remove(id);
                                       });
    removeAction_->setObjectName(QStringLiteral("removeAction"));
    moveUpAction_ =
        toolbar->addAction(style()->standardIcon(QStyle::SP_ArrowUp), tr("Move up"), this, [this] {
            if (const qint64 id = currentJobId())
                backend()->moveUp(id);
        });
    moveUpAction_->setObjectName(QStringLiteral("moveUpAction"));
    toolbar->addSeparator();
    resumeAction_ = toolbar->addAction(style()->standardIcon(QStyle::SP_MediaSeekForward),
                                       tr("Resume run"), this, &MainWindow::resumeSelectedRun);
    resumeAction_->setObjectName(QStringLiteral("resumeAction"));
    resumeAction_->setToolTip(
        tr("Continue the selected run from its last checkpoint (a trial continues its sweep)"));
}

void MainWindow::buildLayout() {
    buildRunsBrowser(); // MainWindowRuns.cpp

    lossPlot_ =
        new MetricPlot(tr("Loss"), {QStringLiteral("train_loss"), QStringLiteral("val_loss")});
    accuracyPlot_ = new MetricPlot(
        tr("Accuracy"), {QStringLiteral("train_accuracy"), QStringLiteral("val_accuracy")});
    auto* plotSplitter = new QSplitter(Qt::Vertical);
    plotSplitter->addWidget(lossPlot_);
    plotSplitter->addWidget(accuracyPlot_);
    plotControls_ = new PlotControls;
    plotControls_->setObjectName(QStringLiteral("plotControls"));
    plotControls_->addPlot(lossPlot_);
    plotControls_->addPlot(accuracyPlot_);
    auto* plots = new QWidget;
    auto* plotsLayout = new QVBoxLayout(plots);
    plotsLayout->setContentsMargins(0, 0, 0, 0);
    plotsLayout->setSpacing(0);
    plotsLayout->addWidget(plotControls_);
    plotsLayout->addWidget(plotSplitter, 1);
    systemPanel_ = new SystemPanel;
    systemPanel_->setObjectName(QStringLiteral("systemPanel"));
    runViews_ = new QTabWidget;
    runViews_->setObjectName(QStringLiteral("runViews"));
    runViews_->addTab(plots, tr("Curves"));
    runViews_->addTab(systemPanel_, tr("System"));
    evaluationView_ = new EvaluationView;
    evaluationView_->setObjectName(QStringLiteral("evaluationView"));
    runViews_->addTab(evaluationView_, tr("Evaluation"));
    buildCompareView();
    buildSweepView();
    // The System tab asks for new readings while it shows: nothing is read when it is hidden.
    auto* systemRefresh = new QTimer(this);
    connect(systemRefresh, &QTimer::timeout, this, [this] {
        if (systemPanel_->isVisible() && systemPanel_->runId() > 0)
            history_->loadSystemSamples(systemPanel_->runId(), systemPanel_->lastTime());
    });
    systemRefresh->start(kSystemRefreshMs);
    connect(runViews_, &QTabWidget::currentChanged, this, [this] {
        if (systemPanel_->isVisible() && systemPanel_->runId() > 0)
            history_->loadSystemSamples(systemPanel_->runId(), systemPanel_->lastTime());
        loadEvaluationIfShown();
    });

    jobsModel_ = new JobsTableModel(this);
    jobsView_ = new QTableView;
    jobsView_->setObjectName(QStringLiteral("jobsView"));
    jobsView_->setModel(jobsModel_);
    jobsView_->setSelectionBehavior(QAbstractItemView::SelectRows);
    jobsView_->setSelectionMode(QAbstractItemView::SingleSelection);
    jobsView_->verticalHeader()->hide();
    jobsView_->horizontalHeader()->setStretchLastSection(true);
    jobsView_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    jobsView_->setWordWrap(false);
    connect(jobsView_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (const JobInfo* job = jobsModel_->jobAt(current.row()); job && job->runId > 0)
                    showRun(job->runId);
                updateActions();
            });
    emptyHint_ = new QLabel(
        tr("<p><b>No runs in this workspace yet.</b></p>"
           "<p><b>Run quickstart</b> trains a small network on synthetic spirals in seconds. "
           "<b>Run spec…</b> starts any experiment file (a sweep too); the examples are in "
           "<tt>experiments/</tt>. The <b>Dataset</b> page previews Fashion-MNIST or your own "
           "data.</p><p>Runs started by <tt>trainlab-cli</tt> on this workspace appear here "
           "as well.</p>"));
    emptyHint_->setObjectName(QStringLiteral("emptyWorkspaceHint"));
    emptyHint_->setWordWrap(true);
    emptyHint_->setAlignment(Qt::AlignCenter);
    emptyHint_->setMargin(24);
    runsStack_ = new QStackedWidget;
    runsStack_->addWidget(emptyHint_);
    runsStack_->addWidget(runsBrowser_);
    devicesModel_ = new DeviceTableModel(this);
    devicesView_ = new QTableView;
    devicesView_->setObjectName(QStringLiteral("devicesView"));
    devicesView_->setModel(devicesModel_);
    devicesView_->setSelectionMode(QAbstractItemView::NoSelection);
    devicesView_->setFocusPolicy(Qt::NoFocus);
    devicesView_->verticalHeader()->hide();
    devicesView_->horizontalHeader()->setStretchLastSection(true);
    devicesView_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    devicesView_->setWordWrap(false);
    auto* lists = new QSplitter(Qt::Vertical);
    lists->addWidget(runsStack_);
    lists->addWidget(jobsView_);
    lists->addWidget(devicesView_);
    lists->setStretchFactor(0, 3);
    lists->setStretchFactor(1, 2);
    lists->setStretchFactor(2, 0);

    auto* top = new QSplitter(Qt::Horizontal);
    top->addWidget(lists);
    top->addWidget(runViews_);
    top->setStretchFactor(0, 2);
    top->setStretchFactor(1, 3);
    top->setSizes({500, 750});

    runLog_ = new RunLogView;
    notifier_ = new RunNotifier(this);
    auto* main = new QSplitter(Qt::Vertical);
    main->addWidget(top);
    main->addWidget(runLog_);
    main->setStretchFactor(0, 4);
    main->setStretchFactor(1, 1);
    datasetPage_ = new DatasetPage;
    tabs_ = new QTabWidget;
    tabs_->setDocumentMode(true);
    tabs_->addTab(main, tr("Runs"));
    tabs_->addTab(datasetPage_, tr("Dataset"));
    tabs_->addTab(new ModelPage(spec_), tr("Model"));
    trainingPage_ = new TrainingPage(spec_);
    tabs_->addTab(trainingPage_, tr("Training"));
    sweepPage_ = new SweepPage(spec_);
    tabs_->addTab(sweepPage_, tr("Sweep"));
    specJsonPage_ = new SpecJsonPage(spec_);
    tabs_->addTab(specJsonPage_, tr("Spec"));
    setCentralWidget(tabs_);
    connect(tabs_, &QTabWidget::currentChanged, this, &MainWindow::loadEvaluationIfShown);
    connect(tabs_, &QTabWidget::currentChanged, this, [this] { loadSweepIfShown(); });

    statusLabel_ = new QLabel(tr("Idle"));
    statusBar()->addWidget(statusLabel_, 1);
    statusBar()->addPermanentWidget(new QLabel(databasePath_));
}

Backend* MainWindow::backend() const {
    return backend_->backend();
}

void MainWindow::connectBackend() {
    Backend* backend = backend_->backend();
    connect(backend, &Backend::jobQueued, this, [this](const JobInfo&) { refreshJobs(); });
    connect(backend, &Backend::jobStarted, this, &MainWindow::onJobChanged);
    connect(backend, &Backend::jobUpdated, this, &MainWindow::onJobChanged);
    connect(backend, &Backend::jobFinished, this, &MainWindow::onJobFinished);
    connect(backend, &Backend::jobRemoved, this, [this](qint64) { refreshJobs(); });
    connect(backend, &Backend::metricsBatch, this, &MainWindow::onMetrics);
    connect(backend, &Backend::jobMessage, runLog_, &RunLogView::appendJobMessage);
    // Devices change hands only when a job starts or ends.
    connect(backend, &Backend::jobStarted, this, &MainWindow::refreshDevices);
    connect(backend, &Backend::jobFinished, this, [this](const JobInfo& job) {
        runLog_->appendJobMessage(
            job.id, job.runId,
            job.error.isEmpty()
                ? tr("%1 %2").arg(job.title, runStatusName(job.status))
                : tr("%1 %2: %3").arg(job.title, runStatusName(job.status), job.error));
        notifier_->jobFinished(job);
        refreshDevices();
    });
    connect(backend, &Backend::jobRemoved, this, &MainWindow::refreshDevices);
    refreshDevices();
    connect(backend, &Backend::storeFailed, this,
            [this](const QString& message) { showError(tr("Database"), message); });
    HistoryReader* reader = history_->reader();
    connect(reader, &HistoryReader::runsChanged, this, &MainWindow::onRunsChanged);
    connect(reader, &HistoryReader::seriesLoaded, this,
            [this](qint64 runId, const QVector<MetricPoint>& points) {
                lossPlot_->setSeries(runId, points);
                accuracyPlot_->setSeries(runId, points);
            });
    // A run another process trains (the CLI, a second window) grows here as its rows land.
    connect(reader, &HistoryReader::seriesAppended, this,
            [this](qint64, const QVector<MetricPoint>& points) { onMetrics(points); });
    connect(reader, &HistoryReader::systemSamplesLoaded, this,
            [this](qint64 runId, const QVector<SystemSample>& samples) {
                systemPanel_->addSamples(runId, samples);
            });
    connect(reader, &HistoryReader::evaluationLoaded, evaluationView_,
            &EvaluationView::setEvaluation);
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

QFileDialog* MainWindow::chooseWorkspace(const QString& directory) {
    const QString start = directory.isEmpty() ? QFileInfo(databasePath_).absolutePath() : directory;
    QFileDialog* dialog = createWorkspaceSafeFileDialog(this, tr("Open or create a workspace"),
                                                        start, tr("TrainLab workspaces (*.db)"));
    dialog->setFileMode(QFileDialog::AnyFile);
    dialog->setDefaultSuffix(QStringLiteral("db"));
    dialog->setLabelText(QFileDialog::Accept, tr("Open"));
    connect(dialog, &QFileDialog::fileSelected, this,
            [this](const QString& path) { openWorkspace(path); });
    dialog->open();
    return dialog;
}

MainWindow* MainWindow::openWorkspace(const QString& path) {
    try {
        prepareWorkspace(path);
    } catch (const std::exception& e) {
        showError(tr("Cannot open the workspace"), firstLineOf(e));
        return nullptr;
    }
    auto* window = new MainWindow(path);
    window->setAttribute(Qt::WA_DeleteOnClose);
    window->show();
    return window;
}

bool MainWindow::startSpecFile(const QString& path) {
    try {
        std::unique_ptr<Job> job;
        if (readJsonFile(path).contains(QStringLiteral("sweep")))
            job = std::make_unique<SweepJob>(loadSweepDefinition(path));
        else
            job = std::make_unique<RunJob>(RunRequest{loadSpecFile(path), {}, 0});
        backend()->submit(std::move(job));
    } catch (const InputError& e) {
        showError(tr("Cannot run this spec"), e.message());
        return false;
    }
    appendLog(tr("queued %1").arg(path));
    refreshJobs();
    return true;
}

void MainWindow::showDataset(const QString& specPath) {
    try {
        loadSpecFile(specPath); // every problem named before the pages take it
    } catch (const InputError& e) {
        showError(tr("Cannot open this spec"), e.message());
        return;
    }
    if (!openSpecDocument(specPath))
        return;
    tabs_->setCurrentWidget(datasetPage_); // filled from the document
    datasetPage_->load();
}

qint64 MainWindow::currentJobId() const {
    if (const JobInfo* selected = jobsModel_->jobAt(jobsView_->currentIndex().row()))
        return selected->id;
    for (int row = 0; row < jobsModel_->rowCount(); ++row) {
        const JobInfo* job = jobsModel_->jobAt(row);
        if (job->parent == 0 && !isFinalStatus(job->status))
            return job->id;
    }
    return 0;
}

void MainWindow::cancelRun() {
    if (const qint64 id = currentJobId()) {
        backend()->cancel(id);
        statusLabel_->setText(tr("Stopping after the current step…"));
    }
}

void MainWindow::setCurrentJobPaused(bool paused) {
    if (const qint64 id = currentJobId()) {
        backend()->setPaused(id, paused);
        statusLabel_->setText(paused ? tr("Pausing at the next step…") : tr("Resuming…"));
    }
}

void MainWindow::resumeSelectedRun() {
    const RunRecord* run = runsBrowser_->currentRun();
    if (!run)
        return;
    // Already a job of this window: release it rather than start a second one on its rows.
    for (const JobInfo& job : backend()->jobs()) {
        const bool same = run->sweep > 0 ? job.kind == JobKind::Sweep && job.sweepId == run->sweep
                                         : job.runId == run->id;
        if (same && !isFinalStatus(job.status)) {
            backend()->setPaused(job.id, false);
            return;
        }
    }
    try {
        WorkspaceReader workspace(databasePath_);
        std::unique_ptr<Job> job;
        if (run->sweep > 0)
            job = std::make_unique<SweepJob>(resumeSweepDefinition(workspace, run->sweep),
                                             run->sweep);
        else
            job = std::make_unique<RunJob>(resumeRequest(workspace, run->id));
        backend()->submit(std::move(job));
        appendLog(run->sweep > 0 ? tr("resuming sweep %1").arg(run->sweep)
                                 : tr("resuming run %1").arg(run->id));
    } catch (const std::exception& e) {
        showError(tr("Cannot resume run %1").arg(run->id), firstLineOf(e));
    }
    refreshJobs();
}

void MainWindow::showRun(qint64 runId) {
    lossPlot_->showRun(runId);
    accuracyPlot_->showRun(runId);
    // A trial's log shows its sweep's lines too (the sweep job speaks for all its trials).
    QList<qint64> sweepJobs;
    if (const qint64 sweep = runsModel_->sweepIdAt(runsModel_->indexOf(runId)); sweep > 0)
        for (const JobInfo& job : backend()->jobs())
            if (job.kind == JobKind::Sweep && job.sweepId == sweep)
                sweepJobs.append(job.id);
    runLog_->showRun(runId, sweepJobs);
    if (runId != systemPanel_->runId()) {
        systemPanel_->showRun(runId);
        if (runId > 0)
            history_->loadSystemSamples(runId, 0);
    }
    const RunTableRow* row = runsModel_->row(runId); // null until its page is read
    if (row)
        systemPanel_->setRunFigures(row->run);
    if (runId != evaluationView_->runId()) {
        evaluationView_->showRun(runId, row ? row->run.status : RunStatus::Invalid);
        loadEvaluationIfShown();
    }
    if (runId > 0 && runId != activeRunId_) {
        QStringList names = lossPlot_->metrics() + accuracyPlot_->metrics();
        history_->loadSeries(runId, names, kPlotPoints);
    }
}

void MainWindow::loadEvaluationIfShown() {
    // Read only while it shows: a run selected on another view costs nothing here.
    if (!evaluationView_->isVisible() || !evaluationView_->needsEvaluation())
        return;
    evaluationView_->evaluationRequested();
    history_->loadEvaluation(evaluationView_->runId());
}

void MainWindow::refreshJobs() {
    jobsModel_->setJobs(backend()->jobs());
    updateActions();
}

void MainWindow::followRun(qint64 runId, const QString& name) {
    activeRunId_ = runId;
    showRun(runId); // follow the new run live
    statusLabel_->setText(tr("Training run %1 (%2)…").arg(runId).arg(name));
    runsBrowser_->refresh();
}

void MainWindow::onJobChanged(const JobInfo& job) {
    if (!jobsModel_->updateJob(job))
        refreshJobs();
    // Follow the newest run that trains, unless one is followed already.
    const bool followable = job.runId > 0 && job.status == RunStatus::Running &&
                            (job.kind == JobKind::Run || job.kind == JobKind::DataParallelRun);
    if (followable && activeRunId_ == 0 && job.runId != activeRunId_)
        followRun(job.runId, job.title);
    updateActions();
}

void MainWindow::onJobFinished(const JobInfo& job) {
    refreshJobs();
    onPreflightFinished(job);
    if (job.runId > 0 && job.runId == activeRunId_)
        activeRunId_ = 0;
    const QString what = job.kind == JobKind::Sweep       ? tr("Sweep %1").arg(job.sweepId)
                         : job.kind == JobKind::Preflight ? job.title
                                                          : tr("Run %1").arg(job.runId);
    statusLabel_->setText(job.error.isEmpty()
                              ? tr("%1 %2").arg(what, runStatusName(job.status))
                              : tr("%1 %2: %3").arg(what, runStatusName(job.status), job.error));
    // A trial's failure is the sweep's business (it goes on); a top-level failure gets a dialog.
    if (job.status == RunStatus::Failed && job.parent == 0)
        showError(tr("%1 failed").arg(what), job.error);
    runsBrowser_->refresh();
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
    runLog_->appendWindowMessage(line);
}

void MainWindow::refreshDevices() {
    const int rows = devicesModel_->rowCount();
    devicesModel_->setUsage(
        deviceUsage(backend()->jobs(), backend()->cpuSlots(), backend()->gpus()));
    if (rows == devicesModel_->rowCount())
        return;
    // Exactly as tall as its rows: the queue above gets the rest.
    const int height =
        devicesView_->horizontalHeader()->sizeHint().height() +
        devicesView_->verticalHeader()->defaultSectionSize() * devicesModel_->rowCount() +
        2 * devicesView_->frameWidth();
    devicesView_->setFixedHeight(height);
}

void MainWindow::updateActions() {
    const qint64 id = currentJobId();
    const auto job = id > 0 ? backend()->job(id) : std::nullopt;
    const bool active = job && !isFinalStatus(job->status);
    cancelAction_->setEnabled(active);
    pauseAction_->setEnabled(active && job->status != RunStatus::Queued);
    const QSignalBlocker blocker(pauseAction_);
    pauseAction_->setChecked(job && job->status == RunStatus::Paused);
    removeAction_->setEnabled(job && job->status != RunStatus::Running &&
                              job->status != RunStatus::Paused);
    moveUpAction_->setEnabled(job && job->status == RunStatus::Queued);
    const RunRecord* selected = runsBrowser_->currentRun();
    editRunAction_->setEnabled(selected != nullptr);
    moreTrialsAction_->setEnabled(runsBrowser_->currentSweepId() > 0);
    resumeAction_->setEnabled(selected && (selected->status == RunStatus::Paused ||
                                           selected->status == RunStatus::Cancelled ||
                                           selected->status == RunStatus::Interrupted ||
                                           selected->status == RunStatus::Failed));
}

} // namespace trainlab
