#include "train/Misclassified.h"

#include <QBuffer>
#include <QImage>
#include <QJsonArray>
#include <cmath>

namespace trainlab {

namespace {

/// One stored sample [C, H, W] of uint8 pixels as base64 PNG; empty when it is no grey or RGB
/// image.
QString pngBase64(const torch::Tensor& sample) {
    if (sample.scalar_type() != torch::kUInt8 || sample.dim() != 3)
        return {};
    const int channels = int(sample.size(0));
    if (channels != 1 && channels != 3)
        return {};
    const auto bytes = sample.contiguous();
    const int h = int(bytes.size(1));
    const int w = int(bytes.size(2));
    QImage image(w, h, channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888);
    const uint8_t* p = bytes.data_ptr<uint8_t>();
    for (int y = 0; y < h; ++y) {
        uchar* line = image.scanLine(y);
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < channels; ++c)
                line[x * channels + c] = p[(int64_t(c) * h + y) * w + x];
    }
    if (w > kMisclassifiedImageSide || h > kMisclassifiedImageSide)
        image = image.scaled(kMisclassifiedImageSide, kMisclassifiedImageSide, Qt::KeepAspectRatio,
                             Qt::SmoothTransformation);
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return QString::fromLatin1(png.toBase64());
}

} // namespace

QJsonObject misclassifiedJson(const torch::Tensor& outputs, const torch::Tensor& targets,
                              const torch::Tensor& pixels, OutputActivation activation,
                              const QStringList& classNames, int limit) {
    const auto logProbabilities = classLogProbabilities(outputs, activation).contiguous();
    const auto predicted = outputs.argmax(1).contiguous();
    const auto truth = targets.to(torch::kInt64).contiguous();
    const auto wrong = predicted.ne(truth).nonzero().view({-1});
    const auto confidence =
        logProbabilities.gather(1, predicted.unsqueeze(1)).squeeze(1).index_select(0, wrong);
    // Most confident first; equally confident mistakes keep their order in the test split.
    const auto order = std::get<1>(confidence.sort(/*stable=*/true, 0, /*descending=*/true));
    const int64_t shown = std::min<int64_t>(limit, wrong.numel());
    const auto lp = logProbabilities.accessor<double, 2>();
    const auto pred = predicted.accessor<int64_t, 1>();
    const auto label = truth.accessor<int64_t, 1>();
    const auto wrongAt = wrong.accessor<int64_t, 1>();
    const auto orderAt = order.accessor<int64_t, 1>();
    const bool images = pixels.defined() && pixels.dim() == 4 && pixels.size(0) == truth.size(0);
    QJsonArray examples;
    for (int64_t j = 0; j < shown; ++j) {
        const int64_t i = wrongAt[orderAt[j]];
        const int64_t t = label[i];
        const int64_t p = pred[i];
        QJsonObject example{
            {QStringLiteral("index"), qint64(i)},
            {QStringLiteral("true"), qint64(t)},
            {QStringLiteral("predicted"), qint64(p)},
            {QStringLiteral("true_class"), classNames.value(qsizetype(t))},
            {QStringLiteral("predicted_class"), classNames.value(qsizetype(p))},
            {QStringLiteral("probability"), std::exp(lp[i][p])},
            {QStringLiteral("true_probability"), std::exp(lp[i][t])},
        };
        if (images) {
            if (const QString png = pngBase64(pixels[i]); !png.isEmpty())
                example.insert(QStringLiteral("png"), png);
        }
        examples.append(example);
    }
    return {{QStringLiteral("count"), qint64(wrong.numel())},
            {QStringLiteral("shown"), qint64(shown)},
            {QStringLiteral("examples"), examples}};
}

} // namespace trainlab
