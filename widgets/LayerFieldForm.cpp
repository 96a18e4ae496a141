#include "LayerFieldForm.h"

#include "model/LayerType.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QJsonArray>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>

namespace trainlab {

namespace {

// Spin boxes hold ints; a field "at least 1" with no upper limit stops here.
constexpr int kIntCeiling = 1'000'000'000;
constexpr int kNumberDecimals = 6;

int lowestInt(const NumberRange& range) {
    if (!std::isfinite(range.min))
        return -kIntCeiling;
    const double low = range.minExclusive ? std::floor(range.min) + 1 : std::ceil(range.min);
    return int(std::max<double>(low, -kIntCeiling));
}

int highestInt(const NumberRange& range) {
    if (!std::isfinite(range.max))
        return kIntCeiling;
    const double high = range.maxExclusive ? std::ceil(range.max) - 1 : std::floor(range.max);
    return int(std::min<double>(high, kIntCeiling));
}

QString rangeText(const NumberRange& range) {
    const bool low = std::isfinite(range.min);
    const bool high = std::isfinite(range.max);
    if (low && high)
        return QStringLiteral("%1%2 … %3%4")
            .arg(range.minExclusive ? QStringLiteral("(") : QStringLiteral("["))
            .arg(range.min)
            .arg(range.max)
            .arg(range.maxExclusive ? QStringLiteral(")") : QStringLiteral("]"));
    if (low)
        return (range.minExclusive ? QStringLiteral("> ") : QStringLiteral("≥ ")) +
               QString::number(range.min);
    if (high)
        return (range.maxExclusive ? QStringLiteral("< ") : QStringLiteral("≤ ")) +
               QString::number(range.max);
    return {};
}

QString fieldToolTip(const LayerField& field) {
    QString tip = field.help;
    const bool numeric =
        field.kind == LayerFieldKind::Integer || field.kind == LayerFieldKind::Number;
    if (numeric && !rangeText(field.range).isEmpty())
        tip += QStringLiteral(" (%1)").arg(rangeText(field.range));
    if (!field.defaultValue.isUndefined())
        tip += LayerFieldForm::tr("; default %1")
                   .arg(field.defaultValue.isBool()
                            ? (field.defaultValue.toBool() ? QStringLiteral("on")
                                                           : QStringLiteral("off"))
                            : field.defaultValue.toVariant().toString());
    return tip;
}

} // namespace

LayerFieldForm::LayerFieldForm(QWidget* parent)
    : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    heading_ = new QLabel(this);
    heading_->setWordWrap(true);
    heading_->setObjectName(QStringLiteral("layerHeading"));
    layout->addWidget(heading_);
    form_ = new QFormLayout;
    form_->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    layout->addLayout(form_);
    layout->addStretch(1);
    setLayer(nullptr, {});
}

void LayerFieldForm::clearRows() {
    while (form_->rowCount() > 0)
        form_->removeRow(0);
}

void LayerFieldForm::setLayer(const LayerType* type, const QJsonObject& layer) {
    filling_ = true;
    clearRows();
    if (!type) {
        const QString name = layer.value(QStringLiteral("type")).toString();
        heading_->setText(layer.isEmpty() ? tr("Select a layer to edit its fields.")
                                          : tr("<b>%1</b> is not a known layer type: change it "
                                               "on the JSON page, or remove the layer.")
                                                .arg(name.toHtmlEscaped()));
        filling_ = false;
        return;
    }
    heading_->setText(QStringLiteral("<b>%1</b><br>%2")
                          .arg(type->name.toHtmlEscaped(), type->help.toHtmlEscaped()));
    if (type->fields.empty())
        form_->addRow(new QLabel(tr("This layer has no settings."), this));
    for (const LayerField& field : type->fields) {
        QWidget* editor = makeEditor(field, layer.value(field.name));
        editor->setObjectName(field.name);
        editor->setToolTip(fieldToolTip(field));
        auto* label = new QLabel(field.name + QLatin1Char(':'), this);
        label->setToolTip(editor->toolTip());
        label->setBuddy(editor);
        form_->addRow(label, editor);
    }
    filling_ = false;
}

QWidget* LayerFieldForm::makeEditor(const LayerField& field, const QJsonValue& given) {
    const QString name = field.name;
    const QJsonValue shown = given.isUndefined() ? field.defaultValue : given;
    auto emitEdit = [this, name](const QJsonValue& value) {
        if (!filling_)
            Q_EMIT fieldEdited(name, value);
    };
    switch (field.kind) {
    case LayerFieldKind::Integer: {
        auto* box = new QSpinBox(this);
        const int low = lowestInt(field.range);
        // A field without a default gets one value below its range that stands for "left out".
        const bool optional = field.defaultValue.isUndefined();
        box->setRange(optional ? low - 1 : low, highestInt(field.range));
        if (optional)
            box->setSpecialValueText(field.required ? requiredText() : autoText());
        box->setValue(shown.isUndefined() ? box->minimum() : shown.toInt());
        connect(box, &QSpinBox::valueChanged, this, [box, optional, emitEdit](int value) {
            emitEdit(optional && value == box->minimum() ? QJsonValue(QJsonValue::Undefined)
                                                         : QJsonValue(value));
        });
        return box;
    }
    case LayerFieldKind::Number: {
        auto* box = new QDoubleSpinBox(this);
        box->setDecimals(kNumberDecimals);
        const double step = std::pow(10.0, -kNumberDecimals);
        const double low = std::isfinite(field.range.min)
                               ? field.range.min + (field.range.minExclusive ? step : 0)
                               : -1e9;
        const double high = std::isfinite(field.range.max)
                                ? field.range.max - (field.range.maxExclusive ? step : 0)
                                : 1e9;
        box->setRange(low, high);
        box->setSingleStep(high - low <= 1 ? 0.05 : 0.1);
        box->setValue(shown.toDouble());
        connect(box, &QDoubleSpinBox::valueChanged, this,
                [emitEdit](double value) { emitEdit(value); });
        return box;
    }
    case LayerFieldKind::Boolean: {
        auto* box = new QCheckBox(field.help, this);
        box->setChecked(shown.toBool());
        connect(box, &QCheckBox::toggled, this, [emitEdit](bool on) { emitEdit(on); });
        return box;
    }
    case LayerFieldKind::Choice: {
        auto* box = new QComboBox(this);
        box->addItems(field.allowed);
        box->setCurrentText(shown.toString());
        connect(box, &QComboBox::currentTextChanged, this,
                [emitEdit](const QString& text) { emitEdit(text); });
        return box;
    }
    case LayerFieldKind::LayerList: {
        // Nested layers have their own rows in the summary; editing them here would need a
        // tree, so the JSON page does it.
        QStringList types;
        for (const QJsonValue& inner : given.toArray())
            types << inner.toObject().value(QStringLiteral("type")).toString();
        auto* label = new QLabel(types.isEmpty() ? tr("no layers")
                                                 : tr("%n layer(s): %1", nullptr, int(types.size()))
                                                           .arg(types.join(QStringLiteral(", "))) +
                                                       tr(" — edit them on the JSON page"),
                                 this);
        label->setWordWrap(true);
        return label;
    }
    case LayerFieldKind::Invalid:
        break;
    }
    return new QLabel(tr("(not editable)"), this);
}

QWidget* LayerFieldForm::editor(const QString& fieldName) const {
    for (int row = 0; row < form_->rowCount(); ++row) {
        QLayoutItem* item = form_->itemAt(row, QFormLayout::FieldRole);
        if (item && item->widget() && item->widget()->objectName() == fieldName)
            return item->widget();
    }
    return nullptr;
}

} // namespace trainlab
