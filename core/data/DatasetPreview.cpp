#include "data/DatasetPreview.h"

#include "data/Augmentation.h"
#include "data/CsvReader.h"
#include "data/DatasetBuilder.h"
#include "data/DatasetCache.h"
#include "data/DatasetInspection.h"
#include "data/FileBytes.h"

#include <QElapsedTimer>

namespace trainlab {

namespace {

// [C, H, W] floats in [0, 1] to an image.
QImage toImage(const torch::Tensor& chw) {
    const auto bytes = (chw.clamp(0, 1) * 255.0).round().to(torch::kUInt8).contiguous();
    const int channels = int(bytes.size(0));
    const int h = int(bytes.size(1));
    const int w = int(bytes.size(2));
    QImage image(w, h, channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888);
    const uint8_t* p = bytes.data_ptr<uint8_t>();
    for (int y = 0; y < h; ++y) {
        uchar* line = image.scanLine(y);
        for (int x = 0; x < w; ++x) {
            for (int c = 0; c < channels; ++c)
                line[x * channels + c] = p[(int64_t(c) * h + y) * w + x];
        }
    }
    return image;
}

// Up to `count` training samples, round-robin over classes so every class shows.
std::vector<int64_t> previewIndices(const DatasetSplits& data, int count) {
    std::vector<std::vector<int64_t>> byClass(
        static_cast<size_t>(std::max<int64_t>(1, data.numClasses)));
    const auto targets = data.train.targets.contiguous();
    for (int64_t i = 0; i < data.train.size() && i < 20000; ++i) {
        const size_t k =
            data.task == TaskKind::Classification ? size_t(targets[i].item<int64_t>()) : 0;
        if (byClass[k].size() < size_t(count))
            byClass[k].push_back(i);
    }
    std::vector<int64_t> picked;
    for (size_t round = 0; picked.size() < size_t(count); ++round) {
        bool any = false;
        for (const auto& members : byClass) {
            if (round < members.size() && picked.size() < size_t(count)) {
                picked.push_back(members[round]);
                any = true;
            }
        }
        if (!any)
            break;
    }
    return picked;
}

} // namespace

DatasetPreview previewDataset(const DatasetSpec& spec, qint64 seed, int maxImages, int maxRows) {
    DatasetPreview preview;
    preview.info = inspectDataset(spec, seed);
    if (spec.source == QLatin1String("csv")) {
        const QString text = QString::fromUtf8(readFileBytes(spec.path));
        const QChar delimiter = detectCsvDelimiter(text, spec.csv, spec.path);
        auto rows = splitCsvRows(text.left(200000), delimiter, spec.path);
        if (!rows.empty()) {
            preview.tableHeader = rows.front();
            for (size_t r = 1; r < rows.size() && int(r) <= maxRows; ++r)
                preview.tableRows.append(rows[r]);
        }
        return preview;
    }
    // The inspection already loaded the data once; the cache makes this second build cheap.
    const DatasetCache cache;
    const DatasetSplits data = buildDataset(spec, seed, &cache);
    if (!data.images)
        return preview;
    const auto indices = previewIndices(data, maxImages);
    const auto idx = torch::tensor(indices, torch::kInt64);
    const auto raw = data.train.features.index_select(0, idx).to(torch::kFloat32).div(255.0);
    const auto normalized = prepareFeatures(data.train.features.index_select(0, idx), data);
    auto augmented = augmentBatch(normalized, spec.augment, uint64_t(seed) ^ 0xa46ULL);
    if (data.normalization.enabled())
        augmented = augmented * data.normalization.std + data.normalization.mean;
    for (size_t i = 0; i < indices.size(); ++i) {
        preview.images.append(toImage(raw[int64_t(i)]));
        preview.augmented.append(toImage(augmented[int64_t(i)]));
        const int64_t label = data.train.targets[indices[i]].item<int64_t>();
        preview.imageLabels.append(data.classNames.value(qsizetype(label)));
    }
    return preview;
}

} // namespace trainlab
