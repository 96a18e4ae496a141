#pragma once

#include <QString>
#include <QStringList>
#include <stdexcept>

namespace trainlab {

/// A user-facing error about input (a spec, a file, a setting, a device that is not there, a
/// model that does not fit the data). The message names what is at fault; the CLI maps it to
/// exit code 2 and the GUI shows it in a dialog.
class InputError : public std::runtime_error {
public:
    explicit InputError(const QString& message)
        : std::runtime_error(message.toStdString())
        , message_(message) {}
    const QString& message() const { return message_; }

private:
    QString message_;
};

/// Every problem found while loading a spec, each prefixed with its JSON path.
class SpecError : public InputError {
public:
    SpecError(const QString& source, const QStringList& problems)
        : InputError(source.isEmpty()
                         ? problems.join(QLatin1Char('\n'))
                         : source + QStringLiteral(":\n  ") + problems.join(QStringLiteral("\n  ")))
        , source_(source)
        , problems_(problems) {}
    const QString& source() const { return source_; }
    const QStringList& problems() const { return problems_; }
    /// One line: the source, the first problem and how many more there are (message() lists
    /// them all, one a line).
    QString summary() const;

private:
    QString source_;
    QStringList problems_;
};

/// The environment failed, not the input: the disk is full, the database is locked, corrupt or
/// unwritable, memory ran out. The CLI maps it to exit code 3.
class EnvironmentError : public std::runtime_error {
public:
    explicit EnvironmentError(const QString& message)
        : std::runtime_error(message.toStdString())
        , message_(message) {}
    const QString& message() const { return message_; }

private:
    QString message_;
};

/// A run failed while running, for a reason its settings may explain (the loss diverged): the
/// CLI maps it to exit code 1.
class RunError : public std::runtime_error {
public:
    explicit RunError(const QString& message)
        : std::runtime_error(message.toStdString())
        , message_(message) {}
    const QString& message() const { return message_; }

private:
    QString message_;
};

/// Why a run, sweep or command failed, for the exit-code contract of DESIGN.md.
enum class FailureKind {
    None,        ///< it did not fail
    BadInput,    ///< exit 2: the spec, a data file, a device, a model that does not fit
    Environment, ///< exit 3: disk full, database locked or corrupt, out of memory
    Runtime      ///< exit 1: it failed while running (diverged, a trial program failed, ...)
};

/// The kind of failure an exception stands for: InputError is bad input, EnvironmentError and
/// running out of memory (isOutOfMemory) the environment, anything else a failure while running.
FailureKind failureKindOf(const std::exception& error);

/// The first line of an exception's message (LibTorch's c10::Error carries a backtrace after
/// it), as text for a user; a SpecError's summary().
QString firstLineOf(const std::exception& error);

} // namespace trainlab
