#include "model/Shape.h"

#include <QStringList>
#include <functional>
#include <numeric>

namespace trainlab {

int64_t elementCount(const Shape& shape) {
    return std::accumulate(shape.begin(), shape.end(), int64_t(1), std::multiplies<>());
}

QString shapeText(const Shape& shape) {
    QStringList parts;
    for (int64_t d : shape)
        parts << QString::number(d);
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

} // namespace trainlab
