#pragma once

#include <QString>

namespace trainlab {

/// Now as UTC ISO-8601 text with milliseconds, as the store writes every timestamp.
QString isoTimestampNow();

/// Now as seconds since the Unix epoch, as metric rows record their wall time.
double unixSecondsNow();

} // namespace trainlab
