#pragma once

// Driving the real window as a person does: toolbar buttons and menu entries are clicked.
#include <QAction>
#include <QMainWindow>
#include <QToolBar>
#include <QtTest>

namespace trainlab::test {

/// Clicks the toolbar button of `action`; fails when it has none or it is disabled.
inline void clickToolButton(QMainWindow& window, QAction* action) {
    QVERIFY(action);
    for (QToolBar* bar : window.findChildren<QToolBar*>())
        if (QWidget* button = bar->widgetForAction(action)) {
            QVERIFY2(button->isEnabled(), qPrintable(action->text()));
            QTest::mouseClick(button, Qt::LeftButton);
            return;
        }
    QFAIL("the action has no toolbar button");
}

} // namespace trainlab::test
