#include "data/DatasetSources.h"

#include <QStringList>

namespace trainlab {

QString DatasetSource::pathNoun() const {
    return path == DatasetPathKind::File ? QStringLiteral("CSV file") : QStringLiteral("folder");
}

const QVector<DatasetSource>& datasetSources() {
    static const QVector<DatasetSource> sources = {
        {QStringLiteral("fashion-mnist"), QStringLiteral("Fashion-MNIST"),
         DatasetPathKind::Optional},
        {QStringLiteral("idx"), QStringLiteral("IDX files (MNIST format)"), DatasetPathKind::None,
         true},
        {QStringLiteral("csv"), QStringLiteral("CSV / TSV table"), DatasetPathKind::File},
        {QStringLiteral("image_folder"), QStringLiteral("Image folder (one folder per class)"),
         DatasetPathKind::Folder},
        {QStringLiteral("cifar10"), QStringLiteral("CIFAR-10 binary batches"),
         DatasetPathKind::Folder},
        {QStringLiteral("synthetic"), QStringLiteral("Synthetic"), DatasetPathKind::None},
    };
    return sources;
}

const DatasetSource* findDatasetSource(const QString& id) {
    for (const DatasetSource& source : datasetSources())
        if (source.id == id)
            return &source;
    return nullptr;
}

QStringList datasetSourceIds() {
    QStringList ids;
    for (const DatasetSource& source : datasetSources())
        ids << source.id;
    return ids;
}

} // namespace trainlab
