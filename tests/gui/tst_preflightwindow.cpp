// The pre-flight tools in the real window, as a person uses them: open a spec, choose Run >
// Find learning rate… (or Find batch size…, Tune threads…), wait for the dialog, check that it
// shows what was stored, click its "Use …" button; the experiment then holds what the tool
// found.
// qcustomplot.h uses Qt's `signals` and `foreach` keywords, which tests otherwise turn off.
#undef QT_NO_KEYWORDS
#undef QT_NO_FOREACH

#include "../common/TestSupport.h"

#include "BatchSizeDialog.h"
#include "EstimateDialog.h"
#include "LrFindDialog.h"
#include "MainWindow.h"
#include "SpecDocument.h"
#include "ThreadTuningDialog.h"

#include "base/AllocatorTuning.h"
#include "store/WorkspaceReader.h"

#include <QAction>
#include <QJsonArray>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QtTest>
#include <qcustomplot.h>

using namespace trainlab;

namespace {

const char* kSpirals = R"({"trainlab": 1, "name": "spirals-lr",
    "dataset": {"source": "synthetic", "synthetic": {"kind": "spirals", "samples": 800, "noise": 0.05}},
    "model": {"preset": "mlp"},
    "training": {"epochs": 1, "batch_size": 32, "optimizer": {"type": "adam", "lr": 0.5}},
    "devices": "cpu"})";

// Wide enough that a step's memory grows by megabytes with the batch; batch 128 x 16 steps of
// accumulation ask for an effective batch of 2048, more than the finder lets through.
const char* kWide = R"({"trainlab": 1, "name": "wide-batch",
    "dataset": {"source": "synthetic", "synthetic": {"kind": "spirals", "samples": 3000, "noise": 0.05}},
    "model": {"layers": [{"type": "linear", "out": 512}, {"type": "relu"}, {"type": "linear"}]},
    "training": {"epochs": 1, "batch_size": 128, "grad_accumulation": 16,
                 "optimizer": {"type": "adam", "lr": 0.01}},
    "devices": "cpu"})";

/// Chooses `text` in the menu bar's `menu`, as a click would.
void chooseMenuEntry(MainWindow& window, const QString& menu, QAction* entry) {
    for (QAction* top : window.menuBar()->actions())
        if (top->text().remove(QLatin1Char('&')) == menu) {
            QVERIFY(top->menu()->actions().contains(entry));
            QVERIFY(entry->isEnabled());
            entry->trigger();
            return;
        }
    QFAIL(qPrintable(QStringLiteral("no menu ") + menu));
}

/// Opens `specJson` (written to `dir`) in a shown window on `db`; TRAINLAB_PREFLIGHT_SPEC names
/// another spec file instead (the README's pictures are of Fashion-MNIST).
void openSpec(MainWindow& window, const QTemporaryDir& dir, const char* specJson) {
    QString spec = qEnvironmentVariable("TRAINLAB_PREFLIGHT_SPEC");
    if (spec.isEmpty()) {
        spec = dir.filePath(QStringLiteral("spec.json"));
        test::writeFile(spec, specJson);
    }
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.openSpecDocument(spec));
}

} // namespace

class TestPreflightWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // The allocator as the window's main() sets it: the probes' speed and memory are then the
    // app's (a README picture is taken here).
    void initTestCase() { keepFreedMemoryForReuse(); }

    void theSuggestedRateGoesToTheTrainingPage() {
        QTemporaryDir dir;
        QString spec = qEnvironmentVariable("TRAINLAB_LRFIND_SPEC");
        if (spec.isEmpty()) {
            spec = dir.filePath(QStringLiteral("spirals-lr.json"));
            test::writeFile(spec, kSpirals);
        }
        const QString db = dir.filePath(QStringLiteral("lr.db"));
        MainWindow window(db);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openSpecDocument(spec));
        chooseMenuEntry(window, QStringLiteral("Run"), window.lrFindAction());
        LrFindDialog* dialog = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((dialog = window.findChild<LrFindDialog*>()) != nullptr, 120000);
        QTRY_VERIFY(dialog->isVisible());
        // What the dialog draws is what was stored.
        const auto stored = WorkspaceReader(db).preflightResults(QStringLiteral("lr_find"));
        QCOMPARE(int(stored.size()), 1);
        const double suggested =
            stored.front().result.value(QStringLiteral("suggested_lr")).toDouble();
        QVERIFY(suggested > 0);
        QCOMPARE(*dialog->suggestedLr(), suggested);
        // Drawn up to the first step whose loss was not finite (stored as null), if any.
        const QJsonArray losses = stored.front().result.value(QStringLiteral("loss")).toArray();
        const QJsonArray smoothed =
            stored.front().result.value(QStringLiteral("smoothed_loss")).toArray();
        int finite = 0;
        while (finite < losses.size() && losses[finite].isDouble() && smoothed[finite].isDouble())
            ++finite;
        QVERIFY(finite >= 10);
        QCOMPARE(dialog->plot()->graph(1)->data()->size(), finite);
        QVERIFY2(dialog->summary().contains(QStringLiteral("Suggested learning rate")),
                 qPrintable(dialog->summary()));
        // The README's picture: TRAINLAB_LRFIND_SHOT=PNG (with TRAINLAB_LRFIND_SPEC, a spec).
        if (const QString shot = qEnvironmentVariable("TRAINLAB_LRFIND_SHOT"); !shot.isEmpty()) {
            QTest::qWait(300);
            QVERIFY(dialog->grab().save(shot));
        }
        QTest::mouseClick(dialog->useButton(), Qt::LeftButton);
        QCOMPARE(window.specDocument()->value(QStringLiteral("training.optimizer.lr")).toDouble(),
                 suggested);
    }

    void theBatchAndAccumulationFoundGoToTheTrainingPage() {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("batch.db"));
        MainWindow window(db);
        openSpec(window, dir, kWide);
        chooseMenuEntry(window, QStringLiteral("Run"), window.batchFindAction());
        BatchSizeDialog* dialog = nullptr;
        // Minutes for a spec of Fashion-MNIST's cnn2 (a README picture), seconds for this one's.
        QTRY_VERIFY_WITH_TIMEOUT((dialog = window.findChild<BatchSizeDialog*>()) != nullptr,
                                 280000);
        QTRY_VERIFY(dialog->isVisible());
        const auto stored = WorkspaceReader(db).preflightResults(QStringLiteral("batch_size"));
        QCOMPARE(int(stored.size()), 1);
        const QJsonObject result = stored.front().result;
        const int micro = result.value(QStringLiteral("micro_batch")).toInt();
        const int steps = result.value(QStringLiteral("accumulation")).toInt();
        QVERIFY(micro > 0);
        const int target = result.value(QStringLiteral("target_batch")).toInt();
        QVERIFY(micro * steps >= target);
        if (qEnvironmentVariableIsEmpty("TRAINLAB_PREFLIGHT_SPEC"))
            QCOMPARE(micro * steps, 2048); // the spec's 128 x 16, split exactly
        QCOMPARE(dialog->microBatch(), micro);
        QCOMPARE(dialog->accumulation(), steps);
        // A bar per batch size tried, and the summary names the largest that fits.
        const int probes = int(result.value(QStringLiteral("probes")).toArray().size());
        QVERIFY(probes >= 2);
        QCOMPARE(dialog->plot()->plottableCount(), probes + 1); // bars and the memory line
        const QString largest =
            QString::number(result.value(QStringLiteral("largest_batch")).toInt());
        QVERIFY2(dialog->summary().contains(QStringLiteral("<b>%1</b>").arg(largest)),
                 qPrintable(dialog->summary()));
        if (const QString shot = qEnvironmentVariable("TRAINLAB_BATCHFIND_SHOT"); !shot.isEmpty()) {
            QTest::qWait(300);
            QVERIFY(dialog->grab().save(shot));
        }
        QTest::mouseClick(dialog->useButton(), Qt::LeftButton);
        QCOMPARE(window.specDocument()->value(QStringLiteral("training.batch_size")).toInt(),
                 micro);
        QCOMPARE(window.specDocument()->value(QStringLiteral("training.grad_accumulation")).toInt(),
                 steps);
    }

    void theEstimateIsShownBeforeTheRunStarts() {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("estimate.db"));
        MainWindow window(db);
        openSpec(window, dir, kSpirals);
        chooseMenuEntry(window, QStringLiteral("Run"), window.estimateAction());
        EstimateDialog* dialog = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((dialog = window.findChild<EstimateDialog*>()) != nullptr, 120000);
        QTRY_VERIFY(dialog->isVisible());
        const auto stored = WorkspaceReader(db).preflightResults(QStringLiteral("estimate"));
        QCOMPARE(int(stored.size()), 1);
        QCOMPARE(dialog->plot()->plottableCount(), 4); // read, train, evaluate, checkpoints
        QVERIFY2(dialog->summary().contains(QStringLiteral("One run:")),
                 qPrintable(dialog->summary()));
        if (const QString shot = qEnvironmentVariable("TRAINLAB_ESTIMATE_SHOT"); !shot.isEmpty()) {
            QTest::qWait(300);
            QVERIFY(dialog->grab().save(shot));
        }
        if (!qEnvironmentVariableIsEmpty("TRAINLAB_PREFLIGHT_SPEC"))
            return; // a picture of someone's spec: not the run it would start
        QVERIFY(WorkspaceReader(db).runLines(QStringLiteral("val_accuracy")).empty());
        // "Start the run" starts the experiment it estimated.
        QCOMPARE(dialog->useButton()->text(), QStringLiteral("Start the run"));
        QTest::mouseClick(dialog->useButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(
            int(WorkspaceReader(db).runLines(QStringLiteral("val_accuracy")).size()), 1, 60000);
    }

    void theFastestThreadSplitGoesToTheSpec() {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("threads.db"));
        MainWindow window(db);
        openSpec(window, dir, kSpirals);
        chooseMenuEntry(window, QStringLiteral("Run"), window.tuneThreadsAction());
        ThreadTuningDialog* dialog = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((dialog = window.findChild<ThreadTuningDialog*>()) != nullptr,
                                 120000);
        QTRY_VERIFY(dialog->isVisible());
        const auto stored = WorkspaceReader(db).preflightResults(QStringLiteral("threads"));
        QCOMPARE(int(stored.size()), 1);
        const QJsonObject result = stored.front().result;
        const int threads = result.value(QStringLiteral("training_threads")).toInt();
        const int workers = result.value(QStringLiteral("loader_workers")).toInt();
        QVERIFY(threads >= 1 && threads <= result.value(QStringLiteral("cores")).toInt());
        QCOMPARE(dialog->threads(), threads);
        QCOMPARE(dialog->plot()->plottableCount(),
                 int(result.value(QStringLiteral("splits")).toArray().size()));
        if (const QString shot = qEnvironmentVariable("TRAINLAB_THREADS_SHOT"); !shot.isEmpty()) {
            QTest::qWait(300);
            QVERIFY(dialog->grab().save(shot));
        }
        QTest::mouseClick(dialog->useButton(), Qt::LeftButton);
        QCOMPARE(window.specDocument()->value(QStringLiteral("training.threads")).toInt(), threads);
        QCOMPARE(window.specDocument()->value(QStringLiteral("dataset.loader.workers")).toInt(),
                 workers);
    }
};

QTEST_MAIN(TestPreflightWindow)
#include "tst_preflightwindow.moc"
