// The window's house: an empty workspace says what to do first, the menu bar reaches every
// action and the About box, another workspace opens in its own window, and `trainlab --help`
// prints the window's own usage even without a display.
#include "../common/TestSupport.h"

#include "MainWindow.h"
#include "RunsTreeModel.h"

#include "store/WorkspaceReader.h"

#include <QAction>
#include <QApplication>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProcess>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>
#include <QtTest>

using namespace trainlab;

namespace {

// Opens menu `title` on the menu bar and clicks its entry `text`, as a person does.
void clickMenuEntry(QMainWindow& window, const QString& title, const QString& text) {
    QMenuBar* bar = window.menuBar();
    QMenu* menu = nullptr;
    for (QAction* action : bar->actions())
        if (action->text().remove(QLatin1Char('&')) == title)
            menu = action->menu();
    QVERIFY2(menu, qPrintable(title));
    QTest::mouseClick(bar, Qt::LeftButton, {}, bar->actionGeometry(menu->menuAction()).center());
    QTRY_VERIFY(menu->isVisible());
    for (QAction* action : menu->actions())
        if (action->text().remove(QLatin1Char('&')) == text) {
            QTest::mouseClick(menu, Qt::LeftButton, {}, menu->actionGeometry(action).center());
            return;
        }
    QFAIL(qPrintable(text));
}

} // namespace

class TestWindowHouse : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        db_ = dir_->filePath(QStringLiteral("house.db"));
        prepareWorkspace(db_);
    }

    void emptyWorkspaceSaysWhatToDoFirst() {
        MainWindow window(db_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* hint = window.findChild<QLabel*>(QStringLiteral("emptyWorkspaceHint"));
        QVERIFY(hint);
        QTRY_VERIFY(hint->isVisible());
        QVERIFY(hint->text().contains(QStringLiteral("Run quickstart")));
        auto* runs = window.findChild<QTreeView*>(QStringLiteral("runsView"));
        QVERIFY(!runs->isVisible());
        // The workspace, then the experiment on the editing pages; Qt adds "— TrainLab".
        QCOMPARE(window.windowTitle(), QStringLiteral("house.db — untitled experiment[*]"));

        clickMenuEntry(window, QStringLiteral("File"), QStringLiteral("Run quickstart"));
        QTRY_VERIFY_WITH_TIMEOUT(window.runsModel()->rowCount() == 1, 30000);
        QTRY_VERIFY(runs->isVisible());
        QVERIFY(!hint->isVisible());
        clickMenuEntry(window, QStringLiteral("Run"), QStringLiteral("Stop"));
        QTRY_VERIFY_WITH_TIMEOUT(
            window.runsModel()->index(0, RunsTreeModel::Status).data().toString() !=
                QStringLiteral("running"),
            30000);
    }

    void pagesOpenByNameAndFromTheViewMenu() {
        MainWindow window(db_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.showPage(QStringLiteral("training")));
        QCOMPARE(window.tabs()->tabText(window.tabs()->currentIndex()), QStringLiteral("Training"));
        QVERIFY(!window.showPage(QStringLiteral("nonsense")));
        // The run views are pages of the Runs page.
        QVERIFY(window.showPage(QStringLiteral("system")));
        QCOMPARE(window.tabs()->currentIndex(), 0);
        auto* views = window.findChild<QTabWidget*>(QStringLiteral("runViews"));
        QCOMPARE(views->tabText(views->currentIndex()), QStringLiteral("System"));
        clickMenuEntry(window, QStringLiteral("View"), QStringLiteral("Spec"));
        QTRY_COMPARE(window.tabs()->tabText(window.tabs()->currentIndex()), QStringLiteral("Spec"));
    }

    void aboutNamesTheVersions() {
        MainWindow window(db_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        clickMenuEntry(window, QStringLiteral("Help"), QStringLiteral("About TrainLab"));
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = window.findChild<QMessageBox*>(QStringLiteral("aboutDialog"))));
        for (const char* part : {"TrainLab 0.", "Qt", "LibTorch", "1.13", "SQLite", "3."})
            QVERIFY2(box->text().contains(QLatin1String(part)), part);
        box->close();
    }

    void anotherWorkspaceOpensInItsOwnWindow() {
        MainWindow window(db_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QFileDialog* dialog = window.chooseWorkspace(dir_->path());
        QTRY_VERIFY(dialog->isVisible());
        auto* name = dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
        QVERIFY(name);
        QTest::keyClicks(name, QStringLiteral("second"));
        QTest::keyClick(name, Qt::Key_Return);
        MainWindow* second = nullptr;
        QTRY_VERIFY([&] {
            for (QWidget* top : QApplication::topLevelWidgets())
                if (auto* w = qobject_cast<MainWindow*>(top);
                    w && w != &window && w->windowTitle().startsWith(QLatin1String("second.db")))
                    second = w;
            return second != nullptr;
        }());
        QVERIFY(QFileInfo::exists(dir_->filePath(QStringLiteral("second.db"))));
        second->close(); // deletes itself

        // A file that is not a workspace is named in a dialog, and no window opens.
        const QString notes = dir_->filePath(QStringLiteral("notes.db"));
        test::writeFile(notes, QByteArray(4096, 'x'));
        QVERIFY(window.openWorkspace(notes) == nullptr);
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = window.findChild<QMessageBox*>(QStringLiteral("errorDialog"))));
        QVERIFY2(box->text().contains(notes), qPrintable(box->text()));
        QCOMPARE(test::readFile(notes), QByteArray(4096, 'x'));
    }

    void helpWithoutADisplayPrintsTheWindowsUsage() {
        QProcess gui;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
            env.remove(QString::fromLatin1(name));
        gui.setProcessEnvironment(env);
        gui.start(QStringLiteral(TRAINLAB_GUI_PATH), {QStringLiteral("--help")});
        QVERIFY(gui.waitForFinished(30000));
        const QString out = QString::fromUtf8(gui.readAllStandardOutput());
        QCOMPARE(gui.exitCode(), 0);
        QVERIFY2(out.contains(QStringLiteral("--run <spec>")), qPrintable(out));
        QVERIFY(out.contains(QStringLiteral("--dataset <spec>")));
        QVERIFY(!out.contains(QStringLiteral("trainlab-cli COMMAND")));
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString db_;
};

QTEST_MAIN(TestWindowHouse)
#include "tst_windowhouse.moc"
