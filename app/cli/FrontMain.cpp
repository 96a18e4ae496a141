#include "CliMain.h"
#include "Commands.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QTextStream>
#include <cerrno>
#include <cstring>
#include <unistd.h>

using namespace trainlab;
using namespace trainlab::cli;

namespace {

/// The verb of `arguments` when this process answers it itself: a query verb, --help, an empty
/// or unparsable command line (whose message is the same either way).
bool answeredHere(const QStringList& arguments, const CommandTable& queries) {
    try {
        const CliArgs args = parseCliArgs(arguments);
        return args.help || args.command.isEmpty() || queries.count(args.command) > 0;
    } catch (const std::exception&) {
        return true;
    }
}

/// Where trainlab-engine lies: beside this program in a build tree, under libexec once
/// installed.
QStringList engineCandidates() {
    const QString self = QFileInfo(QStringLiteral("/proc/self/exe")).canonicalFilePath();
    const QDir dir = QFileInfo(self).absoluteDir();
    return {dir.filePath(QStringLiteral("trainlab-engine")),
            QDir::cleanPath(dir.filePath(QStringLiteral("../libexec/trainlab/trainlab-engine")))};
}

/// Replaces this process with the engine (same PID, signals, exit code and standard streams,
/// so scripts and the crash harness cannot tell); returns only when no engine could start.
int execEngine(char* argv[]) {
    QStringList tried;
    int error = ENOENT;
    for (const QString& candidate : engineCandidates()) {
        const QByteArray path = QFile::encodeName(candidate);
        argv[0] = const_cast<char*>(path.constData());
        ::execv(path.constData(), argv);
        error = errno;
        tried << QStringLiteral("%1 (%2)").arg(candidate,
                                               QString::fromLocal8Bit(std::strerror(error)));
    }
    QTextStream(stderr) << "trainlab-cli: cannot start the training engine: tried "
                        << tried.join(QStringLiteral(", ")) << Qt::endl;
    return kExitEnvironment;
}

} // namespace

// trainlab-cli: the query verbs without LibTorch (whose loading alone takes 1.3-1.9 s on a
// 2-core machine); every other verb runs in trainlab-engine, exec'd in place.
int main(int argc, char* argv[]) {
    QStringList arguments;
    for (int i = 1; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    const CommandTable queries = queryCommands();
    if (!answeredHere(arguments, queries))
        return execEngine(argv);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("trainlab"));
    return runCommandLine(arguments, queries);
}
