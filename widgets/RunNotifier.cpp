#include "RunNotifier.h"

#include "jobs/JobInfo.h"

#include <QApplication>
#include <QMainWindow>
#include <QStatusBar>
#include <QStyle>
#include <QSystemTrayIcon>

namespace trainlab {

namespace {

constexpr int kMessageMs = 15000;

} // namespace

RunNotifier::RunNotifier(QMainWindow* window)
    : QObject(window)
    , window_(window) {
    setObjectName(QStringLiteral("runNotifier"));
}

Notification RunNotifier::notificationFor(const JobInfo& job) {
    // Only what the user started: a trial's end is its sweep's business.
    const bool topLevel = job.parent == 0;
    const bool announced = job.status == RunStatus::Completed || job.status == RunStatus::Failed;
    if (!topLevel || !announced)
        return {};
    const bool sweep = job.kind == JobKind::Sweep;
    const qint64 id = sweep ? job.sweepId : job.runId;
    const QString what = sweep ? tr("Sweep %1").arg(id) : tr("Run %1").arg(id);
    Notification notification;
    notification.failed = job.status == RunStatus::Failed;
    notification.title =
        notification.failed ? tr("%1 failed").arg(what) : tr("%1 completed").arg(what);
    notification.message = job.title;
    if (notification.failed && !job.error.isEmpty())
        notification.message += QStringLiteral(": ") + job.error;
    return notification;
}

bool RunNotifier::jobFinished(const JobInfo& job) {
    if (window_->isActiveWindow())
        return false; // the user is looking at the window: its status bar says it
    const Notification notification = notificationFor(job);
    if (notification.title.isEmpty())
        return false;
    if (sink_)
        sink_(notification);
    else
        showOnDesktop(notification);
    return true;
}

void RunNotifier::showOnDesktop(const Notification& notification) {
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        if (!tray_) {
            QIcon icon = window_->windowIcon();
            if (icon.isNull())
                icon = window_->style()->standardIcon(QStyle::SP_ComputerIcon);
            tray_ = new QSystemTrayIcon(icon, this);
            tray_->setToolTip(QApplication::applicationDisplayName());
            // A click on the balloon brings the window back.
            connect(tray_, &QSystemTrayIcon::messageClicked, window_, [this] {
                window_->showNormal();
                window_->raise();
                window_->activateWindow();
            });
        }
        tray_->show();
        tray_->showMessage(notification.title, notification.message,
                           notification.failed ? QSystemTrayIcon::Critical
                                               : QSystemTrayIcon::Information,
                           kMessageMs);
        return;
    }
    QApplication::alert(window_);
    window_->statusBar()->showMessage(
        notification.title + QStringLiteral(": ") + notification.message, kMessageMs);
}

} // namespace trainlab
