#pragma once

#include "data/DatasetSpec.h"
#include "data/SourceData.h"

#include <QString>
#include <optional>

namespace trainlab {

/// A decoded dataset kept in one binary file, so the second open of a large source skips
/// decompression and decoding. The key covers the source kind, every input file's path, size
/// and modification time, and the options that change decoding; any change makes a new entry.
class DatasetCache {
public:
    /// `dir` empty: $TRAINLAB_CACHE_DIR, else the user's cache folder /trainlab/datasets.
    explicit DatasetCache(QString dir = {});

    /// The key for a spec's source; empty when the source is not worth caching (synthetic).
    QString keyFor(const DatasetSpec& spec) const;
    std::optional<SourceData> load(const QString& key) const;
    /// Writes atomically (temporary file, then rename); failures are ignored: a cache is optional.
    void store(const QString& key, const SourceData& data) const;
    QString fileFor(const QString& key) const;

private:
    QString dir_;
};

} // namespace trainlab
