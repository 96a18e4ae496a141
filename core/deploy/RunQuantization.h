#pragma once

#include <QJsonObject>
#include <QString>

namespace trainlab {

/// How quantizeRun measures latency: batch size, threads, rounds and passes per round.
struct QuantizationOptions {
    int batch = 64;
    int threads = 1;
    int rounds = 7;
    int repeats = 20;
};

/// Int8 post-training dynamic quantization of run `runId`'s linear layers for CPU inference
/// (see quantizeDynamic), measured against the fp32 model it came from: file size, latency
/// (options.batch samples on options.threads threads, alternating rounds) and the metrics on
/// the run's test split (its validation split when it has none). Writes the int8 model next to
/// the run's checkpoints (model-int8.pt), stores the report as the run's "quantization"
/// artifact (`show --json` includes it) and returns it:
///   {"run", "engine", "quantized_layers", "file", "size_bytes": {"fp32", "int8"},
///    "size_ratio", "latency_ms": {"fp32", "int8", "fp32_min", ..., "batch", "threads"},
///    "speedup", "split", "samples", "fp32": {metric: value}, "int8": {...},
///    "accuracy_change"}
/// Throws InputError when the run has no model or no quantizable linear layer.
QJsonObject quantizeRun(const QString& databasePath, qint64 runId,
                        const QuantizationOptions& options = {});

} // namespace trainlab
