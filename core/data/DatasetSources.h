#pragma once

#include <QString>
#include <QStringList>
#include <QVector>

namespace trainlab {

/// What a `dataset.path` names for a source.
enum class DatasetPathKind {
    None,     ///< the source takes no path (synthetic, idx with its own file pair)
    Optional, ///< a default location applies when empty (fashion-mnist)
    File,     ///< a table file (csv)
    Folder    ///< a folder (image_folder, cifar10)
};

/// One value of `dataset.source`: the facts the spec loader checks and the window's Dataset
/// page offers, kept in one list so the two cannot disagree.
struct DatasetSource {
    QString id;    ///< the JSON value
    QString label; ///< for people: "CSV / TSV table"
    DatasetPathKind path = DatasetPathKind::None;
    bool usesIdxPair = false; ///< reads `train` / `test` {images, labels}

    bool needsPath() const {
        return path == DatasetPathKind::File || path == DatasetPathKind::Folder;
    }
    /// "CSV file" / "folder": what to ask a person for.
    QString pathNoun() const;
};

/// Every source, in the order a person is offered them.
const QVector<DatasetSource>& datasetSources();
/// The source named `id`, or nullptr.
const DatasetSource* findDatasetSource(const QString& id);
/// The ids, for messages that list the choices.
QStringList datasetSourceIds();

} // namespace trainlab
