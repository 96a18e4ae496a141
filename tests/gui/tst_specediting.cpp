// Editing an experiment without writing a file: the spec document every page shares, its JSON
// view kept in sync both ways, open / save / recent, the unsaved draft kept between sessions,
// and the Run button queueing exactly what the pages show.
#include "../common/GuiTestSupport.h"
#include "../common/TestSupport.h"

#include "DatasetPage.h"
#include "MainWindow.h"
#include "RunsTreeModel.h"
#include "SpecDocument.h"
#include "SpecJsonPage.h"

#include "base/Errors.h"
#include "jobs/Backend.h"
#include "store/WorkspaceReader.h"

#include <QDoubleSpinBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>
#include <QtTest>

using namespace trainlab;

class TestSpecEditing : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        QSettings().clear();
        dir_ = std::make_unique<QTemporaryDir>();
        db_ = dir_->filePath(QStringLiteral("edit.db"));
        prepareWorkspace(db_);
    }

    void documentEditsByPathAndValidatesWithCore() {
        SpecDocument doc;
        QVERIFY(doc.problems().isEmpty());
        QVERIFY(!doc.isModified());
        QSignalSpy changed(&doc, &SpecDocument::changed);
        doc.setValue(QStringLiteral("training.optimizer.lr"), -1.0, this);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().first().value<QObject*>(), this);
        QVERIFY(doc.isModified());
        QCOMPARE(doc.value(QStringLiteral("training.optimizer.lr")).toDouble(), -1.0);
        const QStringList problems = doc.problems();
        QVERIFY2(problems.size() == 1 &&
                     problems.first().contains(QStringLiteral("training.optimizer.lr")),
                 qPrintable(problems.join(QLatin1Char('\n'))));
        // Removing a field brings back its default; removing an array element shortens it.
        doc.setValue(QStringLiteral("training.optimizer.lr"), QJsonValue(QJsonValue::Undefined));
        QVERIFY(doc.value(QStringLiteral("training.optimizer.lr")).isUndefined());
        QVERIFY(doc.problems().isEmpty());
        const qsizetype layers = doc.value(QStringLiteral("model.layers")).toArray().size();
        doc.setValue(QStringLiteral("model.layers[1]"), QJsonValue(QJsonValue::Undefined));
        QCOMPARE(doc.value(QStringLiteral("model.layers")).toArray().size(), layers - 1);
        QVERIFY_THROWS_EXCEPTION(InputError,
                                 doc.setValue(QStringLiteral("model.layers[40].out"), 3));
        // A sweep block makes it a sweep, checked as the CLI's `sweep` checks it.
        doc.setValue(QStringLiteral("sweep"),
                     QJsonObject{{QStringLiteral("strategy"), QStringLiteral("nonsense")}});
        QVERIFY(doc.isSweep());
        QVERIFY(doc.problems().join(QLatin1Char(' ')).contains(QStringLiteral("sweep")));
    }

    void openAndSaveKeepTheFileAndRefuseBadOnes() {
        SpecDocument doc;
        const QString path = dir_->filePath(QStringLiteral("mine.json"));
        doc.setValue(QStringLiteral("training.epochs"), 3);
        doc.save(path);
        QVERIFY(!doc.isModified());
        QCOMPARE(doc.filePath(), path);
        SpecDocument other;
        other.open(path);
        QCOMPARE(other.json(), doc.json());

        const QString broken = dir_->filePath(QStringLiteral("broken.json"));
        test::writeFile(broken, "{\"trainlab\": 1, ");
        try {
            other.open(broken);
            QFAIL("a malformed file opened");
        } catch (const InputError& e) {
            QVERIFY2(e.message().contains(broken), qPrintable(e.message()));
        }
        QCOMPARE(other.json(), doc.json()); // unchanged
        QCOMPARE(other.filePath(), path);
    }

    void jsonViewFollowsThePagesAndThePagesFollowTheText() {
        SpecDocument doc;
        SpecJsonPage page(&doc);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        doc.setValue(QStringLiteral("training.epochs"), 7);
        QVERIFY(page.editor()->toPlainText().contains(QStringLiteral("\"epochs\": 7")));

        // Typing (on one line: QTest types no newlines): the document takes the text once it
        // parses.
        QString text = QString::fromUtf8(QJsonDocument(doc.json()).toJson(QJsonDocument::Compact));
        text.replace(QStringLiteral("\"epochs\":7"), QStringLiteral("\"epochs\":12"));
        page.editor()->selectAll();
        QTest::keyClicks(page.editor(), text);
        QTRY_COMPARE(doc.value(QStringLiteral("training.epochs")).toInt(), 12);
        QCOMPARE(page.problemsLabel()->text(), QStringLiteral("The spec is ready to run."));

        // Broken JSON: said so, and the pages keep the last valid spec.
        QTest::keyClick(page.editor(), Qt::Key_End, Qt::ControlModifier);
        QTest::keyClicks(page.editor(), QStringLiteral(",,"));
        page.applyText();
        QVERIFY2(page.problemsLabel()->text().contains(QStringLiteral("Not valid JSON")),
                 qPrintable(page.problemsLabel()->text()));
        QCOMPARE(doc.value(QStringLiteral("training.epochs")).toInt(), 12);

        // Valid JSON, impossible value: core's message with the path.
        doc.setValue(QStringLiteral("training.batch_size"), 0);
        QVERIFY2(page.problemsLabel()->text().contains(QStringLiteral("training.batch_size")),
                 qPrintable(page.problemsLabel()->text()));
    }

    void runButtonQueuesWhatThePagesShow() {
        MainWindow window(db_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* page = window.findChild<SpecJsonPage*>();
        QVERIFY(page);
        window.tabs()->setCurrentWidget(page);
        QString text = QString::fromUtf8(
            QJsonDocument(window.specDocument()->json()).toJson(QJsonDocument::Compact));
        text.replace(QStringLiteral("\"epochs\":20"), QStringLiteral("\"epochs\":2"));
        text.replace(QStringLiteral("\"spirals-mlp\""), QStringLiteral("\"edited-in-window\""));
        page->editor()->selectAll();
        QTest::keyClicks(page->editor(), text);
        QTRY_COMPARE(window.specDocument()->value(QStringLiteral("training.epochs")).toInt(), 2);
        QVERIFY(window.isWindowModified());

        auto* run = window.findChild<QAction*>(QStringLiteral("startSpecAction"));
        test::clickToolButton(window, run);
        QTRY_VERIFY_WITH_TIMEOUT(window.runsModel()->rowCount() == 1, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(
            window.runsModel()->index(0, RunsTreeModel::Status).data().toString() ==
                QStringLiteral("completed"),
            60000);
        WorkspaceReader reader(db_);
        const std::vector<RunRecord> runs = reader.runs();
        QCOMPARE(runs.size(), size_t(1));
        QCOMPARE(runs.front().name, QStringLiteral("edited-in-window"));
        const QJsonObject stored = QJsonDocument::fromJson(runs.front().spec.toUtf8()).object();
        QCOMPARE(stored[QStringLiteral("training")][QStringLiteral("epochs")].toInt(), 2);

        // Run again with changes: the run's spec comes back to the pages, renamed.
        window.findChild<QTreeView*>(QStringLiteral("runsView"))
            ->setCurrentIndex(window.runsModel()->index(0, 0));
        window.findChild<QAction*>(QStringLiteral("editRunAction"))->trigger();
        QCOMPARE(window.specDocument()->value(QStringLiteral("name")).toString(),
                 QStringLiteral("edited-in-window-again"));
        QCOMPARE(window.tabs()->currentWidget(), page);

        // An impossible setting is refused with the field named; nothing is queued.
        window.specDocument()->setValue(QStringLiteral("training.epochs"), -4);
        test::clickToolButton(window, run);
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = window.findChild<QMessageBox*>(QStringLiteral("errorDialog"))));
        QVERIFY2(box->text().contains(QStringLiteral("training.epochs")), qPrintable(box->text()));
        QCOMPARE(window.backend()->jobs().size(), qsizetype(1));
    }

    void datasetPageEditsTheExperimentsDataset() {
        MainWindow window(db_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        SpecDocument* doc = window.specDocument();
        // A field the form does not show survives the form's edits.
        doc->setValue(QStringLiteral("dataset.max_train_samples"), 900);
        doc->setValue(QStringLiteral("dataset.validation_split"), 0.25);
        DatasetPage* page = window.datasetPage();
        window.tabs()->setCurrentWidget(page);
        auto* split = page->findChild<QDoubleSpinBox*>(QStringLiteral("validationSplit"));
        QVERIFY(split);
        QCOMPARE(split->value(), 0.25);
        auto* samples = page->findChild<QSpinBox*>(QStringLiteral("syntheticSamples"));
        QVERIFY(samples && samples->isVisible());
        samples->selectAll();
        QTest::keyClicks(samples, QStringLiteral("1200"));
        QCOMPARE(doc->value(QStringLiteral("dataset.synthetic.samples")).toInt(), 1200);
        QCOMPARE(doc->value(QStringLiteral("dataset.max_train_samples")).toInt(), 900);
        QCOMPARE(doc->value(QStringLiteral("dataset.validation_split")).toDouble(), 0.25);
        QVERIFY2(doc->problems().isEmpty(), qPrintable(doc->problems().join(QLatin1Char('\n'))));
    }

    void recentSpecsAndTheDraftSurviveTheSession() {
        const QString saved = dir_->filePath(QStringLiteral("saved.json"));
        {
            MainWindow window(db_);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QVERIFY(window.saveSpecDocument(saved));
            QCOMPARE(window.recentSpecs(), QStringList{saved});
            QVERIFY(window.openSpecDocument(test::quickstartSpec()));
            QCOMPARE(window.recentSpecs().first(), test::quickstartSpec());
            window.specDocument()->setValue(QStringLiteral("training.epochs"), 9);
            window.close(); // unsaved: kept as a draft, not asked about
        }
        MainWindow again(db_);
        QCOMPARE(again.specDocument()->value(QStringLiteral("training.epochs")).toInt(), 9);
        QVERIFY(again.specDocument()->isModified());
        QCOMPARE(again.specDocument()->filePath(), test::quickstartSpec());
        QCOMPARE(again.recentSpecs().size(), 2);
        QVERIFY(again.windowTitle().contains(QStringLiteral("quickstart.json")));
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString db_;
};

QTEST_MAIN(TestSpecEditing)
#include "tst_specediting.moc"
