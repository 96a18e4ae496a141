#include "TrainingFields.h"

#include "spec/ExperimentSpec.h"

#include <limits>

namespace trainlab {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

TrainingField field(const char* path, const char* label, const char* group, TrainingFieldKind kind,
                    const QJsonValue& defaultValue, double min, double max, const char* help) {
    TrainingField f;
    f.path = QString::fromLatin1(path);
    f.label = QString::fromLatin1(label);
    f.group = QString::fromLatin1(group);
    f.kind = kind;
    f.defaultValue = defaultValue;
    f.min = min;
    f.max = max;
    f.help = QString::fromLatin1(help);
    return f;
}

TrainingField only(TrainingField f, const char* controller, const QStringList& values) {
    f.controlledBy = QString::fromLatin1(controller);
    f.appliesTo = values;
    return f;
}

TrainingField exclusive(TrainingField f, bool minExclusive, bool maxExclusive) {
    f.minExclusive = minExclusive;
    f.maxExclusive = maxExclusive;
    return f;
}

TrainingField logScaled(TrainingField f) {
    f.logScale = true;
    return f;
}

TrainingField zeroMeans(TrainingField f, const QString& meaning) {
    f.zeroMeans = meaning;
    return f;
}

TrainingField choice(const char* path, const char* label, const char* group,
                     const QString& defaultValue, const QStringList& choices, const char* help) {
    TrainingField f =
        field(path, label, group, TrainingFieldKind::Choice, defaultValue, 0, 0, help);
    f.choices = choices;
    return f;
}

QVector<TrainingField> makeFields() {
    using K = TrainingFieldKind;
    const TrainingSpec d; // core's defaults
    const OptimizerSpec& o = d.optimizer;
    const ScheduleSpec& s = d.schedule;
    const char* optimizer = "training.optimizer.type";
    const char* schedule = "training.schedule.type";
    const QString sgd = QStringLiteral("sgd");
    const QString adam = QStringLiteral("adam");
    const QString adamw = QStringLiteral("adamw");
    const QString rmsprop = QStringLiteral("rmsprop");
    const QString adagrad = QStringLiteral("adagrad");
    const QStringList warmupSchedules = {
        QStringLiteral("constant"),    QStringLiteral("cosine"),
        QStringLiteral("step"),        QStringLiteral("multistep"),
        QStringLiteral("exponential"), QStringLiteral("reduce_on_plateau")};
    const char* opt = "Optimizer";
    const char* sch = "Schedule";
    const char* loss = "Loss and precision";
    const char* batches = "Batches";
    const char* stop = "Stopping and checkpoints";
    const char* budget = "Budget";
    const char* transfer = "Start from another run";
    const char* distill = "Learn from a teacher run";
    return {
        choice(optimizer, "Optimizer", opt, o.type, {sgd, adam, adamw, rmsprop, adagrad},
               "The update rule"),
        logScaled(exclusive(field("training.optimizer.lr", "Learning rate", opt, K::Number, o.lr, 0,
                                  kInf, "The base learning rate the schedule scales"),
                            true, false)),
        logScaled(field("training.optimizer.weight_decay", "Weight decay", opt, K::Number,
                        o.weightDecay, 0, kInf, "L2 penalty (decoupled for adamw)")),
        only(exclusive(field("training.optimizer.momentum", "Momentum", opt, K::Number, o.momentum,
                             0, 1, "Fraction of the previous update carried over"),
                       false, true),
             optimizer, {sgd, rmsprop}),
        only(field("training.optimizer.nesterov", "Nesterov momentum", opt, K::Boolean, o.nesterov,
                   0, 0, "Nesterov's look-ahead form (needs momentum > 0)"),
             optimizer, {sgd}),
        only(exclusive(field("training.optimizer.beta1", "Beta 1", opt, K::Number, o.beta1, 0, 1,
                             "Decay of the running mean of gradients"),
                       false, true),
             optimizer, {adam, adamw}),
        only(exclusive(field("training.optimizer.beta2", "Beta 2", opt, K::Number, o.beta2, 0, 1,
                             "Decay of the running mean of squared gradients"),
                       false, true),
             optimizer, {adam, adamw}),
        only(logScaled(exclusive(field("training.optimizer.eps", "Epsilon", opt, K::Number, o.eps,
                                       0, kInf, "Added to the denominator for stability"),
                                 true, false)),
             optimizer, {adam, adamw, rmsprop, adagrad}),

        choice(schedule, "Schedule", sch, s.type,
               {QStringLiteral("constant"), QStringLiteral("cosine"), QStringLiteral("step"),
                QStringLiteral("multistep"), QStringLiteral("exponential"),
                QStringLiteral("one_cycle"), QStringLiteral("reduce_on_plateau")},
               "How the learning rate changes over the run"),
        only(zeroMeans(field("training.schedule.warmup_steps", "Warm-up steps", sch, K::Integer,
                             s.warmupSteps, 0, kInf,
                             "Steps rising linearly to the base rate before the schedule"),
                       QStringLiteral("none")),
             schedule, warmupSchedules),
        only(logScaled(field("training.schedule.min_lr", "Minimum rate", sch, K::Number, s.minLr, 0,
                             kInf, "Where the cosine ends")),
             schedule, {QStringLiteral("cosine")}),
        only(field("training.schedule.step_epochs", "Decay every (epochs)", sch, K::Integer,
                   s.stepEpochs, 1, kInf, "Multiply by gamma every this many epochs"),
             schedule, {QStringLiteral("step")}),
        only(field("training.schedule.milestones", "Milestones (epochs)", sch, K::IntegerList,
                   QJsonValue(QJsonValue::Undefined), 1, kInf,
                   "Increasing epochs at which to multiply by gamma, e.g. 5, 8"),
             schedule, {QStringLiteral("multistep")}),
        only(exclusive(field("training.schedule.gamma", "Gamma", sch, K::Number, s.gamma, 0, 1,
                             "Decay factor (per epoch for exponential)"),
                       true, false),
             schedule,
             {QStringLiteral("step"), QStringLiteral("multistep"), QStringLiteral("exponential"),
              QStringLiteral("reduce_on_plateau")}),
        only(exclusive(field("training.schedule.pct_start", "Rising share", sch, K::Number,
                             s.pctStart, 0, 1, "Share of the steps spent rising"),
                       true, true),
             schedule, {QStringLiteral("one_cycle")}),
        only(field("training.schedule.div_factor", "Start divisor", sch, K::Number, s.divFactor, 1,
                   kInf, "Starts at lr / div_factor"),
             schedule, {QStringLiteral("one_cycle")}),
        only(logScaled(field("training.schedule.final_div_factor", "Final divisor", sch, K::Number,
                             s.finalDivFactor, 1, kInf,
                             "Ends at lr / (div_factor * final_div_factor)")),
             schedule, {QStringLiteral("one_cycle")}),
        only(field("training.schedule.patience", "Plateau patience (epochs)", sch, K::Integer,
                   s.patience, 1, kInf, "Epochs without improvement before reducing"),
             schedule, {QStringLiteral("reduce_on_plateau")}),
        only(field("training.schedule.metric", "Plateau metric", sch, K::Text, s.metric, 0, 0,
                   "The per-epoch metric watched"),
             schedule, {QStringLiteral("reduce_on_plateau")}),

        choice("training.loss.type", "Loss", loss, d.loss.type,
               {QString(), QStringLiteral("cross_entropy"), QStringLiteral("bce"),
                QStringLiteral("mse"), QStringLiteral("l1"), QStringLiteral("huber")},
               "Left out: cross_entropy for classes, mse for numeric targets"),
        only(
            exclusive(field("training.loss.label_smoothing", "Label smoothing", loss, K::Number,
                            d.loss.labelSmoothing, 0, 1, "Share of the target spread over classes"),
                      false, true),
            "training.loss.type", {QString(), QStringLiteral("cross_entropy")}),
        choice("training.precision", "Precision", loss, d.precision,
               {QStringLiteral("fp32"), QStringLiteral("bf16"), QStringLiteral("fp16")},
               "Number format of the forward pass"),

        field("training.epochs", "Epochs", batches, K::Integer, d.epochs, 1, 1'000'000,
              "Passes over the training split"),
        field("training.batch_size", "Batch size", batches, K::Integer, d.batchSize, 1, 1'048'576,
              "Samples per forward pass"),
        field("training.grad_accumulation", "Gradient accumulation", batches, K::Integer,
              d.gradAccumulation, 1, 65536, "Batches per optimizer step"),
        zeroMeans(field("training.grad_clip_norm", "Clip gradient norm", batches, K::Number,
                        d.gradClipNorm, 0, kInf, "Largest gradient norm a step may take"),
                  QStringLiteral("off")),
        field("training.log_every_steps", "Log every (steps)", batches, K::Integer, d.logEverySteps,
              1, kInf, "Training metrics are logged this often"),

        field("training.early_stopping.metric", "Early stopping on", stop, K::Text,
              d.earlyStopping.metric, 0, 0, "Stops when this per-epoch metric stops improving"),
        field("training.early_stopping.patience", "Patience (epochs)", stop, K::Integer,
              d.earlyStopping.patience, 1, kInf, "Epochs without improvement before stopping"),
        field("training.early_stopping.min_delta", "Minimum improvement", stop, K::Number,
              d.earlyStopping.minDelta, 0, kInf, "Smaller changes do not count as improving"),
        zeroMeans(field("training.checkpoint_every_epochs", "Checkpoint every (epochs)", stop,
                        K::Integer, d.checkpointEveryEpochs, 0, kInf,
                        "Resume points; 0 keeps only the final one"),
                  QStringLiteral("only at the end")),
        field("training.seed", "Seed", stop, K::Integer, d.seed, 0, kInf,
              "Initial weights, shuffling and augmentation"),

        zeroMeans(field("training.max_steps", "Stop after (steps)", budget, K::Integer, d.maxSteps,
                        0, kInf, "Ends the run after this many optimizer steps"),
                  QStringLiteral("no limit")),
        zeroMeans(field("training.max_wall_time_s", "Stop after (seconds)", budget, K::Number,
                        d.maxWallTimeS, 0, kInf, "Ends the run after this much wall time"),
                  QStringLiteral("no limit")),
        zeroMeans(field("training.threads", "CPU threads", budget, K::Integer, d.threads, 0, 1024,
                        "Threads this run may use"),
                  QStringLiteral("all cores")),

        zeroMeans(field("training.init_from.run", "Start from run", transfer, K::Integer,
                        qint64(d.initFrom.run), 0, kInf,
                        "Load the matching weights of this run's checkpoint (a head for another "
                        "class count starts fresh)"),
                  QStringLiteral("fresh weights")),
        choice("training.init_from.checkpoint", "Its checkpoint", transfer, d.initFrom.checkpoint,
               {QStringLiteral("best"), QStringLiteral("last")},
               "The run's best weights, or where it ended"),
        zeroMeans(field("training.init_from.train_last", "Train only the last", transfer,
                        K::Integer, d.initFrom.trainLast, 0, kInf,
                        "Layers with parameters trained; the earlier ones stay as loaded"),
                  QStringLiteral("every layer")),

        zeroMeans(field("training.distill.teacher", "Teacher run", distill, K::Integer,
                        qint64(d.distill.teacher), 0, kInf,
                        "A trained classifier of this data whose softened outputs this model "
                        "also learns (knowledge distillation)"),
                  QStringLiteral("no teacher")),
        choice("training.distill.checkpoint", "Teacher's checkpoint", distill, d.distill.checkpoint,
               {QStringLiteral("best"), QStringLiteral("last")},
               "The teacher's best weights, or where it ended"),
        exclusive(field("training.distill.temperature", "Temperature", distill, K::Number,
                        d.distill.temperature, 0, 100,
                        "Softens both models' outputs; higher shows more of how the teacher "
                        "ranks the wrong classes"),
                  true, false),
        field("training.distill.weight", "Soft-loss weight", distill, K::Number, d.distill.weight,
              0, 1, "The teacher's share of the loss; the labels get the rest"),
    };
}

} // namespace

const QVector<TrainingField>& trainingFields() {
    static const QVector<TrainingField> fields = makeFields();
    return fields;
}

const TrainingField* findTrainingField(const QString& path) {
    for (const TrainingField& f : trainingFields()) {
        if (f.path == path)
            return &f;
    }
    return nullptr;
}

QStringList perEpochMetricSuggestions() {
    return {QStringLiteral("val_loss"),
            QStringLiteral("val_accuracy"),
            QStringLiteral("val_macro_f1"),
            QStringLiteral("val_macro_auc"),
            QStringLiteral("val_top5_accuracy"),
            QStringLiteral("val_mae"),
            QStringLiteral("val_r2")};
}

} // namespace trainlab
