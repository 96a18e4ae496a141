// How responsive the window stays while a run streams metrics: the real MainWindow, offscreen,
// on a temporary workspace. A 10 ms timer re-armed at every tick records how late each tick
// fires (the time the event loop was busy with something else: metric batches, plot updates,
// log lines, the runs list). First with no run (the reference), then while a run logs every
// step (about 1,000 metric points a second with the defaults, six series; the rate reached is
// printed), in the same process. The goal of issue 11: p99 under 50 ms.
//
// Usage: bench_eventloop [--seconds S] [--batch-size N] [--samples N] [--threads T]
//                        [--screenshot PNG]   (the window as it was at the end of the run's row)
// Not a test: run it by hand; on a shared machine other processes' turns show in both rows.
// qcustomplot.h uses Qt's `signals` keyword, which the project's strict Qt flags turn off.
#undef QT_NO_KEYWORDS
#undef QT_NO_FOREACH

#include "MainWindow.h"
#include "MetricPlot.h"

#include "jobs/Backend.h"
#include "store/WorkspaceReader.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>
#include <algorithm>
#include <cmath>
#include <ctime>
#include <functional>
#include <qcustomplot.h>

using namespace trainlab;

namespace {

constexpr int kTickMs = 10;

/// CPU seconds the calling thread has used: what the GUI thread itself spends, apart from the
/// turns other processes take on a shared machine.
double threadCpuSeconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

/// Arms a single-shot timer, notes how late it fires, arms it again, for `seconds`.
class LatencyProbe : public QObject {
public:
    using Done = std::function<void(std::vector<double>)>;

    LatencyProbe() {
        timer_.setSingleShot(true);
        timer_.setTimerType(Qt::PreciseTimer);
        timer_.setInterval(kTickMs);
        connect(&timer_, &QTimer::timeout, this, [this] { tick(); });
    }
    void start(double seconds, Done done) {
        done_ = std::move(done);
        cpuAtStart_ = threadCpuSeconds();
        latenessMs_.clear();
        clock_.start();
        endNs_ = qint64(seconds * 1e9);
        arm();
    }

private:
    void arm() {
        armedNs_ = clock_.nsecsElapsed();
        timer_.start();
    }
    void tick() {
        const qint64 now = clock_.nsecsElapsed();
        latenessMs_.push_back(std::max(0.0, double(now - armedNs_) / 1e6 - kTickMs));
        if (now >= endNs_) {
            cpuMsPerS_ = 1000 * (threadCpuSeconds() - cpuAtStart_) / (double(now) / 1e9);
            done_(std::move(latenessMs_));
        } else
            arm();
    }

    QTimer timer_;
    QElapsedTimer clock_;
    qint64 armedNs_ = 0;
    qint64 endNs_ = 0;
    std::vector<double> latenessMs_;
    Done done_;
    double cpuAtStart_ = 0;

public:
    double cpuMsPerS_ = 0; ///< the GUI thread's CPU time in the last measurement, ms per s
};

double percentile(const std::vector<double>& sorted, double q) {
    if (sorted.empty())
        return 0;
    const auto i = size_t(std::lround(q * double(sorted.size() - 1)));
    return sorted[std::min(i, sorted.size() - 1)];
}

QString row(const QString& name, std::vector<double> lateness, double cpuMsPerS) {
    std::sort(lateness.begin(), lateness.end());
    return QStringLiteral("%1 %2 %3 %4 %5 %6 %7")
        .arg(name, -22)
        .arg(lateness.size(), 6)
        .arg(percentile(lateness, 0.50), 7, 'f', 2)
        .arg(percentile(lateness, 0.95), 7, 'f', 2)
        .arg(percentile(lateness, 0.99), 7, 'f', 2)
        .arg(lateness.empty() ? 0.0 : lateness.back(), 7, 'f', 2)
        .arg(cpuMsPerS, 14, 'f', 0);
}

QByteArray streamingSpec(int batchSize, int samples, int threads) {
    return QStringLiteral(R"({"trainlab": 1, "name": "eventloop-bench",
  "dataset": {"source": "synthetic",
              "synthetic": {"kind": "spirals", "samples": %2, "classes": 3, "noise": 0.05},
              "validation_split": 0.1, "test_split": 0},
  "model": {"preset": "mlp"},
  "training": {"epochs": 1000, "batch_size": %1, "log_every_steps": 1, "threads": %3,
               "optimizer": {"type": "adamw", "lr": 0.001}, "checkpoint_every_epochs": 0},
  "devices": "cpu"})")
        .arg(batchSize)
        .arg(samples)
        .arg(threads)
        .toUtf8();
}

} // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption secondsOption(QStringLiteral("seconds"),
                                           QStringLiteral("Seconds per measurement."),
                                           QStringLiteral("S"), QStringLiteral("20"));
    const QCommandLineOption batchOption(QStringLiteral("batch-size"),
                                         QStringLiteral("The run's batch size (sets its pace)."),
                                         QStringLiteral("N"), QStringLiteral("1536"));
    const QCommandLineOption samplesOption(QStringLiteral("samples"),
                                           QStringLiteral("Synthetic samples."),
                                           QStringLiteral("N"), QStringLiteral("20000"));
    const QCommandLineOption threadsOption(QStringLiteral("threads"),
                                           QStringLiteral("The run's CPU threads."),
                                           QStringLiteral("T"), QStringLiteral("1"));
    const QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
                                              QStringLiteral("Saves the window at the end."),
                                              QStringLiteral("PNG"));
    parser.addOptions({secondsOption, batchOption, samplesOption, threadsOption, screenshotOption});
    parser.process(app);
    const double seconds = parser.value(secondsOption).toDouble();
    QTextStream out(stdout);

    QTemporaryDir dir;
    const QString db = dir.filePath(QStringLiteral("bench.db"));
    prepareWorkspace(db);
    const QString spec = dir.filePath(QStringLiteral("stream.json"));
    {
        QFile file(spec);
        if (!file.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(spec));
        file.write(streamingSpec(parser.value(batchOption).toInt(),
                                 parser.value(samplesOption).toInt(),
                                 parser.value(threadsOption).toInt()));
    }

    MainWindow window(db);
    window.resize(1280, 800);
    window.show();
    qint64 pointsReceived = 0;
    QObject::connect(window.backend(), &Backend::metricsBatch, &window,
                     [&](const QVector<MetricPoint>& points) { pointsReceived += points.size(); });

    LatencyProbe probe;
    std::vector<double> reference;
    double referenceCpu = 0;
    QTimer waitForPoints;
    qint64 pointsAtStart = 0;
    int plottedAtStart = 0;
    QElapsedTimer runClock;
    auto plotted = [&] {
        return window.lossPlot()->pointCount(QStringLiteral("train_loss")) +
               window.accuracyPlot()->pointCount(QStringLiteral("train_accuracy"));
    };
    auto measureRun = [&] {
        pointsAtStart = pointsReceived;
        plottedAtStart = plotted();
        runClock.start();
        probe.start(seconds, [&](std::vector<double> running) {
            const double elapsedS = double(runClock.nsecsElapsed()) / 1e9;
            out << QStringLiteral("event-loop lateness of a %1 ms timer, ms (%2 s each)\n")
                       .arg(kTickMs)
                       .arg(seconds);
            out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7\n")
                       .arg(QString(), -22)
                       .arg(QStringLiteral("ticks"), 6)
                       .arg(QStringLiteral("p50"), 7)
                       .arg(QStringLiteral("p95"), 7)
                       .arg(QStringLiteral("p99"), 7)
                       .arg(QStringLiteral("max"), 7)
                       .arg(QStringLiteral("GUI CPU ms/s"), 14);
            out << row(QStringLiteral("no run (reference)"), reference, referenceCpu) << '\n';
            out << row(QStringLiteral("run streaming"), running, probe.cpuMsPerS_) << '\n';
            out << QStringLiteral("metric points reaching the window: %1/s (%2/s plotted); "
                                  "replot %3 ms on average\n")
                       .arg(double(pointsReceived - pointsAtStart) / elapsedS, 0, 'f', 0)
                       .arg(double(plotted() - plottedAtStart) / elapsedS, 0, 'f', 0)
                       .arg(window.lossPlot()->plot()->replotTime(true), 0, 'f', 2);
            out.flush();
            if (parser.isSet(screenshotOption)) {
                // With the read-out at the middle of the loss plot, as a hovering user sees it.
                const QCPRange x = window.lossPlot()->plot()->xAxis->range();
                window.lossPlot()->showReadout(x.center());
                window.accuracyPlot()->showReadout(x.center());
                window.lossPlot()->plot()->replot();
                window.accuracyPlot()->plot()->replot();
                window.grab().save(parser.value(screenshotOption));
            }
            window.cancelRun();
            app.quit(); // the window's backend stops the run and waits for it on destruction
        });
    };
    // Once the reference is taken, start the run and measure as soon as its points arrive.
    QObject::connect(&waitForPoints, &QTimer::timeout, &window, [&] {
        if (plotted() == 0)
            return;
        waitForPoints.stop();
        QTimer::singleShot(2000, &window, measureRun); // past the first epoch's set-up
    });
    QTimer::singleShot(1000, &window, [&] {
        probe.start(seconds, [&](std::vector<double> idle) {
            reference = std::move(idle);
            referenceCpu = probe.cpuMsPerS_;
            if (!window.startSpecFile(spec))
                app.exit(1);
            waitForPoints.start(100);
        });
    });
    return app.exec();
}
