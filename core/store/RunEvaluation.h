#pragma once

#include "store/RunRecords.h"

#include <QByteArray>
#include <QJsonObject>
#include <QMetaType>
#include <QStringList>
#include <QVector>
#include <optional>

namespace trainlab {

class WorkspaceReader;

/// Whether a run has a test evaluation to show, and if not, why.
enum class EvaluationState {
    Invalid,
    Available,
    NoRun,        ///< nothing selected, or no such run
    Pending,      ///< queued, training or paused: evaluated when training ends
    Regression,   ///< a regression run: no classes to evaluate
    NotEvaluated, ///< ended without a test evaluation (failed, cancelled, no test split, ...)
};

/// One class's row of the per-class table.
struct ClassEvaluation {
    QString name;
    double precision = 0;
    double recall = 0;
    double f1 = 0;
    qint64 support = 0;
    std::optional<double> rocAuc;           ///< absent: no positives or no negatives
    std::optional<double> averagePrecision; ///< absent: no positives, or stored before PR
};

/// One class's ROC (x false positive rate, y true positive rate) or precision-recall curve
/// (x recall, y precision), with its area (ROC-AUC or average precision).
struct EvaluationCurve {
    int classIndex = 0;
    QString className;
    double area = 0;
    QVector<double> x;
    QVector<double> y;
};

/// A test example the model got wrong; `png` is the image (empty for a table row).
struct MisclassifiedExample {
    qint64 index = 0; ///< in the run's test split
    int trueClass = 0;
    int predictedClass = 0;
    double probability = 0; ///< of the predicted class
    double trueProbability = 0;
    QByteArray png;
};

/// A run's test evaluation, read from its artifacts (confusion_matrix, classification_report,
/// roc, pr, misclassified) into one document: what `show --json`, `report` and the window's
/// Evaluation view present. Plain values, torch-free: it crosses from the history reader's
/// thread to the window.
struct RunEvaluation {
    qint64 runId = 0;
    EvaluationState state = EvaluationState::Invalid;
    QString reason; ///< when not Available: why, in a sentence
    QStringList classes;
    QVector<QVector<qint64>> confusion; ///< [true class][predicted class]
    QVector<ClassEvaluation> perClass;
    double accuracy = 0;
    int topK = 0;
    double topKAccuracy = 0;
    double macroPrecision = 0, macroRecall = 0, macroF1 = 0;
    double weightedPrecision = 0, weightedRecall = 0, weightedF1 = 0;
    std::optional<double> macroAuc;
    std::optional<double> macroAp; ///< absent for runs stored before PR curves were kept
    QVector<EvaluationCurve> roc;
    QVector<EvaluationCurve> pr;
    bool hasMisclassified = false; ///< an image run stored its mistakes
    qint64 misclassifiedCount = 0; ///< every mistake; `misclassified` holds the first few
    QVector<MisclassifiedExample> misclassified;

    bool available() const { return state == EvaluationState::Available; }
    /// Row-normalized confusion: each row divided by its sum (a row without samples stays 0).
    QVector<QVector<double>> rowNormalized() const;
};

/// Reads run `run`'s evaluation. Never throws for a run without one: the state says why.
/// Throws StoreError when the workspace cannot be read.
RunEvaluation readRunEvaluation(WorkspaceReader& workspace, const RunRecord& run);

/// What to put in the JSON document besides the figures.
struct EvaluationJsonOptions {
    bool curves = false;        ///< the ROC and PR points
    bool misclassified = false; ///< the stored mistakes (without their images)
};

/// The evaluation as JSON: classes, accuracy, top_k, top_k_accuracy, confusion_matrix
/// {rows, columns, matrix}, per_class [{class, precision, recall, f1, support, roc_auc,
/// average_precision}], macro {precision, recall, f1, roc_auc, average_precision}, weighted
/// {precision, recall, f1}; with options, roc / pr [{class, auc or ap, points}] and
/// misclassified {count, shown, examples}. An absent figure is null.
QJsonObject evaluationToJson(const RunEvaluation& evaluation, EvaluationJsonOptions options = {});

} // namespace trainlab

Q_DECLARE_METATYPE(trainlab::RunEvaluation)
