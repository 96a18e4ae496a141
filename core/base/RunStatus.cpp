#include "base/RunStatus.h"

#include <array>

namespace trainlab {

namespace {

struct StatusName {
    RunStatus status;
    const char* name;
};

constexpr std::array<StatusName, 8> kStatusNames{{
    {RunStatus::Queued, "queued"},
    {RunStatus::Running, "running"},
    {RunStatus::Paused, "paused"},
    {RunStatus::Completed, "completed"},
    {RunStatus::Failed, "failed"},
    {RunStatus::Cancelled, "cancelled"},
    {RunStatus::Pruned, "pruned"},
    {RunStatus::Interrupted, "interrupted"},
}};

} // namespace

QString runStatusName(RunStatus status) {
    for (const auto& entry : kStatusNames) {
        if (entry.status == status)
            return QString::fromLatin1(entry.name);
    }
    return QStringLiteral("invalid");
}

RunStatus runStatusFromName(const QString& name) {
    for (const auto& entry : kStatusNames) {
        if (name == QLatin1String(entry.name))
            return entry.status;
    }
    return RunStatus::Invalid;
}

bool isFinalStatus(RunStatus status) {
    return status != RunStatus::Invalid && status != RunStatus::Queued &&
           status != RunStatus::Running && status != RunStatus::Paused;
}

} // namespace trainlab
