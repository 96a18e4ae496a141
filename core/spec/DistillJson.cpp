#include "spec/DistillJson.h"

#include <limits>

namespace trainlab {

void readDistill(JsonObjectReader r, DistillSpec& d) {
    const double infinity = std::numeric_limits<double>::infinity();
    r.integer64(QStringLiteral("teacher"), d.teacher, {0, infinity});
    r.string(QStringLiteral("checkpoint"), d.checkpoint,
             {QStringLiteral("best"), QStringLiteral("last")});
    // Above ~100 every softened distribution is uniform to float precision: nothing to learn.
    r.number(QStringLiteral("temperature"), d.temperature, {0, 100, true, false});
    r.number(QStringLiteral("weight"), d.weight, {0, 1});
    // teacher 0 switches distillation off and keeps its settings (the window does so); settings
    // with no teacher at all are a mistake worth naming.
    const bool tuned = r.has(QStringLiteral("temperature")) || r.has(QStringLiteral("weight")) ||
                       r.has(QStringLiteral("checkpoint"));
    if (!r.has(QStringLiteral("teacher")) && tuned)
        r.error(QStringLiteral("teacher"),
                QStringLiteral("distillation needs a teacher: the id of a trained run"));
    r.finish();
}

QJsonObject distillToJson(const DistillSpec& d) {
    return {{QStringLiteral("teacher"), d.teacher},
            {QStringLiteral("checkpoint"), d.checkpoint},
            {QStringLiteral("temperature"), d.temperature},
            {QStringLiteral("weight"), d.weight}};
}

} // namespace trainlab
