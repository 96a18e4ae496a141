#include "util/Clock.h"

#include <QDateTime>

namespace trainlab {

QString isoTimestampNow() {
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

double unixSecondsNow() {
    return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

} // namespace trainlab
