#pragma once

#include "data/DatasetSpec.h"

#include <QImage>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QStringList>

namespace trainlab {

/// What the Dataset page shows, computed off the GUI thread: the inspection document, a grid of
/// sample images (as stored and as the augmentation makes them) and, for tables, the first rows.
struct DatasetPreview {
    QJsonObject info; ///< the same document as `trainlab-cli data inspect --json`
    QList<QImage> images;
    QList<QImage> augmented;
    QStringList imageLabels;
    QStringList tableHeader;
    QList<QStringList> tableRows;
};

/// Builds the dataset a spec names and its preview. Throws InputError on bad input.
DatasetPreview previewDataset(const DatasetSpec& spec, qint64 seed, int maxImages = 40,
                              int maxRows = 100);

} // namespace trainlab

Q_DECLARE_METATYPE(trainlab::DatasetPreview)
