// lstm and gru: recurrent layers over [L, F].
#include "model/LayerBuild.h"
#include "model/LayerRegistry.h"
#include "model/layers/BuiltinLayers.h"
#include "model/layers/CustomModules.h"

namespace trainlab {

namespace {

const QString kCategory = QStringLiteral("Recurrent");

// LSTM has four gates (input, forget, cell, output), GRU three (reset, update, new).
template <bool Lstm> constexpr int64_t kGates = Lstm ? 4 : 3;

template <bool Lstm> LayerEstimate inferRecurrent(const LayerContext& layer) {
    layer.requireRank({2}, QStringLiteral("[sequence, features]"));
    const int64_t length = layer.input()[0];
    const int64_t hidden = layer.integer("hidden");
    const int64_t directions = layer.boolean("bidirectional") ? 2 : 1;
    const int64_t gates = kGates<Lstm>;
    LayerEstimate estimate;
    int64_t in = layer.input()[1];
    for (int64_t l = 0; l < layer.integer("layers"); ++l) {
        // Per direction: input and recurrent weights, and LibTorch's two bias vectors.
        estimate.parameters += directions * (gates * hidden * (in + hidden) + 2 * gates * hidden);
        estimate.flops += 2.0 * double(gates) * double(in + hidden) * double(hidden) *
                          double(length) * double(directions);
        in = hidden * directions;
    }
    const bool lastOnly = layer.choice("output") != QLatin1String("sequence");
    estimate.output = lastOnly ? Shape{hidden * directions} : Shape{length, hidden * directions};
    return estimate;
}

template <bool Lstm> torch::nn::AnyModule makeRecurrent(const LayerBuild& layer) {
    RecurrentOptions options;
    options.lstm = Lstm;
    options.input = layer.input()[1];
    options.hidden = layer.integer("hidden");
    options.layers = layer.integer("layers");
    options.bidirectional = layer.boolean("bidirectional");
    options.dropout = layer.number("dropout");
    options.lastOnly = layer.choice("output") != QLatin1String("sequence");
    return torch::nn::AnyModule(Recurrent(options));
}

std::vector<LayerField> recurrentFields() {
    return {requiredIntField("hidden", kAtLeastOne, "hidden size"),
            intField("layers", 1, NumberRange{1, 16}, "stacked layers"),
            boolField("bidirectional", false, "read both ways"),
            numberField("dropout", 0.0, kProbability, "between stacked layers"),
            choiceField("output", "last", {QStringLiteral("last"), QStringLiteral("sequence")},
                        "the last step only, or every step")};
}

} // namespace

void registerRecurrentLayers(LayerRegistry& registry) {
    registry.add({QStringLiteral("lstm"), QStringLiteral("Long short-term memory over [L, F]"),
                  recurrentFields(), inferRecurrent<true>, makeRecurrent<true>, kCategory});
    registry.add({QStringLiteral("gru"), QStringLiteral("Gated recurrent unit over [L, F]"),
                  recurrentFields(), inferRecurrent<false>, makeRecurrent<false>, kCategory});
}

} // namespace trainlab
