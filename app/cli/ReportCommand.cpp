// trainlab-cli report RUN [--csv | --json]: a run's report, made of sections. Each section is
// one row of kSections: how to read it from the workspace and how to print it as text and CSV.
// The evaluation is the first; another section (cost) is one more row.
#include "Commands.h"

#include "base/Errors.h"
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

// ---- evaluation --------------------------------------------------------------------------------

SectionResult evaluationSection(WorkspaceReader& workspace, const RunRecord& run) {
    const RunEvaluation evaluation = readRunEvaluation(workspace, run);
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

// ---- the sections ------------------------------------------------------------------------------

struct SectionKind {
    const char* key;
    SectionResult (*read)(WorkspaceReader&, const RunRecord&);
    void (*printText)(const QJsonObject&);
    void (*printCsv)(const QJsonObject&);
};

const SectionKind kSections[] = {
    {"evaluation", evaluationSection, printEvaluationText, printEvaluationCsv},
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
    QJsonObject report{{QStringLiteral("run"), run->id},
                       {QStringLiteral("name"), run->name},
                       {QStringLiteral("status"), runStatusName(run->status)}};
    QStringList missing;
    std::vector<std::pair<const SectionKind*, QJsonObject>> present;
    for (const SectionKind& section : kSections) {
        SectionResult result = section.read(workspace, *run);
        if (result.json) {
            report.insert(QLatin1String(section.key), *result.json);
            present.emplace_back(&section, *result.json);
        } else {
            missing << result.missing;
        }
    }
    if (present.empty())
        throw InputError(missing.join(QStringLiteral("; ")));
    if (args.json) {
        printJson(report);
        return kExitOk;
    }
    if (!args.csv)
        out() << "run " << run->id << "  " << run->name << "  (" << runStatusName(run->status)
              << ")\n\n";
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
