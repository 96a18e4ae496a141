#pragma once

#include <QString>
#include <QStringList>
#include <stdexcept>

namespace trainlab {

/// A user-facing error about input (a spec, a file, a setting). The message names what is at
/// fault; the CLI maps it to exit code 2 and the GUI shows it in a dialog.
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
        , problems_(problems) {}
    const QStringList& problems() const { return problems_; }

private:
    QStringList problems_;
};

} // namespace trainlab
