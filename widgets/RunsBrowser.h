#pragma once

#include "store/RunRecords.h"

#include <QPersistentModelIndex>
#include <QWidget>
#include <memory>
#include <optional>

class QAction;
class QCheckBox;
class QComboBox;
class QInputDialog;
class QLabel;
class QLineEdit;
class QMenu;
class QMessageBox;
class QTimer;
class QToolButton;
class QTreeView;

namespace trainlab {

class HistoryReaderHost;
class RunEditorHost;
class RunsTreeModel;

/// The workspace's runs: a filter bar (text, status, sweep, tag, grouping) over the paged runs
/// table (RunsTreeModel). Rows select several at once; the header's context menu chooses the
/// columns, a row's context menu tags, notes, compares and deletes. What the user chose (columns,
/// sort, grouping) is kept in QSettings. The table follows the workspace: when another process
/// adds or ends runs it reads the order again and keeps the selection, the opened sweeps and the
/// row at the top of the view.
class RunsBrowser : public QWidget {
    Q_OBJECT
public:
    /// `history` (owned by the window) reads; tags, notes and deletions are written on an
    /// editor thread of the browser's own.
    RunsBrowser(const QString& databasePath, HistoryReaderHost* history, QWidget* parent = nullptr);
    ~RunsBrowser() override;

    RunsTreeModel* model() const { return model_; }
    QTreeView* view() const { return view_; }
    QLineEdit* filterEdit() const { return filterEdit_; }
    QAction* compareAction() const { return compareAction_; }

    /// The selected runs in the table's order; a sweep's row stands for its trials.
    QList<qint64> selectedRunIds() const;
    /// The current row's run (0: none, or a sweep's row) and its data once it arrived.
    qint64 currentRunId() const;
    const RunRecord* currentRun() const;
    /// The current row's sweep: a sweep's row, or a trial's.
    qint64 currentSweepId() const;
    /// Lists only `runs` (a sweep view's brush), on top of the filter bar's choices; nothing:
    /// every run again. A button in the filter bar shows the restriction and lifts it.
    void restrictToRuns(const std::optional<QList<qint64>>& runs);
    bool restricted() const { return bool(onlyRuns_); }
    /// Makes `runId`'s row current (opening its sweep) without emitting currentRunChanged;
    /// false while the run is not in the table.
    bool showRunRow(qint64 runId);
    /// Reads the workspace again (a run started or ended here), keeping the selection, the
    /// opened sweeps and the row at the top.
    void refresh();
    /// The window's actions on the current run (resume, edit, more trials), offered in the row
    /// context menu too.
    void addRowActions(const QList<QAction*>& actions);

    /// What the row context menu does, on the selected runs. Each opens a window-modal dialog
    /// without blocking and returns it (nullptr when nothing is selected).
    QInputDialog* askTags();
    QInputDialog* askNote();
    QMessageBox* askDelete();
    void removeTag(const QString& tag);

    /// The row and header context menus, opened at a viewport / header position (popups that do
    /// not block).
    QMenu* openRowMenu(const QPoint& position);
    QMenu* openHeaderMenu(const QPoint& position);

Q_SIGNALS:
    void currentRunChanged(qint64 runId);
    void selectionChanged();
    void compareRequested(const QList<qint64>& runIds);
    /// An edit is done (what changed) or failed (why), for the window's log.
    void edited(const QString& summary);
    void editFailed(const QString& message);
    void runsDeleted(const QList<qint64>& runIds);
    /// The brush restriction was set or lifted (restrictToRuns, or its button).
    void restrictionChanged(bool restricted);

private:
    QWidget* buildFilterBar();
    void buildView();
    void applyFilter();
    void fillFilterChoices();
    void updateCount();
    void updateActions();
    void onOrderLoaded();
    void onRunsChanged();
    void toggleExtraColumn(const QString& key, bool shown);
    void restoreSettings();
    void saveSettings() const;
    RunEditorHost* editor();
    QStringList selectedTags() const;
    QString describeSelection(const QList<qint64>& runs) const;

    QString databasePath_;
    HistoryReaderHost* history_;
    std::unique_ptr<RunEditorHost> editor_;
    RunsTreeModel* model_ = nullptr;
    QTreeView* view_ = nullptr;
    QLineEdit* filterEdit_ = nullptr;
    QToolButton* onlyRunsButton_ = nullptr;
    std::optional<QList<qint64>> onlyRuns_;
    QComboBox* statusBox_ = nullptr;
    QComboBox* sweepBox_ = nullptr;
    QComboBox* tagBox_ = nullptr;
    QCheckBox* groupBox_ = nullptr;
    QLabel* countLabel_ = nullptr;
    QTimer* filterDelay_ = nullptr;
    QAction* compareAction_ = nullptr;
    QList<QAction*> rowActions_;
    bool watching_ = false;        ///< the first change notice is the watch's baseline
    bool keepPlace_ = false;       ///< the order is read again for a change in the workspace
    QPersistentModelIndex topRow_; ///< the row at the top of the view before the order moved
    int scrollBefore_ = 0;
};

} // namespace trainlab
