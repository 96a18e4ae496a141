// The Dataset page: Fashion-MNIST in one click, an image folder with augmentation toggled,
// a CSV table preview, and inline errors.
#include "../common/DataFixtures.h"
#include "../common/TestSupport.h"

#include "ClassHistogramPlot.h"
#include "DatasetPage.h"
#include "TablePreviewModel.h"

#include "data/DataPaths.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QtTest>

using namespace trainlab;

class TestDatasetPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        cacheDir_ = std::make_unique<QTemporaryDir>();
        qputenv("TRAINLAB_CACHE_DIR", cacheDir_->path().toUtf8());
    }
    void init() { dir_ = std::make_unique<QTemporaryDir>(); }

    void fashionMnistInOneClick() {
        if (!QFileInfo::exists(QString::fromLatin1(kFashionMnistDir)))
            QSKIP("dataset-fashion-mnist is not installed");
        DatasetPage page;
        page.show();
        QSignalSpy loaded(&page, &DatasetPage::loaded);
        page.findChild<QPushButton*>(QStringLiteral("fashionButton"))->click();
        QVERIFY(page.isLoading());
        QVERIFY(loaded.wait(60000));
        QVERIFY2(page.summaryText().contains(QStringLiteral("train 54000")),
                 qPrintable(page.summaryText()));
        QVERIFY(page.summaryText().contains(QStringLiteral("test 10000")));
        QCOMPARE(page.histogram()->barCount(), 3);
        QCOMPARE(page.shownImageCount(), 40);
        QVERIFY(page.errorText().isEmpty());
    }

    void imageFolderWithAugmentationToggle() {
        const QString root = dir_->filePath(QStringLiteral("pics"));
        test::writeImageFolder(root, {QStringLiteral("a"), QStringLiteral("b")}, 10);
        DatasetPage page;
        page.sourceBox()->setCurrentIndex(
            page.sourceBox()->findData(QStringLiteral("image_folder")));
        page.pathEdit()->setText(root);
        auto* crop = page.findChild<QSpinBox*>(QStringLiteral("cropPadding"));
        QVERIFY(crop);
        crop->setValue(3);
        QSignalSpy loaded(&page, &DatasetPage::loaded);
        page.load();
        QVERIFY(loaded.wait(30000));
        QCOMPARE(page.shownImageCount(), 16); // 8 per class after 10% validation and 10% test
        QCOMPARE(page.preview().images.size(), 16);
        const QImage plain = page.preview().images.first();
        const QImage augmented = page.preview().augmented.first();
        QCOMPARE(plain.size(), QSize(32, 32));
        QVERIFY(plain != augmented); // the padding shows at the crop's edge
        page.showAugmentedBox()->setChecked(true);
        QCOMPARE(page.shownImageCount(), 16);
    }

    void csvShowsTablePreview() {
        const QString csv = dir_->filePath(QStringLiteral("t.csv"));
        QByteArray text = "x,colour,label\n";
        for (int i = 0; i < 30; ++i)
            text += QByteArray::number(i) + (i % 2 ? ",red," : ",blue,") + (i % 3 ? "p\n" : "q\n");
        test::writeFile(csv, text);
        DatasetPage page;
        page.sourceBox()->setCurrentIndex(page.sourceBox()->findData(QStringLiteral("csv")));
        page.pathEdit()->setText(csv);
        QSignalSpy loaded(&page, &DatasetPage::loaded);
        page.load();
        QVERIFY(loaded.wait(30000));
        QAbstractItemModelTester tester(page.tableModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(page.tableModel()->rowCount(), 30);
        QCOMPARE(page.tableModel()->headerData(1, Qt::Horizontal).toString(),
                 QStringLiteral("colour"));
        QVERIFY(page.summaryText().contains(QStringLiteral("2 classes")));
    }

    void errorsAppearInline() {
        DatasetPage page;
        page.sourceBox()->setCurrentIndex(page.sourceBox()->findData(QStringLiteral("csv")));
        page.load();
        QVERIFY(page.errorText().startsWith(QStringLiteral("dataset.path")));
        const QString ragged = dir_->filePath(QStringLiteral("r.csv"));
        test::writeFile(ragged, "a,b\n1,2\n3\n");
        page.pathEdit()->setText(ragged);
        QSignalSpy failed(&page, &DatasetPage::failed);
        page.load();
        QVERIFY(failed.wait(30000));
        QCOMPARE(page.errorText(),
                 QStringLiteral("%1:3: 1 fields, expected 2 (as on line 1)").arg(ragged));
    }

    void failedLoadClearsThePreviousDataset() {
        DatasetPage page;
        page.sourceBox()->setCurrentIndex(page.sourceBox()->findData(QStringLiteral("synthetic")));
        QSignalSpy loaded(&page, &DatasetPage::loaded);
        page.load();
        QVERIFY(loaded.wait(30000));
        QVERIFY(page.summaryText().contains(QStringLiteral("train")));
        // Now a file that cannot be read: nothing of the synthetic set may stay on screen.
        const QString ragged = dir_->filePath(QStringLiteral("r.csv"));
        test::writeFile(ragged, "a,b\n1,2\n3\n");
        page.sourceBox()->setCurrentIndex(page.sourceBox()->findData(QStringLiteral("csv")));
        page.pathEdit()->setText(ragged);
        QSignalSpy failed(&page, &DatasetPage::failed);
        page.load();
        QVERIFY(failed.wait(30000));
        QCOMPARE(page.summaryText(), QStringLiteral("Not loaded."));
        QCOMPARE(page.tableModel()->rowCount(), 0);
        QCOMPARE(page.shownImageCount(), 0);
        QCOMPARE(page.findChild<ClassHistogramPlot*>()->barCount(), 0);
    }

    void syntheticFieldsReachTheDataset() {
        DatasetPage page;
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.sourceBox()->setCurrentIndex(page.sourceBox()->findData(QStringLiteral("synthetic")));
        auto* kind = page.findChild<QComboBox*>(QStringLiteral("syntheticKind"));
        auto* samples = page.findChild<QSpinBox*>(QStringLiteral("syntheticSamples"));
        auto* classes = page.findChild<QSpinBox*>(QStringLiteral("syntheticClasses"));
        auto* features = page.findChild<QSpinBox*>(QStringLiteral("syntheticFeatures"));
        QVERIFY(kind && samples && classes && features);
        kind->setCurrentText(QStringLiteral("blobs"));
        QVERIFY(features->isEnabled());
        // Typed as a person types: select the field's text, type over it.
        for (auto [box, text] :
             {std::pair{samples, "500"}, std::pair{classes, "5"}, std::pair{features, "7"}}) {
            box->setFocus();
            box->selectAll();
            QTest::keyClicks(box, QLatin1String(text));
            QTest::keyClick(box, Qt::Key_Tab);
        }
        QSignalSpy loaded(&page, &DatasetPage::loaded);
        page.load();
        QVERIFY(loaded.wait(30000));
        QVERIFY2(page.summaryText().contains(QStringLiteral("5 classes")),
                 qPrintable(page.summaryText()));
        QVERIFY(page.summaryText().contains(QStringLiteral("sample [7]")));
        const DatasetSpec spec = page.datasetSpec();
        QCOMPARE(spec.synthetic.samples, 500);
        kind->setCurrentText(QStringLiteral("spirals"));
        QVERIFY(!features->isEnabled()); // spirals are 2-D
        QCOMPARE(page.datasetSpec().synthetic.features, 2);
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    std::unique_ptr<QTemporaryDir> cacheDir_;
};

QTEST_MAIN(TestDatasetPage)
#include "tst_datasetpage.moc"
