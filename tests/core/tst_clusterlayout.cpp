// How a run's processes find each other: --nnodes/--node-rank/--master and torchrun's
// variables become a ClusterLayout, which says which ranks each process trains; every bad value
// is refused naming the flag or variable at fault.
#include "base/Errors.h"
#include "parallel/ClusterLayout.h"

#include <QtTest>

using namespace trainlab;

namespace {

QProcessEnvironment environment(const QStringList& assignments) {
    QProcessEnvironment env;
    for (const QString& assignment : assignments)
        env.insert(assignment.section(QLatin1Char('='), 0, 0),
                   assignment.section(QLatin1Char('='), 1));
    return env;
}

} // namespace

class TestClusterLayout : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void flagsGiveEachNodeItsRanks() {
        const auto layout = clusterFromOptions(QStringLiteral("3"), QStringLiteral("2"),
                                               QStringLiteral("10.0.0.5:29500"), {});
        QVERIFY(layout);
        QCOMPARE(layout->masterHost, QStringLiteral("10.0.0.5"));
        QCOMPARE(layout->masterPort, quint16(29500));
        QVERIFY(!layout->isMaster());
        QCOMPARE(layout->timeout, ClusterLayout::kDefaultTimeout);
        // Two devices per node: node 2 of 3 trains ranks 4 and 5 of 6.
        const RankRange ranks = layout->ranks(2);
        QCOMPARE(ranks.first, 4);
        QCOMPARE(ranks.count, 2);
        QCOMPARE(ranks.worldSize, 6);
        QVERIFY(ranks.contains(5) && !ranks.contains(3) && !ranks.contains(6));
        QCOMPARE(layout->describe(), QStringLiteral("node 2 of 3, master 10.0.0.5:29500"));

        const auto ipv6 = clusterFromOptions(QStringLiteral("2"), QStringLiteral("0"),
                                             QStringLiteral("[::1]:1234"), {});
        QVERIFY(ipv6 && ipv6->isMaster());
        QCOMPARE(ipv6->masterHost, QStringLiteral("::1"));
        QCOMPARE(ipv6->masterPort, quint16(1234));
    }

    void oneNodeOrNoFlagsIsAnOrdinaryRun() {
        QVERIFY(!clusterFromOptions({}, {}, {}, {}));
        QVERIFY(!clusterFromOptions(QStringLiteral("1"), {}, {}, {}));
        QVERIFY(!clusterFromEnvironment(environment({QStringLiteral("PATH=/bin")})));
        QVERIFY(!clusterFromEnvironment(environment({"WORLD_SIZE=1", "RANK=0"})));
    }

    void torchrunVariablesGiveOneRankPerProcess() {
        const auto layout = clusterFromEnvironment(environment(
            {"MASTER_ADDR=node0", "MASTER_PORT=29400", "WORLD_SIZE=4", "RANK=3", "LOCAL_RANK=1",
             "LOCAL_WORLD_SIZE=2", "TRAINLAB_RENDEZVOUS_TIMEOUT_S=2.5"}));
        QVERIFY(layout);
        QVERIFY(layout->fromTorchrun() && !layout->isMaster());
        QCOMPARE(layout->timeout, std::chrono::milliseconds(2500));
        const RankRange ranks = layout->ranks(1);
        QCOMPARE(ranks.first, 3);
        QCOMPARE(ranks.count, 1);
        QCOMPARE(ranks.worldSize, 4);
        // One device per process on the node: this process takes its own.
        QCOMPARE(layout->deviceIndex(2), 1);
        QCOMPARE(layout->deviceIndex(1), 0);
        try {
            layout->ranks(3);
            QFAIL("3 devices for 2 processes per node were accepted");
        } catch (const InputError& e) {
            QVERIFY2(e.message().startsWith(QStringLiteral("devices: the spec lists 3 devices")),
                     qPrintable(e.message()));
        }
    }

    void badValuesNameTheirFlagOrVariable_data() {
        QTest::addColumn<QStringList>("flags"); // nnodes, node-rank, master
        QTest::addColumn<QStringList>("variables");
        QTest::addColumn<QString>("message");
        QTest::newRow("port out of range")
            << QStringList{"2", "0", "127.0.0.1:70000"} << QStringList()
            << "--master: port: 70000 is out of range (1-65535)";
        QTest::newRow("port zero") << QStringList{"2", "1", "h:0"} << QStringList()
                                   << "--master: port: 0 is out of range (1-65535)";
        QTest::newRow("port not a number") << QStringList{"2", "1", "h:http"} << QStringList()
                                           << "--master: port: 'http' is not a whole number";
        QTest::newRow("no port") << QStringList{"2", "1", "127.0.0.1"} << QStringList()
                                 << "--master: '127.0.0.1' is not ADDR:PORT";
        QTest::newRow("no host") << QStringList{"2", "1", ":29500"} << QStringList()
                                 << "--master: the master's address is empty";
        QTest::newRow("no master")
            << QStringList{"2", "1", ""} << QStringList() << "--master: needed with --nnodes 2";
        QTest::newRow("node rank not below nnodes")
            << QStringList{"2", "2", "h:1"} << QStringList()
            << "--node-rank: 2 is out of range (0 to 1 for --nnodes 2)";
        QTest::newRow("negative node rank")
            << QStringList{"2", "-1", "h:1"} << QStringList() << "--node-rank: -1 is out of range";
        QTest::newRow("node rank without nnodes")
            << QStringList{"", "1", "h:1"} << QStringList() << "--nnodes: needed with";
        QTest::newRow("nnodes zero")
            << QStringList{"0", "0", "h:1"} << QStringList() << "--nnodes: 0 is out of range";
        QTest::newRow("nnodes not a number") << QStringList{"two", "0", "h:1"} << QStringList()
                                             << "--nnodes: 'two' is not a whole number";
        QTest::newRow("timeout too long")
            << QStringList{"2", "0", "h:1"} << QStringList{"TRAINLAB_RENDEZVOUS_TIMEOUT_S=31"}
            << "TRAINLAB_RENDEZVOUS_TIMEOUT_S: '31' is not a number of seconds from 0 to 30";
        QTest::newRow("RANK not below WORLD_SIZE")
            << QStringList()
            << QStringList{"WORLD_SIZE=2", "RANK=2", "MASTER_ADDR=h", "MASTER_PORT=1"}
            << "RANK: 2 is out of range (0 to 1 for WORLD_SIZE 2)";
        QTest::newRow("WORLD_SIZE without RANK")
            << QStringList() << QStringList{"WORLD_SIZE=2", "MASTER_ADDR=h", "MASTER_PORT=1"}
            << "RANK is not set";
        QTest::newRow("MASTER_ADDR missing")
            << QStringList() << QStringList{"WORLD_SIZE=2", "RANK=1", "MASTER_PORT=1"}
            << "MASTER_ADDR is not set";
        QTest::newRow("MASTER_PORT out of range")
            << QStringList()
            << QStringList{"WORLD_SIZE=2", "RANK=1", "MASTER_ADDR=h", "MASTER_PORT=65536"}
            << "MASTER_PORT: 65536 is out of range";
        QTest::newRow("LOCAL_RANK not below LOCAL_WORLD_SIZE")
            << QStringList()
            << QStringList{"WORLD_SIZE=2",       "RANK=1",      "MASTER_ADDR=h", "MASTER_PORT=1",
                           "LOCAL_WORLD_SIZE=2", "LOCAL_RANK=2"}
            << "LOCAL_RANK: 2 is out of range";
    }

    void badValuesNameTheirFlagOrVariable() {
        QFETCH(QStringList, flags);
        QFETCH(QStringList, variables);
        QFETCH(QString, message);
        const QProcessEnvironment env = environment(variables);
        try {
            if (flags.isEmpty())
                clusterFromEnvironment(env);
            else
                clusterFromOptions(flags[0], flags[1], flags[2], env);
            QFAIL("accepted");
        } catch (const InputError& e) {
            QVERIFY2(e.message().startsWith(message), qPrintable(e.message()));
        }
    }
};

QTEST_GUILESS_MAIN(TestClusterLayout)
#include "tst_clusterlayout.moc"
