// The main window's Compare tab: the runs selected in the runs list, side by side.
#include "CompareView.h"
#include "MainWindow.h"
#include "RunsBrowser.h"

#include "store/HistoryReader.h"

#include <QAction>
#include <QTabWidget>

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
    connect(runsBrowser_, &RunsBrowser::selectionChanged, this,
            [this] { compareAction_->setEnabled(selectedRunIds().size() >= 2); });
}

void MainWindow::compareRuns(const QList<qint64>& runs) {
    compareView_->setRuns(runs);
    tabs_->setCurrentIndex(0); // the Runs page
    runViews_->setCurrentWidget(compareView_);
}

} // namespace trainlab
