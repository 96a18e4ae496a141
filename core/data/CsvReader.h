#pragma once

#include "data/DatasetSpec.h"
#include "data/SourceData.h"

#include <optional>

namespace trainlab {

/// The most columns a CSV row may have. Wide real tables (gene expression, bag-of-words) stay
/// in the tens of thousands; past this the delimiter is probably wrong, and every cell costs a
/// string before it becomes a float.
inline constexpr qsizetype kMaxCsvColumns = 100'000;
/// The longest physical line of a CSV file (16 MiB), checked on the raw bytes before they are
/// decoded, so a binary or single-line file fails at once.
inline constexpr qsizetype kMaxCsvLineBytes = qsizetype(16) << 20;

/// Whether a cell stands for a missing value: empty, NA, N/A, NaN, null, none or ? (any case).
bool isMissingCsvValue(const QString& cell);
/// A cell's finite number, or nullopt when it is not one.
std::optional<double> csvNumber(const QString& cell);

/// Reads a CSV / TSV table into features and a target.
///
/// - Delimiter: "auto" picks the one of , ; tab | that splits the first line most often.
/// - Header: "auto" treats the first row as a header when none of its cells is a number.
/// - Columns whose non-missing values are all numbers are numeric (standardized later with the
///   training split's statistics); other columns are categorical and one-hot encoded.
/// - Missing values (empty, NA, N/A, NaN, null, ?): in a numeric column they become NaN and are
///   later replaced by the training split's mean; in a categorical column they are a category of
///   their own. A missing label is an error.
/// - Task "auto": regression when the label column is numeric with non-integer values or more
///   than 50 distinct values, classification otherwise.
/// - Limits: kMaxCsvColumns fields per row, kMaxCsvLineBytes per line, no NUL bytes; every row
///   has the first row's field count. Each is checked while splitting, so a hostile file fails
///   fast and with little memory.
/// Errors name the file, the line and the column.
SourceData readCsv(const QString& path, const CsvSpec& spec);
SourceData parseCsv(const QByteArray& bytes, const QString& name, const CsvSpec& spec);

/// The delimiter the spec names, or for "auto" the one of , ; tab | that splits the first line
/// most often (tab for .tsv files).
QChar detectCsvDelimiter(const QString& text, const CsvSpec& spec, const QString& name);

/// Splits CSV text into rows of fields (RFC 4180 quoting). `lines` receives each row's 1-based
/// line number. Throws InputError on an unterminated quote or more than kMaxCsvColumns fields
/// in a row; rows of differing widths are returned as they are.
std::vector<QStringList> splitCsvRows(const QString& text, QChar delimiter, const QString& name,
                                      std::vector<int>* lines = nullptr);

} // namespace trainlab
