#include "spec/SpecJson.h"

#include "model/LayerCatalog.h"
#include "spec/JsonObjectReader.h"
#include "spec/SpecErrors.h"
#include "spec/SpecOverrides.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace trainlab {

namespace {

using Range = JsonObjectReader::Range;
constexpr double kInf = std::numeric_limits<double>::infinity();
const Range kPositive{0, kInf, true};
const Range kNonNegative{0, kInf};
const Range kAtLeastOne{1, kInf};

void readDataset(JsonObjectReader r, DatasetSpec& d) {
    if (!r.has(QStringLiteral("source")))
        r.error(QStringLiteral("source"), QStringLiteral("missing (one of: synthetic)"));
    r.string(QStringLiteral("source"), d.source, {QStringLiteral("synthetic")});
    r.number(QStringLiteral("validation_split"), d.validationSplit, Range{0, 1, false, true});
    r.number(QStringLiteral("test_split"), d.testSplit, Range{0, 1, false, true});
    if (d.validationSplit + d.testSplit >= 1.0)
        r.error(QStringLiteral("validation_split"),
                QStringLiteral("validation_split + test_split must leave training data, got %1")
                    .arg(d.validationSplit + d.testSplit));
    r.boolean(QStringLiteral("normalize"), d.normalize);
    r.integer64(QStringLiteral("seed"), d.seed, Range{-1, kInf});

    JsonObjectReader s = r.child(QStringLiteral("synthetic"));
    SyntheticSpec& syn = d.synthetic;
    s.string(QStringLiteral("kind"), syn.kind, {QStringLiteral("spirals"), QStringLiteral("blobs")});
    s.integer(QStringLiteral("samples"), syn.samples, Range{10, 10'000'000});
    s.integer(QStringLiteral("classes"), syn.classes, Range{2, 1000});
    s.number(QStringLiteral("noise"), syn.noise, kNonNegative);
    s.integer(QStringLiteral("features"), syn.features, Range{1, 4096});
    if (syn.kind == QLatin1String("spirals") && syn.features != 2)
        s.error(QStringLiteral("features"),
                QStringLiteral("spirals are 2-D, got %1").arg(syn.features));
    s.finish();
    r.finish();
}

void readModel(JsonObjectReader r, ModelSpec& m) {
    const bool hasPreset = r.has(QStringLiteral("preset"));
    const bool hasLayers = r.has(QStringLiteral("layers"));
    if (hasPreset == hasLayers)
        r.error(QString(), QStringLiteral("give exactly one of \"preset\" (%1) or \"layers\"")
                               .arg(modelPresetNames().join(QStringLiteral(", "))));
    r.string(QStringLiteral("preset"), m.preset, modelPresetNames());
    const QJsonValue layers = r.raw(QStringLiteral("layers"));
    if (hasLayers) {
        if (!layers.isArray() || layers.toArray().isEmpty()) {
            r.error(QStringLiteral("layers"),
                    QStringLiteral("must be a non-empty list of layers, got ") +
                        describeJson(layers));
        } else {
            const QJsonArray array = layers.toArray();
            for (qsizetype i = 0; i < array.size(); ++i)
                m.layers.push_back(readLayerSpec(
                    array[i], r.pathOf(QStringLiteral("layers[%1]").arg(i)), r.errors()));
        }
    }
    r.string(QStringLiteral("init"), m.init,
             {QStringLiteral("default"), QStringLiteral("kaiming"), QStringLiteral("xavier")});
    r.finish();
}

void readTraining(JsonObjectReader r, TrainingSpec& t) {
    r.integer(QStringLiteral("epochs"), t.epochs, Range{1, 1'000'000});
    r.integer(QStringLiteral("batch_size"), t.batchSize, Range{1, 1'048'576});
    {
        JsonObjectReader o = r.child(QStringLiteral("optimizer"));
        OptimizerSpec& opt = t.optimizer;
        o.string(QStringLiteral("type"), opt.type,
                 {QStringLiteral("sgd"), QStringLiteral("adam"), QStringLiteral("adamw"),
                  QStringLiteral("rmsprop"), QStringLiteral("adagrad")});
        o.number(QStringLiteral("lr"), opt.lr, kPositive);
        o.number(QStringLiteral("weight_decay"), opt.weightDecay, kNonNegative);
        o.number(QStringLiteral("momentum"), opt.momentum, Range{0, 1, false, true});
        o.boolean(QStringLiteral("nesterov"), opt.nesterov);
        o.number(QStringLiteral("beta1"), opt.beta1, Range{0, 1, false, true});
        o.number(QStringLiteral("beta2"), opt.beta2, Range{0, 1, false, true});
        o.number(QStringLiteral("eps"), opt.eps, kPositive);
        if (opt.nesterov && opt.type == QLatin1String("sgd") && opt.momentum <= 0)
            o.error(QStringLiteral("nesterov"), QStringLiteral("needs momentum > 0"));
        o.finish();
    }
    {
        JsonObjectReader s = r.child(QStringLiteral("schedule"));
        ScheduleSpec& sch = t.schedule;
        s.string(QStringLiteral("type"), sch.type,
                 {QStringLiteral("constant"), QStringLiteral("cosine"), QStringLiteral("step"),
                  QStringLiteral("exponential")});
        s.integer(QStringLiteral("warmup_steps"), sch.warmupSteps, kNonNegative);
        s.number(QStringLiteral("min_lr"), sch.minLr, kNonNegative);
        s.integer(QStringLiteral("step_epochs"), sch.stepEpochs, kAtLeastOne);
        s.number(QStringLiteral("gamma"), sch.gamma, Range{0, 1, true, false});
        s.finish();
    }
    {
        JsonObjectReader l = r.child(QStringLiteral("loss"));
        l.string(QStringLiteral("type"), t.loss.type, {QStringLiteral("cross_entropy")});
        l.number(QStringLiteral("label_smoothing"), t.loss.labelSmoothing, Range{0, 1, false, true});
        l.finish();
    }
    r.string(QStringLiteral("precision"), t.precision,
             {QStringLiteral("fp32"), QStringLiteral("bf16"), QStringLiteral("fp16")});
    r.integer(QStringLiteral("grad_accumulation"), t.gradAccumulation, Range{1, 65536});
    r.number(QStringLiteral("grad_clip_norm"), t.gradClipNorm, kNonNegative);
    {
        JsonObjectReader e = r.child(QStringLiteral("early_stopping"));
        e.string(QStringLiteral("metric"), t.earlyStopping.metric);
        e.integer(QStringLiteral("patience"), t.earlyStopping.patience, kAtLeastOne);
        e.number(QStringLiteral("min_delta"), t.earlyStopping.minDelta, kNonNegative);
        e.finish();
    }
    r.integer(QStringLiteral("checkpoint_every_epochs"), t.checkpointEveryEpochs, kNonNegative);
    r.integer64(QStringLiteral("seed"), t.seed, kNonNegative);
    r.integer(QStringLiteral("log_every_steps"), t.logEverySteps, kAtLeastOne);
    r.integer64(QStringLiteral("max_steps"), t.maxSteps, kNonNegative);
    r.number(QStringLiteral("max_wall_time_s"), t.maxWallTimeS, kNonNegative);
    r.integer(QStringLiteral("threads"), t.threads, Range{0, 1024});
    r.finish();
}

bool isDeviceName(const QString& name) {
    static const QRegularExpression pattern(QStringLiteral("^(cpu|cuda(:[0-9]+)?)$"));
    return pattern.match(name).hasMatch();
}

void readDevices(const QJsonValue& value, QStringList& devices, QStringList& errors) {
    const QString path = QStringLiteral("devices");
    if (value.isUndefined())
        return;
    if (value.isString()) {
        const QString name = value.toString();
        if (name != QLatin1String("auto") && !isDeviceName(name))
            errors << path + QStringLiteral(": must be \"auto\", \"cpu\", \"cuda:N\" or a list "
                                            "of devices, got ") +
                          describeJson(value);
        else
            devices = {name};
        return;
    }
    if (!value.isArray() || value.toArray().isEmpty()) {
        errors << path + QStringLiteral(": must be \"auto\" or a non-empty list, got ") +
                      describeJson(value);
        return;
    }
    QStringList list;
    const QJsonArray array = value.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        if (!array[i].isString() || !isDeviceName(array[i].toString()))
            errors << QStringLiteral("devices[%1]: must be \"cpu\" or \"cuda:N\", got ").arg(i) +
                          describeJson(array[i]);
        else
            list << array[i].toString();
    }
    devices = list;
}

QJsonArray layersToJson(const std::vector<LayerSpec>& layers) {
    QJsonArray array;
    for (const auto& layer : layers) {
        QJsonObject object = layer.params;
        object.insert(QStringLiteral("type"), layer.type);
        array.append(object);
    }
    return array;
}

} // namespace

ExperimentSpec specFromJson(const QJsonObject& json, const QString& sourceName) {
    QStringList errors;
    ExperimentSpec spec;
    JsonObjectReader root(json, QString(), errors);

    int version = 0;
    if (!json.contains(QStringLiteral("trainlab")))
        errors << QStringLiteral("trainlab: missing (the spec format version, %1)").arg(kSpecVersion);
    root.integer(QStringLiteral("trainlab"), version, Range{1, kInf});
    if (version > kSpecVersion)
        errors << QStringLiteral("trainlab: spec version %1 is newer than this TrainLab reads (%2)")
                      .arg(version)
                      .arg(kSpecVersion);
    root.string(QStringLiteral("name"), spec.name);
    if (spec.name.trimmed().isEmpty())
        errors << QStringLiteral("name: must not be empty");

    if (!json.contains(QStringLiteral("dataset")))
        errors << QStringLiteral("dataset: missing");
    readDataset(root.child(QStringLiteral("dataset")), spec.dataset);
    if (!json.contains(QStringLiteral("model")))
        errors << QStringLiteral("model: missing (a preset or a list of layers)");
    else
        readModel(root.child(QStringLiteral("model")), spec.model);
    readTraining(root.child(QStringLiteral("training")), spec.training);
    readDevices(root.raw(QStringLiteral("devices")), spec.devices, errors);
    if (json.contains(QStringLiteral("sweep"))) {
        root.raw(QStringLiteral("sweep"));
        errors << QStringLiteral("sweep: sweeps are not available in this version of TrainLab");
    }
    root.finish();

    if (!errors.isEmpty())
        throw SpecError(sourceName, errors);
    return spec;
}

ExperimentSpec parseSpec(const QByteArray& text, const QString& sourceName,
                         const QStringList& overrides) {
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(text, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        const qsizetype offset = parseError.offset;
        const qsizetype line = text.left(offset).count('\n') + 1;
        throw InputError(QStringLiteral("%1: not valid JSON at line %2 (byte %3): %4")
                             .arg(sourceName)
                             .arg(line)
                             .arg(offset)
                             .arg(parseError.errorString()));
    }
    if (!doc.isObject())
        throw InputError(QStringLiteral("%1: a spec must be a JSON object").arg(sourceName));
    QJsonObject json = doc.object();
    applyOverrides(json, overrides);
    return specFromJson(json, sourceName);
}

QJsonObject readJsonFile(const QString& path) {
    QFile file(path);
    if (!QFileInfo(path).isFile())
        throw InputError(QStringLiteral("%1: no such file").arg(path));
    if (!file.open(QIODevice::ReadOnly))
        throw InputError(QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    QJsonParseError parseError{};
    const QByteArray text = file.readAll();
    const QJsonDocument doc = QJsonDocument::fromJson(text, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        throw InputError(QStringLiteral("%1: not valid JSON at line %2 (byte %3): %4")
                             .arg(path)
                             .arg(text.left(parseError.offset).count('\n') + 1)
                             .arg(parseError.offset)
                             .arg(parseError.errorString()));
    if (!doc.isObject())
        throw InputError(QStringLiteral("%1: must hold a JSON object").arg(path));
    return doc.object();
}

ExperimentSpec loadSpecFile(const QString& path, const QStringList& overrides) {
    QJsonObject json = readJsonFile(path);
    applyOverrides(json, overrides);
    return specFromJson(json, path);
}

QJsonObject specToJson(const ExperimentSpec& spec) {
    const DatasetSpec& d = spec.dataset;
    const TrainingSpec& t = spec.training;
    QJsonObject dataset{
        {QStringLiteral("source"), d.source},
        {QStringLiteral("validation_split"), d.validationSplit},
        {QStringLiteral("test_split"), d.testSplit},
        {QStringLiteral("normalize"), d.normalize},
        {QStringLiteral("seed"), d.seed},
    };
    if (d.source == QLatin1String("synthetic"))
        dataset.insert(QStringLiteral("synthetic"),
                       QJsonObject{{QStringLiteral("kind"), d.synthetic.kind},
                                   {QStringLiteral("samples"), d.synthetic.samples},
                                   {QStringLiteral("classes"), d.synthetic.classes},
                                   {QStringLiteral("noise"), d.synthetic.noise},
                                   {QStringLiteral("features"), d.synthetic.features}});
    QJsonObject model{{QStringLiteral("init"), spec.model.init}};
    if (!spec.model.preset.isEmpty())
        model.insert(QStringLiteral("preset"), spec.model.preset);
    else
        model.insert(QStringLiteral("layers"), layersToJson(spec.model.layers));

    const OptimizerSpec& o = t.optimizer;
    const ScheduleSpec& s = t.schedule;
    QJsonObject training{
        {QStringLiteral("epochs"), t.epochs},
        {QStringLiteral("batch_size"), t.batchSize},
        {QStringLiteral("optimizer"),
         QJsonObject{{QStringLiteral("type"), o.type},
                     {QStringLiteral("lr"), o.lr},
                     {QStringLiteral("weight_decay"), o.weightDecay},
                     {QStringLiteral("momentum"), o.momentum},
                     {QStringLiteral("nesterov"), o.nesterov},
                     {QStringLiteral("beta1"), o.beta1},
                     {QStringLiteral("beta2"), o.beta2},
                     {QStringLiteral("eps"), o.eps}}},
        {QStringLiteral("schedule"),
         QJsonObject{{QStringLiteral("type"), s.type},
                     {QStringLiteral("warmup_steps"), s.warmupSteps},
                     {QStringLiteral("min_lr"), s.minLr},
                     {QStringLiteral("step_epochs"), s.stepEpochs},
                     {QStringLiteral("gamma"), s.gamma}}},
        {QStringLiteral("loss"),
         QJsonObject{{QStringLiteral("type"), t.loss.type},
                     {QStringLiteral("label_smoothing"), t.loss.labelSmoothing}}},
        {QStringLiteral("precision"), t.precision},
        {QStringLiteral("grad_accumulation"), t.gradAccumulation},
        {QStringLiteral("grad_clip_norm"), t.gradClipNorm},
        {QStringLiteral("early_stopping"),
         QJsonObject{{QStringLiteral("metric"), t.earlyStopping.metric},
                     {QStringLiteral("patience"), t.earlyStopping.patience},
                     {QStringLiteral("min_delta"), t.earlyStopping.minDelta}}},
        {QStringLiteral("checkpoint_every_epochs"), t.checkpointEveryEpochs},
        {QStringLiteral("seed"), t.seed},
        {QStringLiteral("log_every_steps"), t.logEverySteps},
        {QStringLiteral("max_steps"), t.maxSteps},
        {QStringLiteral("max_wall_time_s"), t.maxWallTimeS},
        {QStringLiteral("threads"), t.threads},
    };
    QJsonValue devices = spec.devices.size() == 1 &&
                                 spec.devices.first() == QLatin1String("auto")
                             ? QJsonValue(QStringLiteral("auto"))
                             : QJsonValue(QJsonArray::fromStringList(spec.devices));
    return QJsonObject{{QStringLiteral("trainlab"), kSpecVersion},
                       {QStringLiteral("name"), spec.name},
                       {QStringLiteral("dataset"), dataset},
                       {QStringLiteral("model"), model},
                       {QStringLiteral("training"), training},
                       {QStringLiteral("devices"), devices}};
}

} // namespace trainlab
