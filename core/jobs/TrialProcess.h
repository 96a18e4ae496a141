#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <atomic>
#include <vector>

namespace trainlab {

/// The last `limit` bytes written to a stream, in a ring of that size allocated once: a program
/// that prints gigabytes costs `limit` bytes of memory and no allocation per read.
class OutputTail {
public:
    explicit OutputTail(qsizetype limit);
    void append(const char* data, qsizetype size);
    /// The kept bytes, oldest first, at most `limit`.
    QByteArray bytes() const;
    /// True once something was dropped.
    bool truncated() const { return truncated_; }

private:
    std::vector<char> ring_;
    size_t next_ = 0; ///< where the next byte goes
    size_t held_ = 0; ///< bytes kept, up to the ring's size
    bool truncated_ = false;
};

/// How a program run by runInOwnGroup ended, with the tails of what it printed.
struct TrialProcessResult {
    enum class End { Invalid, NotStarted, Exited, Signalled, TimedOut, Cancelled };
    End end = End::Invalid;
    int exitCode = 0;   ///< End::Exited
    int signal = 0;     ///< End::Signalled (0: it ended, but its status was lost)
    QString startError; ///< End::NotStarted: why (the program is missing, not executable, ...)
    QByteArray stdoutTail;
    QByteArray stderrTail;
    double seconds = 0;
};

/// Runs `argv` (the program is looked up in PATH) with stdin from /dev/null, in a process group
/// of its own, keeping only the last `tailBytes` of its stdout and of its stderr. Waits at most
/// `timeoutS` seconds (0: no limit) and stops early when `cancel` becomes true. When it ends,
/// for whatever reason, the whole group is killed: the program's own children (a shell's
/// background jobs, a launcher's workers) go with it instead of outliving the trial.
TrialProcessResult runInOwnGroup(const QStringList& argv, double timeoutS,
                                 const std::atomic<bool>* cancel, qsizetype tailBytes);

} // namespace trainlab
