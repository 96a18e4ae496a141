#include "jobs/Versions.h"

#include "store/WorkspaceReader.h"

#include <QtGlobal>
#include <torch/version.h>

namespace trainlab {

ComponentVersions componentVersions() {
    return {QStringLiteral(TRAINLAB_VERSION), QString::fromLatin1(qVersion()),
            QStringLiteral(TORCH_VERSION), sqliteVersion()};
}

} // namespace trainlab
