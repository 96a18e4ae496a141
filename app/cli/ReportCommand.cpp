// trainlab-cli report RUN [--baseline RUN] [--csv | --json]: a run's report, made of sections.
// Each section is one row of kSections: how to read it from the workspace and how to print it
// as text and CSV. The evaluation (classification runs) and the cost (every run; against the
// baseline when one is given: what the run saved, beside the change in accuracy).
#include "Commands.h"

#include "base/Errors.h"
#include "store/CostReport.h"
#include "store/RunEvaluation.h"
#include "store/WorkspaceReader.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>
#include <optional>

namespace trainlab::cli {

namespace {

QTextStream& out() {
    return standardOutput();
}

QString fixed(const QJsonValue& value, int decimals = 4) {
    return value.isDouble() ? QString::number(value.toDouble(), 'f', decimals)
                            : QStringLiteral("-");
}

QString csvNumber(const QJsonValue& value) {
    return value.isDouble() ? QString::number(value.toDouble(), 'g', 12) : QString();
}

QString csvField(const QString& text) {
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) &&
        !text.contains(QLatin1Char('\n')))
        return text;
    return QLatin1Char('"') + QString(text).replace(QLatin1Char('"'), QStringLiteral("\"\"")) +
           QLatin1Char('"');
}

/// A section's document, or why the run has none.
struct SectionResult {
    std::optional<QJsonObject> json;
    QString missing;
};

/// What a section is read from.
struct ReportInput {
    WorkspaceReader& workspace;
    const RunRecord& run;
    const RunRecord* baseline; ///< --baseline, or null
};

// ---- evaluation --------------------------------------------------------------------------------

SectionResult evaluationSection(const ReportInput& input) {
    const RunEvaluation evaluation = readRunEvaluation(input.workspace, input.run);
    if (!evaluation.available())
        return {std::nullopt, evaluation.reason};
    return {evaluationToJson(evaluation, {/*curves=*/true, /*misclassified=*/true}), {}};
}

void printPerClassText(const QJsonObject& e) {
    const QJsonArray perClass = e.value(QStringLiteral("per_class")).toArray();
    int nameWidth = 12;
    for (const auto& row : perClass)
        nameWidth = std::max(nameWidth,
                             int(row.toObject().value(QStringLiteral("class")).toString().size()));
    auto line = [&](const QString& name, const QJsonObject& row, const QString& support) {
        out() << QStringLiteral("  %1  %2  %3  %4  %5  %6  %7\n")
                     .arg(name, -nameWidth)
                     .arg(fixed(row.value(QStringLiteral("precision"))), 9)
                     .arg(fixed(row.value(QStringLiteral("recall"))), 6)
                     .arg(fixed(row.value(QStringLiteral("f1"))), 6)
                     .arg(support, 7)
                     .arg(fixed(row.value(QStringLiteral("roc_auc"))), 7)
                     .arg(fixed(row.value(QStringLiteral("average_precision"))), 6);
    };
    out() << QStringLiteral("  %1  %2  %3  %4  %5  %6  %7\n")
                 .arg(QStringLiteral("class"), -nameWidth)
                 .arg(QStringLiteral("precision"), 9)
                 .arg(QStringLiteral("recall"), 6)
                 .arg(QStringLiteral("f1"), 6)
                 .arg(QStringLiteral("support"), 7)
                 .arg(QStringLiteral("ROC-AUC"), 7)
                 .arg(QStringLiteral("AP"), 6);
    qint64 samples = 0;
    for (const auto& value : perClass) {
        const QJsonObject row = value.toObject();
        samples += row.value(QStringLiteral("support")).toInteger();
        line(row.value(QStringLiteral("class")).toString(), row,
             QString::number(row.value(QStringLiteral("support")).toInteger()));
    }
    line(QStringLiteral("macro avg"), e.value(QStringLiteral("macro")).toObject(),
         QString::number(samples));
    line(QStringLiteral("weighted avg"), e.value(QStringLiteral("weighted")).toObject(),
         QString::number(samples));
}

void printConfusionText(const QJsonObject& e) {
    const QJsonArray classes = e.value(QStringLiteral("classes")).toArray();
    const QJsonArray matrix = e.value(QStringLiteral("confusion_matrix"))
                                  .toObject()
                                  .value(QStringLiteral("matrix"))
                                  .toArray();
    // Columns by class number, rows by number and name: long names would make it too wide.
    int cellWidth = int(QString::number(classes.size() - 1).size());
    int nameWidth = 0;
    for (qsizetype k = 0; k < classes.size(); ++k) {
        nameWidth = std::max(nameWidth, int(classes[k].toString().size()));
        for (const auto& cell : matrix[k].toArray())
            cellWidth = std::max(cellWidth, int(QString::number(cell.toInteger()).size()));
    }
    const int labelWidth = int(QString::number(classes.size() - 1).size()) + 1 + nameWidth;
    out() << "  confusion matrix (rows: true class, columns: predicted class)\n";
    out() << "  " << QString(labelWidth, QLatin1Char(' '));
    for (qsizetype k = 0; k < classes.size(); ++k)
        out() << "  " << QStringLiteral("%1").arg(k, cellWidth);
    out() << "\n";
    for (qsizetype k = 0; k < classes.size(); ++k) {
        out() << "  "
              << QStringLiteral("%1 %2")
                     .arg(k, int(QString::number(classes.size() - 1).size()))
                     .arg(classes[k].toString(), -nameWidth);
        for (const auto& cell : matrix[k].toArray())
            out() << "  " << QStringLiteral("%1").arg(cell.toInteger(), cellWidth);
        out() << "\n";
    }
}

void printEvaluationText(const QJsonObject& e) {
    out() << "evaluation on the test split\n";
    out() << "  accuracy " << fixed(e.value(QStringLiteral("accuracy")));
    const int topK = e.value(QStringLiteral("top_k")).toInt();
    if (topK > 1 && topK < e.value(QStringLiteral("classes")).toArray().size())
        out() << "   top-" << topK << " accuracy "
              << fixed(e.value(QStringLiteral("top_k_accuracy")));
    const QJsonObject macro = e.value(QStringLiteral("macro")).toObject();
    out() << "   macro ROC-AUC " << fixed(macro.value(QStringLiteral("roc_auc"))) << "   macro AP "
          << fixed(macro.value(QStringLiteral("average_precision"))) << "\n\n";
    printPerClassText(e);
    out() << "\n";
    printConfusionText(e);
    const QJsonObject wrong = e.value(QStringLiteral("misclassified")).toObject();
    if (!wrong.isEmpty())
        out() << "\n  misclassified: " << wrong.value(QStringLiteral("count")).toInteger()
              << " test examples; the " << wrong.value(QStringLiteral("shown")).toInteger()
              << " most confident are stored with their images (the window's Evaluation "
                 "view shows them)\n";
}

void printEvaluationCsv(const QJsonObject& e) {
    out() << "class,precision,recall,f1,support,roc_auc,average_precision\n";
    for (const auto& value : e.value(QStringLiteral("per_class")).toArray()) {
        const QJsonObject row = value.toObject();
        out() << csvField(row.value(QStringLiteral("class")).toString()) << ','
              << csvNumber(row.value(QStringLiteral("precision"))) << ','
              << csvNumber(row.value(QStringLiteral("recall"))) << ','
              << csvNumber(row.value(QStringLiteral("f1"))) << ','
              << row.value(QStringLiteral("support")).toInteger() << ','
              << csvNumber(row.value(QStringLiteral("roc_auc"))) << ','
              << csvNumber(row.value(QStringLiteral("average_precision"))) << '\n';
    }
    // The confusion matrix follows after an empty line, as its own table.
    const QJsonArray classes = e.value(QStringLiteral("classes")).toArray();
    const QJsonArray matrix = e.value(QStringLiteral("confusion_matrix"))
                                  .toObject()
                                  .value(QStringLiteral("matrix"))
                                  .toArray();
    out() << "\ntrue \\ predicted";
    for (const auto& name : classes)
        out() << ',' << csvField(name.toString());
    out() << '\n';
    for (qsizetype k = 0; k < classes.size(); ++k) {
        out() << csvField(classes[k].toString());
        for (const auto& cell : matrix[k].toArray())
            out() << ',' << cell.toInteger();
        out() << '\n';
    }
}

// ---- cost --------------------------------------------------------------------------------------

SectionResult costSection(const ReportInput& input) {
    return {costReport(input.workspace, input.run, input.baseline), {}};
}

QString costLine(const QJsonObject& c) {
    return QStringLiteral("%1 s wall, %2 device-hours, %3 kJ, cost %4, %5 %6")
        .arg(fixed(c.value(QStringLiteral("wall_seconds")), 1),
             fixed(c.value(QStringLiteral("device_hours")), 4),
             c.value(QStringLiteral("energy_j")).isDouble()
                 ? QString::number(c.value(QStringLiteral("energy_j")).toDouble() / 1000, 'f', 2)
                 : QStringLiteral("-"),
             fixed(c.value(QStringLiteral("cost")), 2),
             c.value(QStringLiteral("accuracy_metric")).toString(QStringLiteral("accuracy")),
             fixed(c.value(QStringLiteral("accuracy"))));
}

QString techniqueList(const QJsonObject& c) {
    QStringList names;
    for (const auto& t : c.value(QStringLiteral("techniques")).toArray())
        names << t.toObject().value(QStringLiteral("technique")).toString();
    return names.isEmpty() ? QStringLiteral("none") : names.join(QStringLiteral(", "));
}

/// "saves 41.2% (12.3 s)" or "costs 5.0% more (1.1 s)".
QString savingText(const QJsonObject& saved, const QString& key, int decimals, double scale = 1) {
    const QJsonValue amount = saved.value(key);
    const QJsonValue fraction = saved.value(key + QStringLiteral("_fraction"));
    if (!amount.isDouble())
        return QStringLiteral("-");
    const double a = amount.toDouble() / scale;
    const QString share =
        fraction.isDouble()
            ? QStringLiteral("%1% ").arg(std::abs(fraction.toDouble()) * 100, 0, 'f', 1)
            : QString();
    return a >= 0
               ? QStringLiteral("saves %1(%2)").arg(share, QString::number(a, 'f', decimals))
               : QStringLiteral("costs %1more (%2)").arg(share, QString::number(-a, 'f', decimals));
}

void printCostText(const QJsonObject& c) {
    out() << "cost\n";
    out() << "  this run:  " << costLine(c) << "\n";
    out() << "    energy from: "
          << c.value(QStringLiteral("energy_source")).toString(QStringLiteral("-"))
          << "\n    techniques: " << techniqueList(c) << "\n";
    const QJsonObject sweep = c.value(QStringLiteral("sweep")).toObject();
    if (!sweep.isEmpty())
        out() << "  its sweep " << sweep.value(QStringLiteral("id")).toInteger() << ": "
              << fixed(sweep.value(QStringLiteral("device_hours")), 4) << " device-hours, "
              << fixed(sweep.value(QStringLiteral("saved_device_hours")), 4)
              << " device-hours saved by stopping trials early\n";
    const QJsonObject base = c.value(QStringLiteral("baseline")).toObject();
    if (base.isEmpty())
        return;
    out() << "  baseline " << base.value(QStringLiteral("run")).toInteger() << ": "
          << costLine(base) << "\n    techniques: " << techniqueList(base) << "\n";
    const QJsonObject saved = c.value(QStringLiteral("saved")).toObject();
    const QJsonValue change = c.value(QStringLiteral("accuracy_change"));
    out() << "  against the baseline: time " << savingText(saved, QStringLiteral("wall_seconds"), 1)
          << "; device-hours " << savingText(saved, QStringLiteral("device_hours"), 4)
          << "; energy " << savingText(saved, QStringLiteral("energy_j"), 2, 1000) << " kJ"
          << "; money " << savingText(saved, QStringLiteral("cost"), 2) << "; accuracy "
          << (change.isDouble() ? QStringLiteral("%1%2")
                                      .arg(change.toDouble() >= 0 ? "+" : "")
                                      .arg(change.toDouble(), 0, 'f', 4)
                                : QStringLiteral("not comparable"))
          << "\n";
}

void printCostCsv(const QJsonObject& c) {
    out() << "role,run,wall_seconds,device_hours,energy_j,cost,accuracy_metric,accuracy\n";
    auto row = [](const QString& role, const QJsonObject& r) {
        out() << role << ',' << r.value(QStringLiteral("run")).toInteger() << ','
              << csvNumber(r.value(QStringLiteral("wall_seconds"))) << ','
              << csvNumber(r.value(QStringLiteral("device_hours"))) << ','
              << csvNumber(r.value(QStringLiteral("energy_j"))) << ','
              << csvNumber(r.value(QStringLiteral("cost"))) << ','
              << r.value(QStringLiteral("accuracy_metric")).toString() << ','
              << csvNumber(r.value(QStringLiteral("accuracy"))) << '\n';
    };
    row(QStringLiteral("run"), c);
    const QJsonObject base = c.value(QStringLiteral("baseline")).toObject();
    if (base.isEmpty())
        return;
    row(QStringLiteral("baseline"), base);
    const QJsonObject saved = c.value(QStringLiteral("saved")).toObject();
    out() << "saved,," << csvNumber(saved.value(QStringLiteral("wall_seconds"))) << ','
          << csvNumber(saved.value(QStringLiteral("device_hours"))) << ','
          << csvNumber(saved.value(QStringLiteral("energy_j"))) << ','
          << csvNumber(saved.value(QStringLiteral("cost"))) << ",change,"
          << csvNumber(c.value(QStringLiteral("accuracy_change"))) << '\n';
}

// ---- the sections ------------------------------------------------------------------------------

struct SectionKind {
    const char* key;
    SectionResult (*read)(const ReportInput&);
    void (*printText)(const QJsonObject&);
    void (*printCsv)(const QJsonObject&);
};

const SectionKind kSections[] = {
    {"evaluation", evaluationSection, printEvaluationText, printEvaluationCsv},
    {"cost", costSection, printCostText, printCostCsv},
};

} // namespace

int reportCommand(const CliArgs& args) {
    if (args.json && args.csv)
        throw InputError(QStringLiteral("report: --json and --csv exclude each other"));
    const qint64 id = runIdArgument(args);
    WorkspaceReader workspace(databasePath(args));
    const auto run = workspace.run(id);
    if (!run)
        throw InputError(QStringLiteral("%1: no run %2").arg(workspace.path()).arg(id));
    std::optional<RunRecord> baseline;
    if (!args.baseline.isEmpty()) {
        bool ok = false;
        const qint64 baselineId = args.baseline.toLongLong(&ok);
        if (!ok || baselineId <= 0)
            throw InputError(
                QStringLiteral("report --baseline: '%1' is not a run id").arg(args.baseline));
        baseline = workspace.run(baselineId);
        if (!baseline)
            throw InputError(QStringLiteral("report --baseline: %1 has no run %2")
                                 .arg(workspace.path())
                                 .arg(baselineId));
    }
    const ReportInput input{workspace, *run, baseline ? &*baseline : nullptr};
    QJsonObject report{{QStringLiteral("run"), run->id},
                       {QStringLiteral("name"), run->name},
                       {QStringLiteral("status"), runStatusName(run->status)}};
    QStringList missing;
    std::vector<std::pair<const SectionKind*, QJsonObject>> present;
    for (const SectionKind& section : kSections) {
        SectionResult result = section.read(input);
        if (result.json) {
            report.insert(QLatin1String(section.key), *result.json);
            present.emplace_back(&section, *result.json);
        } else {
            missing << result.missing;
            report.insert(QStringLiteral("%1_missing").arg(QLatin1String(section.key)),
                          result.missing);
        }
    }
    if (args.json) {
        printJson(report);
        return kExitOk;
    }
    if (!args.csv) {
        out() << "run " << run->id << "  " << run->name << "  (" << runStatusName(run->status)
              << ")\n\n";
        for (const QString& why : missing)
            out() << "not in this report: " << why << "\n\n";
    }
    bool first = true;
    for (const auto& [section, json] : present) {
        if (!first)
            out() << "\n";
        first = false;
        (args.csv ? section->printCsv : section->printText)(json);
    }
    return kExitOk;
}

} // namespace trainlab::cli
