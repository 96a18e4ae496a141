#include "model/ModelBuilder.h"

#include "model/LayerBuild.h"
#include "model/LayerRegistry.h"

#include <mutex>
#include <stdexcept>
#include <torch/nn/init.h>
#include <torch/utils.h>

namespace trainlab {

namespace {

int64_t countParameters(const torch::nn::Module& module) {
    int64_t total = 0;
    for (const auto& p : module.parameters())
        total += p.numel();
    return total;
}

class Builder final : public NestedBuilder {
public:
    Builder(const std::vector<LayerShape>& rows, const QString& init, int64_t outputSize)
        : rows_(rows)
        , init_(init)
        , outputSize_(outputSize) {}

    // The analysis listed the rows depth-first; building walks the layers in the same order.
    torch::nn::Sequential buildNested(const std::vector<LayerSpec>& layers) override {
        torch::nn::Sequential net;
        for (const LayerSpec& spec : layers) {
            const size_t first = next_++;
            const LayerShape& row = rows_.at(first);
            const LayerType* type = layerRegistry().find(spec.type);
            if (!type || row.type != spec.type)
                throw std::logic_error("model builder: layer " + row.path.toStdString() +
                                       " was not analyzed as " + spec.type.toStdString());
            const LayerContext context(*type, spec, row.path, row.inputShape, outputSize_,
                                       row.depth, nullptr);
            torch::nn::AnyModule module = type->make(LayerBuild(context, row, *this));
            initialize(*module.ptr());
            checkParameters(first, *module.ptr());
            net->push_back(module);
        }
        return net;
    }

    void initialize(torch::nn::Module& module) const override {
        if (init_ == QLatin1String("default"))
            return;
        torch::NoGradGuard noGrad;
        for (auto& named : module.named_parameters(/*recurse=*/true)) {
            auto& p = named.value();
            const bool isBias =
                named.key().size() >= 4 && named.key().substr(named.key().size() - 4) == "bias";
            if (isBias) {
                p.zero_();
            } else if (p.dim() >= 2) {
                if (init_ == QLatin1String("kaiming"))
                    torch::nn::init::kaiming_uniform_(p, 0.0, torch::kFanIn, torch::kReLU);
                else
                    torch::nn::init::xavier_uniform_(p);
            }
        }
    }

    bool builtEveryRow() const { return next_ == rows_.size(); }

private:
    // The summary reports the counts the layer types infer; a factory that makes something
    // else is a bug in its type, caught here rather than shown as a wrong summary.
    void checkParameters(size_t first, const torch::nn::Module& module) const {
        int64_t inferred = 0;
        for (size_t r = first; r < next_; ++r)
            inferred += rows_[r].parameters;
        const int64_t actual = countParameters(module);
        if (inferred != actual)
            throw std::logic_error(
                QStringLiteral("%1: layer type %2 infers %3 parameters, its module has %4")
                    .arg(rows_[first].path, rows_[first].type)
                    .arg(inferred)
                    .arg(actual)
                    .toStdString());
    }

    const std::vector<LayerShape>& rows_;
    QString init_;
    int64_t outputSize_;
    size_t next_ = 0;
};

} // namespace

BuiltModel buildModel(const ModelSpec& spec, const std::vector<int64_t>& inputShape,
                      int64_t outputSize) {
    ModelAnalysis analysis = analyzeModel(spec, inputShape, outputSize);
    Builder builder(analysis.layers, spec.init, outputSize);
    BuiltModel built;
    built.net = builder.buildNested(resolveLayers(spec));
    if (!builder.builtEveryRow())
        throw std::logic_error("model builder: a container did not build its nested layers");
    built.layers = std::move(analysis.layers);
    built.parameters = analysis.parameters;
    built.flops = analysis.flops;
    built.activationElements = analysis.activationElements;
    return built;
}

BuiltModel buildSeededModel(const ModelSpec& spec, const std::vector<int64_t>& inputShape,
                            int64_t outputSize, uint64_t seed) {
    static std::mutex defaultGeneratorUse;
    std::lock_guard lock(defaultGeneratorUse);
    torch::manual_seed(seed);
    return buildModel(spec, inputShape, outputSize);
}

} // namespace trainlab
