#include "store/RunEvaluation.h"

#include "store/WorkspaceReader.h"

#include <QJsonArray>

namespace trainlab {

namespace {

const QString kClass = QStringLiteral("class");

/// A stored artifact that does not read as this code wrote it.
struct MalformedArtifact {
    QString kind;
    QString what;
};

QJsonValue optionalJson(const std::optional<double>& value) {
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

std::optional<double> optionalNumber(const QJsonValue& value) {
    return value.isDouble() ? std::optional<double>(value.toDouble()) : std::nullopt;
}

QVector<double> numbers(const QJsonValue& value) {
    QVector<double> out;
    for (const auto& v : value.toArray())
        out.append(v.toDouble());
    return out;
}

QJsonArray numbersJson(const QVector<double>& values) {
    QJsonArray out;
    for (double v : values)
        out.append(v);
    return out;
}

bool isRegressionRun(WorkspaceReader& workspace, const RunRecord& run) {
    if (const auto schema = workspace.artifact(run.id, QStringLiteral("input_schema")))
        return schema->value(QStringLiteral("task")).toString() == QLatin1String("regression");
    // Runs from before the input schema was kept: their metric names tell.
    const QStringList names = workspace.metricNames(run.id);
    return names.contains(QStringLiteral("val_r2")) || names.contains(QStringLiteral("test_r2")) ||
           names.contains(QStringLiteral("train_mae"));
}

/// Why a run that is no regression has no evaluation stored.
QString missingReason(const RunRecord& run) {
    const QString runName = QStringLiteral("run %1").arg(run.id);
    switch (run.status) {
    case RunStatus::Queued:
        return QStringLiteral("%1 has not started: it is evaluated on its test split when "
                              "training ends")
            .arg(runName);
    case RunStatus::Running:
    case RunStatus::Paused:
        return QStringLiteral("%1 is still training: it is evaluated on its test split when "
                              "training ends")
            .arg(runName);
    case RunStatus::Failed:
        return QStringLiteral("%1 failed before its test evaluation%2")
            .arg(runName, run.error.isEmpty() ? QString() : QStringLiteral(": ") + run.error);
    case RunStatus::Pruned:
        return QStringLiteral("%1 was stopped early by its sweep's pruner, before its test "
                              "evaluation")
            .arg(runName);
    case RunStatus::Cancelled:
    case RunStatus::Interrupted:
        return QStringLiteral("%1 was %2 before its test evaluation (resume it to finish)")
            .arg(runName, runStatusName(run.status));
    case RunStatus::Completed:
    case RunStatus::Invalid:
        break;
    }
    if (run.spec.trimmed() == QLatin1String("{}"))
        return QStringLiteral("%1 ran an external command: there is no model to evaluate")
            .arg(runName);
    return QStringLiteral("%1 completed without a test evaluation (its dataset has no test "
                          "split)")
        .arg(runName);
}

void readConfusion(RunEvaluation& e, const QJsonObject& json) {
    const QJsonArray matrix = json.value(QStringLiteral("matrix")).toArray();
    const auto k = qsizetype(matrix.size());
    if (k == 0)
        throw MalformedArtifact{QStringLiteral("confusion_matrix"), QStringLiteral("no rows")};
    for (const auto& name : json.value(QStringLiteral("classes")).toArray())
        e.classes << name.toString();
    if (e.classes.size() != k)
        throw MalformedArtifact{
            QStringLiteral("confusion_matrix"),
            QStringLiteral("%1 class names for %2 rows").arg(e.classes.size()).arg(k)};
    for (const auto& row : matrix) {
        const QJsonArray cells = row.toArray();
        if (cells.size() != k)
            throw MalformedArtifact{
                QStringLiteral("confusion_matrix"),
                QStringLiteral("a row of %1 counts, expected %2").arg(cells.size()).arg(k)};
        QVector<qint64> counts;
        for (const auto& cell : cells)
            counts.append(cell.toInteger());
        e.confusion.append(counts);
    }
}

void readReport(RunEvaluation& e, const QJsonObject& json) {
    const QJsonArray perClass = json.value(QStringLiteral("per_class")).toArray();
    if (perClass.size() != e.classes.size())
        throw MalformedArtifact{QStringLiteral("classification_report"),
                                QStringLiteral("%1 classes, the confusion matrix has %2")
                                    .arg(perClass.size())
                                    .arg(e.classes.size())};
    for (qsizetype k = 0; k < perClass.size(); ++k) {
        const QJsonObject row = perClass[k].toObject();
        ClassEvaluation c;
        c.name = e.classes[k];
        c.precision = row.value(QStringLiteral("precision")).toDouble();
        c.recall = row.value(QStringLiteral("recall")).toDouble();
        c.f1 = row.value(QStringLiteral("f1")).toDouble();
        c.support = row.value(QStringLiteral("support")).toInteger();
        e.perClass.append(c);
    }
    e.accuracy = json.value(QStringLiteral("accuracy")).toDouble();
    e.topK = json.value(QStringLiteral("top_k")).toInt();
    e.topKAccuracy = json.value(QStringLiteral("top_k_accuracy")).toDouble();
    const QJsonObject macro = json.value(QStringLiteral("macro")).toObject();
    const QJsonObject weighted = json.value(QStringLiteral("weighted")).toObject();
    e.macroPrecision = macro.value(QStringLiteral("precision")).toDouble();
    e.macroRecall = macro.value(QStringLiteral("recall")).toDouble();
    e.macroF1 = macro.value(QStringLiteral("f1")).toDouble();
    e.weightedPrecision = weighted.value(QStringLiteral("precision")).toDouble();
    e.weightedRecall = weighted.value(QStringLiteral("recall")).toDouble();
    e.weightedF1 = weighted.value(QStringLiteral("f1")).toDouble();
}

/// The curves of a `roc` or `pr` artifact; each class's area lands in its per-class row.
QVector<EvaluationCurve> readCurves(RunEvaluation& e, const QJsonObject& json, const QString& kind,
                                    const QString& areaKey, const QString& xKey,
                                    const QString& yKey,
                                    std::optional<double> ClassEvaluation::*area) {
    QVector<EvaluationCurve> curves;
    for (const auto& value : json.value(QStringLiteral("curves")).toArray()) {
        const QJsonObject c = value.toObject();
        EvaluationCurve curve;
        curve.className = c.value(kClass).toString();
        curve.classIndex = int(e.classes.indexOf(curve.className));
        if (curve.classIndex < 0)
            throw MalformedArtifact{kind, QStringLiteral("a curve of class '%1', which the "
                                                         "confusion matrix does not have")
                                              .arg(curve.className)};
        curve.area = c.value(areaKey).toDouble();
        curve.x = numbers(c.value(xKey));
        curve.y = numbers(c.value(yKey));
        if (curve.x.size() != curve.y.size())
            throw MalformedArtifact{kind, QStringLiteral("class '%1' has %2 %3 and %4 %5")
                                              .arg(curve.className)
                                              .arg(curve.x.size())
                                              .arg(xKey)
                                              .arg(curve.y.size())
                                              .arg(yKey)};
        e.perClass[curve.classIndex].*area = curve.area;
        curves.append(curve);
    }
    return curves;
}

void readMisclassified(RunEvaluation& e, const QJsonObject& json) {
    e.hasMisclassified = true;
    e.misclassifiedCount = json.value(QStringLiteral("count")).toInteger();
    const auto classes = int(e.classes.size());
    for (const auto& value : json.value(QStringLiteral("examples")).toArray()) {
        const QJsonObject x = value.toObject();
        MisclassifiedExample example;
        example.index = x.value(QStringLiteral("index")).toInteger();
        example.trueClass = x.value(QStringLiteral("true")).toInt();
        example.predictedClass = x.value(QStringLiteral("predicted")).toInt();
        if (example.trueClass < 0 || example.trueClass >= classes || example.predictedClass < 0 ||
            example.predictedClass >= classes)
            throw MalformedArtifact{
                QStringLiteral("misclassified"),
                QStringLiteral("example %1 names a class out of range").arg(example.index)};
        example.probability = x.value(QStringLiteral("probability")).toDouble();
        example.trueProbability = x.value(QStringLiteral("true_probability")).toDouble();
        example.png = QByteArray::fromBase64(x.value(QStringLiteral("png")).toString().toLatin1());
        e.misclassified.append(example);
    }
}

} // namespace

QVector<QVector<double>> RunEvaluation::rowNormalized() const {
    QVector<QVector<double>> out;
    for (const auto& row : confusion) {
        qint64 sum = 0;
        for (qint64 count : row)
            sum += count;
        QVector<double> fractions;
        for (qint64 count : row)
            fractions.append(sum > 0 ? double(count) / double(sum) : 0.0);
        out.append(fractions);
    }
    return out;
}

RunEvaluation readRunEvaluation(WorkspaceReader& workspace, const RunRecord& run) {
    RunEvaluation e;
    e.runId = run.id;
    const auto confusion = workspace.artifact(run.id, QStringLiteral("confusion_matrix"));
    const auto report = workspace.artifact(run.id, QStringLiteral("classification_report"));
    if (!confusion || !report) {
        if (isRegressionRun(workspace, run)) {
            e.state = EvaluationState::Regression;
            e.reason = QStringLiteral("run %1 is a regression run: it has no classes to "
                                      "evaluate (its test MAE and R^2 are among its metrics)")
                           .arg(run.id);
        } else {
            const bool training = run.status == RunStatus::Queued ||
                                  run.status == RunStatus::Running ||
                                  run.status == RunStatus::Paused;
            e.state = training ? EvaluationState::Pending : EvaluationState::NotEvaluated;
            e.reason = missingReason(run);
        }
        return e;
    }
    try {
        readConfusion(e, *confusion);
        readReport(e, *report);
        if (const auto roc = workspace.artifact(run.id, QStringLiteral("roc"))) {
            e.macroAuc = optionalNumber(roc->value(QStringLiteral("macro_auc")));
            e.roc =
                readCurves(e, *roc, QStringLiteral("roc"), QStringLiteral("auc"),
                           QStringLiteral("fpr"), QStringLiteral("tpr"), &ClassEvaluation::rocAuc);
        }
        if (const auto pr = workspace.artifact(run.id, QStringLiteral("pr"))) {
            e.macroAp = optionalNumber(pr->value(QStringLiteral("macro_ap")));
            e.pr = readCurves(e, *pr, QStringLiteral("pr"), QStringLiteral("ap"),
                              QStringLiteral("recall"), QStringLiteral("precision"),
                              &ClassEvaluation::averagePrecision);
        }
        if (const auto wrong = workspace.artifact(run.id, QStringLiteral("misclassified")))
            readMisclassified(e, *wrong);
        e.state = EvaluationState::Available;
    } catch (const MalformedArtifact& bad) {
        const qint64 id = e.runId;
        e = RunEvaluation();
        e.runId = id;
        e.state = EvaluationState::NotEvaluated;
        e.reason = QStringLiteral("run %1: its stored %2 artifact cannot be read (%3)")
                       .arg(id)
                       .arg(bad.kind, bad.what);
    }
    return e;
}

QJsonObject evaluationToJson(const RunEvaluation& e, EvaluationJsonOptions options) {
    QJsonArray matrix;
    for (const auto& row : e.confusion) {
        QJsonArray cells;
        for (qint64 count : row)
            cells.append(count);
        matrix.append(cells);
    }
    QJsonArray perClass;
    for (const ClassEvaluation& c : e.perClass)
        perClass.append(
            QJsonObject{{kClass, c.name},
                        {QStringLiteral("precision"), c.precision},
                        {QStringLiteral("recall"), c.recall},
                        {QStringLiteral("f1"), c.f1},
                        {QStringLiteral("support"), c.support},
                        {QStringLiteral("roc_auc"), optionalJson(c.rocAuc)},
                        {QStringLiteral("average_precision"), optionalJson(c.averagePrecision)}});
    QJsonObject json{
        {QStringLiteral("classes"), QJsonArray::fromStringList(e.classes)},
        {QStringLiteral("accuracy"), e.accuracy},
        {QStringLiteral("top_k"), e.topK},
        {QStringLiteral("top_k_accuracy"), e.topKAccuracy},
        {QStringLiteral("confusion_matrix"),
         QJsonObject{{QStringLiteral("rows"), QStringLiteral("true class")},
                     {QStringLiteral("columns"), QStringLiteral("predicted class")},
                     {QStringLiteral("matrix"), matrix}}},
        {QStringLiteral("per_class"), perClass},
        {QStringLiteral("macro"),
         QJsonObject{{QStringLiteral("precision"), e.macroPrecision},
                     {QStringLiteral("recall"), e.macroRecall},
                     {QStringLiteral("f1"), e.macroF1},
                     {QStringLiteral("roc_auc"), optionalJson(e.macroAuc)},
                     {QStringLiteral("average_precision"), optionalJson(e.macroAp)}}},
        {QStringLiteral("weighted"), QJsonObject{{QStringLiteral("precision"), e.weightedPrecision},
                                                 {QStringLiteral("recall"), e.weightedRecall},
                                                 {QStringLiteral("f1"), e.weightedF1}}},
    };
    if (options.curves) {
        auto curvesJson = [](const QVector<EvaluationCurve>& curves, const QString& area,
                             const QString& x, const QString& y) {
            QJsonArray out;
            for (const EvaluationCurve& c : curves)
                out.append(QJsonObject{{kClass, c.className},
                                       {area, c.area},
                                       {x, numbersJson(c.x)},
                                       {y, numbersJson(c.y)}});
            return out;
        };
        json.insert(
            QStringLiteral("roc"),
            curvesJson(e.roc, QStringLiteral("auc"), QStringLiteral("fpr"), QStringLiteral("tpr")));
        json.insert(QStringLiteral("pr"),
                    curvesJson(e.pr, QStringLiteral("ap"), QStringLiteral("recall"),
                               QStringLiteral("precision")));
    }
    if (options.misclassified && e.hasMisclassified) {
        QJsonArray examples;
        for (const MisclassifiedExample& x : e.misclassified)
            examples.append(
                QJsonObject{{QStringLiteral("index"), x.index},
                            {QStringLiteral("true_class"), e.classes.value(x.trueClass)},
                            {QStringLiteral("predicted_class"), e.classes.value(x.predictedClass)},
                            {QStringLiteral("probability"), x.probability},
                            {QStringLiteral("true_probability"), x.trueProbability}});
        json.insert(QStringLiteral("misclassified"),
                    QJsonObject{{QStringLiteral("count"), e.misclassifiedCount},
                                {QStringLiteral("shown"), qint64(e.misclassified.size())},
                                {QStringLiteral("examples"), examples}});
    }
    return json;
}

} // namespace trainlab
