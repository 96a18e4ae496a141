#pragma once

// Driving form widgets as a person does: picking from a combo box's list with the mouse,
// typing into a box and pressing Enter, double-clicking a table cell to edit it.
#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QStyleOptionButton>
#include <QTableView>
#include <QtTest>

namespace trainlab::test {

/// Opens the combo box's list and clicks `text` in it. A disabled item does not take the click
/// (the list stays open and is closed here); the return value says whether `text` is now shown.
inline bool chooseInCombo(QComboBox* combo, const QString& text) {
    if (!combo)
        return false;
    const int row = combo->findText(text);
    if (row < 0)
        return false;
    combo->showPopup();
    QAbstractItemView* list = combo->view();
    const QModelIndex index = list->model()->index(row, combo->modelColumn(), list->rootIndex());
    list->scrollTo(index);
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualRect(index).center());
    if (list->isVisible())
        combo->hidePopup();
    return combo->currentText() == text;
}

/// Clicks a check box on its box (a wide check box does not take clicks past its text).
inline void clickCheckBox(QCheckBox* box) {
    QVERIFY(box);
    QStyleOptionButton option;
    option.initFrom(box);
    const QRect indicator =
        box->style()->subElementRect(QStyle::SE_CheckBoxIndicator, &option, box);
    QTest::mouseClick(box, Qt::LeftButton, {}, indicator.center());
}

/// Replaces what a spin box or line edit shows with `text` and presses Enter.
inline void typeInto(QWidget* box, const QString& text) {
    QVERIFY(box);
    box->setFocus();
    QTest::keyClick(box, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClick(box, Qt::Key_Delete);
    QTest::keyClicks(box, text);
    QTest::keyClick(box, Qt::Key_Return);
}

/// Clicks a cell of `view`, presses F2 to edit it, and returns the editor that opened.
template <typename Editor> Editor* openCellEditor(QTableView* view, int row, int column) {
    const QModelIndex index = view->model()->index(row, column);
    const QPoint centre = view->visualRect(index).center();
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, centre);
    QTest::keyClick(view, Qt::Key_F2);
    Editor* open = nullptr;
    (void)QTest::qWaitFor([&] {
        for (Editor* editor : view->viewport()->findChildren<Editor*>()) {
            if (editor->isVisible())
                open = editor;
        }
        return open != nullptr;
    });
    return open;
}

} // namespace trainlab::test
