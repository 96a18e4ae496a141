#include "SavingsModel.h"

#include <QBrush>
#include <QColor>
#include <QFont>

namespace trainlab {

namespace {

/// `decimals` after the point, or 3 significant digits (decimals < 0: energies span from
/// joules to megajoules).
QString number(const std::optional<double>& value, int decimals, double scale = 1) {
    if (!value)
        return QStringLiteral("—");
    return decimals < 0 ? QString::number(*value / scale, 'g', 3)
                        : QString::number(*value / scale, 'f', decimals);
}

/// "−42% (12.3)": a saving's share of the baseline's figure, then the amount.
QString savingText(const std::optional<double>& amount, const std::optional<double>& baseline,
                   int decimals, double scale = 1) {
    if (!amount)
        return QStringLiteral("—");
    const std::optional<double> fraction = savedFraction(amount, baseline);
    const QString share = fraction
                              ? QStringLiteral("%1%2% ")
                                    .arg(*fraction > 0 ? QStringLiteral("−") : QStringLiteral("+"))
                                    .arg(std::abs(*fraction) * 100, 0, 'f', 1)
                              : QString();
    return QStringLiteral("%1(%2)").arg(share, number(amount, decimals, scale));
}

} // namespace

SavingsModel::SavingsModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void SavingsModel::setComparison(const QStringList& headers, const RunComparison& comparison) {
    beginResetModel();
    headers_ = headers;
    runs_ = comparison.runs;
    finals_.clear();
    savings_.clear();
    for (size_t i = 0; i < runs_.size(); ++i) {
        QMap<QString, double> final;
        for (const ComparedMetric& metric : comparison.metrics)
            if (metric.figures.value(qsizetype(i)).final)
                final.insert(metric.name, *metric.figures[qsizetype(i)].final);
        finals_.append(final);
    }
    for (size_t i = 0; i < runs_.size(); ++i)
        savings_.append(i == 0 ? RunSavings{}
                               : savingsAgainst(runs_[i], finals_[qsizetype(i)], runs_.front(),
                                                finals_.front()));
    endResetModel();
}

int SavingsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(runs_.size());
}

int SavingsModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : Count;
}

std::pair<std::optional<double>, std::optional<double>> SavingsModel::saving(int row,
                                                                             int column) const {
    const RunSavings& s = savings_[row];
    const RunRecord& base = runs_.front();
    switch (column) {
    case TimeSaved:
        return {s.wallSeconds, runWallSeconds(base)};
    case EnergySaved:
        return {s.energyJ, base.energyJ};
    case CostSaved:
        return {s.cost, base.cost};
    case AccuracyChange: // a gain is good, as a saving is
        return {s.accuracyChange, std::nullopt};
    default:
        return {};
    }
}

QVariant SavingsModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= int(runs_.size()))
        return {};
    const int row = index.row();
    const int column = index.column();
    const RunRecord& run = runs_[size_t(row)];
    const bool savingColumn = column >= TimeSaved;
    if (role == Qt::TextAlignmentRole)
        return column == Run ? QVariant() : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole && savingColumn && row > 0) {
        const auto [amount, baseline] = saving(row, column);
        if (amount && *amount != 0)
            return QBrush(*amount > 0 ? QColor(0x2c, 0xa0, 0x2c) : QColor(0xd6, 0x27, 0x28));
        return {};
    }
    if (role == Qt::FontRole && row == 0) {
        QFont font;
        font.setItalic(true);
        return font;
    }
    if (role != Qt::DisplayRole)
        return {};
    if (savingColumn && row == 0)
        return column == TimeSaved ? tr("baseline") : QString();
    switch (column) {
    case Run:
        return headers_.value(row);
    case WallTime:
        return number(runWallSeconds(run), 1);
    case DeviceHours:
        return number(run.deviceHours, 4);
    case Energy:
        return number(run.energyJ, -1, 1000);
    case Cost:
        return number(run.cost, 2);
    case Accuracy: {
        const QString metric = accuracyMetric(finals_[row]);
        return metric.isEmpty() ? QStringLiteral("—")
                                : QString::number(finals_[row].value(metric), 'f', 4);
    }
    case TimeSaved:
        return savingText(savings_[row].wallSeconds, runWallSeconds(runs_.front()), 1);
    case EnergySaved:
        return savingText(savings_[row].energyJ, runs_.front().energyJ, -1, 1000);
    case CostSaved:
        return savingText(savings_[row].cost, runs_.front().cost, 2);
    case AccuracyChange:
        return savings_[row].accuracyChange
                   ? QStringLiteral("%1%2")
                         .arg(*savings_[row].accuracyChange >= 0 ? QStringLiteral("+") : QString())
                         .arg(*savings_[row].accuracyChange, 0, 'f', 4)
                   : QStringLiteral("—");
    default:
        return {};
    }
}

QVariant SavingsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Run:
        return tr("Run");
    case WallTime:
        return tr("Time (s)");
    case DeviceHours:
        return tr("Device-h");
    case Energy:
        return tr("Energy (kJ)");
    case Cost:
        return tr("Cost");
    case Accuracy: {
        const QString metric = finals_.isEmpty() ? QString() : accuracyMetric(finals_.front());
        return metric.isEmpty() ? tr("Accuracy") : metric;
    }
    case TimeSaved:
        return tr("Time saved (s)");
    case EnergySaved:
        return tr("Energy saved (kJ)");
    case CostSaved:
        return tr("Cost saved");
    case AccuracyChange:
        return tr("Accuracy change");
    default:
        return {};
    }
}

} // namespace trainlab
