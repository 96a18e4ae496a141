#include "SweepCharts.h"

#include <qcustomplot.h>

#include <cmath>

namespace trainlab {

namespace {

enum class TrialGroup { Completed, Pruned, Failed };

TrialGroup groupOf(const SweepSummary& sweep, const SweepTrialPoint& trial) {
    if (trial.status == RunStatus::Failed)
        return TrialGroup::Failed;
    return sweep.objectiveValue(trial) ? TrialGroup::Completed : TrialGroup::Pruned;
}

QCPGraph* groupGraph(QCustomPlot* plot, TrialGroup group, int count) {
    QCPGraph* graph = plot->addGraph();
    graph->setLineStyle(QCPGraph::lsNone);
    switch (group) {
    case TrialGroup::Completed:
        graph->setName(QObject::tr("completed (%1)").arg(count));
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(0x1f, 0x77, 0xb4),
                                               QColor(0x1f, 0x77, 0xb4), 7));
        break;
    case TrialGroup::Pruned:
        graph->setName(QObject::tr("pruned or unfinished (%1)").arg(count));
        graph->setScatterStyle(QCPScatterStyle(
            QCPScatterStyle::ssCircle, QPen(QColor(0x80, 0x80, 0x80), 1.5), Qt::NoBrush, 7));
        break;
    case TrialGroup::Failed:
        graph->setName(QObject::tr("failed (%1)").arg(count));
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCross,
                                               QPen(QColor(0xc0, 0x20, 0x20), 2), Qt::NoBrush, 8));
        break;
    }
    return graph;
}

void resetPlot(QCustomPlot* plot) {
    plot->clearGraphs();
    plot->clearPlottables();
    plot->clearItems();
    plot->legend->setVisible(true);
    plot->xAxis->setScaleType(QCPAxis::stLinear);
    plot->yAxis->setScaleType(QCPAxis::stLinear);
    plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
}

void showHint(QCustomPlot* plot, const QString& text) {
    auto* hint = new QCPItemText(plot);
    hint->position->setType(QCPItemPosition::ptAxisRectRatio);
    hint->position->setCoords(0.5, 0.5);
    hint->setText(text);
    hint->setColor(QColor(0x70, 0x70, 0x70));
    plot->legend->setVisible(false);
}

/// A log axis for positive values spanning two decades or more (learning rates).
void scaleAxisFor(QCPAxis* axis, const QVector<double>& values) {
    double low = INFINITY;
    double high = -INFINITY;
    for (double v : values)
        if (std::isfinite(v)) {
            low = std::min(low, v);
            high = std::max(high, v);
        }
    if (low > 0 && high / low >= 100) {
        axis->setScaleType(QCPAxis::stLogarithmic);
        axis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    }
}

/// A choice parameter's axis labels its places with the choices.
void labelChoices(QCPAxis* axis, const QStringList& choices) {
    if (choices.isEmpty())
        return;
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (int i = 0; i < choices.size(); ++i)
        ticker->addTick(i, choices[i]);
    axis->setTicker(ticker);
}

void fitRanges(QCustomPlot* plot) {
    plot->rescaleAxes();
    for (QCPAxis* axis : {plot->xAxis, plot->yAxis}) {
        QCPRange range = axis->range();
        if (axis->scaleType() == QCPAxis::stLogarithmic) {
            axis->setRange(range.lower / 1.5, range.upper * 1.5);
            continue;
        }
        const double pad = range.size() > 0 ? range.size() * 0.06 : 0.5;
        axis->setRange(range.lower - pad, range.upper + pad);
    }
}

} // namespace

void drawObjectiveHistory(QCustomPlot* plot, const SweepSummary& sweep) {
    resetPlot(plot);
    if (sweep.trials.isEmpty() || sweep.objectives.isEmpty()) {
        showHint(plot, QObject::tr("No trials yet"));
        plot->replot();
        return;
    }
    const QString metric = sweep.objectives.front().metric;
    QVector<double> x[3];
    QVector<double> y[3];
    QVector<double> failedX;
    for (const SweepTrialPoint& t : sweep.trials) {
        const TrialGroup group = groupOf(sweep, t);
        const auto value = t.metrics.constFind(metric);
        if (group == TrialGroup::Failed || value == t.metrics.constEnd()) {
            if (group == TrialGroup::Failed)
                failedX.append(t.trial);
            continue;
        }
        x[int(group)].append(t.trial);
        y[int(group)].append(*value);
    }
    for (TrialGroup group : {TrialGroup::Completed, TrialGroup::Pruned})
        groupGraph(plot, group, int(x[int(group)].size()))
            ->setData(x[int(group)], y[int(group)], true);
    QVector<double> bestX;
    QVector<double> bestY;
    const auto best = bestSoFar(sweep);
    for (int i = 0; i < sweep.trials.size(); ++i)
        if (best[i]) {
            bestX.append(sweep.trials[i].trial);
            bestY.append(*best[i]);
        }
    QCPGraph* bestLine = plot->addGraph();
    bestLine->setName(QObject::tr("best so far"));
    bestLine->setLineStyle(QCPGraph::lsStepLeft);
    bestLine->setPen(QPen(QColor(0xff, 0x7f, 0x0e), 2));
    bestLine->setData(bestX, bestY, true);
    fitRanges(plot);
    // Failed trials have no value: crosses along the bottom of the plot, at their numbers.
    QCPGraph* failed = groupGraph(plot, TrialGroup::Failed, int(failedX.size()));
    failed->setData(failedX, QVector<double>(failedX.size(), plot->yAxis->range().lower), true);
    if (!failedX.isEmpty())
        plot->xAxis->setRange(plot->xAxis->range().expanded(
            QCPRange(*std::min_element(failedX.begin(), failedX.end()) - 0.5,
                     *std::max_element(failedX.begin(), failedX.end()) + 0.5)));
    plot->xAxis->setLabel(QObject::tr("trial"));
    plot->yAxis->setLabel(metric);
    plot->replot();
}

void drawScatter(QCustomPlot* plot, const SweepSummary& sweep, const QString& x, const QString& y) {
    resetPlot(plot);
    QVector<double> xs[3];
    QVector<double> ys[3];
    QVector<double> allX;
    QVector<double> allY;
    for (const SweepTrialPoint& t : sweep.trials) {
        const auto vx = sweep.axisValue(t, x);
        const auto vy = sweep.axisValue(t, y);
        if (!vx || !vy)
            continue;
        const int group = int(groupOf(sweep, t));
        xs[group].append(*vx);
        ys[group].append(*vy);
        allX.append(*vx);
        allY.append(*vy);
    }
    if (allX.isEmpty()) {
        showHint(plot, QObject::tr("No trial has both %1 and %2").arg(x, y));
        plot->replot();
        return;
    }
    for (TrialGroup group : {TrialGroup::Completed, TrialGroup::Pruned, TrialGroup::Failed})
        groupGraph(plot, group, int(xs[int(group)].size()))
            ->setData(xs[int(group)], ys[int(group)], true);
    if (sweep.choices.contains(x))
        labelChoices(plot->xAxis, sweep.choices.value(x));
    else
        scaleAxisFor(plot->xAxis, allX);
    if (sweep.choices.contains(y))
        labelChoices(plot->yAxis, sweep.choices.value(y));
    else
        scaleAxisFor(plot->yAxis, allY);
    fitRanges(plot);
    plot->xAxis->setLabel(x);
    plot->yAxis->setLabel(y);
    plot->replot();
}

bool drawPareto(QCustomPlot* plot, const SweepSummary& sweep) {
    resetPlot(plot);
    if (sweep.objectives.size() < 2) {
        showHint(plot, QObject::tr("A Pareto front needs two objectives; this sweep has one"));
        plot->replot();
        return false;
    }
    const QString first = sweep.objectives[0].metric;
    const QString second = sweep.objectives[1].metric;
    QVector<double> xs;
    QVector<double> ys;
    QVector<QPair<double, double>> front;
    for (const SweepTrialPoint& t : sweep.trials) {
        if (t.status != RunStatus::Completed || !t.metrics.contains(first) ||
            !t.metrics.contains(second))
            continue;
        const QPair<double, double> p{t.metrics.value(first), t.metrics.value(second)};
        if (sweep.pareto.contains(t.trial))
            front.append(p);
        else {
            xs.append(p.first);
            ys.append(p.second);
        }
    }
    groupGraph(plot, TrialGroup::Completed, int(xs.size() + front.size()))->setData(xs, ys);
    std::sort(front.begin(), front.end());
    QVector<double> fx;
    QVector<double> fy;
    for (const auto& p : front) {
        fx.append(p.first);
        fy.append(p.second);
    }
    QCPCurve* frontLine = new QCPCurve(plot->xAxis, plot->yAxis);
    frontLine->setName(QObject::tr("Pareto front (%1)").arg(front.size()));
    frontLine->setPen(QPen(QColor(0xd6, 0x27, 0x28), 2));
    frontLine->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, QColor(0xd6, 0x27, 0x28),
                                               QColor(0xd6, 0x27, 0x28), 9));
    frontLine->setData(fx, fy);
    fitRanges(plot);
    plot->xAxis->setLabel(QObject::tr("%1 (%2)").arg(first, sweep.objectives[0].maximize
                                                                ? QObject::tr("higher is better")
                                                                : QObject::tr("lower is better")));
    plot->yAxis->setLabel(QObject::tr("%1 (%2)").arg(second, sweep.objectives[1].maximize
                                                                 ? QObject::tr("higher is better")
                                                                 : QObject::tr("lower is better")));
    plot->replot();
    return true;
}

void drawImportance(QCustomPlot* plot, const SweepSummary& sweep) {
    resetPlot(plot);
    plot->legend->setVisible(false);
    if (sweep.importance.isEmpty()) {
        showHint(plot, QObject::tr("Parameter importance is computed when the sweep ends"));
        plot->replot();
        return;
    }
    auto* bars = new QCPBars(plot->yAxis, plot->xAxis);
    bars->setBrush(QColor(0x1f, 0x77, 0xb4, 200));
    bars->setPen(Qt::NoPen);
    QSharedPointer<QCPAxisTickerText> names(new QCPAxisTickerText);
    QVector<double> keys;
    QVector<double> values;
    const int n = int(sweep.importance.size());
    for (int i = 0; i < n; ++i) {
        const double key = n - i; // largest on top
        keys.append(key);
        values.append(sweep.importance[i].second);
        names->addTick(key, sweep.importance[i].first.section(QLatin1Char('.'), -1));
    }
    bars->setData(keys, values, true);
    plot->yAxis->setTicker(names);
    plot->yAxis->setRange(0.3, n + 0.7);
    plot->xAxis->setRange(0, 1.05 * *std::max_element(values.begin(), values.end()));
    plot->xAxis->setLabel(QObject::tr("importance (share of the surrogate's sensitivity)"));
    plot->yAxis->setLabel(QString());
    plot->replot();
}

} // namespace trainlab
