// Run > Find learning rate… in the real window, as a person uses it: open a spec, choose the
// menu entry, wait for the curve, click "Use … as the learning rate"; the Training page's
// learning rate is then the stored suggestion. A sweep spec is refused with a message.
// qcustomplot.h uses Qt's `signals` and `foreach` keywords, which tests otherwise turn off.
#undef QT_NO_KEYWORDS
#undef QT_NO_FOREACH

#include "../common/TestSupport.h"

#include "LrFindDialog.h"
#include "MainWindow.h"
#include "SpecDocument.h"

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

} // namespace

class TestLrFindWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
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
};

QTEST_MAIN(TestLrFindWindow)
#include "tst_lrfindwindow.moc"
