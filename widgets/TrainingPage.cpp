#include "TrainingPage.h"

#include "DevicesBox.h"
#include "LrSchedulePlot.h"
#include "ScientificSpinBox.h"
#include "SpecDocument.h"
#include "TrainingFields.h"

#include "base/Errors.h"
#include "data/DatasetInspection.h"
#include "spec/SpecJson.h"
#include "spec/SpecOverrides.h"
#include "train/LrSchedule.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QFormLayout>
#include <QGroupBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QThreadPool>
#include <QVBoxLayout>
#include <algorithm>
#include <climits>
#include <cmath>
#include <utility>

namespace trainlab {

namespace {

const QString kDevices = QStringLiteral("devices");
const QString kDataset = QStringLiteral("dataset");

// Removes `path` (a dotted path of object keys) from `json`: the field's default applies again.
void removeField(QJsonObject& json, const QString& path) {
    const qsizetype dot = path.lastIndexOf(QLatin1Char('.'));
    const QString parentPath = path.left(dot);
    QJsonObject parent = specValue(json, parentPath).toObject();
    if (!parent.contains(path.mid(dot + 1)))
        return;
    parent.remove(path.mid(dot + 1));
    setSpecValue(json, parentPath, parent);
}

// A number box's range: core's limits, where bounds core excludes are kept out of reach by a
// hair (core still judges the value).
std::pair<double, double> numberRange(const TrainingField& field) {
    const double min = field.minExclusive ? field.min + 1e-12 : field.min;
    const double max = std::isinf(field.max) ? std::numeric_limits<double>::max()
                       : field.maxExclusive  ? field.max - 1e-9
                                             : field.max;
    return {min, max};
}

bool problemIsAbout(const QString& problem, const QString& path) {
    return problem.startsWith(path + QLatin1Char(':')) ||
           problem.startsWith(path + QLatin1Char('['));
}

} // namespace

TrainingPage::TrainingPage(SpecDocument* document, QWidget* parent)
    : TrainingPage(document, availableDevices(), !cudaDeviceNames().isEmpty(), parent) {}

TrainingPage::TrainingPage(SpecDocument* document, const QList<DeviceInfo>& devices,
                           bool cudaAvailable, QWidget* parent)
    : QWidget(parent)
    , document_(document)
    , cudaAvailable_(cudaAvailable) {
    devices_ = new DevicesBox(devices);
    auto* scroll = new QScrollArea;
    scroll->setWidget(buildForm());
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMinimumWidth(scroll->widget()->sizeHint().width() + 24);
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(scroll, 0);
    layout->addWidget(buildSide(), 1);

    connect(devices_, &DevicesBox::devicesEdited, this,
            [this](const QJsonValue& value) { document_->setValue(kDevices, value, this); });
    connect(document_, &SpecDocument::changed, this, [this](QObject* source) {
        if (source != this)
            showDocument();
        if (document_->value(kDataset) != countedDataset_)
            updateSampleEstimate();
        updateRows();
        updatePlan();
        showProblems();
    });
    showDocument();
    updateSampleEstimate();
    updateRows();
    updatePlan();
    showProblems();
}

QWidget* TrainingPage::buildForm() {
    auto* form = new QWidget;
    auto* column = new QVBoxLayout(form);
    QString group;
    QFormLayout* rows = nullptr;
    for (const TrainingField& field : trainingFields()) {
        if (field.group != group) {
            group = field.group;
            auto* box = new QGroupBox(tr(qPrintable(group)));
            rows = new QFormLayout(box);
            rows->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
            column->addWidget(box);
        }
        QWidget* editor = buildEditor(field);
        editor->setObjectName(field.path);
        editor->setToolTip(QStringLiteral("%1\n%2").arg(field.help, field.path));
        rows->addRow(tr(qPrintable(field.label)), editor);
        editors_.insert(field.path, editor);
        formOf_.insert(field.path, rows);
        if (field.path == QLatin1String("training.precision")) {
            precisionNote_ = new QLabel;
            precisionNote_->setWordWrap(true);
            precisionNote_->setStyleSheet(QStringLiteral("color: #9a6700"));
            rows->addRow(precisionNote_);
        }
    }
    column->addWidget(devices_);
    column->addStretch(1);
    return form;
}

QWidget* TrainingPage::buildEditor(const TrainingField& field) {
    switch (field.kind) {
    case TrainingFieldKind::Integer: {
        auto* spin = new QSpinBox;
        spin->setRange(int(field.min) + (field.minExclusive ? 1 : 0),
                       int(std::min<double>(field.max, INT_MAX)));
        if (!field.zeroMeans.isEmpty())
            spin->setSpecialValueText(tr(qPrintable(field.zeroMeans)));
        spin->setKeyboardTracking(false);
        spin->setAccelerated(true);
        connect(spin, &QSpinBox::valueChanged, this, [this, &field] { fieldEdited(field); });
        return spin;
    }
    case TrainingFieldKind::Number: {
        auto* spin = new ScientificSpinBox;
        const auto [min, max] = numberRange(field);
        spin->setRange(min, max);
        spin->setLogSteps(field.logScale);
        spin->setSingleStep(field.max <= 1 ? 0.01 : (field.logScale ? 1e-4 : 1.0));
        if (!field.zeroMeans.isEmpty())
            spin->setSpecialValueText(tr(qPrintable(field.zeroMeans)));
        connect(spin, &QDoubleSpinBox::valueChanged, this, [this, &field] { fieldEdited(field); });
        return spin;
    }
    case TrainingFieldKind::Boolean: {
        auto* box = new QCheckBox;
        connect(box, &QCheckBox::toggled, this, [this, &field] { fieldEdited(field); });
        return box;
    }
    case TrainingFieldKind::Choice: {
        auto* combo = new QComboBox;
        for (const QString& value : field.choices)
            combo->addItem(value.isEmpty() ? tr("by task (cross_entropy or mse)") : value, value);
        if (field.path == QLatin1String("training.precision") && !cudaAvailable_) {
            // Core refuses fp16 without CUDA (its kernels and loss scaling run on GPUs).
            auto* model = qobject_cast<QStandardItemModel*>(combo->model());
            QStandardItem* fp16 = model->item(combo->findData(QStringLiteral("fp16")));
            fp16->setEnabled(false);
            fp16->setToolTip(tr("fp16 needs a CUDA device, and this machine has none; on the "
                                "CPU use bf16"));
        }
        const bool controls =
            std::any_of(trainingFields().begin(), trainingFields().end(),
                        [&](const TrainingField& f) { return f.controlledBy == field.path; });
        connect(combo, &QComboBox::currentIndexChanged, this, [this, &field, combo, controls] {
            const QString value = combo->currentData().toString();
            const QJsonValue json =
                value.isEmpty() ? QJsonValue(QJsonValue::Undefined) : QJsonValue(value);
            if (controls)
                controllerEdited(field, json);
            else
                fieldEdited(field);
        });
        return combo;
    }
    case TrainingFieldKind::Text: {
        auto* combo = new QComboBox;
        combo->setEditable(true);
        combo->setInsertPolicy(QComboBox::NoInsert);
        if (field.defaultValue.toString().isEmpty()) {
            combo->addItem(QString());
            combo->lineEdit()->setPlaceholderText(tr("off"));
        }
        combo->addItems(perEpochMetricSuggestions());
        connect(combo, &QComboBox::activated, this, [this, &field] { fieldEdited(field); });
        connect(combo->lineEdit(), &QLineEdit::editingFinished, this,
                [this, &field] { fieldEdited(field); });
        return combo;
    }
    case TrainingFieldKind::IntegerList: {
        auto* edit = new QLineEdit;
        edit->setPlaceholderText(tr("e.g. 5, 8"));
        connect(edit, &QLineEdit::editingFinished, this, [this, &field] { fieldEdited(field); });
        return edit;
    }
    case TrainingFieldKind::Invalid:
        break;
    }
    return new QWidget;
}

QWidget* TrainingPage::buildSide() {
    auto* side = new QWidget;
    auto* layout = new QVBoxLayout(side);
    layout->setContentsMargins(0, 0, 0, 0);
    plot_ = new LrSchedulePlot;
    layout->addWidget(plot_, 1);

    auto* samplesRow = new QHBoxLayout;
    samplesRow->addWidget(new QLabel(tr("Training samples:")));
    samples_ = new QSpinBox;
    samples_->setObjectName(QStringLiteral("trainSamples"));
    samples_->setRange(0, INT_MAX);
    samples_->setSpecialValueText(tr("unknown"));
    samples_->setKeyboardTracking(false);
    samples_->setToolTip(tr("How many samples the training split holds: counted from the "
                            "dataset, or your estimate"));
    samplesRow->addWidget(samples_);
    countButton_ = new QPushButton(tr("Count from the dataset"));
    countButton_->setObjectName(QStringLiteral("countSamples"));
    samplesRow->addWidget(countButton_);
    samplesRow->addStretch(1);
    layout->addLayout(samplesRow);
    samplesNote_ = new QLabel;
    samplesNote_->setWordWrap(true);
    samplesNote_->setStyleSheet(QStringLiteral("color: gray"));
    layout->addWidget(samplesNote_);
    plan_ = new QLabel;
    plan_->setObjectName(QStringLiteral("trainingPlan"));
    plan_->setWordWrap(true);
    layout->addWidget(plan_);
    problems_ = new QLabel;
    problems_->setObjectName(QStringLiteral("trainingProblems"));
    problems_->setWordWrap(true);
    problems_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(problems_);

    connect(samples_, &QSpinBox::valueChanged, this, [this] {
        samplesCounted_ = false;
        samplesNote_->setText(tr("Your estimate."));
        updatePlan();
    });
    connect(countButton_, &QPushButton::clicked, this, &TrainingPage::countTrainSamples);
    return side;
}

QJsonValue TrainingPage::editorValue(const TrainingField& field) const {
    QWidget* editor = editors_.value(field.path);
    switch (field.kind) {
    case TrainingFieldKind::Integer:
        return qint64(static_cast<QSpinBox*>(editor)->value());
    case TrainingFieldKind::Number:
        return static_cast<QDoubleSpinBox*>(editor)->value();
    case TrainingFieldKind::Boolean:
        return static_cast<QCheckBox*>(editor)->isChecked();
    case TrainingFieldKind::Choice: {
        const QString value = static_cast<QComboBox*>(editor)->currentData().toString();
        return value.isEmpty() ? QJsonValue(QJsonValue::Undefined) : QJsonValue(value);
    }
    case TrainingFieldKind::Text: {
        const QString text = static_cast<QComboBox*>(editor)->currentText().trimmed();
        return text.isEmpty() ? QJsonValue(QJsonValue::Undefined) : QJsonValue(text);
    }
    case TrainingFieldKind::IntegerList: {
        const QString text = static_cast<QLineEdit*>(editor)->text().trimmed();
        if (text.isEmpty())
            return QJsonValue(QJsonValue::Undefined);
        QJsonArray list;
        for (const QString& part : text.split(QLatin1Char(','))) {
            bool ok = false;
            const int epoch = part.trimmed().toInt(&ok);
            if (!ok)
                return text; // as typed: core names what is wrong with it
            list.append(epoch);
        }
        return list;
    }
    case TrainingFieldKind::Invalid:
        break;
    }
    return QJsonValue(QJsonValue::Undefined);
}

void TrainingPage::showValue(const TrainingField& field, const QJsonValue& stored) {
    QWidget* editor = editors_.value(field.path);
    const QSignalBlocker blocker(editor);
    const QJsonValue value = stored.isUndefined() ? field.defaultValue : stored;
    switch (field.kind) {
    case TrainingFieldKind::Integer: {
        // A value core refuses (typed in the JSON) is shown as it is, not clamped to look
        // valid: the range stretches to it, and core's message says what is wrong.
        auto* spin = static_cast<QSpinBox*>(editor);
        const int v = int(std::clamp(value.toDouble(), double(INT_MIN), double(INT_MAX)));
        spin->setRange(std::min(v, int(field.min) + (field.minExclusive ? 1 : 0)),
                       std::max(v, int(std::min<double>(field.max, INT_MAX))));
        spin->setValue(v);
        break;
    }
    case TrainingFieldKind::Number: {
        auto* spin = static_cast<QDoubleSpinBox*>(editor);
        const double v = value.toDouble();
        const auto [min, max] = numberRange(field);
        spin->setRange(std::min(v, min), std::max(v, max));
        spin->setValue(v);
        break;
    }
    case TrainingFieldKind::Boolean:
        static_cast<QCheckBox*>(editor)->setChecked(value.toBool());
        break;
    case TrainingFieldKind::Choice: {
        auto* combo = static_cast<QComboBox*>(editor);
        combo->setCurrentIndex(combo->findData(value.toString())); // unknown: blank, core says
        break;
    }
    case TrainingFieldKind::Text:
        static_cast<QComboBox*>(editor)->setCurrentText(value.toString());
        break;
    case TrainingFieldKind::IntegerList: {
        QStringList parts;
        for (const QJsonValue& v : value.toArray())
            parts << QString::number(v.toInteger());
        static_cast<QLineEdit*>(editor)->setText(
            value.isString() ? value.toString() : parts.join(QStringLiteral(", ")));
        break;
    }
    case TrainingFieldKind::Invalid:
        break;
    }
}

TrainingPage::~TrainingPage() {
    destroying_ = true;
}

void TrainingPage::fieldEdited(const TrainingField& field) {
    if (destroying_)
        return;
    const QJsonValue value = editorValue(field);
    if (value == document_->value(field.path))
        return;
    document_->setValue(field.path, value, this);
}

void TrainingPage::controllerEdited(const TrainingField& field, const QJsonValue& value) {
    QJsonObject json = document_->json();
    if (value.isUndefined())
        removeField(json, field.path);
    else
        setSpecValue(json, field.path, value);
    const QString chosen = value.toString(field.defaultValue.toString());
    for (const TrainingField& f : trainingFields()) {
        if (f.controlledBy == field.path && !f.appliesWhen(chosen))
            removeField(json, f.path);
    }
    document_->setJson(json, this);
}

void TrainingPage::showDocument() {
    for (const TrainingField& field : trainingFields())
        showValue(field, document_->value(field.path));
    devices_->setDevicesJson(document_->value(kDevices));
}

bool TrainingPage::isFieldShown(const QString& path) const {
    QWidget* editor = editors_.value(path);
    QFormLayout* rows = formOf_.value(path);
    if (!editor || !rows)
        return false;
    int row = -1;
    QFormLayout::ItemRole role{};
    rows->getWidgetPosition(editor, &row, &role);
    return row >= 0 && rows->isRowVisible(row);
}

QString TrainingPage::fieldText(const QString& path) const {
    const QJsonValue value = document_->value(path);
    if (!value.isUndefined())
        return value.toString();
    const TrainingField* field = findTrainingField(path);
    return field ? field->defaultValue.toString() : QString();
}

void TrainingPage::updateRows() {
    for (const TrainingField& field : trainingFields()) {
        if (!field.controlledBy.isEmpty())
            formOf_.value(field.path)
                ->setRowVisible(editors_.value(field.path),
                                field.appliesWhen(fieldText(field.controlledBy)));
    }
    const bool stopping = !fieldText(QStringLiteral("training.early_stopping.metric")).isEmpty();
    for (const char* path :
         {"training.early_stopping.patience", "training.early_stopping.min_delta"})
        editors_.value(QLatin1String(path))->setEnabled(stopping);

    QString note;
    if (fieldText(QStringLiteral("training.precision")) == QLatin1String("fp16")) {
        if (!cudaAvailable_)
            note = tr("fp16 needs a CUDA device and this machine has none: runs here will be "
                      "refused. Use bf16 on the CPU.");
        else if (!devices_->usesCuda())
            note = tr("fp16 needs a CUDA device; tick one under Devices.");
    }
    precisionNote_->setText(note);
    precisionNote_->setVisible(!note.isEmpty());
}

void TrainingPage::showProblems() {
    QStringList mine;
    for (const QString& problem : document_->problems()) {
        if (problem.startsWith(QLatin1String("training")) || problem.startsWith(kDevices))
            mine << problem;
    }
    for (const TrainingField& field : trainingFields()) {
        const bool bad = std::any_of(mine.begin(), mine.end(), [&](const QString& p) {
            return problemIsAbout(p, field.path);
        });
        if (QWidget* label = formOf_.value(field.path)->labelForField(editors_.value(field.path)))
            label->setStyleSheet(bad ? QStringLiteral("color: #b00020; font-weight: bold")
                                     : QString());
    }
    problems_->setStyleSheet(mine.isEmpty() ? QStringLiteral("color: #1a7f37")
                                            : QStringLiteral("color: #b00020"));
    problems_->setText(mine.isEmpty() ? tr("Core accepts these training settings.")
                                      : mine.join(QLatin1Char('\n')));
}

} // namespace trainlab
