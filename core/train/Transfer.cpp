#include "train/Transfer.h"

#include "base/Errors.h"

#include <QJsonArray>

#include <QFileInfo>
#include <torch/serialize/input-archive.h>

namespace trainlab {

namespace {

QString shapeText(const torch::Tensor& t) {
    QStringList sizes;
    for (int64_t size : t.sizes())
        sizes << QString::number(size);
    return QStringLiteral("[%1]").arg(sizes.join(QStringLiteral(", ")));
}

/// The tensor at `name` ("3.weight", "2.layers.0.bias") in a module archive, descending one
/// nested archive per dot as Module::save writes them.
bool readNested(torch::serialize::InputArchive& archive, const std::string& name,
                torch::Tensor& out, bool buffer) {
    const size_t dot = name.find('.');
    if (dot == std::string::npos)
        return archive.try_read(name, out, buffer);
    torch::serialize::InputArchive child;
    return archive.try_read(name.substr(0, dot), child) &&
           readNested(child, name.substr(dot + 1), out, buffer);
}

} // namespace

QJsonObject TransferReport::toJson() const {
    QJsonArray frozen;
    for (int layer : frozenLayers)
        frozen.append(QStringLiteral("model.layers[%1]").arg(layer));
    return {{QStringLiteral("source"), source},
            {QStringLiteral("loaded"), loaded},
            {QStringLiteral("replaced"), QJsonArray::fromStringList(replaced)},
            {QStringLiteral("missing"), QJsonArray::fromStringList(missing)},
            {QStringLiteral("frozen_layers"), frozen},
            {QStringLiteral("frozen_parameters"), qint64(frozenParameters)},
            {QStringLiteral("trainable_parameters"), qint64(trainableParameters)}};
}

QString TransferReport::summary() const {
    QString text = QStringLiteral("transfer: %1 tensors loaded from %2").arg(loaded).arg(source);
    if (!replaced.isEmpty())
        text += QStringLiteral("; %1 kept fresh (shape differs: %2)")
                    .arg(replaced.size())
                    .arg(replaced.join(QStringLiteral(", ")));
    if (!frozenLayers.isEmpty())
        text += QStringLiteral("; %1 layer(s) frozen, %2 of %3 parameters trained")
                    .arg(frozenLayers.size())
                    .arg(trainableParameters)
                    .arg(trainableParameters + frozenParameters);
    return text;
}

TransferReport loadMatchingWeights(const QString& path, torch::nn::Sequential& model) {
    if (!QFileInfo::exists(path))
        throw InputError(QStringLiteral("training.init_from: checkpoint %1 not found").arg(path));
    TransferReport report;
    report.source = path;
    try {
        torch::serialize::InputArchive file;
        file.load_from(path.toStdString(), torch::kCPU);
        torch::serialize::InputArchive archive;
        // A resumable checkpoint holds the model as one of its parts; best.pt is the model.
        const bool resumable = file.try_read("model", archive);
        torch::serialize::InputArchive& weights = resumable ? archive : file;
        torch::NoGradGuard noGrad;
        auto take = [&](const std::string& name, torch::Tensor& target, bool buffer) {
            torch::Tensor stored;
            if (!readNested(weights, name, stored, buffer)) {
                report.missing << QString::fromStdString(name);
                return;
            }
            if (!stored.sizes().equals(target.sizes())) {
                report.replaced << QStringLiteral("%1 %2 -> %3")
                                       .arg(QString::fromStdString(name), shapeText(stored),
                                            shapeText(target));
                return;
            }
            target.copy_(stored.to(target.device(), target.scalar_type()));
            ++report.loaded;
        };
        for (auto& item : model->named_parameters())
            take(item.key(), item.value(), false);
        for (auto& item : model->named_buffers())
            take(item.key(), item.value(), true);
    } catch (const InputError&) {
        throw;
    } catch (const std::exception& e) {
        throw InputError(QStringLiteral("training.init_from: %1 is not a readable checkpoint (%2)")
                             .arg(path, firstLineOf(e)));
    }
    if (report.loaded == 0)
        throw InputError(QStringLiteral("training.init_from: nothing in %1 fits this model (no "
                                        "tensor with a name and shape it has)")
                             .arg(path));
    return report;
}

void freezeLayers(torch::nn::Sequential& model, const InitFromSpec& spec, TransferReport& report) {
    const auto children = model->named_children();
    const int layers = int(children.size());
    QList<int> withParameters;
    for (int i = 0; i < layers; ++i)
        if (!children[size_t(i)].value()->parameters().empty())
            withParameters.append(i);
    QList<int> frozen = spec.freeze;
    if (spec.trainLast > 0) {
        if (spec.trainLast > withParameters.size())
            throw InputError(QStringLiteral("training.init_from.train_last: the model has %1 "
                                            "layers with parameters, not %2")
                                 .arg(withParameters.size())
                                 .arg(spec.trainLast));
        frozen = withParameters.mid(0, withParameters.size() - spec.trainLast);
    }
    for (int layer : frozen) {
        if (layer >= layers)
            throw InputError(QStringLiteral("training.init_from.freeze: model.layers[%1] is not "
                                            "in the model (it has %2 layers)")
                                 .arg(layer)
                                 .arg(layers));
        if (!withParameters.contains(layer))
            throw InputError(QStringLiteral("training.init_from.freeze: model.layers[%1] has no "
                                            "parameters to freeze")
                                 .arg(layer));
        for (torch::Tensor& p : children[size_t(layer)].value()->parameters())
            p.set_requires_grad(false);
    }
    report.frozenLayers = frozen;
    report.frozenParameters = 0;
    report.trainableParameters = 0;
    for (const torch::Tensor& p : model->parameters())
        (p.requires_grad() ? report.trainableParameters : report.frozenParameters) += p.numel();
    if (report.trainableParameters == 0)
        throw InputError(QStringLiteral("training.init_from.freeze: every layer is frozen; "
                                        "nothing would train"));
}

std::vector<torch::Tensor> trainableParameters(const torch::nn::Sequential& model) {
    std::vector<torch::Tensor> trainable;
    for (const torch::Tensor& p : model->parameters())
        if (p.requires_grad())
            trainable.push_back(p);
    return trainable;
}

} // namespace trainlab
