#include "data/DatasetBuilder.h"

#include "data/SyntheticData.h"
#include "spec/SpecErrors.h"

#include <QJsonArray>
#include <random>

namespace trainlab {

namespace {

// Fisher-Yates with an explicit engine: std::shuffle's algorithm is left to the library, and a
// seed must give the same split everywhere.
void seededShuffle(std::vector<int64_t>& values, std::mt19937_64& engine) {
    for (size_t i = values.size(); i > 1; --i) {
        const size_t j = size_t(engine() % i);
        std::swap(values[i - 1], values[j]);
    }
}

torch::Tensor toIndexTensor(const std::vector<int64_t>& indices) {
    return torch::tensor(indices, torch::kInt64);
}

} // namespace

void stratifiedSplit(const TensorDataset& data, int64_t numClasses, double validationFraction,
                     double testFraction, uint64_t seed, DatasetSplits& out) {
    std::vector<std::vector<int64_t>> byClass(static_cast<size_t>(numClasses));
    const auto targets = data.targets.contiguous();
    const int64_t* t = targets.data_ptr<int64_t>();
    for (int64_t i = 0; i < data.size(); ++i)
        byClass[size_t(t[i])].push_back(i);

    std::mt19937_64 engine(seed);
    std::vector<int64_t> train;
    std::vector<int64_t> validation;
    std::vector<int64_t> test;
    for (auto& members : byClass) {
        seededShuffle(members, engine);
        const auto n = int64_t(members.size());
        const auto nTest = int64_t(std::llround(double(n) * testFraction));
        const auto nVal = int64_t(std::llround(double(n) * validationFraction));
        for (int64_t i = 0; i < n; ++i) {
            auto& bucket = i < nTest ? test : (i < nTest + nVal ? validation : train);
            bucket.push_back(members[size_t(i)]);
        }
    }
    // Interleave classes so an unshuffled pass over a split is not sorted by class.
    for (auto* split : {&train, &validation, &test})
        std::sort(split->begin(), split->end());
    out.train = data.subset(toIndexTensor(train));
    out.validation = data.subset(toIndexTensor(validation));
    if (testFraction > 0)
        out.test = data.subset(toIndexTensor(test));
}

Normalization computeNormalization(const torch::Tensor& features) {
    const auto flat = features.reshape({features.size(0), -1}).to(torch::kFloat64);
    Normalization norm;
    norm.mean = flat.mean(0).to(torch::kFloat32);
    // A constant feature would divide by zero; leave its scale alone.
    auto std = flat.std(0, /*unbiased=*/false).to(torch::kFloat32);
    norm.std = torch::where(std > 1e-8, std, torch::ones_like(std));
    return norm;
}

torch::Tensor applyNormalization(const torch::Tensor& features, const Normalization& norm) {
    if (!norm.enabled() || !features.defined() || features.size(0) == 0)
        return features;
    const auto shape = features.sizes().vec();
    auto flat = features.reshape({features.size(0), -1});
    return ((flat - norm.mean) / norm.std).reshape(shape);
}

QJsonObject normalizationToJson(const Normalization& norm) {
    auto toArray = [](const torch::Tensor& t) {
        QJsonArray array;
        const auto c = t.contiguous().to(torch::kFloat64);
        const double* p = c.data_ptr<double>();
        for (int64_t i = 0; i < c.numel(); ++i)
            array.append(p[i]);
        return array;
    };
    if (!norm.enabled())
        return {};
    return {{QStringLiteral("mean"), toArray(norm.mean)}, {QStringLiteral("std"), toArray(norm.std)}};
}

DatasetSplits buildDataset(const DatasetSpec& spec, qint64 trainingSeed) {
    const auto seed = uint64_t(spec.seed >= 0 ? spec.seed : trainingSeed);
    DatasetSplits splits;
    if (spec.source == QLatin1String("synthetic")) {
        const TensorDataset all = generateSynthetic(spec.synthetic, seed);
        splits.numClasses = spec.synthetic.classes;
        for (int k = 0; k < spec.synthetic.classes; ++k)
            splits.classNames << QStringLiteral("class %1").arg(k);
        stratifiedSplit(all, splits.numClasses, spec.validationSplit, spec.testSplit,
                        seed ^ 0x5eedULL, splits);
    } else {
        throw InputError(QStringLiteral("dataset.source: unknown source '%1'").arg(spec.source));
    }
    if (splits.train.size() == 0)
        throw InputError(QStringLiteral("dataset: the training split is empty"));
    splits.sampleShape = splits.train.features.sizes().slice(1).vec();
    if (spec.normalize) {
        splits.normalization = computeNormalization(splits.train.features);
        for (auto* split : {&splits.train, &splits.validation, &splits.test})
            split->features = applyNormalization(split->features, splits.normalization);
    }
    return splits;
}

} // namespace trainlab
