// The window's file dialogs list the workspace's folder without opening the workspace file.
// Opening and closing it through another descriptor would silently drop SQLite's locks for the
// whole process (DESIGN.md, Storage; STYLE.md rule 16). An inotify watch on the database file
// counts every open while a dialog shows its folder in both views.
#include "../common/TestSupport.h"

#include "DatasetPage.h"
#include "MainWindow.h"

#include "store/WorkspaceReader.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileSystemModel>
#include <QLineEdit>
#include <QPushButton>
#include <QtTest>
#include <sys/inotify.h>
#include <unistd.h>

using namespace trainlab;

namespace {

/// Counts opens of one file from the moment it is constructed.
class OpenCounter {
public:
    explicit OpenCounter(const QString& path)
        : fd_(inotify_init1(IN_NONBLOCK)) {
        watch_ = inotify_add_watch(fd_, path.toUtf8().constData(), IN_OPEN);
    }
    ~OpenCounter() { ::close(fd_); }
    bool valid() const { return fd_ >= 0 && watch_ >= 0; }
    int opens() {
        alignas(inotify_event) char buffer[4096];
        ssize_t n = 0;
        while ((n = ::read(fd_, buffer, sizeof buffer)) > 0) {
            for (char* p = buffer; p < buffer + n;) {
                const auto* event = reinterpret_cast<const inotify_event*>(p);
                if (event->mask & IN_OPEN)
                    ++opens_;
                p += sizeof(inotify_event) + event->len;
            }
        }
        return opens_;
    }

private:
    int fd_ = -1;
    int watch_ = -1;
    int opens_ = 0;
};

/// Shows the dialog's listing in the list and the detail view (types, sizes, icons) and lets
/// Qt's background file-info gatherer finish.
void browseLikeAPerson(QFileDialog* dialog) {
    QVERIFY(QTest::qWaitForWindowExposed(dialog));
    auto* model = dialog->findChild<QFileSystemModel*>();
    QVERIFY(model);
    QTRY_VERIFY(model->rowCount(model->index(dialog->directory().absolutePath())) > 0);
    dialog->setViewMode(QFileDialog::Detail);
    QTest::qWait(600);
    dialog->setViewMode(QFileDialog::List);
    QTest::qWait(300);
}

} // namespace

class TestWorkspaceFileDialogs : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        db_ = dir_->filePath(QStringLiteral("workspace.db"));
        prepareWorkspace(db_);
        test::writeFile(dir_->filePath(QStringLiteral("spec.json")), "{}");
    }

    void theCounterSeesAnOpen() {
        // The detector itself: an ordinary open of the file is counted.
        OpenCounter counter(db_);
        QVERIFY(counter.valid());
        QFile file(db_);
        QVERIFY(file.open(QIODevice::ReadOnly));
        file.close();
        QCOMPARE(counter.opens(), 1);
    }

    void runSpecDialogDoesNotOpenTheWorkspace() {
        MainWindow window(db_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTest::qWait(300); // the window's own SQLite connections are open by now
        OpenCounter counter(db_);
        QVERIFY(counter.valid());
        QFileDialog* dialog = window.chooseSpecFile(dir_->path());
        QVERIFY(dialog->testOption(QFileDialog::DontUseNativeDialog));
        dialog->setNameFilter(QStringLiteral("All files (*)")); // list the .db file too
        browseLikeAPerson(dialog);
        dialog->reject();
        QCOMPARE(counter.opens(), 0);
    }

    void datasetBrowseDialogDoesNotOpenTheWorkspace() {
        DatasetPage page;
        page.show();
        auto* source = page.findChild<QComboBox*>(QStringLiteral("sourceCombo"));
        QVERIFY(source);
        source->setCurrentIndex(source->findData(QStringLiteral("csv")));
        OpenCounter counter(db_);
        auto* browse = page.findChild<QPushButton*>(QStringLiteral("browseButton"));
        QVERIFY(browse);
        page.findChild<QLineEdit*>(QStringLiteral("pathEdit"))->setText(dir_->path());
        browse->click();
        auto* dialog = page.findChild<QFileDialog*>();
        QVERIFY(dialog);
        dialog->setNameFilter(QStringLiteral("All files (*)"));
        browseLikeAPerson(dialog);
        dialog->reject();
        QCOMPARE(counter.opens(), 0);
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString db_;
};

QTEST_MAIN(TestWorkspaceFileDialogs)
#include "tst_workspacefiledialogs.moc"
