#include "Commands.h"

#include "base/Errors.h"
#include "jobs/Backend.h"
#include "spec/SpecJson.h"
#include "spec/SpecOverrides.h"
#include "store/Database.h"
#include "store/RunQueries.h"
#include "store/RunReport.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>
#include <csignal>
#include <unistd.h>

namespace trainlab::cli {

namespace {

// The signal handler can only touch lock-free atomics; it reaches the running job's flags here.
std::atomic<RunControl*> gActiveControl{nullptr};
std::atomic<int> gSignalsSeen{0};

void onStopSignal(int) {
    if (gSignalsSeen.fetch_add(1) > 0)
        ::_exit(130); // a second Ctrl-C: leave now; the run will read `interrupted` later
    if (RunControl* control = gActiveControl.load())
        control->cancel.store(true);
    static const char message[] =
        "\ntrainlab-cli: stopping after the current step (Ctrl-C again to quit at once)\n";
    (void)!::write(STDERR_FILENO, message, sizeof(message) - 1);
}

void installStopHandlers() {
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

QJsonObject overridesAsParams(const QStringList& sets) {
    QJsonObject params;
    for (const QString& assignment : sets) {
        const qsizetype eq = assignment.indexOf(QLatin1Char('='));
        params.insert(assignment.left(eq).trimmed(), parseOverrideValue(assignment.mid(eq + 1)));
    }
    return params;
}

} // namespace

RunControl& installCancelHandlers() {
    static RunControl control;
    control.cancel = false;
    gActiveControl.store(&control);
    installStopHandlers();
    return control;
}

void releaseCancelHandlers() {
    gActiveControl.store(nullptr);
}

namespace {

// Runs one request on a backend thread, printing progress to stderr; Ctrl-C cancels it.
int executeOnBackend(const RunRequest& request, const CliArgs& args) {
    const QString dbPath = databasePath(args);
    { Database check(dbPath, Database::Mode::ReadWrite); } // bad database: exit 2 before training

    BackendHost host(dbPath);
    Backend* backend = host.backend();
    gActiveControl.store(&backend->control());
    installStopHandlers();

    qint64 runId = 0;
    QString status;
    QObject::connect(backend, &Backend::runMessage, qApp,
                     [](qint64, const QString& line) { err() << line << Qt::endl; });
    QObject::connect(backend, &Backend::runFinished, qApp,
                     [&](qint64 id, const QString& finalStatus, const QString&) {
                         runId = id;
                         status = finalStatus;
                         QCoreApplication::quit();
                     });
    host.startRun(request);
    QCoreApplication::exec();
    gActiveControl.store(nullptr);

    if (runId == 0)
        return kExitBadInput; // the database failed before the run was stored; already reported
    Database db(dbPath, Database::Mode::ReadOnly);
    const auto run = runs::find(db, runId);
    if (args.json && run)
        printJson(runReportJson(db, *run));
    else
        err() << "results: trainlab-cli show " << runId << " --db " << dbPath << Qt::endl;
    return status == QLatin1String("completed") ? kExitOk : kExitRunFailed;
}

} // namespace

int runCommand(const CliArgs& args) {
    if (args.positional.size() != 1)
        throw InputError(QStringLiteral("run takes one spec file"));
    QStringList sets = args.sets;
    if (!args.devices.isEmpty()) {
        const QStringList devices = args.devices.split(QLatin1Char(','), Qt::SkipEmptyParts);
        sets << QStringLiteral("devices=") +
                    QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(devices))
                                          .toJson(QJsonDocument::Compact));
    }
    RunRequest request;
    request.spec = loadSpecFile(args.positional.first(), sets);
    request.params = overridesAsParams(args.sets);
    return executeOnBackend(request, args);
}

int resumeCommand(const CliArgs& args) {
    const qint64 id = runIdArgument(args);
    return executeOnBackend(resumeRequest(databasePath(args), id), args);
}

} // namespace trainlab::cli
