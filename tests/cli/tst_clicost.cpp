// What a run cost, through trainlab-cli: prices set once in the workspace (`settings`), the
// environment's override, bad settings refused with exit 2 naming the key or variable, and
// `show` / `show --json` giving a run's energy and its source, device hours, cost, system
// samples and environment; `report --baseline` giving what a run saved against another,
// beside the change in accuracy.
#include "../common/CliSupport.h"
#include "../common/TestSupport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

using namespace trainlab;
using test::CliResult;
using test::parseJson;
using test::runCli;

class TestCliCost : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        db_ = dir_->filePath(QStringLiteral("cost.db"));
    }

    void settingsAreKeptInTheWorkspace() {
        const CliResult set = cli({QStringLiteral("settings"), QStringLiteral("set"),
                                   QStringLiteral("price_per_kwh"), QStringLiteral("0.30")});
        QCOMPARE(set.exitCode, 0);
        QVERIFY2(set.out.startsWith("price_per_kwh = 0.3"), set.out);
        const QJsonObject list =
            parseJson(cli({QStringLiteral("settings"), QStringLiteral("--json")}).out).object();
        const QJsonObject kwh = list.value(QStringLiteral("price_per_kwh")).toObject();
        QCOMPARE(kwh.value(QStringLiteral("value")).toDouble(), 0.3);
        QCOMPARE(kwh.value(QStringLiteral("origin")).toString(), QStringLiteral("workspace"));
        QCOMPARE(kwh.value(QStringLiteral("environment")).toString(),
                 QStringLiteral("TRAINLAB_PRICE_PER_KWH"));
        const QJsonObject hour = list.value(QStringLiteral("price_per_device_hour")).toObject();
        QVERIFY(hour.value(QStringLiteral("value")).isNull()); // unset: not zero
        QCOMPARE(hour.value(QStringLiteral("origin")).toString(), QStringLiteral("unset"));
        QCOMPARE(list[QStringLiteral("watts_per_core")][QStringLiteral("origin")].toString(),
                 QStringLiteral("default"));
        // The environment overrides the workspace, and says so.
        const CliResult overridden =
            runCli({QStringLiteral("settings"), QStringLiteral("--db"), db_},
                   {QStringLiteral("TRAINLAB_PRICE_PER_KWH=0.45")});
        QCOMPARE(overridden.exitCode, 0);
        QVERIFY2(overridden.out.contains("environment (TRAINLAB_PRICE_PER_KWH)"), overridden.out);
        QVERIFY(overridden.out.contains("0.45"));
        const CliResult unset = cli(
            {QStringLiteral("settings"), QStringLiteral("unset"), QStringLiteral("price_per_kwh")});
        QCOMPARE(unset.exitCode, 0);
        QVERIFY2(unset.out.contains("price_per_kwh unset; now - (unset)"), unset.out);
    }

    void badSettingsExitTwoNamingTheKey() {
        TRAINLAB_VERIFY_CLI_FAILURE(cli({QStringLiteral("settings"), QStringLiteral("set"),
                                         QStringLiteral("price_per_kwh"), QStringLiteral("-1")}),
                                    2, "price_per_kwh: must be a number >= 0, got '-1'");
        TRAINLAB_VERIFY_CLI_FAILURE(cli({QStringLiteral("settings"), QStringLiteral("set"),
                                         QStringLiteral("price"), QStringLiteral("1")}),
                                    2, "settings: unknown key 'price' (known: price_per_kwh");
        TRAINLAB_VERIFY_CLI_FAILURE(cli({QStringLiteral("settings"), QStringLiteral("set"),
                                         QStringLiteral("watts_per_core"), QStringLiteral("0")}),
                                    2, "watts_per_core: must be a number > 0, got '0'");
        TRAINLAB_VERIFY_CLI_FAILURE(cli({QStringLiteral("settings"), QStringLiteral("frob")}), 2,
                                    "settings: expected 'settings [list]'");
        const CliResult badEnvironment =
            runCli({QStringLiteral("settings"), QStringLiteral("--db"), db_},
                   {QStringLiteral("TRAINLAB_WATTS_PER_CORE=lots")});
        TRAINLAB_VERIFY_CLI_FAILURE(badEnvironment, 2, "TRAINLAB_WATTS_PER_CORE: must be a number");
        // Nothing refused was stored.
        const QJsonObject list =
            parseJson(cli({QStringLiteral("settings"), QStringLiteral("--json")}).out).object();
        QCOMPARE(list[QStringLiteral("price_per_kwh")][QStringLiteral("origin")].toString(),
                 QStringLiteral("unset"));
    }

    void showGivesEnergyCostAndEnvironment() {
        QCOMPARE(cli({QStringLiteral("settings"), QStringLiteral("set"),
                      QStringLiteral("price_per_kwh"), QStringLiteral("0.30")})
                     .exitCode,
                 0);
        // The workspace's energy price, and a device-hour price from the environment.
        const CliResult run = runCli({QStringLiteral("run"), test::quickstartSpec(),
                                      QStringLiteral("--set"), QStringLiteral("training.epochs=8"),
                                      QStringLiteral("--json"), QStringLiteral("--db"), db_},
                                     {QStringLiteral("TRAINLAB_PRICE_PER_DEVICE_HOUR=2")});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject report = parseJson(run.out).object();
        const double energy = report.value(QStringLiteral("energy_j")).toDouble();
        const double hours = report.value(QStringLiteral("device_hours")).toDouble();
        QVERIFY(energy > 0 && hours > 0);
        QVERIFY(std::abs(report.value(QStringLiteral("cost")).toDouble() -
                         (energy / 3.6e6 * 0.30 + hours * 2)) < 1e-12);
        QVERIFY(!report.value(QStringLiteral("energy_source")).toString().isEmpty());
        QVERIFY(report.value(QStringLiteral("system_samples")).toInt() >= 1);
        const QJsonObject env = report.value(QStringLiteral("environment")).toObject();
        for (const char* key : {"libtorch", "cuda", "driver", "cpu_model", "qt", "trainlab"})
            QVERIFY2(!env.value(QLatin1String(key)).toString().isEmpty(), key);
        QCOMPARE(env.value(QStringLiteral("world_size")).toInt(), 1);
        QVERIFY(env.value(QStringLiteral("gpu_models")).isArray());

        const QString id = QString::number(report.value(QStringLiteral("id")).toInt());
        const CliResult show = cli({QStringLiteral("show"), id});
        QCOMPARE(show.exitCode, 0);
        QVERIFY2(show.out.contains("  cost     "), show.out);
        QVERIFY(show.out.contains("environment  LibTorch "));
        QVERIFY(show.out.contains(env.value(QStringLiteral("cpu_model")).toString().toUtf8()));
        // The energy series can be read like any metric.
        const CliResult series = cli({QStringLiteral("metrics"), id, QStringLiteral("--name"),
                                      QStringLiteral("energy_j"), QStringLiteral("--csv")});
        QCOMPARE(series.exitCode, 0);
        QVERIFY(series.out.count('\n') > 8); // the header, then at least one row per epoch
    }

    void reportSaysWhatARunSavedAgainstItsBaseline() {
        QCOMPARE(cli({QStringLiteral("settings"), QStringLiteral("set"),
                      QStringLiteral("price_per_device_hour"), QStringLiteral("3")})
                     .exitCode,
                 0);
        // The baseline trains 6 epochs; the technique run 2, with gradient accumulation.
        auto train = [this](const QStringList& sets) {
            QStringList args{QStringLiteral("run"), test::quickstartSpec(),
                             QStringLiteral("--json")};
            for (const QString& set : sets)
                args << QStringLiteral("--set") << set;
            const CliResult run = cli(args);
            [&] { QVERIFY2(run.exitCode == 0, run.err.constData()); }();
            return parseJson(run.out).object();
        };
        const QJsonObject baseline = train({QStringLiteral("training.epochs=6")});
        const QJsonObject cheaper = train(
            {QStringLiteral("training.epochs=2"), QStringLiteral("training.grad_accumulation=2")});
        const QString id = QString::number(cheaper.value(QStringLiteral("id")).toInteger());
        const QString base = QString::number(baseline.value(QStringLiteral("id")).toInteger());
        const CliResult json = cli({QStringLiteral("report"), id, QStringLiteral("--baseline"),
                                    base, QStringLiteral("--json")});
        QVERIFY2(json.exitCode == 0, json.err.constData());
        const QJsonObject cost =
            parseJson(json.out).object().value(QStringLiteral("cost")).toObject();
        const QJsonObject saved = cost.value(QStringLiteral("saved")).toObject();
        // Exactly the stored figures' differences.
        for (const char* key : {"device_hours", "energy_j", "cost"}) {
            const double expected = baseline.value(QLatin1String(key)).toDouble() -
                                    cheaper.value(QLatin1String(key)).toDouble();
            QVERIFY2(std::abs(saved.value(QLatin1String(key)).toDouble() - expected) <=
                         1e-12 * std::max(1.0, std::abs(expected)),
                     key);
            QVERIFY2(
                std::abs(saved.value(QLatin1String(key) + QStringLiteral("_fraction")).toDouble() -
                         expected / baseline.value(QLatin1String(key)).toDouble()) < 1e-9,
                key);
        }
        QVERIFY(saved.value(QStringLiteral("device_hours")).toDouble() > 0); // a third the epochs
        const QString metric = cost.value(QStringLiteral("accuracy_metric")).toString();
        QCOMPARE(metric, QStringLiteral("test_accuracy"));
        QCOMPARE(cost.value(QStringLiteral("accuracy_change")).toDouble(),
                 cheaper.value(QStringLiteral("final")).toObject().value(metric).toDouble() -
                     baseline.value(QStringLiteral("final")).toObject().value(metric).toDouble());
        const QJsonArray techniques = cost.value(QStringLiteral("techniques")).toArray();
        QCOMPARE(techniques.size(), 1);
        QCOMPARE(techniques[0].toObject().value(QStringLiteral("technique")).toString(),
                 QStringLiteral("grad_accumulation"));
        QVERIFY(cost.value(QStringLiteral("baseline"))
                    .toObject()
                    .value(QStringLiteral("techniques"))
                    .toArray()
                    .isEmpty());

        const CliResult text =
            cli({QStringLiteral("report"), id, QStringLiteral("--baseline"), base});
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains("against the baseline: time saves"), text.out.constData());
        QVERIFY(text.out.contains("techniques: grad_accumulation"));
        const CliResult csv = cli({QStringLiteral("report"), id, QStringLiteral("--baseline"), base,
                                   QStringLiteral("--csv")});
        QCOMPARE(csv.exitCode, 0);
        QVERIFY2(csv.out.contains(QByteArray("\nbaseline,").append(base.toUtf8()).append(',')),
                 csv.out.constData());
        QVERIFY(csv.out.contains("\nsaved,,"));
    }

private:
    CliResult cli(QStringList args) { return runCli(args << QStringLiteral("--db") << db_); }

    std::unique_ptr<QTemporaryDir> dir_;
    QString db_;
};

QTEST_GUILESS_MAIN(TestCliCost)
#include "tst_clicost.moc"
