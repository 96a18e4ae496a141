#pragma once

#include <QMainWindow>
#include <QSet>
#include <memory>

class QAction;
class QFileDialog;
class QInputDialog;
class QLabel;
class QMenu;
class QPlainTextEdit;
class QTabWidget;
class QStackedWidget;
class QTableView;

namespace trainlab {

class Backend;
class BackendHost;
class CompareView;
class DatasetPage;
class DeviceTableModel;
class EvaluationView;
class SweepView;
class JobsTableModel;
class HistoryReaderHost;
class MetricPlot;
class PlotControls;
class RunLogView;
class RunNotifier;
class RunsBrowser;
class RunsTreeModel;
class SpecDocument;
class SpecJsonPage;
class SystemPanel;
class SweepPage;
class TrainingPage;
struct JobInfo;
struct RunRecord;
struct MetricPoint;
enum class PreflightTool;

/// The main window: the workspace's runs on the left, the selected run's live curves on the
/// right, the backend's log below. It edits and shows; the backend and the history reader do
/// the work on their own threads.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    /// `databasePath` must already be open-able (main checks it and reports problems).
    explicit MainWindow(const QString& databasePath, QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Validates and queues a spec file (a run, or a sweep when it has a `sweep` block);
    /// problems appear in a dialog. Returns whether it queued.
    bool startSpecFile(const QString& path);
    /// Stops the current job (the one selected in the queue, else the newest running one).
    void cancelRun();
    /// Pauses or resumes the current job.
    void setCurrentJobPaused(bool paused);
    /// Continues the run selected in the runs list (paused, cancelled, interrupted or failed):
    /// a trial continues its whole sweep; one this window holds paused is released.
    void resumeSelectedRun();
    /// Opens the non-blocking "Run spec" dialog (in `directory`, default: the experiments).
    QFileDialog* chooseSpecFile(const QString& directory = {});
    /// Opens the non-blocking "Open workspace" dialog; the chosen workspace (new or existing)
    /// opens in a window of its own.
    QFileDialog* chooseWorkspace(const QString& directory = {});
    /// Opens `path` as a workspace in a new window (problems go to a dialog); returns it.
    MainWindow* openWorkspace(const QString& path);
    /// Opens the Dataset page on a spec file's dataset and loads it; problems go to a dialog.
    void showDataset(const QString& specPath);

    /// Shows the page whose tab reads `name` (case and accelerators ignored); false if none.
    bool showPage(const QString& name);
    /// The experiment the editing pages show. Starts as the quickstart spirals MLP.
    SpecDocument* specDocument() const { return spec_; }
    /// Queues the edited experiment: a run, or a sweep when it has a `sweep` block. Problems
    /// go to a dialog, naming every field at fault. Returns whether it queued.
    bool startSpecDocument();
    /// Loads a spec file into the editing pages (and the recent list); problems go to a dialog.
    bool openSpecDocument(const QString& path);
    /// Saves the edited spec to `path` (empty: its own file, else asks); returns whether saved.
    bool saveSpecDocument(const QString& path = {});
    /// Loads the selected run's stored spec into the editing pages: run again with changes.
    void editSelectedRun();
    /// Asks (without blocking) how many more trials the selected trial's sweep gets, then runs
    /// them as a resume of that sweep. Returns the dialog (nullptr when no trial is selected).
    QInputDialog* askMoreTrials();
    /// Gives the sweep `sweepId` `count` more trials (problems go to a dialog).
    bool extendSweep(qint64 sweepId, int count);
    /// Opens the non-blocking "Save spec as" dialog; the spec is saved once a file is chosen.
    QFileDialog* chooseSpecSavePath();
    /// Recently opened or saved spec files, newest first (kept with QSettings).
    QStringList recentSpecs() const;

    RunsTreeModel* runsModel() const { return runsModel_; }
    RunsBrowser* runsBrowser() const { return runsBrowser_; }
    /// The runs selected in the runs table (a sweep's row stands for its trials).
    QList<qint64> selectedRunIds() const;
    JobsTableModel* jobsModel() const { return jobsModel_; }
    Backend* backend() const;
    MetricPlot* lossPlot() const { return lossPlot_; }
    MetricPlot* accuracyPlot() const { return accuracyPlot_; }
    qint64 activeRunId() const { return activeRunId_; }
    DatasetPage* datasetPage() const { return datasetPage_; }
    SystemPanel* systemPanel() const { return systemPanel_; }
    EvaluationView* evaluationView() const { return evaluationView_; }
    SweepView* sweepView() const { return sweepView_; }
    /// Opens the Sweep results tab on sweep `sweepId` (trainlab --sweep ID).
    void showSweepResults(qint64 sweepId);
    /// Queues a pre-flight tool (lr-find, batch-find, tune-threads, estimate) on the experiment
    /// on the pages; its result opens in a dialog when it is stored. False (with a message) when
    /// the experiment cannot run.
    bool runPreflight(PreflightTool tool);
    QAction* lrFindAction() const { return lrFindAction_; }
    QAction* batchFindAction() const { return batchFindAction_; }
    QAction* tuneThreadsAction() const { return tuneThreadsAction_; }
    QAction* estimateAction() const { return estimateAction_; }
    QTabWidget* tabs() const { return tabs_; }
    CompareView* compareView() const { return compareView_; }
    QAction* compareAction() const { return compareAction_; }

public Q_SLOTS:
    /// Shows `runs` side by side in the Compare tab (MainWindowCompare.cpp).
    void compareRuns(const QList<qint64>& runs);

private:
    void buildCompareView();      // MainWindowCompare.cpp
    void buildSweepView();        // MainWindowSweep.cpp
    void buildPreflightActions(); // MainWindowPreflight.cpp
    /// A finished job that may be a pre-flight tool this window queued: shows its result.
    void onPreflightFinished(const JobInfo& job);
    /// Makes `sweepId` the sweep the Sweep results tab shows (a sweep's row or a trial chosen).
    void followSweep(qint64 sweepId);
    /// Reads the followed sweep when the tab shows and has not got it (`again`: read anyway).
    void loadSweepIfShown(bool again = false);
    void buildActions();
    void buildMenus();       // MainWindowMenus.cpp
    void buildSpecActions(); // MainWindowSpec.cpp
    void buildRunsBrowser(); // MainWindowRuns.cpp
    void restoreSession();
    void connectDatasetPage();
    void rememberSpec(const QString& path);
    void fillRecentSpecsMenu();
    void updateTitle();
    void closeEvent(QCloseEvent* event) override;
    void buildLayout();
    void connectBackend();
    void showRun(qint64 runId);
    void onRunsChanged(const QVector<RunRecord>& unfinished);
    void onRunOrderLoaded();
    void onJobChanged(const JobInfo& job);
    void onJobFinished(const JobInfo& job);
    void followRun(qint64 runId, const QString& name);
    void refreshJobs();
    /// Asks the history reader for the shown run's evaluation while the Evaluation view is
    /// visible and does not have it for the run's current status.
    void loadEvaluationIfShown();
    /// The job the toolbar acts on: the one selected in the queue, else the newest running.
    qint64 currentJobId() const;
    void onMetrics(const QVector<MetricPoint>& points);
    void showError(const QString& title, const QString& message);
    void appendLog(const QString& line);
    /// Which job holds which device, from the backend's jobs now.
    void refreshDevices();
    void updateActions();

    QString databasePath_;
    std::unique_ptr<BackendHost> backend_;
    std::unique_ptr<HistoryReaderHost> history_;
    RunsBrowser* runsBrowser_ = nullptr;
    RunsTreeModel* runsModel_ = nullptr;  ///< the browser's
    QStackedWidget* runsStack_ = nullptr; ///< the runs list, or what to do first
    QLabel* emptyHint_ = nullptr;
    JobsTableModel* jobsModel_ = nullptr;
    QTableView* jobsView_ = nullptr;
    MetricPlot* lossPlot_ = nullptr;
    MetricPlot* accuracyPlot_ = nullptr;
    PlotControls* plotControls_ = nullptr;
    RunLogView* runLog_ = nullptr;
    DeviceTableModel* devicesModel_ = nullptr;
    QTableView* devicesView_ = nullptr;
    RunNotifier* notifier_ = nullptr;
    QLabel* statusLabel_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    DatasetPage* datasetPage_ = nullptr;
    QAction* openAction_ = nullptr;
    QAction* quickstartAction_ = nullptr;
    QAction* pauseAction_ = nullptr;
    QAction* cancelAction_ = nullptr;
    QAction* removeAction_ = nullptr;
    QAction* moveUpAction_ = nullptr;
    QAction* resumeAction_ = nullptr;
    QAction* newSpecAction_ = nullptr;
    QAction* openSpecAction_ = nullptr;
    QAction* saveSpecAction_ = nullptr;
    QAction* saveSpecAsAction_ = nullptr;
    QAction* startSpecAction_ = nullptr;
    QAction* editRunAction_ = nullptr;
    QAction* moreTrialsAction_ = nullptr;
    QMenu* recentSpecsMenu_ = nullptr;
    SpecDocument* spec_ = nullptr;
    SpecJsonPage* specJsonPage_ = nullptr;
    SystemPanel* systemPanel_ = nullptr;
    QTabWidget* runViews_ = nullptr; ///< the selected run's curves, system readings, evaluation,
                                     ///< compare
    CompareView* compareView_ = nullptr;
    QAction* compareAction_ = nullptr;
    EvaluationView* evaluationView_ = nullptr;
    SweepView* sweepView_ = nullptr;
    QAction* lrFindAction_ = nullptr;
    QAction* batchFindAction_ = nullptr;
    QAction* tuneThreadsAction_ = nullptr;
    QAction* estimateAction_ = nullptr;
    QSet<qint64> preflightJobs_;    ///< pre-flight jobs this window queued and waits for
    QSet<qint64> wantedPreflights_; ///< their stored results, being read
    qint64 wantedSweep_ = 0;        ///< the sweep of the current row, shown once the tab is open
    TrainingPage* trainingPage_ = nullptr;
    SweepPage* sweepPage_ = nullptr;
    qint64 activeRunId_ = 0;
};

/// Where experiments/quickstart.json is: installed share folder, else the source tree.
QString findQuickstartSpec();

} // namespace trainlab
