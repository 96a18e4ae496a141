// The model designer, driven as a person drives it: layers added from the palette by clicking,
// fields typed into, rows dragged into a new order, removed, duplicated, a preset as the start;
// the spec's JSON and core's verdict checked after each step, and a layer that does not fit
// its input marked at that layer with core's own message.
#include "../common/TestSupport.h"

#include "LayerFieldForm.h"
#include "LayerListModel.h"
#include "ModelPage.h"
#include "ModelSummaryModel.h"
#include "SpecDocument.h"

#include "base/Errors.h"
#include "model/ModelAnalysis.h"
#include "model/ModelPresets.h"
#include "spec/SpecJson.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QJsonArray>
#include <QLabel>
#include <QListView>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTimer>
#include <QTreeWidget>
#include <QtTest>

using namespace trainlab;

namespace {

QJsonObject layer(const char* type, QJsonObject fields = {}) {
    fields.insert(QStringLiteral("type"), QString::fromLatin1(type));
    return fields;
}

QJsonArray layersOf(const SpecDocument& doc) {
    return doc.value(QStringLiteral("model.layers")).toArray();
}

void useFashionMnist(SpecDocument& doc, const QJsonArray& layers) {
    doc.setValue(QStringLiteral("dataset"),
                 QJsonObject{{QStringLiteral("source"), QStringLiteral("fashion-mnist")}});
    doc.setValue(QStringLiteral("model"), QJsonObject{{QStringLiteral("layers"), layers}});
}

// Clicks a type in the palette, then Add.
void addFromPalette(ModelPage& page, const QString& type) {
    QTreeWidget* palette = page.palette();
    const QList<QTreeWidgetItem*> found =
        palette->findItems(type, Qt::MatchExactly | Qt::MatchRecursive);
    QCOMPARE(found.size(), 1);
    palette->scrollToItem(found.first());
    QTest::mouseClick(palette->viewport(), Qt::LeftButton, {},
                      palette->visualItemRect(found.first()).center());
    QCOMPARE(palette->currentItem(), found.first());
    QVERIFY(page.addButton()->isEnabled());
    QTest::mouseClick(page.addButton(), Qt::LeftButton);
}

void clickRow(ModelPage& page, int row) {
    QListView* view = page.layerView();
    const QModelIndex index = view->model()->index(row, 0);
    view->scrollTo(index);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(index).center());
    QCOMPARE(view->currentIndex().row(), row);
}

// Selects the spin box's text and types, as a person replacing a value does.
template <typename SpinBox> void typeInto(SpinBox* box, const QString& text) {
    QVERIFY(box);
    box->setFocus();
    box->selectAll();
    QTest::keyClicks(box, text);
}

template <typename Editor> Editor* fieldEditor(ModelPage& page, const char* field) {
    return qobject_cast<Editor*>(page.fieldForm()->editor(QString::fromLatin1(field)));
}

// Drags row `from` to just above row `to` (the row count: below the last), delivering the drag
// to the list's viewport as the window system does: the dragged rows' data from the model, then
// enter, move and drop at that point. (A QDrag cannot run on the offscreen platform.)
void dragRow(QListView* view, int from, int to) {
    QAbstractItemModel* model = view->model();
    const bool below = to >= model->rowCount();
    const QRect target = view->visualRect(model->index(below ? to - 1 : to, 0));
    const QPoint pos(target.center().x(), below ? target.bottom() - 1 : target.top() + 1);
    std::unique_ptr<QMimeData> data(model->mimeData({model->index(from, 0)}));
    QDragEnterEvent enter(pos, Qt::MoveAction, data.get(), Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(view->viewport(), &enter);
    QVERIFY(enter.isAccepted());
    QDragMoveEvent move(pos, Qt::MoveAction, data.get(), Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(view->viewport(), &move);
    QVERIFY(move.isAccepted());
    QDropEvent drop(QPointF(pos), Qt::MoveAction, data.get(), Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(view->viewport(), &drop);
    QVERIFY(drop.isAccepted());
}

// Core's analysis of the document's model on Fashion-MNIST: its message, empty if it fits.
QString coreVerdict(const SpecDocument& doc) {
    try {
        analyzeModel(specFromJson(doc.json()).model, {1, 28, 28}, 10);
    } catch (const InputError& e) {
        return e.message();
    }
    return {};
}

// With TRAINLAB_MODELPAGE_SCREENSHOT=path.png, saves the page as path-<name>.png to look at.
void screenshot(QWidget& page, const char* name) {
    QString path = qEnvironmentVariable("TRAINLAB_MODELPAGE_SCREENSHOT");
    if (path.isEmpty())
        return;
    path.insert(path.lastIndexOf(QLatin1Char('.')), QLatin1Char('-') + QLatin1String(name));
    QTest::qWait(50); // editors added to a shown form are shown from the event loop
    QVERIFY(page.grab().save(path));
}

// Answers the next message box with `button`.
void answerNextMessageBox(QMessageBox::StandardButton button) {
    QTimer::singleShot(0, [button] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        QVERIFY(box);
        QTest::mouseClick(box->button(button), Qt::LeftButton);
    });
}

} // namespace

class TestModelPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void aSmallCnnFromThePalette() {
        SpecDocument doc;
        useFashionMnist(doc, {});
        ModelPage page(&doc);
        QAbstractItemModelTester summaryTester(page.summaryModel());
        page.resize(1280, 820);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        // Empty: the page says what to do first.
        QVERIFY(page.emptyHint()->isVisible());
        QVERIFY(page.emptyHint()->text().contains(QStringLiteral("Start from preset")));
        QVERIFY(!page.removeButton()->isEnabled());
        screenshot(page, "empty");

        addFromPalette(page, QStringLiteral("conv2d"));
        QVERIFY(!page.emptyHint()->isVisible());
        QCOMPARE(layersOf(doc), QJsonArray{layer("conv2d")});
        // Its output channels have no default: required, and core says so at that row.
        auto* out = fieldEditor<QSpinBox>(page, "out");
        QVERIFY(out);
        QCOMPARE(out->text(), LayerFieldForm::requiredText());
        QCOMPARE(page.layerModel()->index(0).data(LayerListModel::ProblemRole).toString(),
                 QStringLiteral("model.layers[0].out: missing (output channels)"));
        typeInto(out, QStringLiteral("16"));
        typeInto(fieldEditor<QSpinBox>(page, "padding"), QStringLiteral("1"));
        QCOMPARE(doc.value(QStringLiteral("model.layers[0].out")).toInt(), 16);
        // Given: now the model as a whole is the problem, at its last (and only) layer.
        QVERIFY2(
            page.layerModel()
                ->index(0)
                .data(LayerListModel::ProblemRole)
                .toString()
                .startsWith(QStringLiteral("model: the last layer outputs [16, 28, 28]")),
            qPrintable(page.layerModel()->index(0).data(LayerListModel::ProblemRole).toString()));

        for (const char* type : {"relu", "maxpool2d", "flatten", "linear"})
            addFromPalette(page, QString::fromLatin1(type));
        const QJsonArray expected{
            layer("conv2d", {{QStringLiteral("out"), 16}, {QStringLiteral("padding"), 1}}),
            layer("relu"), layer("maxpool2d"), layer("flatten"), layer("linear")};
        QCOMPARE(layersOf(doc), expected);
        QVERIFY2(doc.problems().isEmpty(), qPrintable(doc.problems().join(QLatin1Char('\n'))));
        QVERIFY(coreVerdict(doc).isEmpty());

        // The summary is core's analysis, row for row.
        const ModelAnalysis core = analyzeModel(specFromJson(doc.json()).model, {1, 28, 28}, 10);
        const auto& rows = page.summaryModel()->rows();
        QCOMPARE(rows.size(), core.layers.size());
        for (size_t i = 0; i < rows.size(); ++i) {
            QCOMPARE(rows[i].output, shapeText(core.layers[i].outputShape));
            QCOMPARE(rows[i].parameters, core.layers[i].parameters);
        }
        QCOMPARE(rows[2].output, QStringLiteral("[16, 14, 14]"));
        QCOMPARE(rows.back().output, QStringLiteral("[10]"));
        QCOMPARE(page.summaryModel()->problemRow(), -1);
        QCOMPARE(core.parameters, 16 * 9 + 16 + 16 * 14 * 14 * 10 + 10);
        QVERIFY2(page.totalsLabel()->text().contains(QLocale().toString(core.parameters)),
                 qPrintable(page.totalsLabel()->text()));
        QVERIFY2(page.inputLabel()->text().contains(QStringLiteral("[1, 28, 28]")),
                 qPrintable(page.inputLabel()->text()));

        // Updated as you type: wider convolution, more parameters, at once.
        clickRow(page, 0);
        typeInto(fieldEditor<QSpinBox>(page, "out"), QStringLiteral("32"));
        QCOMPARE(page.summaryModel()->rows()[0].output, QStringLiteral("[32, 28, 28]"));
        QCOMPARE(page.summaryModel()->rows()[0].parameters, 32 * 9 + 32);

        clickRow(page, 2);
        screenshot(page, "cnn");
    }

    void aShapeThatDoesNotFitIsMarkedAtItsLayer() {
        SpecDocument doc;
        useFashionMnist(doc, {layer("flatten"), layer("conv2d", {{QStringLiteral("out"), 8}}),
                              layer("relu"), layer("linear")});
        ModelPage page(&doc);
        page.resize(1280, 820);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        const QString reason = coreVerdict(doc);
        QVERIFY2(reason.startsWith(QStringLiteral("model.layers[1]: conv2d expects")),
                 qPrintable(reason));
        LayerListModel* layers = page.layerModel();
        QCOMPARE(layers->index(1).data(LayerListModel::ProblemRole).toString(), reason);
        QCOMPARE(layers->index(1).data(Qt::ToolTipRole).toString(), reason);
        QVERIFY(layers->index(1).data(Qt::BackgroundRole).isValid());
        for (int row : {0, 2, 3})
            QVERIFY(layers->index(row).data(LayerListModel::ProblemRole).toString().isEmpty());
        ModelSummaryModel* summary = page.summaryModel();
        QCOMPARE(summary->problemRow(), 1);
        QCOMPARE(summary->rows()[1].problem, reason);
        QCOMPARE(summary->index(1, ModelSummaryModel::Layer).data(Qt::ToolTipRole).toString(),
                 reason);
        QCOMPARE(summary->rows()[0].output, QStringLiteral("[784]"));
        QVERIFY(!summary->rows()[3].analyzed); // never reached
        QVERIFY(page.totalsLabel()->text().contains(reason.toHtmlEscaped()));
        clickRow(page, 1);
        screenshot(page, "misfit");

        // The person removes the misplaced layer: the model fits.
        QTest::mouseClick(page.removeButton(), Qt::LeftButton);
        QCOMPARE(layersOf(doc), (QJsonArray{layer("flatten"), layer("relu"), layer("linear")}));
        QCOMPARE(summary->problemRow(), -1);
        QVERIFY(coreVerdict(doc).isEmpty());
        QVERIFY(page.totalsLabel()->text().contains(QStringLiteral("Total")));

        // A last layer that misses the task's output: marked at the last layer.
        clickRow(page, 2);
        typeInto(fieldEditor<QSpinBox>(page, "out"), QStringLiteral("32"));
        QVERIFY2(coreVerdict(doc).startsWith(QStringLiteral("model: the last layer outputs [32]")),
                 qPrintable(coreVerdict(doc)));
        QCOMPARE(layers->index(2).data(LayerListModel::ProblemRole).toString(), coreVerdict(doc));
        QCOMPARE(summary->problemRow(), 2);
        // Back to "auto" with the arrow key: the field leaves the spec, the task fills it in.
        auto* out = fieldEditor<QSpinBox>(page, "out");
        typeInto(out, QStringLiteral("1"));
        QTest::keyClick(out, Qt::Key_Down);
        QCOMPARE(out->text(), LayerFieldForm::autoText());
        QVERIFY(!doc.value(QStringLiteral("model.layers[2]"))
                     .toObject()
                     .contains(QStringLiteral("out")));
        QCOMPARE(summary->problemRow(), -1);
    }

    void reorderDuplicateAndRemove() {
        SpecDocument doc;
        const QJsonObject hidden = layer("linear", {{QStringLiteral("out"), 32}});
        useFashionMnist(doc, {layer("flatten"), hidden, layer("relu"), layer("linear")});
        ModelPage page(&doc);
        page.resize(1000, 700);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QListView* view = page.layerView();

        // Drag relu above the hidden layer, then back below it.
        clickRow(page, 2);
        dragRow(view, 2, 1);
        QCOMPARE(layersOf(doc),
                 (QJsonArray{layer("flatten"), layer("relu"), hidden, layer("linear")}));
        dragRow(view, 1, 3);
        QCOMPARE(layersOf(doc),
                 (QJsonArray{layer("flatten"), hidden, layer("relu"), layer("linear")}));
        // To the very end, where the model no longer ends in its output.
        dragRow(view, 0, 4);
        QCOMPARE(layersOf(doc).last().toObject(), layer("flatten"));
        QVERIFY(!coreVerdict(doc).isEmpty());
        dragRow(view, 3, 0);
        QCOMPARE(layersOf(doc),
                 (QJsonArray{layer("flatten"), hidden, layer("relu"), layer("linear")}));

        // The buttons: up, down, duplicate, remove.
        clickRow(page, 2);
        QTest::mouseClick(page.upButton(), Qt::LeftButton);
        QCOMPARE(layersOf(doc)[1].toObject(), layer("relu"));
        QCOMPARE(view->currentIndex().row(), 1);
        QTest::mouseClick(page.downButton(), Qt::LeftButton);
        QCOMPARE(layersOf(doc)[2].toObject(), layer("relu"));
        QCOMPARE(view->currentIndex().row(), 2);
        clickRow(page, 1);
        QTest::mouseClick(page.duplicateButton(), Qt::LeftButton);
        QCOMPARE(layersOf(doc),
                 (QJsonArray{layer("flatten"), hidden, hidden, layer("relu"), layer("linear")}));
        QCOMPARE(view->currentIndex().row(), 2);
        QVERIFY(doc.problems().isEmpty());
        QVERIFY(coreVerdict(doc).isEmpty()); // 32 -> 32 fits
        QTest::mouseClick(page.removeButton(), Qt::LeftButton);
        QCOMPARE(layersOf(doc),
                 (QJsonArray{layer("flatten"), hidden, layer("relu"), layer("linear")}));
        clickRow(page, 3);
        QVERIFY(!page.downButton()->isEnabled());
        for (int i = 0; i < 4; ++i)
            QTest::mouseClick(page.removeButton(), Qt::LeftButton);
        QVERIFY(layersOf(doc).isEmpty());
        QVERIFY(page.emptyHint()->isVisible());
        QVERIFY(!page.removeButton()->isEnabled());
        // Core refuses an empty model; the page's hint says how to start.
        QVERIFY(doc.problems().join(QLatin1Char(' ')).contains(QStringLiteral("model.layers")));
    }

    void startFromPresetAndEditAPreset() {
        SpecDocument doc; // the quickstart: spirals and an MLP of its own
        ModelPage page(&doc);
        page.show();
        QCOMPARE(page.layerModel()->rowCount(), 5);

        // cnn2 on two features: core refuses the first convolution, and the page says so.
        page.presetBox()->setCurrentText(QStringLiteral("cnn2"));
        answerNextMessageBox(QMessageBox::No);
        QTest::mouseClick(page.startFromPresetButton(), Qt::LeftButton);
        QCOMPARE(layersOf(doc).size(), 5); // kept
        answerNextMessageBox(QMessageBox::Yes);
        QTest::mouseClick(page.startFromPresetButton(), Qt::LeftButton);
        QCOMPARE(layersOf(doc).size(), qsizetype(expandPreset(QStringLiteral("cnn2")).size()));
        QVERIFY(!doc.value(QStringLiteral("model")).toObject().contains(QStringLiteral("preset")));
        QVERIFY(
            page.layerModel()
                ->index(0)
                .data(LayerListModel::ProblemRole)
                .toString()
                .contains(QStringLiteral("conv2d expects [channels, height, width], gets [2]")));
        useFashionMnist(doc, layersOf(doc));
        QCOMPARE(page.summaryModel()->problemRow(), -1);
        QVERIFY(doc.problems().isEmpty());
        QCOMPARE(page.summaryModel()->rows().back().output, QStringLiteral("[10]"));

        // A spec naming a preset: its layers are shown; the first edit replaces the preset.
        doc.setValue(QStringLiteral("model"),
                     QJsonObject{{QStringLiteral("preset"), QStringLiteral("lenet5")}});
        QVERIFY(page.presetBanner()->isVisible());
        QCOMPARE(page.layerModel()->rowCount(), int(expandPreset(QStringLiteral("lenet5")).size()));
        QVERIFY(page.totalsLabel()->text().contains(QLocale().toString(61706)));
        clickRow(page, 0);
        typeInto(fieldEditor<QSpinBox>(page, "out"), QStringLiteral("8"));
        QVERIFY(!page.presetBanner()->isVisible());
        QVERIFY(!doc.value(QStringLiteral("model")).toObject().contains(QStringLiteral("preset")));
        QCOMPARE(doc.value(QStringLiteral("model.layers[0].out")).toInt(), 8);
        QCOMPARE(layersOf(doc).size(), 12);
        QVERIFY(doc.problems().isEmpty());
        QVERIFY(coreVerdict(doc).isEmpty());
    }

    void theFormOffersWhatCoreAccepts() {
        SpecDocument doc;
        useFashionMnist(doc, {layer("flatten"), layer("dropout"), layer("linear")});
        ModelPage page(&doc);
        page.resize(1200, 800);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        clickRow(page, 1);
        auto* p = fieldEditor<QDoubleSpinBox>(page, "p");
        QVERIFY(p);
        QCOMPARE(p->value(), 0.5); // core's default, shown, not written
        QCOMPARE(p->minimum(), 0.0);
        QVERIFY(p->maximum() < 1.0); // [0, 1)
        QVERIFY(p->toolTip().contains(QStringLiteral("drop probability")));
        typeInto(p, QStringLiteral("0.25"));
        QCOMPARE(doc.value(QStringLiteral("model.layers[1].p")).toDouble(), 0.25);

        clickRow(page, 2);
        auto* out = fieldEditor<QSpinBox>(page, "out");
        QCOMPARE(out->text(), LayerFieldForm::autoText()); // inferred: the number of classes
        QCOMPARE(out->minimum(), 0);                       // "auto", below core's minimum of 1
        auto* bias = fieldEditor<QCheckBox>(page, "bias");
        QVERIFY(bias && bias->isChecked());
        QTest::mouseClick(bias, Qt::LeftButton, {}, QPoint(6, bias->height() / 2)); // the box
        QCOMPARE(doc.value(QStringLiteral("model.layers[2].bias")), QJsonValue(false));

        // A choice: the transformer encoder's activation.
        clickRow(page, 0);
        addFromPalette(page, QStringLiteral("transformer_encoder"));
        auto* activation = fieldEditor<QComboBox>(page, "activation");
        QVERIFY(activation);
        QCOMPARE(activation->currentText(), QStringLiteral("relu"));
        activation->setFocus();
        QTest::keyClick(activation, Qt::Key_Down);
        QCOMPARE(doc.value(QStringLiteral("model.layers[1].activation")).toString(),
                 QStringLiteral("gelu"));
        QCOMPARE(
            specFromJson(doc.json()).model.layers[1].params.value(QStringLiteral("activation")),
            QJsonValue(QStringLiteral("gelu")));
    }

    void aTableDatasetIsReadForItsShape() {
        QTemporaryDir dir;
        const QString csv = dir.filePath(QStringLiteral("t.csv"));
        QByteArray text = "a,b,c,label\n";
        for (int i = 0; i < 40; ++i)
            text += QByteArray::number(i) + "," + QByteArray::number(i % 7) + "," +
                    QByteArray::number(i * 3) + "," + QByteArray::number(i % 4) + "\n";
        test::writeFile(csv, text);
        qputenv("TRAINLAB_CACHE_DIR", dir.filePath(QStringLiteral("cache")).toUtf8());
        SpecDocument doc;
        doc.setValue(QStringLiteral("dataset"),
                     QJsonObject{{QStringLiteral("source"), QStringLiteral("csv")},
                                 {QStringLiteral("path"), csv}});
        ModelPage page(&doc);
        QTRY_VERIFY_WITH_TIMEOUT(!page.isReadingDataset(), 30000);
        QVERIFY2(page.inputLabel()->text().contains(QStringLiteral("Input [3]")),
                 qPrintable(page.inputLabel()->text()));
        QVERIFY(page.inputLabel()->text().contains(QStringLiteral("4 classes")));
        QCOMPARE(page.summaryModel()->rows().back().output, QStringLiteral("[4]"));

        // A file that is not there: said where the shapes would be.
        doc.setValue(QStringLiteral("dataset.path"), dir.filePath(QStringLiteral("gone.csv")));
        QTRY_VERIFY_WITH_TIMEOUT(!page.isReadingDataset(), 30000);
        QVERIFY2(page.inputLabel()->text().contains(QStringLiteral("gone.csv")),
                 qPrintable(page.inputLabel()->text()));
    }

    void theLayerListModelKeepsItsContract() {
        LayerListModel model;
        QAbstractItemModelTester tester(&model);
        QSignalSpy edited(&model, &LayerListModel::layersEdited);
        model.setLayers({layer("flatten"), layer("relu")});
        QCOMPARE(edited.size(), 0);
        QCOMPARE(model.insertLayer(99, layer("linear")), 2);
        QCOMPARE(model.duplicateLayer(0), 1);
        QCOMPARE(model.layers(),
                 (QJsonArray{layer("flatten"), layer("flatten"), layer("relu"), layer("linear")}));
        QVERIFY(model.moveRows({}, 3, 1, {}, 0));
        QCOMPARE(model.layer(0), layer("linear"));
        QVERIFY(!model.moveRows({}, 1, 1, {}, 2)); // onto itself
        QVERIFY(!model.moveRows({}, 0, 1, {}, 9));
        QVERIFY(model.removeRows(0, 2));
        QCOMPARE(model.layers(), (QJsonArray{layer("flatten"), layer("relu")}));
        QCOMPARE(edited.size(), 4);
        model.setProblems({{1, QStringLiteral("model.layers[1]: nope")}});
        QCOMPARE(model.index(1).data(LayerListModel::ProblemRole).toString(),
                 QStringLiteral("model.layers[1]: nope"));
        QCOMPARE(model.index(0).data(Qt::DisplayRole).toString(), QStringLiteral("flatten"));
        model.setLayerField(1, QStringLiteral("x"), 3);
        QCOMPARE(LayerListModel::describeLayer(model.layer(1)), QStringLiteral("relu   x 3"));

        // Rows dragged from another list are not this list's to move.
        LayerListModel other;
        other.setLayers({layer("relu"), layer("flatten")});
        std::unique_ptr<QMimeData> foreign(other.mimeData({other.index(0)}));
        QVERIFY(!model.dropMimeData(foreign.get(), Qt::MoveAction, 0, 0, {}));
        std::unique_ptr<QMimeData> own(model.mimeData({model.index(1)}));
        QVERIFY(model.dropMimeData(own.get(), Qt::MoveAction, 0, 0, {}));
        QCOMPARE(model.layer(0).value(QStringLiteral("type")).toString(), QStringLiteral("relu"));
    }
};

QTEST_MAIN(TestModelPage)
#include "tst_modelpage.moc"
