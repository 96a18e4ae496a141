#include "SweepParamDelegate.h"

#include "ScientificSpinBox.h"
#include "SweepParamsModel.h"

#include <QComboBox>
#include <limits>

namespace trainlab {

void SweepParamDelegate::setFieldSuggestions(const QStringList& paths,
                                             const QStringList& tooltips) {
    paths_ = paths;
    tooltips_ = tooltips;
}

QWidget* SweepParamDelegate::createEditor(QWidget* parent, const QStyleOptionViewItem& option,
                                          const QModelIndex& index) const {
    switch (index.column()) {
    case SweepParamsModel::Field:
    case SweepParamsModel::Kind: {
        auto* combo = new QComboBox(parent);
        if (index.column() == SweepParamsModel::Field) {
            // Any path core accepts may be typed; the list holds those the spec has now.
            combo->setEditable(true);
            combo->setInsertPolicy(QComboBox::NoInsert);
            for (qsizetype i = 0; i < paths_.size(); ++i)
                combo->addItem(paths_[i]);
            for (qsizetype i = 0; i < tooltips_.size() && i < paths_.size(); ++i)
                combo->setItemData(int(i), tooltips_[i], Qt::ToolTipRole);
        } else {
            combo->addItems(SweepParamsModel::kindNames());
        }
        // A pick from the list is the edit: commit it at once.
        connect(combo, &QComboBox::activated, this, [this, combo] {
            auto* self = const_cast<SweepParamDelegate*>(this);
            Q_EMIT self->commitData(combo);
            Q_EMIT self->closeEditor(combo);
        });
        return combo;
    }
    case SweepParamsModel::Low:
    case SweepParamsModel::High: {
        auto* spin = new ScientificSpinBox(parent);
        spin->setRange(-std::numeric_limits<double>::max(), std::numeric_limits<double>::max());
        spin->setFrame(false);
        return spin;
    }
    default:
        return QStyledItemDelegate::createEditor(parent, option, index);
    }
}

} // namespace trainlab
