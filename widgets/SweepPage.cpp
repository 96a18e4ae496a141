#include "SweepPage.h"

#include "ScientificSpinBox.h"
#include "SpecDocument.h"
#include "SweepFieldCatalog.h"
#include "SweepParamDelegate.h"
#include "TrainingFields.h"

#include "base/MetricPoint.h"
#include "sweep/SweepSpec.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>
#include <climits>
#include <cmath>
#include <optional>

namespace trainlab {

namespace {

const QString kSweep = QStringLiteral("sweep");
const QString kGrid = QStringLiteral("grid");
const QString kAsha = QStringLiteral("asha");
const QString kNone = QStringLiteral("none");
// Core refuses a grid of more points than this (SweepSpec.cpp, SweepStrategy.cpp).
constexpr int64_t kGridLimit = 100000;

QSpinBox* spinBox(int min, int max, const QString& objectName) {
    auto* spin = new QSpinBox;
    spin->setRange(min, max);
    spin->setKeyboardTracking(false);
    spin->setObjectName(objectName);
    return spin;
}

} // namespace

SweepPage::SweepPage(SpecDocument* document, QWidget* parent)
    : QWidget(parent)
    , document_(document)
    , model_(new SweepParamsModel(this))
    , delegate_(new SweepParamDelegate(this))
    , view_(new QTableView)
    , add_(new QPushButton(tr("Add parameter")))
    , remove_(new QPushButton(tr("Remove")))
    , plan_(new QLabel)
    , problems_(new QLabel) {
    model_->setRowFactory([this](const QString& path) { return rowFor(path); });
    view_->setObjectName(QStringLiteral("sweepParams"));
    view_->setModel(model_);
    view_->setItemDelegate(delegate_);
    view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    view_->setSelectionMode(QAbstractItemView::SingleSelection);
    view_->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                           QAbstractItemView::SelectedClicked);
    view_->horizontalHeader()->setSectionResizeMode(SweepParamsModel::Field, QHeaderView::Stretch);
    view_->horizontalHeader()->setSectionResizeMode(SweepParamsModel::Values, QHeaderView::Stretch);
    view_->setColumnWidth(SweepParamsModel::Kind, 120);
    view_->verticalHeader()->hide();
    add_->setObjectName(QStringLiteral("addSweepParam"));
    remove_->setObjectName(QStringLiteral("removeSweepParam"));
    plan_->setObjectName(QStringLiteral("sweepPlan"));
    plan_->setWordWrap(true);
    problems_->setObjectName(QStringLiteral("sweepProblems"));
    problems_->setWordWrap(true);
    problems_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* intro = new QLabel(
        tr("Each trial runs this experiment with the fields below changed. Without parameters "
           "the experiment is a single run."));
    intro->setWordWrap(true);
    auto* params = new QGroupBox(tr("Parameters"));
    auto* paramsLayout = new QVBoxLayout(params);
    paramsLayout->addWidget(view_, 1);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(add_);
    buttons->addWidget(remove_);
    buttons->addStretch(1);
    paramsLayout->addLayout(buttons);

    auto* top = new QHBoxLayout;
    top->addWidget(params, 3);
    top->addWidget(buildSettings(), 2);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(top, 1);
    layout->addWidget(plan_);
    layout->addWidget(problems_);

    connect(add_, &QPushButton::clicked, this, &SweepPage::addParam);
    connect(remove_, &QPushButton::clicked, this, &SweepPage::removeSelectedParam);
    connect(model_, &SweepParamsModel::edited, this, &SweepPage::writeSweep);
    connect(view_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { remove_->setEnabled(view_->selectionModel()->hasSelection()); });
    connect(document_, &SpecDocument::changed, this, [this](QObject* source) {
        if (source != this)
            showDocument();
        updateSuggestions();
        updateRows();
        updatePlan();
        showProblems();
    });
    addObjectiveRow(QStringLiteral("val_loss"), false);
    showDocument();
    updateSuggestions();
    updateRows();
    updatePlan();
    showProblems();
    remove_->setEnabled(false);
}

QWidget* SweepPage::buildSettings() {
    const SweepSpec defaults;
    auto* column = new QWidget;
    auto* layout = new QVBoxLayout(column);
    layout->setContentsMargins(0, 0, 0, 0);

    auto* search = new QGroupBox(tr("Search"));
    settingsForm_ = new QFormLayout(search);
    strategy_ = new QComboBox;
    strategy_->setObjectName(QStringLiteral("sweepStrategy"));
    const QList<QPair<QString, QString>> strategies = {
        {kGrid, tr("Every combination: each range in grid steps, every choice")},
        {QStringLiteral("random"), tr("Quasi-random points (a scrambled Sobol sequence)")},
        {QStringLiteral("bayesian"), tr("A Gaussian process proposes where improvement is likely")},
        {QStringLiteral("tpe"), tr("Tree-structured Parzen estimator")}};
    for (const auto& [name, help] : strategies) {
        strategy_->addItem(name);
        strategy_->setItemData(strategy_->count() - 1, help, Qt::ToolTipRole);
    }
    trials_ = spinBox(1, 100000, QStringLiteral("sweepTrials"));
    gridSteps_ = spinBox(1, 1000, QStringLiteral("sweepGridSteps"));
    gridSteps_->setToolTip(tr("Values taken from each continuous range"));
    initialPoints_ = spinBox(2, 10000, QStringLiteral("sweepInitialPoints"));
    initialPoints_->setToolTip(tr("Random trials before the model proposes"));
    parallel_ = spinBox(1, 256, QStringLiteral("sweepParallel"));
    // 0 is "auto" (SweepSpec::kTrialsPerGpuByMemory), shown as such.
    trialsPerGpu_ = spinBox(0, 64, QStringLiteral("sweepTrialsPerGpu"));
    trialsPerGpu_->setSpecialValueText(tr("auto: by estimated memory"));
    trialsPerGpu_->setToolTip(
        tr("On a machine with GPUs, trials on devices \"auto\" sharing one GPU, each taking that "
           "part of it; auto gives each the part its estimated memory needs"));
    seed_ = spinBox(0, INT_MAX, QStringLiteral("sweepSeed"));
    settingsForm_->addRow(tr("Strategy"), strategy_);
    settingsForm_->addRow(tr("Trials"), trials_);
    settingsForm_->addRow(tr("Grid steps"), gridSteps_);
    settingsForm_->addRow(tr("Random trials first"), initialPoints_);
    settingsForm_->addRow(tr("Trials at a time"), parallel_);
    settingsForm_->addRow(tr("Trials per GPU"), trialsPerGpu_);
    settingsForm_->addRow(tr("Seed"), seed_);
    strategy_->setCurrentText(defaults.strategy);
    trials_->setValue(defaults.trials);
    gridSteps_->setValue(defaults.gridSteps);
    initialPoints_->setValue(defaults.initialPoints);
    parallel_->setValue(defaults.parallel);
    trialsPerGpu_->setValue(defaults.trialsPerGpu);
    seed_->setValue(int(defaults.seed));
    layout->addWidget(search);

    auto* objectives = new QGroupBox(tr("Objectives"));
    auto* objectivesLayout = new QVBoxLayout(objectives);
    objectives_ = new QVBoxLayout;
    objectivesLayout->addLayout(objectives_);
    addObjective_ = new QPushButton(tr("Add objective"));
    addObjective_->setObjectName(QStringLiteral("addObjective"));
    addObjective_->setToolTip(tr("Two or more objectives: the sweep finds their Pareto front"));
    objectivesLayout->addWidget(addObjective_, 0, Qt::AlignLeft);
    layout->addWidget(objectives);

    auto* stopping = new QGroupBox(tr("Stop weak trials early"));
    earlyStopForm_ = new QFormLayout(stopping);
    earlyStop_ = new QComboBox;
    earlyStop_->setObjectName(QStringLiteral("sweepEarlyStop"));
    earlyStop_->addItem(kNone);
    earlyStop_->addItem(kAsha);
    earlyStop_->setItemData(
        1, tr("Successive halving: at each rung only the best 1/reduction go on"), Qt::ToolTipRole);
    earlyStop_->addItem(QStringLiteral("median"));
    earlyStop_->setItemData(2, tr("Stops a trial worse than the median of the others"),
                            Qt::ToolTipRole);
    resource_ = new QComboBox;
    resource_->setObjectName(QStringLiteral("sweepResource"));
    resource_->addItems(
        {QStringLiteral("epoch"), QStringLiteral("step"), QStringLiteral("energy_j")});
    resource_->setItemData(2, tr("The trial's energy so far, in joules"), Qt::ToolTipRole);
    minResource_ = new ScientificSpinBox;
    minResource_->setObjectName(QStringLiteral("sweepMinResource"));
    minResource_->setRange(1e-9, 1e12);
    reduction_ = new ScientificSpinBox;
    reduction_->setObjectName(QStringLiteral("sweepReduction"));
    reduction_->setRange(2, 1e6);
    earlyStopForm_->addRow(tr("Rule"), earlyStop_);
    earlyStopForm_->addRow(tr("Measured in"), resource_);
    earlyStopForm_->addRow(tr("First decision after"), minResource_);
    earlyStopForm_->addRow(tr("Reduction"), reduction_);
    earlyStop_->setCurrentText(defaults.earlyStop.type);
    resource_->setCurrentText(defaults.earlyStop.resource);
    minResource_->setValue(defaults.earlyStop.min);
    reduction_->setValue(defaults.earlyStop.reduction);
    layout->addWidget(stopping);
    layout->addStretch(1);

    for (QComboBox* box : {strategy_, earlyStop_, resource_})
        connect(box, &QComboBox::currentIndexChanged, this, &SweepPage::writeSweep);
    for (QSpinBox* box : {trials_, gridSteps_, initialPoints_, parallel_, trialsPerGpu_, seed_})
        connect(box, &QSpinBox::valueChanged, this, &SweepPage::writeSweep);
    for (QDoubleSpinBox* box : {minResource_, reduction_})
        connect(box, &QDoubleSpinBox::valueChanged, this, &SweepPage::writeSweep);
    connect(addObjective_, &QPushButton::clicked, this, [this] {
        addObjectiveRow(QStringLiteral("val_accuracy"), true);
        writeSweep();
    });
    return column;
}

void SweepPage::addObjectiveRow(const QString& metric, bool maximize) {
    auto* row = new QWidget;
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* metricBox = new QComboBox;
    metricBox->setEditable(true);
    metricBox->setInsertPolicy(QComboBox::NoInsert);
    metricBox->addItems(perEpochMetricSuggestions());
    // A trial's own figures: against accuracy they make a Pareto front of quality and cost.
    metricBox->addItems(
        {QStringLiteral("energy_j"), QStringLiteral("device_hours"), QStringLiteral("cost")});
    metricBox->setCurrentText(metric);
    metricBox->setToolTip(tr("A metric every trial logs (the value at its best epoch counts), "
                             "or what the trial used: energy_j, device_hours, cost"));
    auto* goal = new QComboBox;
    goal->addItems({QStringLiteral("maximize"), QStringLiteral("minimize")});
    goal->setCurrentIndex(maximize ? 0 : 1);
    auto* remove = new QPushButton(tr("Remove"));
    layout->addWidget(metricBox, 1);
    layout->addWidget(goal);
    layout->addWidget(remove);
    objectives_->addWidget(row);
    objectiveRows_ << row;
    auto metricChosen = [this, metricBox, goal] {
        // The goal follows the metric where core knows which way is better.
        if (const std::optional<bool> higher = metricHigherIsBetter(metricBox->currentText())) {
            const QSignalBlocker blocker(goal);
            goal->setCurrentIndex(*higher ? 0 : 1);
        }
        writeSweep();
    };
    connect(metricBox, &QComboBox::activated, this, metricChosen);
    connect(metricBox->lineEdit(), &QLineEdit::editingFinished, this, metricChosen);
    connect(goal, &QComboBox::currentIndexChanged, this, &SweepPage::writeSweep);
    connect(remove, &QPushButton::clicked, this, [this, row] {
        objectiveRows_.removeAll(row);
        row->deleteLater();
        row->hide();
        writeSweep();
    });
}

QList<QComboBox*> SweepPage::objectiveMetricBoxes() const {
    QList<QComboBox*> boxes;
    for (QWidget* row : objectiveRows_)
        boxes << row->findChildren<QComboBox*>().value(0);
    return boxes;
}

QList<QComboBox*> SweepPage::objectiveGoalBoxes() const {
    QList<QComboBox*> boxes;
    for (QWidget* row : objectiveRows_)
        boxes << row->findChildren<QComboBox*>().value(1);
    return boxes;
}

SweepParamRow SweepPage::rowFor(const QString& path) const {
    return defaultSweepParam(document_->json(), path);
}

void SweepPage::addParam() {
    // The first offered number not swept yet (the learning rate first), else any field.
    std::optional<SweepParamRow> next;
    for (const QString& candidate : std::as_const(suggestions_)) {
        const bool used = std::any_of(model_->rows().begin(), model_->rows().end(),
                                      [&](const SweepParamRow& r) { return r.path == candidate; });
        if (used)
            continue;
        const SweepParamRow row = rowFor(candidate);
        if (SweepParamsModel::isRange(row)) {
            next = row;
            break;
        }
        if (!next)
            next = row;
    }
    if (!next)
        return;
    model_->appendRow(*next);
    view_->selectRow(model_->rowCount() - 1);
}

void SweepPage::removeSelectedParam() {
    const QModelIndexList rows = view_->selectionModel()->selectedRows();
    if (!rows.isEmpty())
        model_->removeParam(rows.first().row());
}

void SweepPage::writeSweep() {
    updateRows();
    updatePlan();
    const QJsonObject space = model_->space();
    if (space.isEmpty()) {
        if (document_->isSweep())
            document_->setValue(kSweep, QJsonValue(QJsonValue::Undefined),
                                this); // a plain run again
        return;
    }
    // Keys the page does not edit (command, timeout_s) stay as they are.
    QJsonObject sweep = document_->value(kSweep).toObject();
    const QString strategy = strategy_->currentText();
    sweep.insert(QStringLiteral("strategy"), strategy);
    sweep.insert(QStringLiteral("trials"), trials_->value());
    sweep.insert(QStringLiteral("parallel"), parallel_->value());
    if (trialsPerGpu_->value() == SweepSpec::kTrialsPerGpuByMemory)
        sweep.insert(QStringLiteral("trials_per_gpu"), QStringLiteral("auto"));
    else if (trialsPerGpu_->value() == 1)
        sweep.remove(QStringLiteral("trials_per_gpu")); // the default: a GPU a trial
    else
        sweep.insert(QStringLiteral("trials_per_gpu"), trialsPerGpu_->value());
    sweep.insert(QStringLiteral("seed"), seed_->value());
    if (strategy == kGrid)
        sweep.insert(QStringLiteral("grid_steps"), gridSteps_->value());
    else
        sweep.remove(QStringLiteral("grid_steps"));
    if (strategy == QLatin1String("bayesian") || strategy == QLatin1String("tpe"))
        sweep.insert(QStringLiteral("n_init"), initialPoints_->value());
    else
        sweep.remove(QStringLiteral("n_init"));
    QJsonArray objectives;
    const QList<QComboBox*> metrics = objectiveMetricBoxes();
    const QList<QComboBox*> goals = objectiveGoalBoxes();
    for (qsizetype i = 0; i < metrics.size(); ++i)
        objectives.append(
            QJsonObject{{QStringLiteral("metric"), metrics[i]->currentText().trimmed()},
                        {QStringLiteral("goal"), goals[i]->currentText()}});
    sweep.insert(QStringLiteral("objective"), objectives); // none: core says one is needed
    sweep.insert(QStringLiteral("space"), space);
    const QString rule = earlyStop_->currentText();
    if (rule == kNone) {
        sweep.remove(QStringLiteral("early_stop"));
    } else {
        QJsonObject stop{{QStringLiteral("type"), rule},
                         {QStringLiteral("resource"), resource_->currentText()},
                         {QStringLiteral("min"), minResource_->value()}};
        if (rule == kAsha)
            stop.insert(QStringLiteral("reduction"), reduction_->value());
        sweep.insert(QStringLiteral("early_stop"), stop);
    }
    document_->setValue(kSweep, sweep, this);
}

void SweepPage::showDocument() {
    const QJsonValue value = document_->value(kSweep);
    if (!value.isObject()) {
        model_->setSpace({}); // the other settings stay for when a parameter is added
        return;
    }
    const QJsonObject sweep = value.toObject();
    const SweepSpec d;
    const QList<QWidget*> blocked = {strategy_, trials_,       gridSteps_, initialPoints_,
                                     parallel_, trialsPerGpu_, seed_,      earlyStop_,
                                     resource_, minResource_,  reduction_};
    for (QWidget* w : blocked)
        w->blockSignals(true);
    strategy_->setCurrentIndex(
        strategy_->findText(sweep.value(QStringLiteral("strategy")).toString(d.strategy)));
    trials_->setValue(sweep.value(QStringLiteral("trials")).toInt(d.trials));
    parallel_->setValue(sweep.value(QStringLiteral("parallel")).toInt(d.parallel));
    const QJsonValue perGpu = sweep.value(QStringLiteral("trials_per_gpu"));
    trialsPerGpu_->setValue(perGpu == QJsonValue(QStringLiteral("auto"))
                                ? SweepSpec::kTrialsPerGpuByMemory
                                : perGpu.toInt(d.trialsPerGpu));
    seed_->setValue(sweep.value(QStringLiteral("seed")).toInt(int(d.seed)));
    gridSteps_->setValue(sweep.value(QStringLiteral("grid_steps")).toInt(d.gridSteps));
    initialPoints_->setValue(sweep.value(QStringLiteral("n_init")).toInt(d.initialPoints));
    const QJsonObject stop = sweep.value(QStringLiteral("early_stop")).toObject();
    earlyStop_->setCurrentIndex(
        earlyStop_->findText(stop.value(QStringLiteral("type")).toString(d.earlyStop.type)));
    resource_->setCurrentIndex(
        resource_->findText(stop.value(QStringLiteral("resource")).toString(d.earlyStop.resource)));
    minResource_->setValue(stop.value(QStringLiteral("min")).toDouble(d.earlyStop.min));
    reduction_->setValue(stop.value(QStringLiteral("reduction")).toDouble(d.earlyStop.reduction));
    for (QWidget* w : blocked)
        w->blockSignals(false);

    for (QWidget* row : std::as_const(objectiveRows_)) {
        row->hide();
        row->deleteLater();
    }
    objectiveRows_.clear();
    const QJsonValue objective = sweep.value(QStringLiteral("objective"));
    const QJsonArray list = objective.isArray() ? objective.toArray() : QJsonArray{objective};
    for (const QJsonValue& o : list) {
        if (o.isObject())
            addObjectiveRow(o[QStringLiteral("metric")].toString(),
                            o[QStringLiteral("goal")].toString() == QLatin1String("maximize"));
    }
    model_->setSpace(sweep.value(QStringLiteral("space")).toObject());
}

void SweepPage::updateSuggestions() {
    suggestions_.clear();
    suggestionTips_.clear();
    for (const SweepFieldOption& option : sweepFieldOptions(document_->json())) {
        suggestions_ << option.path;
        suggestionTips_ << option.tooltip;
    }
    delegate_->setFieldSuggestions(suggestions_, suggestionTips_);
}

void SweepPage::updateRows() {
    const QString strategy = strategy_->currentText();
    settingsForm_->setRowVisible(gridSteps_, strategy == kGrid);
    settingsForm_->setRowVisible(initialPoints_, strategy == QLatin1String("bayesian") ||
                                                     strategy == QLatin1String("tpe"));
    const QString rule = earlyStop_->currentText();
    earlyStopForm_->setRowVisible(resource_, rule != kNone);
    earlyStopForm_->setRowVisible(minResource_, rule != kNone);
    earlyStopForm_->setRowVisible(reduction_, rule == kAsha);
}

void SweepPage::updatePlan() {
    if (model_->rowCount() == 0) {
        plan_->setText(tr("No parameters: the experiment is a single run. Press Add parameter "
                          "to make it a sweep."));
        return;
    }
    QStringList errors;
    const SearchSpace space =
        SearchSpace::fromJson(model_->space(), QStringLiteral("sweep.space"), errors);
    QStringList notes;
    QStringList seen;
    for (const SweepParamRow& row : model_->rows()) {
        if (seen.contains(row.path))
            notes << tr("%1 is in the table twice; the last row counts.").arg(row.path);
        seen << row.path;
    }
    const QString strategy = strategy_->currentText();
    const int trials = trials_->value();
    QString text;
    if (!errors.isEmpty()) {
        text = tr("Fix the parameters to see the plan.");
    } else if (strategy == kGrid) {
        int64_t count = 0;
        const auto points = space.grid(gridSteps_->value(), kGridLimit, &count);
        if (!points) {
            text = tr("The grid has %1 points, more than core's %2: lower the grid steps or "
                      "use random, bayesian or tpe.")
                       .arg(count)
                       .arg(kGridLimit);
        } else {
            const auto size = qint64(points->size());
            text = tr("Grid of <b>%1 points</b>; <b>%2 trials</b> will run")
                       .arg(size)
                       .arg(std::min<qint64>(size, trials));
            if (trials < size)
                text += tr(" (Trials stops the grid early: raise it to %1 to cover the grid)")
                            .arg(size);
            text += tr(", %1 at a time.").arg(parallel_->value());
        }
    } else {
        text = tr("<b>%1 trials</b>, %2 at a time").arg(trials).arg(parallel_->value());
        if (strategy != QLatin1String("random"))
            text += tr("; the first %1 random, then the model proposes")
                        .arg(std::min(trials, initialPoints_->value()));
        text += QLatin1Char('.');
    }
    if (!notes.isEmpty())
        text += QStringLiteral("<br>") + notes.join(QStringLiteral("<br>"));
    plan_->setText(text);
}

void SweepPage::showProblems() {
    QStringList mine;
    for (const QString& problem : document_->problems()) {
        if (problem.startsWith(kSweep))
            mine << problem;
    }
    if (!document_->isSweep()) {
        problems_->clear();
        return;
    }
    problems_->setStyleSheet(mine.isEmpty() ? QStringLiteral("color: #1a7f37")
                                            : QStringLiteral("color: #b00020"));
    problems_->setText(mine.isEmpty() ? tr("Core accepts this sweep.")
                                      : mine.join(QLatin1Char('\n')));
}

} // namespace trainlab
