#include "data/PredictionInputs.h"

#include "base/Errors.h"
#include "data/CsvReader.h"
#include "data/DatasetBuilder.h"
#include "data/FileBytes.h"
#include "data/ImageReaders.h"

#include <algorithm>
#include <cmath>

namespace trainlab {

namespace {

torch::Tensor floatTensor(const std::vector<double>& values, std::vector<int64_t> shape) {
    return torch::tensor(values, torch::kFloat64).to(torch::kFloat32).view(shape);
}

/// Where each of the schema's columns sits in a file's rows.
struct ColumnLayout {
    std::vector<qsizetype> index; ///< per schema column
    qsizetype width = 0;          ///< fields per row
};

ColumnLayout layoutOf(const std::vector<QStringList>& rows, bool header,
                      const std::vector<SchemaColumn>& columns, const InputSchema& schema,
                      const QString& path) {
    ColumnLayout layout;
    layout.width = rows.front().size();
    QStringList names;
    for (const SchemaColumn& c : columns)
        names << c.name;
    if (header) {
        QStringList found;
        for (const QString& cell : rows.front())
            found << cell.trimmed();
        for (const SchemaColumn& c : columns) {
            const qsizetype at = found.indexOf(c.name);
            if (at < 0)
                throw InputError(QStringLiteral("%1: no column '%2' in the header (the run's "
                                                "model reads %3)")
                                     .arg(path, c.name, names.join(QStringLiteral(", "))));
            layout.index.push_back(at);
        }
        return layout;
    }
    const auto count = qsizetype(columns.size());
    qsizetype label = -1; // the label column's position when the rows have one
    if (layout.width == count + 1) {
        bool isIndex = false;
        const int given = schema.csv.label.toInt(&isIndex);
        if (schema.csv.label.isEmpty())
            label = count;
        else if (isIndex && given >= 0 && given <= count)
            label = given;
        else
            throw InputError(QStringLiteral("%1: %2 columns and no header row: add a header "
                                            "naming the columns (%3) so the label column '%4' "
                                            "can be told apart")
                                 .arg(path)
                                 .arg(layout.width)
                                 .arg(names.join(QStringLiteral(", ")), schema.csv.label));
    } else if (layout.width != count) {
        throw InputError(QStringLiteral("%1: %2 columns; the run's model reads %3 (%4), or %5 "
                                        "with the label column")
                             .arg(path)
                             .arg(layout.width)
                             .arg(count)
                             .arg(names.join(QStringLiteral(", ")))
                             .arg(count + 1));
    }
    for (qsizetype c = 0; c < count; ++c)
        layout.index.push_back(label >= 0 && c >= label ? c + 1 : c);
    return layout;
}

// Appends the rows of one CSV file to `values` ([F] per row, NaN for a missing number).
void readCsvRows(const InputSchema& schema, const QString& path, std::vector<float>& values,
                 QStringList& names) {
    const QByteArray bytes = readFileBytes(path);
    if (bytes.indexOf('\0') >= 0)
        throw InputError(QStringLiteral("%1: binary data, not CSV text").arg(path));
    QString text = QString::fromUtf8(bytes);
    if (text.contains(QChar(QChar::ReplacementCharacter)))
        throw InputError(QStringLiteral("%1: not UTF-8 text (is it a CSV file?)").arg(path));
    if (text.startsWith(QChar(QChar::ByteOrderMark)))
        text.remove(0, 1);
    std::vector<int> lines;
    const std::vector<QStringList> rows =
        splitCsvRows(text, detectCsvDelimiter(text, schema.csv, path), path, &lines);
    if (rows.empty())
        throw InputError(QStringLiteral("%1: no rows (the file is empty or blank)").arg(path));
    bool header = schema.csv.header == QLatin1String("yes");
    if (schema.csv.header == QLatin1String("auto"))
        header = std::none_of(rows.front().begin(), rows.front().end(),
                              [](const QString& cell) { return csvNumber(cell).has_value(); });
    const std::vector<SchemaColumn> columns = schemaColumns(schema);
    const ColumnLayout layout = layoutOf(rows, header, columns, schema, path);
    const auto features = size_t(schema.featureNames.size());
    for (size_t r = header ? 1 : 0; r < rows.size(); ++r) {
        const QStringList& row = rows[r];
        const QString where = QStringLiteral("%1:%2").arg(path).arg(lines[r]);
        if (row.size() != layout.width)
            throw InputError(QStringLiteral("%1: %2 fields, expected %3 (as on line %4)")
                                 .arg(where)
                                 .arg(row.size())
                                 .arg(layout.width)
                                 .arg(lines.front()));
        const size_t base = values.size();
        values.resize(base + features, 0.0F);
        for (size_t c = 0; c < columns.size(); ++c) {
            const SchemaColumn& column = columns[c];
            const QString cell = row[layout.index[c]].trimmed();
            float* out = values.data() + base + size_t(column.firstFeature);
            if (column.numeric) {
                const std::optional<double> number = csvNumber(cell);
                if (!number && !isMissingCsvValue(cell))
                    throw InputError(QStringLiteral("%1: column '%2': '%3' is not a number")
                                         .arg(where, column.name, cell));
                *out = number ? float(*number) : NAN;
                continue;
            }
            const QString category = isMissingCsvValue(cell) ? QStringLiteral("(missing)") : cell;
            const qsizetype k = column.categories.indexOf(category);
            if (k < 0)
                throw InputError(QStringLiteral("%1: column '%2': '%3' is not a category the run "
                                                "was trained on (%4)")
                                     .arg(where, column.name, category,
                                          column.categories.join(QStringLiteral(", "))));
            out[k] = 1.0F;
        }
        names << where;
    }
}

} // namespace

torch::Tensor prepareRawInputs(const InputSchema& schema, const torch::Tensor& raw) {
    if (schema.images) {
        // The training path's own arithmetic (InputPreparation), so the values match bit for bit.
        DatasetSplits splits;
        splits.images = true;
        if (!schema.mean.empty()) {
            const auto channels = int64_t(schema.mean.size());
            splits.normalization = {floatTensor(schema.mean, {channels, 1, 1}),
                                    floatTensor(schema.std, {channels, 1, 1})};
        }
        return InputPreparation(splits)(raw);
    }
    auto x = raw.to(torch::kFloat32);
    const auto features = int64_t(schema.fillMean.size());
    if (features == x.size(1)) {
        const auto fill = floatTensor(schema.fillMean, {features});
        x = torch::where(torch::isnan(x), fill.expand_as(x), x);
    }
    if (!schema.mean.empty())
        x = (x - floatTensor(schema.mean, {int64_t(schema.mean.size())})) /
            floatTensor(schema.std, {int64_t(schema.std.size())});
    return x.contiguous();
}

PredictionInputs readPredictionInputs(const InputSchema& schema, const QStringList& paths) {
    PredictionInputs inputs;
    if (schema.images) {
        const ImageSpec size{int(schema.inputShape[1]), int(schema.inputShape[2]),
                             int(schema.inputShape[0])};
        std::vector<torch::Tensor> images;
        for (const QString& path : paths) {
            images.push_back(readImageFile(path, size, schema.resizeImages));
            inputs.names << path;
        }
        inputs.features = prepareRawInputs(schema, torch::stack(images));
        return inputs;
    }
    if (schema.inputShape.size() != 1 || schema.featureNames.isEmpty())
        throw InputError(QStringLiteral("the run's model takes inputs of shape [%1], which "
                                        "predict cannot read from files")
                             .arg(schema.inputShape.size()));
    std::vector<float> values;
    for (const QString& path : paths)
        readCsvRows(schema, path, values, inputs.names);
    const auto features = int64_t(schema.featureNames.size());
    const auto rows = int64_t(values.size()) / features;
    inputs.features =
        prepareRawInputs(schema, torch::from_blob(values.data(), {rows, features}).clone());
    return inputs;
}

} // namespace trainlab
