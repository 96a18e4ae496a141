#include "parallel/ClusterLayout.h"

#include "base/Errors.h"

namespace trainlab {

namespace {

// Tests (and impatient users) may shorten the wait; it never grows past the 30 s a stalled
// rank may cost.
constexpr auto kTimeoutVariable = "TRAINLAB_RENDEZVOUS_TIMEOUT_S";

std::chrono::milliseconds timeoutFrom(const QProcessEnvironment& environment) {
    const QString name = QString::fromLatin1(kTimeoutVariable);
    if (!environment.contains(name))
        return ClusterLayout::kDefaultTimeout;
    bool ok = false;
    const double seconds = environment.value(name).toDouble(&ok);
    if (!ok || seconds <= 0 || seconds > 30)
        throw InputError(QStringLiteral("%1: '%2' is not a number of seconds from 0 to 30")
                             .arg(name, environment.value(name)));
    return std::chrono::milliseconds(qint64(seconds * 1000));
}

// A whole number in [minimum, maximum], or InputError naming `what`.
int boundedInt(const QString& text, const QString& what, int minimum, int maximum,
               const QString& range) {
    bool ok = false;
    const qlonglong value = text.trimmed().toLongLong(&ok);
    if (!ok)
        throw InputError(QStringLiteral("%1: '%2' is not a whole number").arg(what, text));
    if (value < minimum || value > maximum)
        throw InputError(QStringLiteral("%1: %2 is out of range (%3)").arg(what, text, range));
    return int(value);
}

quint16 portFrom(const QString& text, const QString& what) {
    return quint16(boundedInt(text, what, 1, 65535, QStringLiteral("1-65535")));
}

QString hostFrom(QString host, const QString& what) {
    host = host.trimmed();
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2); // [::1]
    if (host.isEmpty())
        throw InputError(QStringLiteral("%1: the master's address is empty").arg(what));
    return host;
}

QString variable(const QProcessEnvironment& environment, const char* name) {
    const QString key = QString::fromLatin1(name);
    if (!environment.contains(key))
        throw InputError(QStringLiteral("%1 is not set: torchrun's variables (MASTER_ADDR, "
                                        "MASTER_PORT, RANK, WORLD_SIZE) come together")
                             .arg(key));
    return environment.value(key);
}

} // namespace

RankRange ClusterLayout::ranks(int devices) const {
    if (!fromTorchrun())
        return {nodeRank * devices, devices, nodes * devices};
    deviceIndex(devices); // refuses a list that does not match the processes
    return {rank, 1, worldSize};
}

int ClusterLayout::deviceIndex(int devices) const {
    if (!fromTorchrun() || devices == 1)
        return 0;
    if (devices != localWorldSize)
        throw InputError(QStringLiteral("devices: the spec lists %1 devices, but torchrun starts "
                                        "%2 processes on this node (LOCAL_WORLD_SIZE), each "
                                        "training one rank; list one device, or one per process")
                             .arg(devices)
                             .arg(localWorldSize));
    return localRank;
}

QString ClusterLayout::describe() const {
    const QString master = QStringLiteral("%1:%2").arg(masterHost).arg(masterPort);
    if (fromTorchrun())
        return QStringLiteral("rank %1 of %2 (torchrun), master %3")
            .arg(rank)
            .arg(worldSize)
            .arg(master);
    return QStringLiteral("node %1 of %2, master %3").arg(nodeRank).arg(nodes).arg(master);
}

std::optional<ClusterLayout> clusterFromOptions(const QString& nodes, const QString& nodeRank,
                                                const QString& master,
                                                const QProcessEnvironment& environment) {
    if (nodes.isEmpty() && nodeRank.isEmpty() && master.isEmpty())
        return std::nullopt;
    if (nodes.isEmpty())
        throw InputError(QStringLiteral("--nnodes: needed with --node-rank and --master (how "
                                        "many nodes the run spans)"));
    ClusterLayout layout;
    layout.nodes =
        boundedInt(nodes, QStringLiteral("--nnodes"), 1, 65536, QStringLiteral("at least 1"));
    layout.nodeRank = nodeRank.isEmpty()
                          ? 0
                          : boundedInt(nodeRank, QStringLiteral("--node-rank"), 0, layout.nodes - 1,
                                       QStringLiteral("0 to %1 for --nnodes %2")
                                           .arg(layout.nodes - 1)
                                           .arg(layout.nodes));
    if (layout.nodes == 1)
        return std::nullopt; // one node: every rank in this process, no master needed
    if (master.isEmpty())
        throw InputError(QStringLiteral("--master: needed with --nnodes %1 (ADDR:PORT of node "
                                        "0, where the nodes meet)")
                             .arg(layout.nodes));
    const qsizetype colon = master.lastIndexOf(QLatin1Char(':'));
    if (colon < 0)
        throw InputError(QStringLiteral("--master: '%1' is not ADDR:PORT").arg(master));
    layout.masterHost = hostFrom(master.left(colon), QStringLiteral("--master"));
    layout.masterPort = portFrom(master.mid(colon + 1), QStringLiteral("--master: port"));
    layout.timeout = timeoutFrom(environment);
    return layout;
}

std::optional<ClusterLayout> clusterFromEnvironment(const QProcessEnvironment& environment) {
    if (!environment.contains(QStringLiteral("RANK")) &&
        !environment.contains(QStringLiteral("WORLD_SIZE")))
        return std::nullopt;
    ClusterLayout layout;
    layout.worldSize = boundedInt(variable(environment, "WORLD_SIZE"), QStringLiteral("WORLD_SIZE"),
                                  1, 1 << 20, QStringLiteral("at least 1"));
    layout.rank =
        boundedInt(variable(environment, "RANK"), QStringLiteral("RANK"), 0, layout.worldSize - 1,
                   QStringLiteral("0 to %1 for WORLD_SIZE %2")
                       .arg(layout.worldSize - 1)
                       .arg(layout.worldSize));
    if (layout.worldSize == 1)
        return std::nullopt;
    layout.masterHost =
        hostFrom(variable(environment, "MASTER_ADDR"), QStringLiteral("MASTER_ADDR"));
    layout.masterPort =
        portFrom(variable(environment, "MASTER_PORT"), QStringLiteral("MASTER_PORT"));
    if (environment.contains(QStringLiteral("LOCAL_WORLD_SIZE")))
        layout.localWorldSize =
            boundedInt(environment.value(QStringLiteral("LOCAL_WORLD_SIZE")),
                       QStringLiteral("LOCAL_WORLD_SIZE"), 1, layout.worldSize,
                       QStringLiteral("1 to WORLD_SIZE %1").arg(layout.worldSize));
    if (environment.contains(QStringLiteral("LOCAL_RANK")))
        layout.localRank = boundedInt(environment.value(QStringLiteral("LOCAL_RANK")),
                                      QStringLiteral("LOCAL_RANK"), 0, layout.localWorldSize - 1,
                                      QStringLiteral("0 to %1 for LOCAL_WORLD_SIZE %2")
                                          .arg(layout.localWorldSize - 1)
                                          .arg(layout.localWorldSize));
    layout.timeout = timeoutFrom(environment);
    return layout;
}

} // namespace trainlab
