#include "ModelPage.h"

#include "LayerFieldForm.h"
#include "LayerListModel.h"
#include "ModelDesignSummary.h"
#include "ModelSummaryModel.h"
#include "SpecDocument.h"

#include "base/Errors.h"
#include "data/DatasetSources.h"
#include "model/LayerRegistry.h"
#include "model/ModelAnalysis.h"
#include "model/ModelPresets.h"
#include "spec/ExperimentSpec.h"
#include "spec/SpecJson.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QListView>
#include <QLocale>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QThreadPool>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace trainlab {

namespace {

const QString kModel = QStringLiteral("model");
const QString kLayers = QStringLiteral("model.layers");
constexpr int kTypeRole = Qt::UserRole;

QJsonArray presetLayersJson(const QString& preset) {
    QJsonArray layers;
    for (const LayerSpec& spec : expandPreset(preset)) {
        QJsonObject object = spec.params;
        object.insert(QStringLiteral("type"), spec.type);
        layers.append(object);
    }
    return layers;
}

// A new layer as the palette adds it: its type alone, so core's defaults apply and required
// fields show as required until given.
QJsonObject newLayer(const QString& type) {
    return {{QStringLiteral("type"), type}};
}

} // namespace

ModelPage::ModelPage(SpecDocument* spec, QWidget* parent)
    : QWidget(parent)
    , spec_(spec) {
    // Palette | the list with the selected layer's form under it | the summary beside them.
    auto* fieldsBox = new QGroupBox(tr("Layer settings"));
    auto* fieldsLayout = new QVBoxLayout(fieldsBox);
    fieldForm_ = new LayerFieldForm(fieldsBox);
    fieldsLayout->addWidget(fieldForm_);
    auto* middle = new QSplitter(Qt::Vertical);
    middle->addWidget(buildLayerList());
    middle->addWidget(fieldsBox);
    middle->setStretchFactor(0, 3);
    middle->setStretchFactor(1, 2);

    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(buildPalette());
    split->addWidget(middle);
    split->addWidget(buildSummary());
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 4);
    split->setStretchFactor(2, 5);
    split->setSizes({230, 460, 590});
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);

    connect(fieldForm_, &LayerFieldForm::fieldEdited, this, &ModelPage::editField);
    connect(layerModel_, &LayerListModel::layersEdited, this, &ModelPage::writeLayers);
    connect(spec_, &SpecDocument::changed, this, [this](QObject* source) {
        if (source != this)
            loadFromDocument();
        updateSummary();
    });
    loadFromDocument();
    updateSummary();
}

QWidget* ModelPage::buildPalette() {
    auto* box = new QGroupBox(tr("Layer types"));
    auto* layout = new QVBoxLayout(box);
    palette_ = new QTreeWidget(box);
    palette_->setHeaderHidden(true);
    palette_->setToolTip(tr("Double-click a type, or select it and press Add, to add it after the "
                            "selected layer"));
    fillPalette();
    addButton_ = new QPushButton(tr("Add layer"), box);
    addButton_->setEnabled(false);
    layout->addWidget(palette_);
    layout->addWidget(addButton_);
    connect(palette_, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
        addButton_->setEnabled(item && !item->data(0, kTypeRole).toString().isEmpty());
    });
    connect(palette_, &QTreeWidget::itemDoubleClicked, this, &ModelPage::addPaletteType);
    connect(addButton_, &QPushButton::clicked, this, &ModelPage::addPaletteType);
    return box;
}

void ModelPage::fillPalette() {
    // Families in the order the registry first lists them, each type under its family.
    QList<QTreeWidgetItem*> families;
    for (const LayerType* type : layerRegistry().types()) {
        const QString family = type->category.isEmpty() ? tr("Other") : type->category;
        auto found = std::find_if(families.begin(), families.end(),
                                  [&](QTreeWidgetItem* item) { return item->text(0) == family; });
        QTreeWidgetItem* parent = found != families.end() ? *found : nullptr;
        if (!parent) {
            parent = new QTreeWidgetItem(palette_, {family});
            parent->setFlags(Qt::ItemIsEnabled);
            families << parent;
        }
        auto* item = new QTreeWidgetItem(parent, {type->name});
        item->setData(0, kTypeRole, type->name);
        item->setToolTip(0, type->help);
    }
    palette_->expandAll();
}

QWidget* ModelPage::buildLayerList() {
    auto* box = new QGroupBox(tr("Layers"));
    auto* layout = new QVBoxLayout(box);

    auto* presetRow = new QHBoxLayout;
    presetBox_ = new QComboBox(box);
    presetBox_->addItems(modelPresetNames());
    presetBox_->setToolTip(tr("A ready-made model: its layers replace the list, to edit"));
    startFromPreset_ = new QPushButton(tr("Start from preset"), box);
    initBox_ = new QComboBox(box);
    initBox_->addItems(
        {QStringLiteral("default"), QStringLiteral("kaiming"), QStringLiteral("xavier")});
    initBox_->setToolTip(tr("How weights are initialized (model.init)"));
    presetRow->addWidget(new QLabel(tr("Preset:"), box));
    presetRow->addWidget(presetBox_);
    presetRow->addWidget(startFromPreset_);
    presetRow->addStretch(1);
    presetRow->addWidget(new QLabel(tr("Weight init:"), box));
    presetRow->addWidget(initBox_);
    layout->addLayout(presetRow);

    presetBanner_ = new QLabel(box);
    presetBanner_->setWordWrap(true);
    presetBanner_->setStyleSheet(QStringLiteral("QLabel { background: #eef4ff; padding: 4px; }"));
    layout->addWidget(presetBanner_);

    layerModel_ = new LayerListModel(this);
    layerView_ = new QListView;
    layerView_->setModel(layerModel_);
    layerView_->setSelectionMode(QAbstractItemView::SingleSelection);
    layerView_->setDragEnabled(true);
    layerView_->setAcceptDrops(true);
    layerView_->setDropIndicatorShown(true);
    // DragDrop rather than InternalMove: the model takes only its own rows anyway, and
    // InternalMove also refuses drops that no QDrag of this view delivered (the platform's
    // drag-and-drop on some systems, the tests' drops).
    layerView_->setDragDropMode(QAbstractItemView::DragDrop);
    layerView_->setDefaultDropAction(Qt::MoveAction);
    layerView_->setToolTip(tr("Drag a layer to reorder it"));
    emptyHint_ = new QLabel(
        tr("<p><b>No layers yet.</b></p><p>Pick a preset above and press <i>Start from "
           "preset</i>, or choose a layer type on the left and press <i>Add layer</i> "
           "(or double-click it).</p><p>A classifier usually ends with a <i>linear</i> layer "
           "without <i>out</i>: it gets one output per class.</p>"));
    emptyHint_->setWordWrap(true);
    emptyHint_->setAlignment(Qt::AlignCenter);
    emptyHint_->setMargin(12);
    listStack_ = new QStackedWidget(box);
    listStack_->addWidget(emptyHint_);
    listStack_->addWidget(layerView_);
    layout->addWidget(listStack_, 1);

    auto* buttons = new QHBoxLayout;
    upButton_ = new QPushButton(tr("Move up"), box);
    downButton_ = new QPushButton(tr("Move down"), box);
    duplicateButton_ = new QPushButton(tr("Duplicate"), box);
    removeButton_ = new QPushButton(tr("Remove"), box);
    for (QPushButton* button : {upButton_, downButton_, duplicateButton_, removeButton_})
        buttons->addWidget(button);
    buttons->addStretch(1);
    layout->addLayout(buttons);

    connect(layerView_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &ModelPage::showCurrentLayer);
    // The current layer keeps its place in the selection model when rows move around it,
    // without a currentChanged: the form follows it to its new row.
    auto followCurrent = [this] {
        if (shownRow_ >= 0)
            shownRow_ = currentRow();
        updateButtons();
    };
    connect(layerModel_, &QAbstractItemModel::modelReset, this, &ModelPage::updateButtons);
    connect(layerModel_, &QAbstractItemModel::rowsInserted, this, followCurrent);
    connect(layerModel_, &QAbstractItemModel::rowsRemoved, this, followCurrent);
    connect(layerModel_, &QAbstractItemModel::rowsMoved, this, followCurrent);
    connect(upButton_, &QPushButton::clicked, this, [this] { moveLayer(-1); });
    connect(downButton_, &QPushButton::clicked, this, [this] { moveLayer(1); });
    connect(duplicateButton_, &QPushButton::clicked, this, &ModelPage::duplicateLayer);
    connect(removeButton_, &QPushButton::clicked, this, &ModelPage::removeLayer);
    connect(startFromPreset_, &QPushButton::clicked, this, &ModelPage::startFromPreset);
    connect(initBox_, &QComboBox::activated, this, [this] {
        spec_->setValue(QStringLiteral("model.init"), initBox_->currentText(), this);
    });
    return box;
}

QWidget* ModelPage::buildSummary() {
    auto* box = new QGroupBox(tr("Summary"));
    auto* layout = new QVBoxLayout(box);
    inputLabel_ = new QLabel(box);
    inputLabel_->setWordWrap(true);
    summaryModel_ = new ModelSummaryModel(this);
    summaryView_ = new QTableView(box);
    summaryView_->setModel(summaryModel_);
    summaryView_->setSelectionMode(QAbstractItemView::NoSelection);
    summaryView_->verticalHeader()->setDefaultSectionSize(summaryView_->fontMetrics().height() + 6);
    summaryView_->verticalHeader()->hide(); // rows are paths, not model.layers indices
    summaryView_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    summaryView_->horizontalHeader()->setSectionResizeMode(ModelSummaryModel::Layer,
                                                           QHeaderView::Stretch);
    totalsLabel_ = new QLabel(box);
    totalsLabel_->setWordWrap(true);
    totalsLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(inputLabel_);
    layout->addWidget(summaryView_, 1);
    layout->addWidget(totalsLabel_);
    return box;
}

void ModelPage::loadFromDocument() {
    const QJsonValue preset = spec_->value(QStringLiteral("model.preset"));
    const QJsonValue layers = spec_->value(kLayers);
    presetMode_ = !layers.isArray() && preset.isString() && !preset.toString().isEmpty();
    const int row = currentRow();
    layerModel_->setLayers(presetMode_ ? presetLayersJson(preset.toString()) : layers.toArray());
    if (presetMode_) {
        presetBox_->setCurrentText(preset.toString());
        presetBanner_->setText(tr("This model is the preset <b>%1</b>; its layers are shown. "
                                  "Changing a layer replaces the preset with this list.")
                                   .arg(preset.toString().toHtmlEscaped()));
    }
    presetBanner_->setVisible(presetMode_);
    const QJsonValue init = spec_->value(QStringLiteral("model.init"));
    initBox_->setCurrentText(init.isString() ? init.toString() : QStringLiteral("default"));
    shownRow_ = -1;
    selectRow(std::min(row, layerModel_->rowCount() - 1));
    if (currentRow() < 0)
        showCurrentLayer();
}

void ModelPage::writeLayers() {
    QJsonObject model = spec_->value(kModel).toObject();
    model.remove(QStringLiteral("preset"));
    model.insert(QStringLiteral("layers"), layerModel_->layers());
    presetMode_ = false;
    presetBanner_->hide();
    spec_->setValue(kModel, model, this);
}

int ModelPage::currentRow() const {
    const QModelIndex index = layerView_->selectionModel()->currentIndex();
    return index.isValid() ? index.row() : -1;
}

void ModelPage::selectRow(int row) {
    if (row < 0 || row >= layerModel_->rowCount()) {
        layerView_->selectionModel()->clearCurrentIndex();
        return;
    }
    layerView_->selectionModel()->setCurrentIndex(layerModel_->index(row),
                                                  QItemSelectionModel::ClearAndSelect);
    showCurrentLayer();
}

void ModelPage::showCurrentLayer() {
    const int row = currentRow();
    updateButtons();
    if (row == shownRow_ && row >= 0)
        return; // already shown: rebuilding would take the focus from the field being typed in
    shownRow_ = row;
    if (row < 0) {
        fieldForm_->setLayer(nullptr, {});
        return;
    }
    const QJsonObject layer = layerModel_->layer(row);
    fieldForm_->setLayer(layerRegistry().find(layer.value(QStringLiteral("type")).toString()),
                         layer);
}

void ModelPage::updateButtons() {
    const int row = currentRow();
    const int count = layerModel_->rowCount();
    listStack_->setCurrentWidget(count == 0 ? static_cast<QWidget*>(emptyHint_) : layerView_);
    removeButton_->setEnabled(row >= 0);
    duplicateButton_->setEnabled(row >= 0);
    upButton_->setEnabled(row > 0);
    downButton_->setEnabled(row >= 0 && row + 1 < count);
}

void ModelPage::addPaletteType() {
    QTreeWidgetItem* item = palette_->currentItem();
    const QString type = item ? item->data(0, kTypeRole).toString() : QString();
    if (type.isEmpty())
        return;
    const int row = currentRow();
    selectRow(
        layerModel_->insertLayer(row < 0 ? layerModel_->rowCount() : row + 1, newLayer(type)));
}

void ModelPage::removeLayer() {
    const int row = currentRow();
    if (row < 0)
        return;
    shownRow_ = -1;
    layerModel_->removeRows(row, 1);
    selectRow(std::min(row, layerModel_->rowCount() - 1));
    if (currentRow() < 0)
        showCurrentLayer();
}

void ModelPage::duplicateLayer() {
    const int row = currentRow();
    if (row >= 0)
        selectRow(layerModel_->duplicateLayer(row));
}

void ModelPage::moveLayer(int delta) {
    const int row = currentRow();
    const int target = row + delta;
    if (row < 0 || target < 0 || target >= layerModel_->rowCount())
        return;
    // moveRows takes the row to go before: one further down when moving down.
    layerModel_->moveRows({}, row, 1, {}, delta > 0 ? target + 1 : target);
    shownRow_ = -1;
    selectRow(target);
}

void ModelPage::startFromPreset() {
    const QString preset = presetBox_->currentText();
    const QJsonArray layers = presetLayersJson(preset);
    if (!presetMode_ && layerModel_->rowCount() > 0 && layerModel_->layers() != layers) {
        const auto answer =
            QMessageBox::question(this, tr("Start from preset"),
                                  tr("Replace the %n layer(s) in the list with the preset %1?",
                                     nullptr, layerModel_->rowCount())
                                      .arg(preset));
        if (answer != QMessageBox::Yes)
            return;
    }
    layerModel_->setLayers(layers);
    writeLayers();
    selectRow(0);
}

void ModelPage::editField(const QString& fieldName, const QJsonValue& value) {
    const int row = shownRow_;
    if (row < 0 || row >= layerModel_->rowCount())
        return;
    layerModel_->setLayerField(row, fieldName, value);
    if (presetMode_) {
        writeLayers();
        return;
    }
    spec_->setValue(QStringLiteral("model.layers[%1].%2").arg(row).arg(fieldName), value, this);
}

void ModelPage::updateDatasetShape() {
    // The dataset block alone, checked by core: the rest of the spec may be mid-edit.
    const QJsonObject probe{
        {QStringLiteral("trainlab"), 1},
        {QStringLiteral("dataset"), spec_->value(QStringLiteral("dataset"))},
        {kModel, QJsonObject{{QStringLiteral("preset"), QStringLiteral("mlp")}}}};
    const QJsonValue seedValue = spec_->value(QStringLiteral("training.seed"));
    const qint64 seed = seedValue.isDouble() && seedValue.toDouble() >= 0
                            ? qint64(seedValue.toDouble())
                            : TrainingSpec{}.seed;
    QJsonObject keyed = probe;
    keyed.insert(QStringLiteral("seed"), seed);
    const QByteArray key = QJsonDocument(keyed).toJson(QJsonDocument::Compact);
    if (key == datasetKey_)
        return;
    datasetKey_ = key;
    datasetShape_.reset();
    datasetProblem_.clear();
    readingDataset_ = false;
    const int generation = ++datasetGeneration_;
    DatasetSpec dataset;
    try {
        dataset = specFromJson(probe).dataset;
    } catch (const SpecError& e) {
        datasetProblem_ = tr("The dataset block has problems (%1); fix them on the Dataset page "
                             "to see shapes.")
                              .arg(e.problems().value(0, e.message()));
        return;
    }
    if ((datasetShape_ = datasetShapeFromSpec(dataset)))
        return;
    readingDataset_ = true;
    QPointer<ModelPage> self(this);
    QThreadPool::globalInstance()->start([self, dataset, seed, generation] {
        std::optional<DatasetShape> shape;
        QString problem;
        try {
            shape = datasetShape(dataset, seed);
        } catch (const std::exception& e) {
            problem = firstLineOf(e);
        }
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, shape, problem, generation] {
                if (!self || generation != self->datasetGeneration_)
                    return; // the page is gone, or the dataset changed since
                self->readingDataset_ = false;
                self->datasetShape_ = shape;
                if (!problem.isEmpty())
                    self->datasetProblem_ =
                        tr("Cannot read the dataset to learn its shape: %1").arg(problem);
                self->updateSummary();
            },
            Qt::QueuedConnection);
    });
}

void ModelPage::updateSummary() {
    updateDatasetShape();
    const QJsonValue batchValue = spec_->value(QStringLiteral("training.batch_size"));
    const int batchSize = batchValue.isDouble() && batchValue.toInt() >= 1
                              ? batchValue.toInt()
                              : TrainingSpec{}.batchSize;
    const int count = layerModel_->rowCount();
    ModelDesignSummary summary =
        summarizeModelDesign(layerModel_->layers(), datasetShape_, batchSize);
    layerModel_->setProblems(summary.layerProblems);
    summaryModel_->setRows(std::move(summary.rows));

    // What the summary is worked out against, and the totals.
    if (!datasetProblem_.isEmpty()) {
        inputLabel_->setText(datasetProblem_);
    } else if (readingDataset_) {
        inputLabel_->setText(tr("Reading the dataset to learn its sample shape…"));
    } else if (datasetShape_) {
        const DatasetSource* source =
            findDatasetSource(spec_->value(QStringLiteral("dataset.source")).toString());
        inputLabel_->setText(tr("Input %1 from %2; %3.")
                                 .arg(shapeText(datasetShape_->sampleShape),
                                      source ? source->label : tr("the dataset"),
                                      datasetShape_->outputs == 1
                                          ? tr("1 output")
                                          : tr("%1 classes").arg(datasetShape_->outputs)));
    }
    if (count == 0) {
        totalsLabel_->setText(tr("Add layers to see the model's size."));
    } else if (!summary.layerProblems.isEmpty()) {
        // Core's message names the layer by its path; the red row shows where it is.
        totalsLabel_->setText(tr("<span style='color:#8c0000'>Does not fit yet: %1</span>")
                                  .arg(summary.layerProblems.first()
                                           .section(QLatin1Char('\n'), 0, 0)
                                           .toHtmlEscaped()));
    } else if (summary.fits()) {
        const ModelAnalysis& total = summary.check->analysis;
        totalsLabel_->setText(
            tr("<b>Total:</b> %1 parameters (%2 at fp32) · %3 FLOPs per sample · activations "
               "%4 at batch %5")
                .arg(QLocale().toString(total.parameters),
                     ModelSummaryModel::bytesText(double(total.parameters) * sizeof(float)),
                     ModelSummaryModel::countText(total.flops),
                     ModelSummaryModel::bytesText(double(total.activationElements) * sizeof(float) *
                                                  batchSize))
                .arg(batchSize));
    } else {
        totalsLabel_->clear();
    }
    Q_EMIT summaryUpdated();
}

} // namespace trainlab
