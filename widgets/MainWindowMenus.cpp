// The main window's menu bar: every toolbar action, plus workspace, view and help entries.
#include "AboutDialog.h"
#include "MainWindow.h"

#include <QAction>
#include <QApplication>
#include <QMenuBar>
#include <QTabWidget>

namespace trainlab {

namespace {

int tabNamed(const QTabWidget* tabs, const QString& name) {
    for (int page = 0; page < tabs->count(); ++page)
        // "sweep-results" names the "Sweep results" tab on a command line.
        if (tabs->tabText(page)
                .remove(QLatin1Char('&'))
                .compare(QString(name).replace(QLatin1Char('-'), QLatin1Char(' ')),
                         Qt::CaseInsensitive) == 0)
            return page;
    return -1;
}

} // namespace

bool MainWindow::showPage(const QString& name) {
    if (const int page = tabNamed(tabs_, name); page >= 0) {
        tabs_->setCurrentIndex(page);
        return true;
    }
    // The run views (Curves, System, Evaluation, Compare, Sweep results) are pages of the Runs
    // page.
    if (const int view = tabNamed(runViews_, name); view >= 0) {
        tabs_->setCurrentIndex(0); // the Runs page
        runViews_->setCurrentIndex(view);
        return true;
    }
    return false;
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(newSpecAction_);
    file->addAction(openSpecAction_);
    file->addMenu(recentSpecsMenu_);
    file->addAction(saveSpecAction_);
    file->addAction(saveSpecAsAction_);
    file->addSeparator();
    file->addAction(openAction_);
    file->addAction(quickstartAction_);
    file->addSeparator();
    QAction* workspace =
        file->addAction(tr("Open &workspace…"), this, [this] { chooseWorkspace(); });
    workspace->setObjectName(QStringLiteral("openWorkspaceAction"));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* run = menuBar()->addMenu(tr("&Run"));
    run->addAction(startSpecAction_);
    run->addSeparator();
    for (QAction* action : {pauseAction_, cancelAction_, resumeAction_, editRunAction_,
                            moreTrialsAction_, removeAction_, moveUpAction_})
        run->addAction(action);
    run->addSeparator();
    run->addAction(compareAction_);
    run->addAction(lrFindAction_);
    run->addAction(batchFindAction_);
    run->addAction(tuneThreadsAction_);
    run->addAction(estimateAction_);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (int page = 0; page < tabs_->count(); ++page) {
        QAction* show = view->addAction(tabs_->tabText(page), this,
                                        [this, page] { tabs_->setCurrentIndex(page); });
        show->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + page)));
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* about =
        help->addAction(tr("&About TrainLab"), this, [this] { openAboutDialog(this); });
    about->setObjectName(QStringLiteral("aboutAction"));
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

} // namespace trainlab
