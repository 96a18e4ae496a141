#pragma once

#include <QString>

namespace trainlab {

/// What this build of TrainLab runs on, for About boxes, `--version` and bug reports.
struct ComponentVersions {
    QString trainlab;
    QString qt;       ///< the Qt library loaded at run time
    QString libtorch; ///< the LibTorch headers built against
    QString sqlite;   ///< the SQLite library loaded at run time
};

ComponentVersions componentVersions();

} // namespace trainlab
