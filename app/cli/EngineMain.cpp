#include "CliMain.h"
#include "Commands.h"

#include "base/AllocatorTuning.h"

#include <QCoreApplication>

using namespace trainlab;
using namespace trainlab::cli;

// trainlab-engine: every verb, LibTorch linked. trainlab-cli answers the query verbs itself
// and execs this program for the rest (FrontMain.cpp), so a query never pays for loading
// LibTorch.
int main(int argc, char* argv[]) {
    keepFreedMemoryForReuse();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("trainlab"));
    CommandTable commands = queryCommands();
    commands.insert({
        {QStringLiteral("validate"), validateCommand},
        {QStringLiteral("run"), runCommand},
        {QStringLiteral("resume"), resumeCommand},
        {QStringLiteral("devices"), devicesCommand},
        {QStringLiteral("data"), dataCommand},
        {QStringLiteral("model"), modelCommand},
        {QStringLiteral("sweep"), sweepCommand},
        {QStringLiteral("export"), exportCommand},
        {QStringLiteral("predict"), predictCommand},
        {QStringLiteral("quantize"), quantizeCommand},
        {QStringLiteral("lr-find"), lrFindCommand},
        {QStringLiteral("batch-find"), batchFindCommand},
        {QStringLiteral("tune-threads"), tuneThreadsCommand},
        {QStringLiteral("estimate"), estimateCommand},
    });
    return runCommandLine(QCoreApplication::arguments().mid(1), commands);
}
