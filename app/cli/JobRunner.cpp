#include "JobRunner.h"

#include "jobs/Backend.h"
#include "jobs/Job.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTextStream>
#include <QThread>
#include <atomic>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

namespace trainlab::cli {

namespace {

// A signal handler may only write to a pipe; the main thread reads it and cancels the job.
int gSignalPipe[2] = {-1, -1};
std::atomic<int> gSignalsSeen{0}; // lock-free, so the handler may touch it

void onStopSignal(int) {
    if (gSignalsSeen.fetch_add(1) > 0)
        ::_exit(130); // a second Ctrl-C: leave now
    static const char message[] =
        "\ntrainlab-cli: stopping after the current step (Ctrl-C again to quit at once)\n";
    (void)!::write(STDERR_FILENO, message, sizeof(message) - 1);
    (void)!::write(gSignalPipe[1], "x", 1);
}

void installStopHandlers() {
    if (gSignalPipe[0] < 0) {
        if (::pipe(gSignalPipe) != 0)
            return;
        ::fcntl(gSignalPipe[1], F_SETFL, O_NONBLOCK);
    }
    struct sigaction action {};
    action.sa_handler = onStopSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

QTextStream& err() {
    static QTextStream stream(stderr);
    return stream;
}

} // namespace

JobInfo runJobToEnd(std::unique_ptr<Job> job, const QString& databasePath) {
    BackendHost host(databasePath);
    Backend* backend = host.backend();
    const qint64 id = backend->submit(std::move(job));
    installStopHandlers();
    QSocketNotifier stop(gSignalPipe[0], QSocketNotifier::Read);
    QObject::connect(&stop, &QSocketNotifier::activated, qApp, [backend, id] {
        char drained[16];
        (void)!::read(gSignalPipe[0], drained, sizeof drained);
        backend->cancel(id);
    });
    QObject::connect(
        backend, &Backend::jobMessage, qApp,
        [backend, id](qint64 jobId, qint64, const QString& line) {
            if (jobId == id) {
                err() << line << Qt::endl;
                return;
            }
            // A trial's per-epoch lines would interleave with its siblings' (the
            // store has them all), and the sweep reports how each trial ended.
            if (line.startsWith(QLatin1String("epoch")) ||
                line.startsWith(QLatin1String("test_")) || line.startsWith(QLatin1String("run ")))
                return;
            const auto child = backend->job(jobId);
            err() << "trial " << (child ? child->trial : 0) << ": " << line << Qt::endl;
        });
    std::optional<JobInfo> finished;
    QObject::connect(backend, &Backend::jobFinished, qApp, [&](const JobInfo& info) {
        if (info.id == id) {
            finished = info;
            QCoreApplication::quit();
        }
    });
    QCoreApplication::exec();
    return finished ? *finished : backend->job(id).value_or(JobInfo{});
}

void runWithStopSignals(const std::function<void()>& work, const std::function<void()>& stop) {
    installStopHandlers();
    QSocketNotifier notifier(gSignalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, qApp, [stop] {
        char drained[16];
        (void)!::read(gSignalPipe[0], drained, sizeof drained);
        stop();
    });
    std::unique_ptr<QThread> thread(QThread::create(work));
    QObject::connect(thread.get(), &QThread::finished, qApp, &QCoreApplication::quit,
                     Qt::QueuedConnection);
    thread->start();
    QCoreApplication::exec();
    thread->wait();
}

int exitCodeOf(const JobInfo& job) {
    if (job.status == RunStatus::Completed)
        return kExitOk;
    switch (job.failure) {
    case FailureKind::BadInput:
        return kExitBadInput;
    case FailureKind::Environment:
        return kExitEnvironment;
    case FailureKind::None:
    case FailureKind::Runtime:
        break;
    }
    return kExitRunFailed;
}

} // namespace trainlab::cli
