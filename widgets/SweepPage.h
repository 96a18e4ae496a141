#pragma once

#include "SweepParamsModel.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableView;
class QVBoxLayout;

namespace trainlab {

class SpecDocument;
class SweepParamDelegate;

/// Turns the experiment into a sweep, edited on the shared SpecDocument: the fields to vary and
/// how (a table), the search strategy, trial counts, objectives and the early-stopping rule.
/// Shows how many trials will run (the grid's size for a grid) and core's problems with the
/// `sweep` block. With no parameters the block is removed and the experiment is a plain run.
class SweepPage : public QWidget {
    Q_OBJECT
public:
    explicit SweepPage(SpecDocument* document, QWidget* parent = nullptr);

    SweepParamsModel* paramsModel() const { return model_; }
    QTableView* paramsView() const { return view_; }
    QPushButton* addButton() const { return add_; }
    QPushButton* removeButton() const { return remove_; }
    QPushButton* addObjectiveButton() const { return addObjective_; }
    QComboBox* strategyBox() const { return strategy_; }
    QSpinBox* trialsBox() const { return trials_; }
    QSpinBox* parallelBox() const { return parallel_; }
    QSpinBox* trialsPerGpuBox() const { return trialsPerGpu_; }
    QSpinBox* seedBox() const { return seed_; }
    QSpinBox* gridStepsBox() const { return gridSteps_; }
    QSpinBox* initialPointsBox() const { return initialPoints_; }
    QComboBox* earlyStopBox() const { return earlyStop_; }
    QComboBox* resourceBox() const { return resource_; }
    QDoubleSpinBox* minResourceBox() const { return minResource_; }
    QDoubleSpinBox* reductionBox() const { return reduction_; }
    /// The objective rows' metric and goal boxes, in order.
    QList<QComboBox*> objectiveMetricBoxes() const;
    QList<QComboBox*> objectiveGoalBoxes() const;
    QLabel* planLabel() const { return plan_; }
    QLabel* problemsLabel() const { return problems_; }
    /// The spec paths the Field column offers for this document.
    QStringList fieldSuggestions() const { return suggestions_; }

private:
    QWidget* buildSettings();
    void addObjectiveRow(const QString& metric, bool maximize);
    void addParam();
    void removeSelectedParam();
    /// Writes the whole `sweep` block from the page (removes it when there are no parameters).
    void writeSweep();
    void showDocument();
    void updateSuggestions();
    /// A new row for `path`: its kind and a range around the spec's current value.
    SweepParamRow rowFor(const QString& path) const;
    void updateRows();
    void updatePlan();
    void showProblems();

    SpecDocument* document_;
    SweepParamsModel* model_;
    SweepParamDelegate* delegate_;
    QTableView* view_;
    QPushButton* add_;
    QPushButton* remove_;
    QComboBox* strategy_ = nullptr;
    QSpinBox* trials_ = nullptr;
    QSpinBox* parallel_ = nullptr;
    QSpinBox* trialsPerGpu_ = nullptr; ///< 0: auto, by estimated memory
    QSpinBox* seed_ = nullptr;
    QSpinBox* gridSteps_ = nullptr;
    QSpinBox* initialPoints_ = nullptr;
    QFormLayout* settingsForm_ = nullptr;
    QVBoxLayout* objectives_ = nullptr;
    QList<QWidget*> objectiveRows_;
    QPushButton* addObjective_ = nullptr;
    QComboBox* earlyStop_ = nullptr;
    QComboBox* resource_ = nullptr;
    QDoubleSpinBox* minResource_ = nullptr;
    QDoubleSpinBox* reduction_ = nullptr;
    QFormLayout* earlyStopForm_ = nullptr;
    QLabel* plan_;
    QLabel* problems_;
    QStringList suggestions_;
    QStringList suggestionTips_;
};

} // namespace trainlab
