#pragma once

#include "data/DatasetSpec.h"

#include <QJsonObject>
#include <QStringList>
#include <vector>

namespace trainlab {

struct DatasetSplits;

/// What a trained model's input is and how raw data becomes it: everything predict and export
/// need without the training data. Stored with each run (artifact "input_schema") and written
/// into an export as preprocessing.json.
struct InputSchema {
    QString source; ///< dataset.source the run trained on
    bool regression = false;
    QStringList classNames;          ///< classification: output k is class k
    std::vector<int64_t> inputShape; ///< one sample, without the batch dimension
    bool images = false;             ///< [C, H, W] pixels, scaled to [0, 1] then normalized
    bool resizeImages = false;       ///< image_folder: any size, scaled as training did; else exact
    /// Per channel (images) or per feature (tables); empty: no normalization.
    std::vector<double> mean;
    std::vector<double> std;
    // Tables: one entry per model input, one-hot columns named "column=category".
    QStringList featureNames;
    std::vector<bool> numericFeature;
    std::vector<double> fillMean; ///< stands in for a missing value, before normalization
    CsvSpec csv;                  ///< how the training table was read (csv source)
};

/// One column of a table as a user writes it: numeric (one model input) or categorical
/// (one-hot: one input per category, from `firstFeature` on).
struct SchemaColumn {
    QString name;
    bool numeric = true;
    QStringList categories;
    int firstFeature = 0;
};

/// The columns behind a table schema's features, in order. One-hot features are grouped by
/// the text before their first '=' (the CSV reader names them "column=category").
std::vector<SchemaColumn> schemaColumns(const InputSchema& schema);

/// The schema of a built dataset.
InputSchema inputSchemaOf(const DatasetSplits& data, const DatasetSpec& spec);

QJsonObject inputSchemaToJson(const InputSchema& schema);
/// Reads what inputSchemaToJson wrote; throws InputError naming `source` when it cannot.
InputSchema inputSchemaFromJson(const QJsonObject& json, const QString& source);

} // namespace trainlab
