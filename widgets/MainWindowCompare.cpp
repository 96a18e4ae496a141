// The main window's Compare tab: the runs selected in the runs list, side by side.
#include "CompareView.h"
#include "MainWindow.h"
#include "RunsTableModel.h"

#include "store/HistoryReader.h"

#include <QAction>
#include <QItemSelectionModel>
#include <QTabWidget>
#include <QTableView>
#include <algorithm>

namespace trainlab {

void MainWindow::buildCompareView() {
    compareView_ = new CompareView(history_.get(), databasePath_);
    compareView_->setObjectName(QStringLiteral("compareView"));
    runViews_->addTab(compareView_, tr("Compare"));
    compareAction_ = new QAction(tr("&Compare…"), this);
    compareAction_->setObjectName(QStringLiteral("compareAction"));
    compareAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    compareAction_->setToolTip(tr("Show the runs selected in the list side by side (select "
                                  "several with Ctrl or Shift)"));
    compareAction_->setEnabled(false);
    connect(compareAction_, &QAction::triggered, this, [this] { compareRuns(selectedRunIds()); });
    connect(runsView_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { compareAction_->setEnabled(selectedRunIds().size() >= 2); });
    // A list refresh resets the model, and with it the selection.
    connect(runsView_->model(), &QAbstractItemModel::modelReset, this,
            [this] { compareAction_->setEnabled(selectedRunIds().size() >= 2); });
}

QList<qint64> MainWindow::selectedRunIds() const {
    QList<int> rows;
    for (const QModelIndex& index : runsView_->selectionModel()->selectedRows())
        rows.append(index.row());
    std::sort(rows.begin(), rows.end());
    QList<qint64> ids;
    for (const int row : rows)
        if (const qint64 id = runsModel_->runIdAt(row); id > 0)
            ids.append(id);
    return ids;
}

void MainWindow::compareRuns(const QList<qint64>& runs) {
    compareView_->setRuns(runs);
    tabs_->setCurrentIndex(0); // the Runs page
    runViews_->setCurrentWidget(compareView_);
}

} // namespace trainlab
