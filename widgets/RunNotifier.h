#pragma once

#include <QObject>
#include <QString>
#include <functional>

class QMainWindow;
class QSystemTrayIcon;

namespace trainlab {

struct JobInfo;

/// One desktop notification: a run or sweep ended while nobody was looking.
struct Notification {
    QString title;   ///< "Run 12 completed"
    QString message; ///< its spec's name, and the error of a failure
    bool failed = false;
};

/// Tells the user on the desktop when a run or sweep they started finishes or fails while the
/// window is not the active one: a tray balloon where the desktop has a system tray, else the
/// taskbar entry asks for attention and the status bar says it. Trials and cancelled jobs,
/// which the user either caused or sees in their sweep, say nothing.
class RunNotifier : public QObject {
    Q_OBJECT
public:
    using Sink = std::function<void(const Notification&)>;

    explicit RunNotifier(QMainWindow* window);

    /// Replaces the desktop with `sink` (tests); an empty sink restores the desktop.
    void setSink(Sink sink) { sink_ = std::move(sink); }
    /// Notifies about a finished job when it deserves it; returns whether it did.
    bool jobFinished(const JobInfo& job);
    /// What a finished job is announced as; an empty title when it deserves no notice.
    static Notification notificationFor(const JobInfo& job);

private:
    void showOnDesktop(const Notification& notification);

    QMainWindow* window_;
    Sink sink_;
    QSystemTrayIcon* tray_ = nullptr;
};

} // namespace trainlab
