#pragma once

#include "data/InputSchema.h"

#include <QStringList>
#include <torch/types.h>

namespace trainlab {

/// Samples read from files, turned into model inputs the way the run's training data was.
struct PredictionInputs {
    torch::Tensor features; ///< [N, ...] float32 model inputs
    QStringList names;      ///< per sample: the image file, or "file:line" for a table row
};

/// Reads image files (an image schema) or CSV files of rows (a table schema). Throws
/// InputError naming the file (and line) at fault: missing or undecodable, an image of the
/// wrong size, a row with the wrong number of columns, a value that is not a number or a
/// category the run never saw.
PredictionInputs readPredictionInputs(const InputSchema& schema, const QStringList& paths);

/// Model inputs from raw samples: [N, C, H, W] pixel bytes scaled and normalized per channel,
/// or [N, F] table values (NaN for missing) filled with the training means and standardized.
torch::Tensor prepareRawInputs(const InputSchema& schema, const torch::Tensor& raw);

} // namespace trainlab
