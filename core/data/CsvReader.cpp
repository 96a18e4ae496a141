#include "data/CsvReader.h"

#include "base/Errors.h"
#include "data/FileBytes.h"

#include <QSet>
#include <cmath>
#include <cstring>
#include <map>

namespace trainlab {

namespace {

constexpr int kMaxCategories = 200;
constexpr int kMaxClassificationLabels = 50;

} // namespace

bool isMissingCsvValue(const QString& cell) {
    static const QSet<QString> missing = {QString(),
                                          QStringLiteral("na"),
                                          QStringLiteral("n/a"),
                                          QStringLiteral("nan"),
                                          QStringLiteral("null"),
                                          QStringLiteral("?"),
                                          QStringLiteral("none")};
    return missing.contains(cell.trimmed().toLower());
}

std::optional<double> csvNumber(const QString& cell) {
    bool ok = false;
    const double value = cell.trimmed().toDouble(&ok);
    return ok && std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
}

QChar detectCsvDelimiter(const QString& text, const CsvSpec& spec, const QString& name) {
    if (spec.delimiter == QLatin1String("\\t"))
        return QLatin1Char('\t');
    if (spec.delimiter != QLatin1String("auto"))
        return spec.delimiter.at(0);
    if (name.endsWith(QLatin1String(".tsv"), Qt::CaseInsensitive) ||
        name.endsWith(QLatin1String(".tsv.gz"), Qt::CaseInsensitive))
        return QLatin1Char('\t');
    const QString firstLine = text.section(QLatin1Char('\n'), 0, 0);
    QChar best = QLatin1Char(',');
    qsizetype bestCount = 0;
    for (QChar c : {QLatin1Char(','), QLatin1Char('\t'), QLatin1Char(';'), QLatin1Char('|')}) {
        const qsizetype count = firstLine.count(c);
        if (count > bestCount) {
            best = c;
            bestCount = count;
        }
    }
    return best;
}

namespace {

// Splits rows; with `sameWidth`, a row whose field count differs from the first row's stops
// the split at once, naming its line, instead of after the whole file is held as cells.
std::vector<QStringList> splitRows(const QString& text, QChar delimiter, const QString& name,
                                   std::vector<int>* lines, bool sameWidth) {
    std::vector<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    bool fieldWasQuoted = false;
    int line = 1;
    int rowStart = 1;
    auto addField = [&] {
        // Checked per field so that a million-column line fails after 100,000 fields, not
        // after a million cells were allocated.
        if (row.size() >= kMaxCsvColumns)
            throw InputError(QStringLiteral("%1:%2: more than %3 columns (the limit for a CSV "
                                            "file; is the delimiter '%4' right?)")
                                 .arg(name)
                                 .arg(rowStart)
                                 .arg(kMaxCsvColumns)
                                 .arg(delimiter == QLatin1Char('\t') ? QStringLiteral("\\t")
                                                                     : QString(delimiter)));
        row << field;
        field.clear();
    };
    auto endRow = [&] {
        addField();
        const bool blank = row.size() == 1 && row.first().trimmed().isEmpty() && !fieldWasQuoted;
        if (!blank) {
            if (sameWidth && !rows.empty() && row.size() != rows.front().size())
                throw InputError(QStringLiteral("%1:%2: %3 fields, expected %4 (as on line %5)")
                                     .arg(name)
                                     .arg(rowStart)
                                     .arg(row.size())
                                     .arg(rows.front().size())
                                     .arg(lines && !lines->empty() ? lines->front() : 1));
            rows.push_back(row);
            if (lines)
                lines->push_back(rowStart);
        }
        row.clear();
        fieldWasQuoted = false;
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < text.size() && text[i + 1] == QLatin1Char('"')) {
                    field += QLatin1Char('"');
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                if (c == QLatin1Char('\n'))
                    ++line;
                field += c;
            }
        } else if (c == QLatin1Char('"') && field.trimmed().isEmpty()) {
            quoted = true;
            fieldWasQuoted = true;
            field.clear();
        } else if (c == delimiter) {
            addField();
            fieldWasQuoted = false;
        } else if (c == QLatin1Char('\n')) {
            endRow();
            ++line;
            rowStart = line;
        } else if (c != QLatin1Char('\r')) {
            field += c;
        }
    }
    if (quoted)
        throw InputError(
            QStringLiteral("%1:%2: a quoted field is never closed").arg(name).arg(rowStart));
    if (!field.isEmpty() || !row.isEmpty())
        endRow();
    return rows;
}

// Refuses physical lines longer than kMaxCsvLineBytes before the text is decoded: memchr keeps
// this at memory speed on any size of file, so a single-line or binary file fails at once.
void checkCsvLines(const QByteArray& bytes, const QString& name) {
    const char* begin = bytes.constData();
    const char* end = begin + bytes.size();
    int line = 1;
    for (const char* p = begin; p < end; ++line) {
        const auto* newline = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)));
        const char* lineEnd = newline ? newline : end;
        if (lineEnd - p > kMaxCsvLineBytes)
            throw InputError(QStringLiteral("%1:%2: line is longer than %3 (the limit for a CSV "
                                            "line; is this a CSV file?)")
                                 .arg(name)
                                 .arg(line)
                                 .arg(formatBytes(kMaxCsvLineBytes)));
        p = lineEnd + 1;
    }
}

} // namespace

std::vector<QStringList> splitCsvRows(const QString& text, QChar delimiter, const QString& name,
                                      std::vector<int>* lines) {
    return splitRows(text, delimiter, name, lines, false);
}

SourceData parseCsv(const QByteArray& bytes, const QString& name, const CsvSpec& spec) {
    checkCsvLines(bytes, name);
    QString text = QString::fromUtf8(bytes);
    if (text.contains(QChar(QChar::ReplacementCharacter)))
        throw InputError(QStringLiteral("%1: not UTF-8 text (is it a CSV file?)").arg(name));
    // NUL is valid UTF-8 but never CSV text: a zero-filled or binary file.
    if (const qsizetype nul = bytes.indexOf('\0'); nul >= 0)
        throw InputError(QStringLiteral("%1: NUL byte at byte %2: binary data, not CSV text")
                             .arg(name)
                             .arg(nul));
    if (text.startsWith(QChar(QChar::ByteOrderMark)))
        text.remove(0, 1); // a UTF-8 BOM (spreadsheet exports) is not part of the first column
    const QChar delimiter = detectCsvDelimiter(text, spec, name);
    std::vector<int> lines;
    std::vector<QStringList> rows = splitRows(text, delimiter, name, &lines, true);
    if (rows.empty())
        throw InputError(QStringLiteral("%1: no rows (the file is empty or blank)").arg(name));

    bool header = spec.header == QLatin1String("yes");
    if (spec.header == QLatin1String("auto"))
        header = std::none_of(rows.front().begin(), rows.front().end(),
                              [](const QString& cell) { return csvNumber(cell).has_value(); });
    QStringList columns;
    const qsizetype width = rows.front().size();
    if (header) {
        for (const QString& cell : rows.front())
            columns << cell.trimmed();
    } else {
        for (qsizetype c = 0; c < width; ++c)
            columns << QStringLiteral("column%1").arg(c);
    }
    const size_t firstData = header ? 1 : 0;
    if (rows.size() <= firstData)
        throw InputError(QStringLiteral("%1: a header but no data rows").arg(name));
    if (width < 2)
        throw InputError(
            QStringLiteral("%1:%2: one column found (delimiter '%3'); a table needs "
                           "features and a label")
                .arg(name)
                .arg(lines.front())
                .arg(delimiter == QLatin1Char('\t') ? QStringLiteral("\\t") : QString(delimiter)));
    // Every row has `width` fields: splitRows checked it as it went.

    // The label column: a name, else a 0-based index, else the last column.
    qsizetype labelColumn = width - 1;
    if (!spec.label.isEmpty()) {
        labelColumn = columns.indexOf(spec.label);
        bool isIndex = false;
        const int index = spec.label.toInt(&isIndex);
        if (labelColumn < 0 && isIndex && index >= 0 && index < width)
            labelColumn = index;
        if (labelColumn < 0)
            throw InputError(QStringLiteral("dataset.csv.label: no column '%1' in %2 (columns: %3)")
                                 .arg(spec.label, name, columns.join(QStringLiteral(", "))));
    }

    const auto dataRows = int64_t(rows.size() - firstData);
    SourceData out;
    // Classify every feature column, then encode.
    std::vector<torch::Tensor> blocks;
    for (qsizetype c = 0; c < width; ++c) {
        if (c == labelColumn)
            continue;
        int numeric = 0;
        int text = 0;
        size_t firstText = 0;
        for (size_t r = firstData; r < rows.size(); ++r) {
            const QString& cell = rows[r][c];
            if (isMissingCsvValue(cell))
                continue;
            if (csvNumber(cell)) {
                ++numeric;
            } else {
                if (text++ == 0)
                    firstText = r;
            }
        }
        if (text == 0) {
            auto column = torch::empty({dataRows}, torch::kFloat32);
            float* p = column.data_ptr<float>();
            for (size_t r = firstData; r < rows.size(); ++r) {
                const QString& cell = rows[r][c];
                p[r - firstData] = isMissingCsvValue(cell) ? NAN : float(*csvNumber(cell));
            }
            blocks.push_back(column.unsqueeze(1));
            out.featureNames << columns[c];
            out.numericFeature.push_back(true);
            continue;
        }
        if (numeric >= 9 * text) // mostly numbers: the text is a typo, not a category
            throw InputError(QStringLiteral("%1:%2: column '%3': '%4' is not a number (the rest of "
                                            "the column is numeric)")
                                 .arg(name)
                                 .arg(lines[firstText])
                                 .arg(columns[c], rows[firstText][c].trimmed()));
        std::map<QString, int64_t> categories;
        for (size_t r = firstData; r < rows.size(); ++r) {
            const QString cell =
                isMissingCsvValue(rows[r][c]) ? QStringLiteral("(missing)") : rows[r][c].trimmed();
            categories.emplace(cell, 0);
        }
        if (categories.size() > size_t(kMaxCategories))
            throw InputError(QStringLiteral("%1: column '%2' has %3 distinct text values; too "
                                            "many to one-hot encode (limit %4)")
                                 .arg(name, columns[c])
                                 .arg(categories.size())
                                 .arg(kMaxCategories));
        int64_t next = 0;
        for (auto& [category, index] : categories) {
            index = next++;
            out.featureNames << columns[c] + QLatin1Char('=') + category;
            out.numericFeature.push_back(false);
        }
        auto onehot = torch::zeros({dataRows, int64_t(categories.size())}, torch::kFloat32);
        auto a = onehot.accessor<float, 2>();
        for (size_t r = firstData; r < rows.size(); ++r) {
            const QString cell =
                isMissingCsvValue(rows[r][c]) ? QStringLiteral("(missing)") : rows[r][c].trimmed();
            a[int64_t(r - firstData)][categories.at(cell)] = 1.0F;
        }
        blocks.push_back(onehot);
    }
    out.train.features = torch::cat(blocks, 1);

    // The target.
    std::vector<QString> labels;
    bool allNumeric = true;
    bool allInteger = true;
    for (size_t r = firstData; r < rows.size(); ++r) {
        const QString cell = rows[r][labelColumn].trimmed();
        if (isMissingCsvValue(cell))
            throw InputError(QStringLiteral("%1:%2: missing label in column '%3'")
                                 .arg(name)
                                 .arg(lines[r])
                                 .arg(columns[labelColumn]));
        const auto number = csvNumber(cell);
        allNumeric = allNumeric && number.has_value();
        allInteger = allInteger && number && *number == std::floor(*number);
        labels.push_back(cell);
    }
    const QSet<QString> distinct(labels.begin(), labels.end());
    bool regression = spec.task == QLatin1String("regression");
    if (spec.task == QLatin1String("auto"))
        regression = allNumeric && (!allInteger || distinct.size() > kMaxClassificationLabels);
    if (regression) {
        if (!allNumeric) {
            for (size_t i = 0; i < labels.size(); ++i) {
                if (!csvNumber(labels[i]))
                    throw InputError(QStringLiteral("%1:%2: label '%3' is not a number; a "
                                                    "regression target must be numeric")
                                         .arg(name)
                                         .arg(lines[i + firstData])
                                         .arg(labels[i]));
            }
        }
        out.task = TaskKind::Regression;
        out.train.targets = torch::empty({dataRows}, torch::kFloat32);
        float* t = out.train.targets.data_ptr<float>();
        for (size_t i = 0; i < labels.size(); ++i)
            t[i] = float(*csvNumber(labels[i]));
        return out;
    }
    QStringList classes(distinct.begin(), distinct.end());
    if (allNumeric)
        std::sort(classes.begin(), classes.end(),
                  [](const QString& a, const QString& b) { return a.toDouble() < b.toDouble(); });
    else
        std::sort(classes.begin(), classes.end());
    if (classes.size() < 2)
        throw InputError(QStringLiteral("%1: column '%2' has a single class ('%3'); "
                                        "classification needs at least two")
                             .arg(name, columns[labelColumn], classes.value(0)));
    out.task = TaskKind::Classification;
    out.classNames = classes;
    QHash<QString, int64_t> classIndex;
    for (qsizetype i = 0; i < classes.size(); ++i)
        classIndex.insert(classes[i], i);
    out.train.targets = torch::empty({dataRows}, torch::kInt64);
    int64_t* t = out.train.targets.data_ptr<int64_t>();
    for (size_t i = 0; i < labels.size(); ++i)
        t[i] = classIndex.value(labels[i]);
    return out;
}

SourceData readCsv(const QString& path, const CsvSpec& spec) {
    return parseCsv(readFileBytes(path), path, spec);
}

} // namespace trainlab
