#include "base/Errors.h"

#include "base/OutOfMemory.h"

#include <new>

namespace trainlab {

FailureKind failureKindOf(const std::exception& error) {
    if (dynamic_cast<const InputError*>(&error))
        return FailureKind::BadInput;
    if (dynamic_cast<const EnvironmentError*>(&error) || isOutOfMemory(error))
        return FailureKind::Environment;
    return FailureKind::Runtime;
}

QString SpecError::summary() const {
    if (problems_.isEmpty())
        return source_;
    QString line =
        source_.isEmpty() ? problems_.first() : source_ + QStringLiteral(": ") + problems_.first();
    if (problems_.size() > 1)
        line += QStringLiteral(" (and %1 more problems; trainlab-cli validate lists them all)")
                    .arg(problems_.size() - 1);
    return line;
}

QString firstLineOf(const std::exception& error) {
    if (const auto* spec = dynamic_cast<const SpecError*>(&error))
        return spec->summary();
    if (const auto* input = dynamic_cast<const InputError*>(&error))
        return input->message();
    if (const auto* environment = dynamic_cast<const EnvironmentError*>(&error))
        return environment->message();
    if (const auto* run = dynamic_cast<const RunError*>(&error))
        return run->message();
    if (dynamic_cast<const std::bad_alloc*>(&error))
        return QStringLiteral("out of memory");
    return QString::fromUtf8(error.what()).section(QLatin1Char('\n'), 0, 0);
}

} // namespace trainlab
