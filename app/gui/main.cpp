// trainlab: the desktop window. With no display it runs the quickstart experiment headless
// through trainlab-cli and says where the results are.
#include "MainWindow.h"

#include "base/AllocatorTuning.h"
#include "jobs/Versions.h"
#include "store/WorkspaceReader.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QIcon>
#include <QMessageBox>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace {

bool hasDisplay() {
    const char* platform = std::getenv("QT_QPA_PLATFORM");
    if (platform && *platform)
        return true; // the user chose a platform (offscreen, xcb, wayland): respect it
    return (std::getenv("DISPLAY") && *std::getenv("DISPLAY")) ||
           (std::getenv("WAYLAND_DISPLAY") && *std::getenv("WAYLAND_DISPLAY"));
}

// Replaces this process with `trainlab-cli run quickstart.json [--db P]` from the same folder.
int runHeadless(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    const QString cli = QCoreApplication::applicationDirPath() + QStringLiteral("/trainlab-cli");
    const QString spec = trainlab::findQuickstartSpec();
    if (!QFileInfo(cli).isExecutable() || spec.isEmpty()) {
        std::fprintf(stderr, "trainlab: no display, and %s cannot be run headless here\n",
                     spec.isEmpty() ? "experiments/quickstart.json (not found)"
                                    : "trainlab-cli (not found next to trainlab)");
        return 2;
    }
    QStringList args = QCoreApplication::arguments().mid(1);
    std::fprintf(stderr, "trainlab: no display found; running %s headless with trainlab-cli\n",
                 qPrintable(spec));
    std::vector<std::string> storage = {cli.toStdString(), "run", spec.toStdString()};
    for (const QString& a : args)
        storage.push_back(a.toStdString());
    std::vector<char*> argvOut;
    for (auto& s : storage)
        argvOut.push_back(s.data());
    argvOut.push_back(nullptr);
    ::execv(argvOut[0], argvOut.data());
    std::perror("trainlab: cannot start trainlab-cli");
    return 2;
}

bool asksForUsage(int argc, char* argv[]) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--help" || arg == "-h" || arg == "--help-all" || arg == "--version" ||
            arg == "-v")
            return true;
    }
    return false;
}

const QCommandLineOption dbOption(QStringLiteral("db"),
                                  QStringLiteral("Workspace database (default: %1)."),
                                  QStringLiteral("path"));
const QCommandLineOption runOption(QStringLiteral("run"),
                                   QStringLiteral("Start this spec file (a run or a sweep) on "
                                                  "launch."),
                                   QStringLiteral("spec"));
const QCommandLineOption specOption(QStringLiteral("spec"),
                                    QStringLiteral("Open this spec file on the editing pages."),
                                    QStringLiteral("spec"));
const QCommandLineOption
    pageOption(QStringLiteral("page"),
               QStringLiteral("Start on this page (runs, curves, system, evaluation, dataset, "
                              "model, training, sweep, sweep-results, compare, spec)."),
               QStringLiteral("name"));
const QCommandLineOption
    datasetOption(QStringLiteral("dataset"),
                  QStringLiteral("Open the Dataset page on this spec's dataset."),
                  QStringLiteral("spec"));

const QCommandLineOption
    compareOption(QStringLiteral("compare"),
                  QStringLiteral("Open the Compare tab on these runs (ids, comma-separated)."),
                  QStringLiteral("ids"));

const QCommandLineOption
    sweepOption(QStringLiteral("sweep"),
                QStringLiteral("Open the Sweep results tab on this sweep (its id)."),
                QStringLiteral("id"));

// The window's own options; --help and --version print them and exit, with or without a
// display.
void processWindowOptions(QCommandLineParser& parser, const QCoreApplication& app) {
    parser.setApplicationDescription(
        QStringLiteral("TrainLab: a desktop training lab. With no display, trainlab runs "
                       "experiments/quickstart.json headless through trainlab-cli (see "
                       "trainlab-cli --help for the command line)."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption db = dbOption;
    db.setDescription(db.description().arg(trainlab::defaultWorkspacePath()));
    parser.addOption(db);
    parser.addOption(runOption);
    parser.addOption(datasetOption);
    parser.addOption(specOption);
    parser.addOption(pageOption);
    parser.addOption(compareOption);
    parser.addOption(sweepOption);
    parser.process(app);
}

void nameApplication() {
    QCoreApplication::setApplicationName(QStringLiteral("trainlab"));
    QCoreApplication::setApplicationVersion(trainlab::componentVersions().trainlab);
}

// Every rendered size from resources/trainlab.qrc, so each place (title bar, task switcher)
// picks a sharp one instead of scaling the largest.
QIcon applicationIcon() {
    QIcon icon;
    for (int size : {16, 32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/icons/trainlab-%1.png").arg(size), QSize(size, size));
    return icon;
}

} // namespace

int main(int argc, char* argv[]) {
    trainlab::keepFreedMemoryForReuse();
    if (!hasDisplay() && asksForUsage(argc, argv)) {
        QCoreApplication app(argc, argv);
        nameApplication();
        QCommandLineParser parser;
        processWindowOptions(parser, app); // prints and exits
        return 0;
    }
    if (!hasDisplay())
        return runHeadless(argc, argv);
    QApplication app(argc, argv);
    nameApplication();
    QApplication::setApplicationDisplayName(QStringLiteral("TrainLab"));
    QApplication::setWindowIcon(applicationIcon());
    // Wayland compositors find the icon through the installed trainlab.desktop.
    QGuiApplication::setDesktopFileName(QStringLiteral("trainlab"));
    QCommandLineParser parser;
    processWindowOptions(parser, app);
    const QString dbPath =
        parser.isSet(dbOption) ? parser.value(dbOption) : trainlab::defaultWorkspacePath();
    try {
        trainlab::prepareWorkspace(dbPath);
    } catch (const std::exception& e) {
        QMessageBox::critical(nullptr, QStringLiteral("TrainLab"),
                              QStringLiteral("Cannot open the workspace database.\n\n%1")
                                  .arg(QString::fromUtf8(e.what())));
        return 2;
    }
    trainlab::MainWindow window(dbPath);
    window.show();
    if (parser.isSet(runOption))
        window.startSpecFile(parser.value(runOption));
    if (parser.isSet(datasetOption))
        window.showDataset(parser.value(datasetOption));
    if (parser.isSet(specOption))
        window.openSpecDocument(parser.value(specOption));
    if (parser.isSet(pageOption) && !window.showPage(parser.value(pageOption)))
        std::fprintf(stderr, "trainlab: --page: no page '%s'\n",
                     qPrintable(parser.value(pageOption)));
    if (parser.isSet(compareOption)) {
        QList<qint64> runs;
        for (const QString& id : parser.value(compareOption).split(QLatin1Char(','))) {
            bool ok = false;
            if (const qint64 run = id.trimmed().toLongLong(&ok); ok && run > 0)
                runs.append(run);
            else
                std::fprintf(stderr, "trainlab: --compare: '%s' is not a run id\n", qPrintable(id));
        }
        window.compareRuns(runs);
    }
    if (parser.isSet(sweepOption)) {
        bool ok = false;
        if (const qint64 sweep = parser.value(sweepOption).trimmed().toLongLong(&ok);
            ok && sweep > 0)
            window.showSweepResults(sweep);
        else
            std::fprintf(stderr, "trainlab: --sweep: '%s' is not a sweep id\n",
                         qPrintable(parser.value(sweepOption)));
    }
    return QApplication::exec();
}
