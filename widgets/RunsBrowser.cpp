#include "RunsBrowser.h"

#include "RunColumns.h"
#include "RunsTreeModel.h"

#include "store/HistoryReader.h"
#include "store/RunEditor.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QSet>
#include <QSettings>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>
#include <algorithm>

namespace trainlab {

namespace {

constexpr int kFilterDelayMs = 150;
const QString kSettingsGroup = QStringLiteral("runsTable");
const QStringList kDefaultExtraColumns = {QStringLiteral("final:val_accuracy"),
                                          QStringLiteral("final:test_accuracy")};
const QList<int> kDefaultHidden = {RunsTreeModel::Energy};

QStringList sortToSettings(const RunSortKey& key) {
    return {QString::number(int(key.kind)), QString::number(int(key.field)), key.name,
            key.descending ? QStringLiteral("desc") : QStringLiteral("asc")};
}

RunSortKey sortFromSettings(const QStringList& stored) {
    RunSortKey key;
    if (stored.size() != 4)
        return key;
    const int kind = stored[0].toInt();
    const int field = stored[1].toInt();
    if (kind <= int(RunSortKey::Kind::Invalid) || kind > int(RunSortKey::Kind::Best) ||
        field <= int(RunField::Invalid) || field > int(RunField::Cost))
        return key;
    key.kind = RunSortKey::Kind(kind);
    key.field = RunField(field);
    key.name = stored[2];
    key.descending = stored[3] == QLatin1String("desc");
    return key;
}

} // namespace

RunsBrowser::RunsBrowser(const QString& databasePath, HistoryReaderHost* history, QWidget* parent)
    : QWidget(parent)
    , databasePath_(databasePath)
    , history_(history) {
    model_ = new RunsTreeModel(history_, this);
    compareAction_ = new QAction(tr("Compare selected"), this);
    compareAction_->setObjectName(QStringLiteral("compareSelectedAction"));
    compareAction_->setToolTip(tr("Compare the selected runs side by side"));
    connect(compareAction_, &QAction::triggered, this,
            [this] { Q_EMIT compareRequested(selectedRunIds()); });

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(buildFilterBar());
    buildView();
    layout->addWidget(view_, 1);
    restoreSettings();

    connect(model_, &RunsTreeModel::orderLoaded, this, &RunsBrowser::onOrderLoaded);
    connect(model_, &RunsTreeModel::catalogLoaded, this, &RunsBrowser::fillFilterChoices);
    connect(model_, &RunsTreeModel::rowsLoaded, this, &RunsBrowser::updateActions);
    connect(model_, &QAbstractItemModel::layoutAboutToBeChanged, this, [this] {
        scrollBefore_ = view_->verticalScrollBar()->value();
        topRow_ = QPersistentModelIndex(view_->indexAt(QPoint(1, 1)));
    });
    // Runs another process adds or ends, and tags and notes edited anywhere, show within the
    // watch's period; an idle workspace costs one cheap query per period.
    connect(history_->reader(), &HistoryReader::runsChanged, this, &RunsBrowser::onRunsChanged);
    history_->watchRunTable();
}

RunsBrowser::~RunsBrowser() = default;

QWidget* RunsBrowser::buildFilterBar() {
    auto* bar = new QWidget;
    auto* row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    filterEdit_ = new QLineEdit;
    filterEdit_->setObjectName(QStringLiteral("runsFilter"));
    filterEdit_->setPlaceholderText(tr("Filter by name, tag or note"));
    filterEdit_->setClearButtonEnabled(true);
    statusBox_ = new QComboBox;
    statusBox_->setObjectName(QStringLiteral("runsStatusFilter"));
    statusBox_->addItem(tr("Any status"), int(RunStatus::Invalid));
    for (RunStatus status :
         {RunStatus::Queued, RunStatus::Running, RunStatus::Paused, RunStatus::Completed,
          RunStatus::Failed, RunStatus::Cancelled, RunStatus::Pruned, RunStatus::Interrupted})
        statusBox_->addItem(runStatusName(status), int(status));
    sweepBox_ = new QComboBox;
    sweepBox_->setObjectName(QStringLiteral("runsSweepFilter"));
    tagBox_ = new QComboBox;
    tagBox_->setObjectName(QStringLiteral("runsTagFilter"));
    fillFilterChoices();
    groupBox_ = new QCheckBox(tr("Group by sweep"));
    groupBox_->setObjectName(QStringLiteral("runsGroupBySweep"));
    countLabel_ = new QLabel;
    countLabel_->setObjectName(QStringLiteral("runsCount"));
    auto* compare = new QToolButton;
    compare->setObjectName(QStringLiteral("compareSelectedButton"));
    compare->setDefaultAction(compareAction_);
    row->addWidget(filterEdit_, 1);
    row->addWidget(statusBox_);
    row->addWidget(sweepBox_);
    row->addWidget(tagBox_);
    row->addWidget(groupBox_);
    // A sweep view's brush narrows the table to the trials inside it; this says so and undoes it.
    onlyRunsButton_ = new QToolButton;
    onlyRunsButton_->setObjectName(QStringLiteral("runsRestriction"));
    onlyRunsButton_->setToolButtonStyle(Qt::ToolButtonTextOnly);
    onlyRunsButton_->setToolTip(tr("The sweep view's brush keeps only these trials: click to "
                                   "show every run again"));
    onlyRunsButton_->hide();
    connect(onlyRunsButton_, &QToolButton::clicked, this, [this] { restrictToRuns(std::nullopt); });
    row->addWidget(onlyRunsButton_);
    row->addWidget(countLabel_);
    row->addWidget(compare);

    // Typing waits for a pause, so a word is one query, not one per letter.
    filterDelay_ = new QTimer(this);
    filterDelay_->setSingleShot(true);
    filterDelay_->setInterval(kFilterDelayMs);
    connect(filterDelay_, &QTimer::timeout, this, &RunsBrowser::applyFilter);
    connect(filterEdit_, &QLineEdit::textChanged, filterDelay_, qOverload<>(&QTimer::start));
    for (QComboBox* box : {statusBox_, sweepBox_, tagBox_})
        connect(box, &QComboBox::activated, this, &RunsBrowser::applyFilter);
    connect(groupBox_, &QCheckBox::toggled, this, [this](bool grouped) {
        model_->setGrouped(grouped);
        view_->setRootIsDecorated(grouped);
        saveSettings();
    });
    return bar;
}

void RunsBrowser::buildView() {
    view_ = new QTreeView;
    view_->setObjectName(QStringLiteral("runsView"));
    view_->setModel(model_);
    view_->setUniformRowHeights(true); // the view never measures rows: 10,000 cost nothing
    view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view_->setAlternatingRowColors(true);
    view_->setAllColumnsShowFocus(true);
    view_->setWordWrap(false);
    view_->setContextMenuPolicy(Qt::CustomContextMenu);
    QHeaderView* header = view_->header();
    // Interactive widths: sizing to contents would read every row's data.
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionsMovable(false);
    header->setStretchLastSection(true);
    header->setDefaultSectionSize(90);
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(view_, &QWidget::customContextMenuRequested, this, &RunsBrowser::openRowMenu);
    connect(header, &QWidget::customContextMenuRequested, this, &RunsBrowser::openHeaderMenu);
    // Queued: the view's own connection sorts the model first.
    connect(
        header, &QHeaderView::sortIndicatorChanged, this, [this] { saveSettings(); },
        Qt::QueuedConnection);
    connect(view_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                updateActions();
                Q_EMIT currentRunChanged(model_->runIdAt(current));
            });
    connect(view_->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        updateActions();
        Q_EMIT selectionChanged();
    });
    updateActions();
}

void RunsBrowser::restoreSettings() {
    QSettings settings;
    settings.beginGroup(kSettingsGroup);
    model_->setExtraColumns(
        settings.value(QStringLiteral("extraColumns"), kDefaultExtraColumns).toStringList());
    const RunSortKey sort = sortFromSettings(settings.value(QStringLiteral("sort")).toStringList());
    if (sort.kind != RunSortKey::Kind::Invalid)
        model_->setSortKey(sort);
    const bool grouped = settings.value(QStringLiteral("grouped"), true).toBool();
    QList<int> hidden = kDefaultHidden;
    if (settings.contains(QStringLiteral("hiddenColumns"))) {
        hidden.clear();
        for (const QVariant& column : settings.value(QStringLiteral("hiddenColumns")).toList())
            hidden.append(column.toInt());
    }
    settings.endGroup();

    for (int column = 0; column < RunsTreeModel::Count; ++column)
        view_->header()->setSectionHidden(column, hidden.contains(column));
    view_->header()->resizeSection(RunsTreeModel::Name, 200);
    // The indicator first, so enabling sorting asks for the order already asked for.
    const int sortColumn = model_->columnOf(model_->sortKey());
    view_->header()->setSortIndicator(
        sortColumn, model_->sortKey().descending ? Qt::DescendingOrder : Qt::AscendingOrder);
    view_->setSortingEnabled(true);
    const QSignalBlocker blocker(groupBox_);
    groupBox_->setChecked(grouped);
    model_->setGrouped(grouped);
    view_->setRootIsDecorated(grouped);
}

void RunsBrowser::saveSettings() const {
    QSettings settings;
    settings.beginGroup(kSettingsGroup);
    settings.setValue(QStringLiteral("extraColumns"), model_->extraColumns());
    settings.setValue(QStringLiteral("sort"), sortToSettings(model_->sortKey()));
    settings.setValue(QStringLiteral("grouped"), model_->grouped());
    QVariantList hidden;
    for (int column = 0; column < RunsTreeModel::Count; ++column)
        if (view_->header()->isSectionHidden(column))
            hidden.append(column);
    settings.setValue(QStringLiteral("hiddenColumns"), hidden);
    settings.endGroup();
}

void RunsBrowser::toggleExtraColumn(const QString& key, bool shown) {
    QStringList columns = model_->extraColumns();
    if (shown && !columns.contains(key))
        columns.append(key);
    if (!shown)
        columns.removeAll(key);
    model_->setExtraColumns(columns);
    // The indicator follows its column; removing the sort column sorts newest first again.
    if (const int sortColumn = model_->columnOf(model_->sortKey()); sortColumn >= 0)
        view_->header()->setSortIndicator(sortColumn, view_->header()->sortIndicatorOrder());
    else
        view_->sortByColumn(RunsTreeModel::Id, Qt::DescendingOrder);
    saveSettings();
}

void RunsBrowser::applyFilter() {
    filterDelay_->stop();
    RunFilter filter;
    filter.text = filterEdit_->text();
    filter.status = RunStatus(statusBox_->currentData().toInt());
    filter.sweep = sweepBox_->currentData().toLongLong();
    filter.tag = tagBox_->currentData().toString();
    filter.runs = onlyRuns_;
    model_->setFilter(filter);
}

void RunsBrowser::restrictToRuns(const std::optional<QList<qint64>>& runs) {
    if (runs == onlyRuns_)
        return;
    onlyRuns_ = runs;
    onlyRunsButton_->setVisible(bool(runs));
    if (runs)
        onlyRunsButton_->setText(tr("Only %n brushed trial(s) ✕", nullptr, int(runs->size())));
    applyFilter();
    Q_EMIT restrictionChanged(bool(runs));
}

void RunsBrowser::fillFilterChoices() {
    const RunColumnCatalog& catalog = model_->catalog();
    // Rebuilt as the workspace changes, keeping what is chosen.
    const qint64 sweep = sweepBox_->currentData().toLongLong();
    const QSignalBlocker sweepBlocker(sweepBox_);
    sweepBox_->clear();
    sweepBox_->addItem(tr("Any sweep"), qint64(0));
    sweepBox_->addItem(tr("No sweep"), RunFilter::kNoSweep);
    for (const RunTableSweep& s : catalog.sweeps)
        sweepBox_->addItem(s.name.isEmpty() ? tr("sweep %1").arg(s.id)
                                            : tr("sweep %1: %2").arg(s.id).arg(s.name),
                           s.id);
    sweepBox_->setCurrentIndex(std::max(0, sweepBox_->findData(sweep)));
    const QString tag = tagBox_->currentData().toString();
    const QSignalBlocker tagBlocker(tagBox_);
    tagBox_->clear();
    tagBox_->addItem(tr("Any tag"), QString());
    for (const QString& t : catalog.tags)
        tagBox_->addItem(t, t);
    tagBox_->setCurrentIndex(std::max(0, tagBox_->findData(tag)));
}

void RunsBrowser::onRunsChanged() {
    if (!watching_) {
        watching_ = true; // the baseline: the model read the workspace as it was then
        return;
    }
    refresh();
}

void RunsBrowser::refresh() {
    keepPlace_ = true;
    model_->refresh();
}

void RunsBrowser::onOrderLoaded() {
    if (keepPlace_ && scrollBefore_ > 0 && topRow_.isValid())
        view_->scrollTo(topRow_, QAbstractItemView::PositionAtTop);
    else if (!keepPlace_)
        view_->scrollToTop(); // a new sort or filter starts at its top
    keepPlace_ = false;
    topRow_ = QPersistentModelIndex();
    updateCount();
    updateActions();
}

void RunsBrowser::updateCount() {
    const int shown = model_->matchingRuns();
    const qint64 total = model_->totalRuns();
    countLabel_->setText(shown == total ? tr("%n run(s)", nullptr, shown)
                                        : tr("%1 of %2 runs").arg(shown).arg(total));
}

void RunsBrowser::updateActions() {
    compareAction_->setEnabled(selectedRunIds().size() >= 2);
}

QList<qint64> RunsBrowser::selectedRunIds() const {
    // By ranges, not cells: selecting all of 10,000 rows stays cheap.
    QModelIndexList rows;
    for (const QItemSelectionRange& range : view_->selectionModel()->selection())
        for (int row = range.top(); row <= range.bottom(); ++row)
            rows.append(model_->index(row, 0, range.parent()));
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    // In the table's order: by top row, a trial after its sweep's row.
    auto position = [](const QModelIndex& index) {
        return index.parent().isValid() ? std::pair(index.parent().row(), index.row())
                                        : std::pair(index.row(), -1);
    };
    std::sort(rows.begin(), rows.end(), [&](const QModelIndex& a, const QModelIndex& b) {
        return position(a) < position(b);
    });
    QList<qint64> runs;
    QSet<qint64> seen;
    for (const QModelIndex& index : rows)
        for (qint64 id : model_->runIdsUnder(index))
            if (!seen.contains(id)) {
                seen.insert(id);
                runs.append(id);
            }
    return runs;
}

qint64 RunsBrowser::currentRunId() const {
    return model_->runIdAt(view_->currentIndex());
}

const RunRecord* RunsBrowser::currentRun() const {
    const RunTableRow* row = model_->row(currentRunId());
    return row ? &row->run : nullptr;
}

qint64 RunsBrowser::currentSweepId() const {
    return model_->sweepIdAt(view_->currentIndex());
}

bool RunsBrowser::showRunRow(qint64 runId) {
    const QModelIndex index = model_->indexOf(runId);
    if (!index.isValid())
        return false;
    if (index.parent().isValid())
        view_->expand(index.parent());
    const QSignalBlocker blocker(view_->selectionModel());
    view_->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                        QItemSelectionModel::Rows);
    view_->scrollTo(index);
    view_->viewport()->update();
    updateActions();
    return true;
}

void RunsBrowser::addRowActions(const QList<QAction*>& actions) {
    rowActions_ += actions;
}

RunEditorHost* RunsBrowser::editor() {
    if (!editor_) {
        editor_ = std::make_unique<RunEditorHost>(databasePath_);
        RunEditor* worker = editor_->editor();
        auto done = [this](const QString& summary) {
            refresh();
            model_->reloadCatalog();
            Q_EMIT edited(summary);
        };
        connect(worker, &RunEditor::edited, this, done);
        connect(worker, &RunEditor::deleted, this,
                [this, done](const RunDeletion& deletion, const QString& summary) {
                    QList<qint64> ids;
                    for (const DeletedRun& run : deletion.runs)
                        ids.append(run.id);
                    Q_EMIT runsDeleted(ids);
                    done(summary);
                });
        connect(worker, &RunEditor::failed, this, &RunsBrowser::editFailed);
    }
    return editor_.get();
}

} // namespace trainlab
