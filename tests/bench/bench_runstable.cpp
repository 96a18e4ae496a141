// The runs table on a big workspace (issue 12): the paged table against the flat list it
// replaces, on the same file, in alternating rounds.
//
//   reference  the flat list as the window loaded it before: a fresh history reader reads every
//              run and its final metrics (HistoryReader::loadRuns) into RunsTableModel
//   open       a fresh history reader and RunsTreeModel under a shown QTreeView, until the order
//              is in and the rows the view shows have arrived (goal: under 1 s)
//   sort / filter  on the open table: by a metric's final value, by a hyperparameter, by text in
//              the names; from the request to the new order with its visible rows (goal: 200 ms)
//   idle       the real MainWindow open and shown on the workspace, left alone: the process's
//              CPU time over wall time (getrusage, every thread), after it settled (goal: 2%)
//
// Usage: bench_runstable WORKSPACE.db [--rounds N] [--idle-seconds S]
// WORKSPACE is migrated to this build's schema when first opened: give it a copy, e.g.
//   cp /tmp/big.db /tmp/bench-runs.db   (tests/bench/make_big_workspace.py makes one)
// Medians with min and max over the rounds; ratios are reference / measure (above 1: faster).
// Not a test: run it by hand, offscreen; other processes on a shared machine show in both.
#include "MainWindow.h"
#include "RunsTableModel.h"
#include "RunsTreeModel.h"

#include "store/HistoryReader.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHeaderView>
#include <QTextStream>
#include <QTimer>
#include <QTreeView>
#include <algorithm>
#include <functional>
#include <map>
#include <sys/resource.h>

using namespace trainlab;

namespace {

constexpr int kTimeoutMs = 120000;

QTextStream& out() {
    static QTextStream stream(stdout);
    return stream;
}

/// Runs the event loop until `done` holds; false on time-out.
bool waitFor(const std::function<bool()>& done, int timeoutMs = kTimeoutMs) {
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
    }
    return true;
}

double cpuSeconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

struct Stats {
    double median = 0;
    double min = 0;
    double max = 0;
};

Stats stats(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return {values[values.size() / 2], values.front(), values.back()};
}

/// The flat list as before: every run with its final metrics, read on a fresh reader's thread.
double referenceLoad(const QString& path, int& runs) {
    QElapsedTimer timer;
    timer.start();
    HistoryReaderHost history(path);
    RunsTableModel model;
    bool loaded = false;
    QObject::connect(history.reader(), &HistoryReader::runsLoaded, &model,
                     [&](const QVector<RunListEntry>& entries) {
                         model.setRuns(entries);
                         loaded = true;
                     });
    history.loadRuns();
    if (!waitFor([&] { return loaded; }))
        qFatal("the flat list did not load");
    runs = model.rowCount();
    return double(timer.nsecsElapsed()) / 1e6;
}

/// The rows a view of this height shows: all arrived.
bool visibleRowsLoaded(QTreeView& view, RunsTreeModel& model) {
    if (!model.ready())
        return false;
    for (int row = 0; row < std::min(model.rowCount(), 30); ++row) {
        const QModelIndex index = model.index(row, RunsTreeModel::Name);
        view.visualRect(index); // as painting would
        if (!index.data(RunsTreeModel::LoadedRole).toBool())
            return false;
    }
    return true;
}

/// A shown table over a fresh reader: the time until its first screen of rows is in.
struct OpenTable {
    HistoryReaderHost history;
    RunsTreeModel model;
    QTreeView view;
    double openMs = 0;

    explicit OpenTable(const QString& path)
        : history(path)
        , model(&history) {
        QElapsedTimer timer;
        timer.start();
        view.setUniformRowHeights(true);
        view.header()->setSectionResizeMode(QHeaderView::Interactive);
        view.setModel(&model);
        view.resize(1000, 700);
        view.show();
        if (!waitFor([&] { return visibleRowsLoaded(view, model); }))
            qFatal("the table did not open");
        openMs = double(timer.nsecsElapsed()) / 1e6;
    }

    /// Times `change` until the new order is in and its first screen of rows arrived.
    double timed(const std::function<void()>& change) {
        bool ordered = false;
        const auto connection =
            QObject::connect(&model, &RunsTreeModel::orderLoaded, [&] { ordered = true; });
        QElapsedTimer timer;
        timer.start();
        change();
        if (!waitFor([&] { return ordered && visibleRowsLoaded(view, model); }))
            qFatal("the table did not answer");
        QObject::disconnect(connection);
        return double(timer.nsecsElapsed()) / 1e6;
    }
};

RunSortKey sortKey(RunSortKey::Kind kind, const QString& name, bool descending) {
    RunSortKey key;
    key.kind = kind;
    key.name = name;
    key.descending = descending;
    return key;
}

double idleCpuPercent(const QString& path, double seconds) {
    MainWindow window(path);
    window.show();
    if (!waitFor([&] { return window.runsModel()->ready(); }))
        qFatal("the window did not list the runs");
    // Settle: the first pages, the catalog, the first watch periods.
    QEventLoop settle;
    QTimer::singleShot(3000, &settle, &QEventLoop::quit);
    settle.exec();
    const double cpuBefore = cpuSeconds();
    QElapsedTimer wall;
    wall.start();
    QEventLoop idle;
    QTimer::singleShot(int(seconds * 1000), &idle, &QEventLoop::quit);
    idle.exec();
    const double wallSeconds = double(wall.nsecsElapsed()) / 1e9;
    return 100.0 * (cpuSeconds() - cpuBefore) / wallSeconds;
}

} // namespace

int main(int argc, char* argv[]) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("bench_runstable"));
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("workspace"),
                                 QStringLiteral("a copy of a big workspace"));
    parser.addOption({QStringLiteral("rounds"), QStringLiteral("rounds of each"),
                      QStringLiteral("N"), QStringLiteral("5")});
    parser.addOption({QStringLiteral("idle-seconds"),
                      QStringLiteral("idle window measured for S s"), QStringLiteral("S"),
                      QStringLiteral("30")});
    parser.addHelpOption();
    parser.process(app);
    if (parser.positionalArguments().size() != 1)
        parser.showHelp(2);
    const QString path = parser.positionalArguments().first();
    if (!QFileInfo::exists(path)) {
        out() << path << ": no such workspace\n";
        return 2;
    }
    const int rounds = std::max(1, parser.value(QStringLiteral("rounds")).toInt());
    const double idleSeconds = parser.value(QStringLiteral("idle-seconds")).toDouble();

    // Migrated (if it must be) before anything is timed.
    {
        HistoryReaderHost warm(path);
        bool done = false;
        QObject::connect(warm.reader(), &HistoryReader::runsChanged, [&] { done = true; });
        QObject::connect(warm.reader(), &HistoryReader::failed,
                         [&](const QString& message) { qFatal("%s", qPrintable(message)); });
        warm.watchRunTable();
        waitFor([&] { return done; });
    }

    std::map<QString, std::vector<double>> times;
    const QStringList order = {QStringLiteral("reference: flat list load"),
                               QStringLiteral("open + first screen"),
                               QStringLiteral("sort by final val_accuracy"),
                               QStringLiteral("sort by training.optimizer.lr"),
                               QStringLiteral("filter by text \"trial-7\""),
                               QStringLiteral("back to newest first")};
    int runs = 0;
    for (int round = 0; round < rounds; ++round) {
        // Alternating: the reference, then the paged table, on the same warm file.
        times[order[0]].push_back(referenceLoad(path, runs));
        OpenTable table(path);
        times[order[1]].push_back(table.openMs);
        times[order[2]].push_back(table.timed([&] {
            table.model.setSortKey(
                sortKey(RunSortKey::Kind::Final, QStringLiteral("val_accuracy"), true));
        }));
        times[order[3]].push_back(table.timed([&] {
            table.model.setSortKey(
                sortKey(RunSortKey::Kind::Param, QStringLiteral("training.optimizer.lr"), false));
        }));
        times[order[4]].push_back(table.timed([&] {
            RunFilter filter;
            filter.text = QStringLiteral("trial-7");
            table.model.setFilter(filter);
        }));
        times[order[5]].push_back(table.timed([&] {
            table.model.setFilter({});
            table.model.setSortKey({});
        }));
        out() << "round " << round + 1 << " of " << rounds << " done\n" << Qt::flush;
    }

    out() << "\n" << path << ": " << runs << " runs; " << rounds << " rounds, alternating\n";
    out() << QStringLiteral("%1 %2 %3 %4 %5\n")
                 .arg(QStringLiteral("measure"), -34)
                 .arg(QStringLiteral("median ms"), 10)
                 .arg(QStringLiteral("min"), 9)
                 .arg(QStringLiteral("max"), 9)
                 .arg(QStringLiteral("reference/this"), 15);
    const Stats reference = stats(times[order[0]]);
    for (const QString& name : order) {
        const Stats s = stats(times[name]);
        out() << QStringLiteral("%1 %2 %3 %4 %5\n")
                     .arg(name, -34)
                     .arg(s.median, 10, 'f', 1)
                     .arg(s.min, 9, 'f', 1)
                     .arg(s.max, 9, 'f', 1)
                     .arg(QStringLiteral("%1x").arg(reference.median / s.median, 0, 'f', 1), 15);
    }
    if (idleSeconds > 0) {
        out() << "\nidle window for " << idleSeconds << " s: " << Qt::flush;
        out() << QString::number(idleCpuPercent(path, idleSeconds), 'f', 2)
              << "% of one core (all threads of the process)\n";
    }
    return 0;
}
