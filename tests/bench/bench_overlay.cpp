// The compare view's overlay at scale (issue 12's Done-when), offscreen, real widgets of one
// fixed size:
//
// 1. Redraw of R runs x N points (default 100 x 100,000): our OverlayPlot, which decimates per
//    pixel column from every point kept in memory (adaptive sampling off), against the
//    reference, the same widget handing QCustomPlot every point as it is shipped (adaptive
//    sampling on). A redraw is a range change plus an immediate replot, so both do their
//    sampling work every time: the full range (nudged by a pixel between redraws) and a 10 %
//    zoom. Rounds alternate which goes first; medians and spread (min, quartiles, max) in ms
//    and the ratio reference / ours. Then the full range dragged: each plot redrawn many
//    times in a row. Then the check that what we draw has, per pixel column, exactly the
//    min/max envelope of the reference's data. First, where our redraw's time goes.
// 2. With --workspace DB (tests/bench/make_big_workspace.py's workspace): opening a compare of
//    --compare-runs runs (default 20): from setRuns until the overlay has the curves and has
//    drawn them, through the history thread. Reference: the same data read the way a view
//    per run would, each run's record, summaries and series by its own queries.
//
// Usage: bench_overlay [--runs R] [--points N] [--rounds K] [--width W] [--height H]
//                      [--workspace DB] [--compare-runs C] [--screenshot PNG]
// Not a test: run it by hand; on a shared machine other processes' turns show in the spread.
// qcustomplot.h uses Qt's `signals` keyword, which the project's strict Qt flags turn off.
#undef QT_NO_KEYWORDS
#undef QT_NO_FOREACH

#include "CompareView.h"
#include "OverlayPlot.h"

#include "store/HistoryReader.h"
#include "store/WorkspaceReader.h"
#include "util/Decimation.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTextStream>
#include <QTimer>
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <qcustomplot.h>
#include <random>

using namespace trainlab;

namespace {

QTextStream& out() {
    static QTextStream stream(stdout);
    return stream;
}

struct Spread {
    double min = 0, q1 = 0, median = 0, q3 = 0, max = 0;
};

Spread spreadOf(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const auto at = [&](double q) { return v[size_t(std::lround(q * double(v.size() - 1)))]; };
    return {v.front(), at(0.25), at(0.5), at(0.75), v.back()};
}

QString describe(const Spread& s) {
    return QStringLiteral("median %1 ms (min %2, quartiles %3-%4, max %5)")
        .arg(s.median, 0, 'f', 1)
        .arg(s.min, 0, 'f', 1)
        .arg(s.q1, 0, 'f', 1)
        .arg(s.q3, 0, 'f', 1)
        .arg(s.max, 0, 'f', 1);
}

/// R training-loss-like curves: a falling trend, noise, and a spike now and then.
QVector<OverlayCurve> makeCurves(int runs, int points) {
    QVector<OverlayCurve> curves;
    std::mt19937 random(12);
    std::normal_distribution<double> noise(0, 0.03);
    std::uniform_int_distribution<int> spikes(0, 4999);
    for (int r = 0; r < runs; ++r) {
        OverlayCurve curve;
        curve.label = QStringLiteral("#%1 run").arg(r + 1);
        curve.step.resize(points);
        curve.value.resize(points);
        const double scale = 1.0 + 0.01 * r;
        for (int i = 0; i < points; ++i) {
            curve.step[i] = i + 1;
            curve.value[i] = scale * 2.0 / std::sqrt(1.0 + i * 0.01) + noise(random) +
                             (spikes(random) == 0 ? 1.5 : 0.0);
        }
        curves.append(std::move(curve));
    }
    return curves;
}

double redrawMs(OverlayPlot& plot, const QCPRange& range) {
    QElapsedTimer timer;
    timer.start();
    plot.plot()->xAxis->setRange(range);
    plot.plot()->replot(QCustomPlot::rpImmediateRefresh);
    return double(timer.nsecsElapsed()) / 1e6;
}

using Envelope = std::map<int, std::pair<double, double>>;

Envelope envelopeOf(const std::vector<std::pair<double, double>>& points,
                    const PixelColumns& columns) {
    Envelope envelope;
    for (const auto& [x, y] : points) {
        if (x < columns.xLower || x > columns.xUpper || !std::isfinite(y))
            continue;
        auto [e, fresh] = envelope.try_emplace(columns.columnOf(x), y, y);
        if (!fresh)
            e->second = {std::min(e->second.first, y), std::max(e->second.second, y)};
    }
    return envelope;
}

/// Where our redraw's time goes, each part on its own (medians of 5).
void breakDown(OverlayPlot& ours, int runs) {
    const auto time = [](const std::function<void()>& before, const std::function<void()>& what) {
        std::vector<double> ms;
        for (int i = 0; i < 5; ++i) {
            before();
            QElapsedTimer t;
            t.start();
            what();
            ms.push_back(double(t.nsecsElapsed()) / 1e6);
        }
        return describe(spreadOf(ms));
    };
    QCustomPlot* plot = ours.plot();
    const auto replot = [plot] { plot->replot(QCustomPlot::rpImmediateRefresh); };
    out() << "  ours, replot with nothing changed (the curves' images reused): "
          << time([] {}, replot) << "\n";
    out() << "  ours, decimation only (redecimate(), two threads): "
          << time([] {}, [&ours] { ours.redecimate(); }) << "\n";
    out() << "  ours, replot drawing the curves anew (decimation done): "
          << time([&ours] { ours.redecimate(); }, replot) << "\n";
    std::vector<qsizetype> keep;
    const QCPRange r = plot->xAxis->range();
    const PixelColumns columns{r.lower, r.upper, plot->axisRect()->width()};
    size_t kept = 0;
    const QString alone = time([] {},
                               [&] {
                                   kept = 0;
                                   for (int c = 0; c < runs; ++c) {
                                       keep.clear();
                                       decimate(ours.xValues(c), ours.yValues(c), columns, keep);
                                       kept += keep.size();
                                   }
                               });
    out() << "  decimate() alone, one thread: " << alone << " (keeps " << kept << " points)\n";
}

/// Part 1: ours against QCustomPlot's own sampling of every point.
bool benchRedraw(int runs, int points, int rounds, QSize size, const QString& screenshot) {
    out() << QStringLiteral("Overlay redraw: %1 runs x %2 points, widget %3 x %4, %5 rounds\n")
                 .arg(runs)
                 .arg(points)
                 .arg(size.width())
                 .arg(size.height())
                 .arg(rounds);
    out().flush();
    QVector<OverlayCurve> curves = makeCurves(runs, points);
    OverlayPlot ours;
    OverlayPlot reference;
    reference.setDecimated(false);
    for (OverlayPlot* plot : {&ours, &reference}) {
        plot->resize(size);
        plot->setYLabel(QStringLiteral("train_loss"));
        plot->setCurves(curves);
        plot->show();
        plot->plot()->replot(QCustomPlot::rpImmediateRefresh);
    }
    curves.clear(); // each plot holds its own copy
    if (qEnvironmentVariableIsSet("BENCH_NO_AA"))
        for (OverlayPlot* plot : {&ours, &reference})
            plot->plot()->setNotAntialiasedElements(QCP::aePlottables);
    if (qEnvironmentVariableIsSet("BENCH_NO_FAST"))
        for (OverlayPlot* plot : {&ours, &reference})
            plot->plot()->setPlottingHint(QCP::phFastPolylines, false);
    if (qEnvironmentVariableIsSet("BENCH_NO_LEGEND"))
        for (OverlayPlot* plot : {&ours, &reference})
            plot->plot()->legend->setVisible(false);
    QCoreApplication::processEvents();
    breakDown(ours, runs);

    const QCPRange full = ours.plot()->xAxis->range();
    const double pixel = full.size() / std::max(1, ours.plot()->axisRect()->width());
    const QCPRange zoom(full.lower + 0.45 * full.size(), full.lower + 0.55 * full.size());
    struct Case {
        QString name;
        QCPRange a, b; // alternated so every redraw is a range change
        std::vector<double> ours, reference;
    };
    std::vector<Case> cases = {{QStringLiteral("full range"),
                                full,
                                QCPRange(full.lower + pixel, full.upper + pixel),
                                {},
                                {}},
                               {QStringLiteral("10% zoom"),
                                zoom,
                                QCPRange(zoom.lower + pixel, zoom.upper + pixel),
                                {},
                                {}}};
    for (int round = 0; round < rounds + 1; ++round) {
        for (Case& c : cases) {
            const QCPRange& range = round % 2 == 0 ? c.a : c.b;
            // Alternate which goes first, so neither always finds the caches warm.
            const bool oursFirst = round % 2 == 0;
            const double first = redrawMs(oursFirst ? ours : reference, range);
            const double second = redrawMs(oursFirst ? reference : ours, range);
            if (round == 0)
                continue; // warm-up
            c.ours.push_back(oursFirst ? first : second);
            c.reference.push_back(oursFirst ? second : first);
        }
    }
    bool met = true;
    for (const Case& c : cases) {
        const Spread o = spreadOf(c.ours);
        const Spread r = spreadOf(c.reference);
        out() << QStringLiteral("  %1:\n    ours (decimated)  %2\n    reference         %3\n"
                                "    ratio reference/ours %4x\n")
                     .arg(c.name, describe(o), describe(r))
                     .arg(r.median / o.median, 0, 'f', 1);
        if (&c == &cases.front())
            met = o.median <= 25 && r.median / o.median >= 4;
    }
    out() << QStringLiteral("  goal (full range): ours <= 25 ms and >= 4x faster: %1\n")
                 .arg(met ? QStringLiteral("met") : QStringLiteral("NOT met"));

    // A drag: one plot redrawn again and again, each time a pixel further. Interleaved above,
    // half of ours follow a redraw of the reference, whose sweep over its 160 MB leaves the
    // caches cold for ours. Blocks of `rounds` redraws: ours, the reference's, the
    // reference's, ours.
    std::vector<double> dragOurs;
    std::vector<double> dragReference;
    for (const bool oursFirst : {true, false}) {
        for (const bool isOurs : {oursFirst, !oursFirst}) {
            OverlayPlot& plot = isOurs ? ours : reference;
            for (int round = 0; round < rounds + 1; ++round) {
                const double ms = redrawMs(plot, round % 2 == 0 ? cases[0].a : cases[0].b);
                if (round > 0)
                    (isOurs ? dragOurs : dragReference).push_back(ms);
            }
        }
    }
    const Spread dragO = spreadOf(dragOurs);
    const Spread dragR = spreadOf(dragReference);
    const bool dragMet = dragO.median <= 25 && dragR.median / dragO.median >= 4;
    out() << QStringLiteral("  full range, dragged (%1 redraws in a row a block):\n"
                            "    ours (decimated)  %2\n    reference         %3\n"
                            "    ratio reference/ours %4x\n"
                            "  goal (full range, dragged): ours <= 25 ms and >= 4x faster: %5\n")
                 .arg(rounds)
                 .arg(describe(dragO), describe(dragR))
                 .arg(dragR.median / dragO.median, 0, 'f', 1)
                 .arg(dragMet ? QStringLiteral("met") : QStringLiteral("NOT met"));

    // What we draw spans, in every pixel column, exactly what the reference's data spans.
    bool same = ours.plot()->axisRect()->rect() == reference.plot()->axisRect()->rect();
    int checkedColumns = 0;
    for (const QCPRange& range : {full, zoom}) {
        redrawMs(ours, range);
        redrawMs(reference, range);
        const PixelColumns columns{range.lower, range.upper, ours.plot()->axisRect()->width()};
        for (int curve = 0; curve < runs; ++curve) {
            const Envelope drawn = envelopeOf(ours.drawnPoints(curve), columns);
            same = same && drawn == envelopeOf(reference.drawnPoints(curve), columns);
            checkedColumns += int(drawn.size());
        }
    }
    qint64 drawnPoints = 0;
    for (int curve = 0; curve < runs; ++curve)
        drawnPoints += qint64(ours.drawnPoints(curve).size());
    out() << QStringLiteral("  envelope per pixel column equal to the reference's data: %1 "
                            "(%2 columns of %3 curves, 2 ranges; ours draws %4 points at the "
                            "10% zoom, the reference samples %5)\n")
                 .arg(same ? QStringLiteral("yes") : QStringLiteral("NO"))
                 .arg(checkedColumns)
                 .arg(runs)
                 .arg(drawnPoints)
                 .arg(qint64(runs) * points / 10);
    if (!screenshot.isEmpty()) {
        redrawMs(ours, full);
        ours.plot()->savePng(screenshot, size.width(), size.height());
    }
    return met && same;
}

/// Waits for `signal` of `sender` (or `timeoutMs`); returns whether it came.
template <typename Sender, typename Signal>
bool waitFor(Sender* sender, Signal signal, int timeoutMs) {
    QEventLoop loop;
    bool came = false;
    const auto connection = QObject::connect(sender, signal, &loop, [&] {
        came = true;
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    QObject::disconnect(connection);
    return came;
}

/// Part 2: opening a compare of `count` runs of a big workspace.
bool benchCompareOpen(const QString& workspace, int count, int rounds) {
    QList<qint64> ids;
    {
        WorkspaceReader reader(workspace);
        // The newest trials of one sweep when there is one (what a user compares), else the
        // newest runs.
        const auto runs = reader.runs();
        const qint64 sweep = runs.empty() ? 0 : runs.front().sweep;
        for (const RunRecord& run : runs)
            if (ids.size() < count && (sweep == 0 || run.sweep == sweep || runs.size() < 2))
                ids.append(run.id);
        for (const RunRecord& run : runs)
            if (ids.size() < count && !ids.contains(run.id))
                ids.append(run.id);
    }
    out() << QStringLiteral("Compare of %1 runs of %2, %3 rounds\n")
                 .arg(ids.size())
                 .arg(workspace)
                 .arg(rounds);
    HistoryReaderHost history(workspace);
    CompareView view(&history, workspace);
    view.resize(1200, 800);
    view.show();
    std::vector<double> opens;
    std::vector<double> naive;
    qint64 points = 0;
    const auto timeOurs = [&] {
        QElapsedTimer timer;
        timer.start();
        view.setRuns(ids);
        if (!waitFor(&view, &CompareView::curvesShown, 30000))
            return -1.0;
        view.overlay()->plot()->replot(QCustomPlot::rpImmediateRefresh);
        return double(timer.nsecsElapsed()) / 1e6;
    };
    const auto timeNaive = [&] {
        QElapsedTimer timer;
        timer.start();
        WorkspaceReader reader(workspace);
        qint64 read = 0;
        for (const qint64 id : ids) {
            const auto run = reader.run(id);
            const auto summary = reader.metricSummary(id);
            read += reader.metricSeries(id, view.series()).size() + summary.final.size() +
                    (run ? 1 : 0);
        }
        points = read;
        return double(timer.nsecsElapsed()) / 1e6;
    };
    // The first open finds the history thread's connection cold; it is reported apart.
    const double cold = timeOurs();
    if (cold < 0) {
        out() << "  the compare did not open within 30 s: " << view.statusText() << "\n";
        return false;
    }
    out() << QStringLiteral("  first open (cold connection): %1 ms (%2; %3)\n")
                 .arg(cold, 0, 'f', 1)
                 .arg(view.series())
                 .arg(view.statusText());
    for (int round = 0; round < rounds; ++round) {
        // Reference first on even rounds, ours first on odd ones.
        const bool naiveFirst = round % 2 == 0;
        const double b0 = naiveFirst ? timeNaive() : 0;
        const double a = timeOurs();
        const double b = naiveFirst ? b0 : timeNaive();
        if (a < 0) {
            out() << "  the compare did not open within 30 s: " << view.statusText() << "\n";
            return false;
        }
        opens.push_back(a);
        naive.push_back(b);
    }
    const Spread o = spreadOf(opens);
    const Spread n = spreadOf(naive);
    out() << QStringLiteral("  open to drawn curves (ours, history thread): %1\n"
                            "  reference, per-run queries on the GUI thread, no drawing: %2 "
                            "(%3 rows)\n  ratio reference/ours %4x; goal < 1000 ms: %5\n")
                 .arg(describe(o), describe(n))
                 .arg(points)
                 .arg(n.median / o.median, 0, 'f', 2)
                 .arg(o.median < 1000 ? QStringLiteral("met") : QStringLiteral("NOT met"));
    return o.median < 1000;
}

} // namespace

int main(int argc, char* argv[]) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption runsOption(QStringLiteral("runs"), QStringLiteral("Curves."),
                                        QStringLiteral("R"), QStringLiteral("100"));
    const QCommandLineOption pointsOption(QStringLiteral("points"),
                                          QStringLiteral("Points a curve."), QStringLiteral("N"),
                                          QStringLiteral("100000"));
    const QCommandLineOption roundsOption(QStringLiteral("rounds"), QStringLiteral("Rounds."),
                                          QStringLiteral("K"), QStringLiteral("15"));
    const QCommandLineOption widthOption(QStringLiteral("width"), QStringLiteral("Widget width."),
                                         QStringLiteral("W"), QStringLiteral("1200"));
    const QCommandLineOption heightOption(QStringLiteral("height"),
                                          QStringLiteral("Widget height."), QStringLiteral("H"),
                                          QStringLiteral("700"));
    const QCommandLineOption workspaceOption(QStringLiteral("workspace"),
                                             QStringLiteral("A big workspace to compare in."),
                                             QStringLiteral("DB"));
    const QCommandLineOption compareOption(QStringLiteral("compare-runs"),
                                           QStringLiteral("Runs in the compare."),
                                           QStringLiteral("C"), QStringLiteral("20"));
    const QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
                                              QStringLiteral("Save our overlay as PNG."),
                                              QStringLiteral("PNG"));
    parser.addOptions({runsOption, pointsOption, roundsOption, widthOption, heightOption,
                       workspaceOption, compareOption, screenshotOption});
    parser.process(app);
    const int rounds = std::max(2, parser.value(roundsOption).toInt());
    bool met = true;
    if (parser.value(runsOption).toInt() > 0)
        met = benchRedraw(
            parser.value(runsOption).toInt(), parser.value(pointsOption).toInt(), rounds,
            QSize(parser.value(widthOption).toInt(), parser.value(heightOption).toInt()),
            parser.value(screenshotOption));
    if (parser.isSet(workspaceOption))
        met = benchCompareOpen(parser.value(workspaceOption), parser.value(compareOption).toInt(),
                               rounds) &&
              met;
    out().flush();
    return met ? 0 : 1;
}
