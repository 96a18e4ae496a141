#pragma once

#include <QStringList>
#include <QStyledItemDelegate>

namespace trainlab {

/// Editors for the sweep table: the fields of the spec to pick from (or type), the kinds core
/// reads, and number boxes that take 1e-4 as readily as 0.5.
class SweepParamDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    /// The spec paths offered in the Field column, each with a tooltip.
    void setFieldSuggestions(const QStringList& paths, const QStringList& tooltips);

    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem& option,
                          const QModelIndex& index) const override;

private:
    QStringList paths_;
    QStringList tooltips_;
};

} // namespace trainlab
