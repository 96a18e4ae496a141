// The runs browser's context menus and the dialogs they open: columns, tags, notes, deleting.
#include "RunColumns.h"
#include "RunsBrowser.h"
#include "RunsTreeModel.h"

#include "base/MetricPoint.h"
#include "store/RunEditor.h"

#include <QAction>
#include <QHeaderView>
#include <QInputDialog>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QTreeView>

namespace trainlab {

namespace {

constexpr int kNamedRuns = 10; ///< runs a confirmation names before "and N more"

} // namespace

QMenu* RunsBrowser::openRowMenu(const QPoint& position) {
    // Like a file manager: a click outside the selection acts on the row clicked.
    const QModelIndex at = view_->indexAt(position);
    if (at.isValid() && !view_->selectionModel()->isSelected(at))
        view_->selectionModel()->setCurrentIndex(at, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
    const bool any = !selectedRunIds().isEmpty();
    auto* menu = new QMenu(this);
    menu->setObjectName(QStringLiteral("runsContextMenu"));
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addAction(compareAction_);
    menu->addSeparator();
    QAction* tag = menu->addAction(tr("Add tag…"), this, &RunsBrowser::askTags);
    tag->setObjectName(QStringLiteral("addTagAction"));
    tag->setEnabled(any);
    QMenu* untag = menu->addMenu(tr("Remove tag"));
    untag->setObjectName(QStringLiteral("removeTagMenu"));
    for (const QString& name : selectedTags())
        untag->addAction(name, this, [this, name] { removeTag(name); });
    untag->setEnabled(!untag->isEmpty());
    QAction* note = menu->addAction(tr("Edit note…"), this, &RunsBrowser::askNote);
    note->setObjectName(QStringLiteral("editNoteAction"));
    note->setEnabled(any);
    if (!rowActions_.isEmpty()) {
        menu->addSeparator();
        menu->addActions(rowActions_);
    }
    menu->addSeparator();
    QAction* remove = menu->addAction(tr("Delete…"), this, &RunsBrowser::askDelete);
    remove->setObjectName(QStringLiteral("deleteRunsAction"));
    remove->setEnabled(any);
    menu->popup(view_->viewport()->mapToGlobal(position));
    return menu;
}

QMenu* RunsBrowser::openHeaderMenu(const QPoint& position) {
    model_->reloadCatalog(); // metrics and hyperparameters new since show next time
    auto* menu = new QMenu(this);
    menu->setObjectName(QStringLiteral("runsColumnsMenu"));
    menu->setAttribute(Qt::WA_DeleteOnClose);
    QHeaderView* header = view_->header();
    for (int column = RunsTreeModel::Id + 1; column < RunsTreeModel::Count; ++column) {
        QAction* fixed = menu->addAction(model_->headerData(column, Qt::Horizontal).toString());
        fixed->setCheckable(true);
        fixed->setChecked(!header->isSectionHidden(column));
        connect(fixed, &QAction::toggled, this, [this, column](bool shown) {
            view_->header()->setSectionHidden(column, !shown);
            saveSettings();
        });
    }
    const RunColumnCatalog& catalog = model_->catalog();
    auto addGroup = [&](const QString& title, const QString& objectName, RunColumn::Kind kind,
                        const QStringList& names) {
        QMenu* group = menu->addMenu(title);
        group->setObjectName(objectName);
        for (const QString& name : names) {
            const QString key = RunColumn::key(kind, name);
            QAction* extra = group->addAction(name);
            extra->setCheckable(true);
            extra->setChecked(model_->extraColumns().contains(key));
            connect(extra, &QAction::toggled, this,
                    [this, key](bool shown) { toggleExtraColumn(key, shown); });
        }
        group->setEnabled(!names.isEmpty());
    };
    menu->addSeparator();
    addGroup(tr("Hyperparameters"), QStringLiteral("paramColumnsMenu"), RunColumn::Kind::Param,
             catalog.params);
    addGroup(tr("Final metrics"), QStringLiteral("finalColumnsMenu"), RunColumn::Kind::Final,
             catalog.metrics);
    // Best only where a metric has a direction, as `show`'s "best" and sweep objectives.
    QStringList directed;
    for (const QString& metric : catalog.metrics)
        if (metricHigherIsBetter(metric))
            directed << metric;
    addGroup(tr("Best metrics"), QStringLiteral("bestColumnsMenu"), RunColumn::Kind::Best,
             directed);
    menu->popup(header->mapToGlobal(position));
    return menu;
}

QStringList RunsBrowser::selectedTags() const {
    QStringList tags;
    for (qint64 id : selectedRunIds())
        if (const RunTableRow* row = model_->row(id))
            for (const QString& tag : row->run.tags)
                if (!tags.contains(tag))
                    tags << tag;
    tags.sort();
    return tags;
}

QString RunsBrowser::describeSelection(const QList<qint64>& runs) const {
    QStringList named;
    for (qint64 id : runs.mid(0, kNamedRuns)) {
        const RunTableRow* row = model_->row(id);
        named << (row ? tr("%1 (%2)").arg(id).arg(row->run.name) : QString::number(id));
    }
    if (runs.size() > kNamedRuns)
        named << tr("and %1 more").arg(runs.size() - kNamedRuns);
    return named.join(QStringLiteral(", "));
}

QInputDialog* RunsBrowser::askTags() {
    const QList<qint64> runs = selectedRunIds();
    if (runs.isEmpty())
        return nullptr;
    auto* dialog = new QInputDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("tagDialog"));
    dialog->setWindowTitle(tr("Add tag"));
    dialog->setLabelText(tr("Tags for %1 (comma-separated):").arg(describeRuns(runs)));
    connect(dialog, &QInputDialog::textValueSelected, this, [this, runs](const QString& text) {
        QStringList tags = text.split(QLatin1Char(','), Qt::SkipEmptyParts);
        for (QString& tag : tags)
            tag = tag.trimmed();
        tags.removeAll(QString());
        if (!tags.isEmpty())
            editor()->tagRuns(runs, tags);
    });
    dialog->open();
    return dialog;
}

void RunsBrowser::removeTag(const QString& tag) {
    const QList<qint64> runs = selectedRunIds();
    if (!runs.isEmpty())
        editor()->untagRuns(runs, {tag});
}

QInputDialog* RunsBrowser::askNote() {
    const QList<qint64> runs = selectedRunIds();
    if (runs.isEmpty())
        return nullptr;
    auto* dialog = new QInputDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("noteDialog"));
    dialog->setWindowTitle(tr("Note"));
    dialog->setOption(QInputDialog::UsePlainTextEditForTextInput);
    dialog->setLabelText(tr("Note for %1 (empty removes it):").arg(describeRuns(runs)));
    if (const RunTableRow* row = runs.size() == 1 ? model_->row(runs.first()) : nullptr)
        dialog->setTextValue(row->run.note);
    connect(dialog, &QInputDialog::textValueSelected, this,
            [this, runs](const QString& note) { editor()->setNote(runs, note); });
    dialog->open();
    return dialog;
}

QMessageBox* RunsBrowser::askDelete() {
    const QList<qint64> runs = selectedRunIds();
    if (runs.isEmpty())
        return nullptr;
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Delete runs"),
                                tr("Delete %n run(s) for good?", nullptr, int(runs.size())),
                                QMessageBox::Cancel, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("deleteRunsDialog"));
    box->setInformativeText(
        tr("%1\n\nThis removes their metrics, summaries, system samples, artifacts, checkpoint "
           "rows and checkpoint files; it cannot be undone. A run that is training is not "
           "deleted, nor a trial of a sweep that is going on.")
            .arg(describeSelection(runs)));
    QPushButton* confirm = box->addButton(tr("Delete"), QMessageBox::DestructiveRole);
    confirm->setObjectName(QStringLiteral("confirmDeleteButton"));
    box->setDefaultButton(QMessageBox::Cancel);
    connect(confirm, &QPushButton::clicked, this, [this, runs] { editor()->deleteRuns(runs); });
    box->open();
    return box;
}

} // namespace trainlab
