#include "DatasetPage.h"

#include "ClassHistogramPlot.h"
#include "TablePreviewModel.h"
#include "WorkspaceSafeFileDialog.h"

#include "base/Errors.h"
#include "data/DataPaths.h"
#include "data/DatasetSources.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QThreadPool>
#include <QVBoxLayout>

namespace trainlab {

namespace {

constexpr qint64 kPreviewSeed = 42;
constexpr int kGridColumns = 8;
constexpr int kThumbnailPx = 64;

QLineEdit* fileEdit(QWidget* parent, const QString& placeholder) {
    auto* edit = new QLineEdit(parent);
    edit->setPlaceholderText(placeholder);
    edit->setClearButtonEnabled(true);
    return edit;
}

} // namespace

DatasetPage::DatasetPage(QWidget* parent)
    : QWidget(parent) {
    qRegisterMetaType<trainlab::DatasetPreview>();
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(buildForm());
    splitter->addWidget(buildResults());
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({360, 900});
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(splitter);
    updateFormForSource();
    // Any edit of the form is the experiment's dataset changing (not while filling it).
    auto edited = [this] {
        if (!filling_)
            Q_EMIT formChanged();
    };
    for (auto* edit : findChildren<QLineEdit*>())
        connect(edit, &QLineEdit::textChanged, this, edited);
    for (auto* box : findChildren<QComboBox*>())
        connect(box, &QComboBox::currentIndexChanged, this, edited);
    for (auto* box : findChildren<QSpinBox*>())
        connect(box, &QSpinBox::valueChanged, this, edited);
    for (auto* box : findChildren<QDoubleSpinBox*>())
        connect(box, &QDoubleSpinBox::valueChanged, this, edited);
    for (auto* box : findChildren<QCheckBox*>())
        if (box != showAugmented_)
            connect(box, &QCheckBox::toggled, this, edited);
}

QWidget* DatasetPage::buildForm() {
    auto* form = new QWidget;
    auto* layout = new QVBoxLayout(form);

    auto* fashion = new QPushButton(tr("Fashion-MNIST (one click)"));
    fashion->setObjectName(QStringLiteral("fashionButton"));
    connect(fashion, &QPushButton::clicked, this, &DatasetPage::useFashionMnist);
    layout->addWidget(fashion);

    auto* sourceBox = new QGroupBox(tr("Source"));
    auto* sourceForm = new QFormLayout(sourceBox);
    source_ = new QComboBox;
    source_->setObjectName(QStringLiteral("sourceCombo"));
    for (const DatasetSource& source : datasetSources())
        source_->addItem(source.label, source.id);
    connect(source_, &QComboBox::currentIndexChanged, this, &DatasetPage::updateFormForSource);
    sourceForm->addRow(tr("Kind"), source_);

    auto* pathRow = new QWidget;
    auto* pathLayout = new QHBoxLayout(pathRow);
    pathLayout->setContentsMargins(0, 0, 0, 0);
    path_ = fileEdit(pathRow, tr("file or folder"));
    path_->setObjectName(QStringLiteral("pathEdit"));
    browseButton_ = new QPushButton(tr("Browse…"));
    browseButton_->setObjectName(QStringLiteral("browseButton"));
    connect(browseButton_, &QPushButton::clicked, this, &DatasetPage::browse);
    pathLayout->addWidget(path_);
    pathLayout->addWidget(browseButton_);
    sourceForm->addRow(tr("Path"), pathRow);

    idxFields_ = new QWidget;
    auto* idxForm = new QFormLayout(idxFields_);
    idxForm->setContentsMargins(0, 0, 0, 0);
    trainImages_ = fileEdit(idxFields_, tr("train-images-idx3-ubyte(.gz)"));
    trainLabels_ = fileEdit(idxFields_, tr("train-labels-idx1-ubyte(.gz)"));
    testImages_ = fileEdit(idxFields_, tr("optional"));
    testLabels_ = fileEdit(idxFields_, tr("optional"));
    idxForm->addRow(tr("Train images"), trainImages_);
    idxForm->addRow(tr("Train labels"), trainLabels_);
    idxForm->addRow(tr("Test images"), testImages_);
    idxForm->addRow(tr("Test labels"), testLabels_);
    sourceForm->addRow(idxFields_);

    csvLabel_ = new QLineEdit;
    csvLabel_->setPlaceholderText(tr("last column"));
    sourceForm->addRow(tr("Label column"), csvLabel_);
    syntheticKind_ = new QComboBox;
    syntheticKind_->addItems({QStringLiteral("spirals"), QStringLiteral("blobs"),
                              QStringLiteral("moons"), QStringLiteral("regression")});
    syntheticKind_->setObjectName(QStringLiteral("syntheticKind"));
    sourceForm->addRow(tr("Generator"), syntheticKind_);
    // The generator's own fields, with the spec loader's limits.
    const SyntheticSpec syntheticDefaults;
    syntheticSamples_ = new QSpinBox;
    syntheticSamples_->setObjectName(QStringLiteral("syntheticSamples"));
    syntheticSamples_->setRange(10, 10'000'000);
    syntheticSamples_->setValue(syntheticDefaults.samples);
    syntheticSamples_->setGroupSeparatorShown(true);
    sourceForm->addRow(tr("Samples"), syntheticSamples_);
    syntheticClasses_ = new QSpinBox;
    syntheticClasses_->setObjectName(QStringLiteral("syntheticClasses"));
    syntheticClasses_->setRange(2, 1000);
    syntheticClasses_->setValue(syntheticDefaults.classes);
    sourceForm->addRow(tr("Classes"), syntheticClasses_);
    syntheticFeatures_ = new QSpinBox;
    syntheticFeatures_->setObjectName(QStringLiteral("syntheticFeatures"));
    syntheticFeatures_->setRange(1, 4096);
    syntheticFeatures_->setValue(syntheticDefaults.features);
    sourceForm->addRow(tr("Features"), syntheticFeatures_);
    syntheticNoise_ = new QDoubleSpinBox;
    syntheticNoise_->setObjectName(QStringLiteral("syntheticNoise"));
    syntheticNoise_->setRange(0, 100);
    syntheticNoise_->setDecimals(3);
    syntheticNoise_->setSingleStep(0.05);
    syntheticNoise_->setValue(syntheticDefaults.noise);
    sourceForm->addRow(tr("Noise"), syntheticNoise_);
    connect(syntheticKind_, &QComboBox::currentTextChanged, this,
            &DatasetPage::updateFormForSource);
    imageSize_ = new QSpinBox;
    imageSize_->setRange(8, 512);
    imageSize_->setValue(32);
    imageSize_->setSuffix(tr(" px"));
    sourceForm->addRow(tr("Image size"), imageSize_);
    imageChannels_ = new QComboBox;
    imageChannels_->addItem(tr("Grayscale"), 1);
    imageChannels_->addItem(tr("RGB"), 3);
    sourceForm->addRow(tr("Channels"), imageChannels_);
    layout->addWidget(sourceBox);

    auto* processing = new QGroupBox(tr("Processing"));
    auto* processingForm = new QFormLayout(processing);
    validationSplit_ = new QDoubleSpinBox;
    validationSplit_->setObjectName(QStringLiteral("validationSplit"));
    validationSplit_->setRange(0.0, 0.9);
    validationSplit_->setSingleStep(0.05);
    validationSplit_->setValue(0.1);
    processingForm->addRow(tr("Validation split"), validationSplit_);
    normalize_ = new QCheckBox(tr("Normalize with training statistics"));
    normalize_->setChecked(true);
    processingForm->addRow(normalize_);
    cropPadding_ = new QSpinBox;
    cropPadding_->setObjectName(QStringLiteral("cropPadding"));
    cropPadding_->setRange(0, 16);
    cropPadding_->setSuffix(tr(" px"));
    processingForm->addRow(tr("Random crop padding"), cropPadding_);
    hflip_ = new QCheckBox(tr("Horizontal flip"));
    processingForm->addRow(hflip_);
    rotation_ = new QDoubleSpinBox;
    rotation_->setRange(0, 45);
    rotation_->setSuffix(tr("°"));
    processingForm->addRow(tr("Rotation up to"), rotation_);
    noise_ = new QDoubleSpinBox;
    noise_->setRange(0, 2);
    noise_->setSingleStep(0.05);
    processingForm->addRow(tr("Gaussian noise σ"), noise_);
    layout->addWidget(processing);

    loadButton_ = new QPushButton(tr("Load and preview"));
    loadButton_->setObjectName(QStringLiteral("loadButton"));
    connect(loadButton_, &QPushButton::clicked, this, &DatasetPage::load);
    layout->addWidget(loadButton_);
    error_ = new QLabel;
    error_->setObjectName(QStringLiteral("datasetError"));
    error_->setWordWrap(true);
    error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    error_->setStyleSheet(QStringLiteral("color: #c62828;"));
    layout->addWidget(error_);
    layout->addStretch(1);
    return form;
}

QWidget* DatasetPage::buildResults() {
    auto* results = new QWidget;
    auto* layout = new QVBoxLayout(results);
    summary_ = new QLabel(tr("Choose a source and press Load."));
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(summary_);
    histogram_ = new ClassHistogramPlot;
    layout->addWidget(histogram_, 2);

    showAugmented_ = new QCheckBox(tr("Show augmented"));
    connect(showAugmented_, &QCheckBox::toggled, this, &DatasetPage::showImages);
    layout->addWidget(showAugmented_);

    samples_ = new QStackedWidget;
    auto* scroll = new QScrollArea;
    imageGrid_ = new QWidget;
    imageLayout_ = new QGridLayout(imageGrid_);
    imageLayout_->setSpacing(4);
    scroll->setWidget(imageGrid_);
    scroll->setWidgetResizable(true);
    samples_->addWidget(scroll);
    tableModel_ = new TablePreviewModel(this);
    tableView_ = new QTableView;
    tableView_->setModel(tableModel_);
    tableView_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    samples_->addWidget(tableView_);
    layout->addWidget(samples_, 3);
    return results;
}

void DatasetPage::updateFormForSource() {
    const QString source = source_->currentData().toString();
    const DatasetSource* facts = findDatasetSource(source);
    const DatasetPathKind pathKind = facts ? facts->path : DatasetPathKind::None;
    const bool csv = pathKind == DatasetPathKind::File;
    const bool folder = source == QLatin1String("image_folder");
    path_->setEnabled(pathKind != DatasetPathKind::None);
    browseButton_->setEnabled(pathKind != DatasetPathKind::None);
    if (pathKind == DatasetPathKind::Optional)
        path_->setPlaceholderText(QString::fromLatin1(kFashionMnistDir));
    else
        path_->setPlaceholderText(csv ? tr("table.csv") : tr("folder"));
    idxFields_->setVisible(facts && facts->usesIdxPair);
    csvLabel_->setEnabled(csv);
    const bool synthetic = source == QLatin1String("synthetic");
    const QString kind = syntheticKind_->currentText();
    const bool planar = kind == QLatin1String("spirals") || kind == QLatin1String("moons");
    syntheticKind_->setEnabled(synthetic);
    syntheticSamples_->setEnabled(synthetic);
    syntheticNoise_->setEnabled(synthetic);
    // Spirals and moons are 2-D; moons have two classes; a regression has none.
    syntheticFeatures_->setEnabled(synthetic && !planar);
    syntheticClasses_->setEnabled(
        synthetic && (kind == QLatin1String("spirals") || kind == QLatin1String("blobs")));
    imageSize_->setEnabled(folder);
    imageChannels_->setEnabled(folder);
}

void DatasetPage::browse() {
    const DatasetSource* facts = findDatasetSource(source_->currentData().toString());
    const bool table = facts && facts->path == DatasetPathKind::File;
    QFileDialog* dialog = createWorkspaceSafeFileDialog(
        this, table ? tr("Choose a table") : tr("Choose a folder"), path_->text(),
        table ? tr("Tables (*.csv *.tsv *.txt *.gz)") : QString());
    dialog->setFileMode(table ? QFileDialog::ExistingFile : QFileDialog::Directory);
    if (!table)
        dialog->setOption(QFileDialog::ShowDirsOnly, true);
    connect(dialog, &QFileDialog::fileSelected, path_, &QLineEdit::setText);
    dialog->open();
}

DatasetSpec DatasetPage::datasetSpec() const {
    DatasetSpec spec = base_; // fields the form does not show stay as the spec had them
    spec.source = source_->currentData().toString();
    spec.path = path_->text().trimmed();
    spec.train = {trainImages_->text().trimmed(), trainLabels_->text().trimmed()};
    spec.test = {testImages_->text().trimmed(), testLabels_->text().trimmed()};
    spec.csv.label = csvLabel_->text().trimmed();
    spec.synthetic.kind = syntheticKind_->currentText();
    spec.synthetic.samples = syntheticSamples_->value();
    spec.synthetic.classes = syntheticClasses_->value();
    spec.synthetic.noise = syntheticNoise_->value();
    const bool planar = spec.synthetic.kind == QLatin1String("spirals") ||
                        spec.synthetic.kind == QLatin1String("moons");
    spec.synthetic.features = planar ? 2 : syntheticFeatures_->value();
    if (spec.synthetic.kind == QLatin1String("moons"))
        spec.synthetic.classes = 2;
    spec.image.height = imageSize_->value();
    spec.image.width = imageSize_->value();
    spec.image.channels = imageChannels_->currentData().toInt();
    spec.validationSplit = validationSplit_->value();
    spec.normalize = normalize_->isChecked();
    spec.augment.randomCropPadding = cropPadding_->value();
    spec.augment.hflip = hflip_->isChecked();
    spec.augment.rotationDeg = rotation_->value();
    spec.augment.gaussianNoise = noise_->value();
    return spec;
}

void DatasetPage::setDatasetSpec(const DatasetSpec& spec) {
    base_ = spec;
    filling_ = true;
    const int index = source_->findData(spec.source);
    if (index >= 0)
        source_->setCurrentIndex(index);
    path_->setText(spec.path);
    trainImages_->setText(spec.train.images);
    trainLabels_->setText(spec.train.labels);
    testImages_->setText(spec.test.images);
    testLabels_->setText(spec.test.labels);
    csvLabel_->setText(spec.csv.label);
    syntheticKind_->setCurrentText(spec.synthetic.kind);
    syntheticSamples_->setValue(spec.synthetic.samples);
    syntheticClasses_->setValue(spec.synthetic.classes);
    syntheticFeatures_->setValue(spec.synthetic.features);
    syntheticNoise_->setValue(spec.synthetic.noise);
    imageSize_->setValue(spec.image.height);
    imageChannels_->setCurrentIndex(imageChannels_->findData(spec.image.channels));
    validationSplit_->setValue(spec.validationSplit);
    normalize_->setChecked(spec.normalize);
    cropPadding_->setValue(spec.augment.randomCropPadding);
    hflip_->setChecked(spec.augment.hflip);
    rotation_->setValue(spec.augment.rotationDeg);
    noise_->setValue(spec.augment.gaussianNoise);
    filling_ = false;
}

void DatasetPage::useFashionMnist() {
    source_->setCurrentIndex(source_->findData(QStringLiteral("fashion-mnist")));
    path_->clear();
    load();
}

void DatasetPage::load() {
    const DatasetSpec spec = datasetSpec();
    QString problem;
    const DatasetSource* facts = findDatasetSource(spec.source);
    if (facts && facts->needsPath() && spec.path.isEmpty())
        problem = tr("dataset.path: choose the %1 to read").arg(source_->currentText());
    else if (facts && facts->usesIdxPair &&
             (spec.train.images.isEmpty() || spec.train.labels.isEmpty()))
        problem = tr("dataset.train: choose the training images and labels files");
    if (!problem.isEmpty()) {
        showError(problem);
        return;
    }
    loading_ = true;
    const int generation = ++generation_;
    error_->clear();
    summary_->setText(tr("Loading %1…").arg(source_->currentText()));
    loadButton_->setEnabled(false);
    QPointer<DatasetPage> self(this);
    QThreadPool::globalInstance()->start([self, spec, generation] {
        DatasetPreview preview;
        QString message;
        try {
            preview = previewDataset(spec, kPreviewSeed);
        } catch (const std::exception& e) {
            message = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, preview, message, generation] {
                if (!self || generation != self->generation_)
                    return; // the page is gone, or a newer load replaced this one
                self->loading_ = false;
                self->loadButton_->setEnabled(true);
                if (message.isEmpty())
                    self->showPreview(preview);
                else
                    self->showError(message);
            },
            Qt::QueuedConnection);
    });
}

void DatasetPage::showError(const QString& message) {
    clearPreview();
    error_->setText(message);
    summary_->setText(tr("Not loaded."));
    Q_EMIT failed(message);
}

void DatasetPage::clearPreview() {
    preview_ = {};
    histogram_->setInspection({});
    tableModel_->setTable({}, {});
    showAugmented_->setEnabled(false);
    showImages();
}

void DatasetPage::showPreview(const DatasetPreview& preview) {
    preview_ = preview;
    const QJsonObject& info = preview.info;
    const QJsonObject counts = info.value(QStringLiteral("counts")).toObject();
    QStringList shape;
    for (const auto& d : info.value(QStringLiteral("sample_shape")).toArray())
        shape << QString::number(d.toInteger());
    const int classes = int(info.value(QStringLiteral("classes")).toArray().size());
    summary_->setText(
        tr("<b>%1</b> — %2<br>train %3 · validation %4 · test %5 · sample [%6] · %7<br>"
           "loaded in %8 s%9")
            .arg(source_->currentText(), info.value(QStringLiteral("task")).toString())
            .arg(counts.value(QStringLiteral("train")).toInteger())
            .arg(counts.value(QStringLiteral("validation")).toInteger())
            .arg(counts.value(QStringLiteral("test")).toInteger())
            .arg(shape.join(QStringLiteral(", ")))
            .arg(classes > 0 ? tr("%1 classes").arg(classes) : tr("numeric target"))
            .arg(info.value(QStringLiteral("load_seconds")).toDouble(), 0, 'f', 2)
            .arg(info.value(QStringLiteral("from_cache")).toBool() ? tr(" (from cache)")
                                                                   : QString()));
    histogram_->setInspection(info);
    tableModel_->setTable(preview.tableHeader, preview.tableRows);
    samples_->setCurrentIndex(preview.tableHeader.isEmpty() ? 0 : 1);
    showAugmented_->setEnabled(!preview.images.isEmpty());
    showImages();
    Q_EMIT loaded();
}

void DatasetPage::showImages() {
    while (QLayoutItem* item = imageLayout_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    const QList<QImage>& images =
        showAugmented_->isChecked() ? preview_.augmented : preview_.images;
    for (qsizetype i = 0; i < images.size(); ++i) {
        // Each thumbnail carries its class name under it.
        auto* cell = new QWidget;
        auto* column = new QVBoxLayout(cell);
        column->setContentsMargins(2, 2, 2, 2);
        column->setSpacing(1);
        auto* picture = new QLabel;
        picture->setPixmap(QPixmap::fromImage(images[i]).scaled(
            kThumbnailPx, kThumbnailPx, Qt::KeepAspectRatio, Qt::FastTransformation));
        picture->setAlignment(Qt::AlignCenter);
        auto* caption = new QLabel(preview_.imageLabels.value(i));
        caption->setObjectName(QStringLiteral("thumbnailCaption"));
        caption->setAlignment(Qt::AlignCenter);
        caption->setMaximumWidth(kThumbnailPx + 16);
        QFont small = caption->font();
        small.setPointSizeF(small.pointSizeF() * 0.85);
        caption->setFont(small);
        column->addWidget(picture);
        column->addWidget(caption);
        imageLayout_->addWidget(cell, int(i / kGridColumns), int(i % kGridColumns));
    }
}

int DatasetPage::shownImageCount() const {
    return imageLayout_->count();
}

QString DatasetPage::errorText() const {
    return error_->text();
}

QString DatasetPage::summaryText() const {
    return summary_->text();
}

} // namespace trainlab
