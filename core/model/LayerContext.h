#pragma once

#include "model/ModelSpec.h"
#include "model/Shape.h"

#include <QJsonValue>
#include <QString>
#include <initializer_list>
#include <optional>

namespace trainlab {

struct LayerType;

/// What a layer does to one sample, worked out from its fields and input shape alone.
struct LayerEstimate {
    Shape output;
    /// Of this layer alone: a container counts what it adds around its nested layers (a
    /// residual block: its projection), since the nested layers have rows of their own.
    int64_t parameters = 0;
    double flops = 0; ///< forward floating-point operations per sample, nested layers included
    /// Elements kept for the backward pass per sample; unset: the output's size.
    std::optional<int64_t> activationElements = std::nullopt;
};

/// Infers a list of nested layers (a container's body) one level deeper; the model analysis
/// implements it, so a container type can recurse without knowing how rows are kept.
class NestedInference {
public:
    /// Returns the list's output shape, its parameters (nested ones included) and the FLOPs of
    /// its direct members.
    virtual LayerEstimate inferNested(const std::vector<LayerSpec>& layers, const QString& prefix,
                                      const Shape& input, int depth) = 0;

protected:
    ~NestedInference() = default;
};

/// One layer of a model as its type's inference and factory see it: its fields (with the type's
/// defaults behind them), where it sits, what it receives; and the checks whose messages every
/// layer type words alike (`model.layers[3]: conv2d expects [channels, height, width], gets
/// [8]`).
class LayerContext {
public:
    LayerContext(const LayerType& type, const LayerSpec& spec, QString path, Shape input,
                 int64_t outputSize, int depth, NestedInference* nested);

    const LayerType& type() const { return *type_; }
    const QString& typeName() const { return spec_->type; }
    const LayerSpec& spec() const { return *spec_; }
    const QString& path() const { return path_; }
    const Shape& input() const { return input_; }
    /// The task's output size (number of classes), for layers that default to it.
    int64_t outputSize() const { return outputSize_; }
    int depth() const { return depth_; }

    // A field's value: the spec's, else the type's default, else `fallback` (fields whose
    // value is inferred pass what they infer).
    int64_t integer(const char* name, int64_t fallback = 0) const;
    double number(const char* name, double fallback = 0) const;
    bool boolean(const char* name, bool fallback = false) const;
    QString choice(const char* name) const;
    /// The layers nested under a layer-list field.
    std::vector<LayerSpec> layers(const char* name) const;
    /// Infers the layers under `name` on `input`, adding their rows one level deeper.
    LayerEstimate inferNested(const char* name, const Shape& input) const;

    /// Throws InputError "<path>: <type> <message>".
    [[noreturn]] void fail(const QString& message) const;
    /// Fails with "expects <expected>, gets <input shape>" unless the input has one of `ranks`.
    void requireRank(std::initializer_list<size_t> ranks, const QString& expected) const;
    /// The output size of a sliding window (convolution, pooling) over one dimension; fails
    /// when the window does not fit.
    int64_t slidingOutput(int64_t size, int64_t kernel, int64_t stride, int64_t padding,
                          int64_t dilation) const;

private:
    QJsonValue value(const char* name) const;

    const LayerType* type_;
    const LayerSpec* spec_;
    QString path_;
    Shape input_;
    int64_t outputSize_;
    int depth_;
    NestedInference* nested_;
};

} // namespace trainlab
