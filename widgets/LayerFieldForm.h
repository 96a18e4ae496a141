#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QWidget>

class QFormLayout;
class QLabel;

namespace trainlab {

struct LayerField;
struct LayerType;

/// The fields of one layer, as a form generated from its type's definition in the layer
/// registry: integers and numbers in spin boxes limited to the field's range, choices in combo
/// boxes, switches in check boxes, the field's help as tooltip. A field the spec leaves out
/// shows its default; one without a default shows "auto" (the layer infers it) or "required".
class LayerFieldForm : public QWidget {
    Q_OBJECT
public:
    explicit LayerFieldForm(QWidget* parent = nullptr);

    /// Shows `layer`'s fields (type nullptr: no layer, or an unknown type, said so).
    void setLayer(const LayerType* type, const QJsonObject& layer);
    /// The editor of a field (objectName: the field's name), for tests; nullptr if not shown.
    QWidget* editor(const QString& fieldName) const;

    /// The text a field shows when left out and nothing fills it in.
    static QString autoText() { return tr("auto"); }
    static QString requiredText() { return tr("required"); }

Q_SIGNALS:
    /// A person changed a field: its new value, or undefined to leave it out of the spec.
    void fieldEdited(const QString& fieldName, const QJsonValue& value);

private:
    QWidget* makeEditor(const LayerField& field, const QJsonValue& given);
    void clearRows();

    QLabel* heading_ = nullptr;
    QFormLayout* form_ = nullptr;
    bool filling_ = false; ///< setLayer is filling the editors: their signals are not edits
};

} // namespace trainlab
