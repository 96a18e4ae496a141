#include "spec/SpecJson.h"

#include "base/Errors.h"
#include "data/DatasetSources.h"
#include "data/FileBytes.h"
#include "model/LayerSpecReader.h"
#include "model/ModelPresets.h"
#include "spec/DistillJson.h"
#include "spec/InitFromJson.h"
#include "spec/SpecOverrides.h"
#include "util/JsonObjectReader.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <cmath>

namespace trainlab {

namespace {

using Range = JsonObjectReader::Range;
constexpr double kInf = std::numeric_limits<double>::infinity();
const Range kPositive{0, kInf, true};
const Range kNonNegative{0, kInf};
const Range kAtLeastOne{1, kInf};

void readIdxPair(JsonObjectReader r, IdxPair& pair) {
    r.string(QStringLiteral("images"), pair.images);
    r.string(QStringLiteral("labels"), pair.labels);
    if (!r.object().isEmpty() && (pair.images.isEmpty() || pair.labels.isEmpty()))
        r.error(QString(), QStringLiteral("needs both \"images\" and \"labels\""));
    r.finish();
}

void readSynthetic(JsonObjectReader s, SyntheticSpec& syn) {
    s.string(QStringLiteral("kind"), syn.kind,
             {QStringLiteral("spirals"), QStringLiteral("blobs"), QStringLiteral("moons"),
              QStringLiteral("regression")});
    s.integer(QStringLiteral("samples"), syn.samples, Range{10, 10'000'000});
    s.integer(QStringLiteral("classes"), syn.classes, Range{2, 1000});
    s.number(QStringLiteral("noise"), syn.noise, kNonNegative);
    s.integer(QStringLiteral("features"), syn.features, Range{1, 4096});
    const bool planar = syn.kind == QLatin1String("spirals") || syn.kind == QLatin1String("moons");
    if (planar && syn.features != 2)
        s.error(QStringLiteral("features"),
                QStringLiteral("%1 are 2-D, got %2").arg(syn.kind).arg(syn.features));
    if (syn.kind == QLatin1String("moons") && s.has(QStringLiteral("classes")) && syn.classes != 2)
        s.error(QStringLiteral("classes"),
                QStringLiteral("moons have 2 classes, got %1").arg(syn.classes));
    if (syn.kind == QLatin1String("moons"))
        syn.classes = 2;
    s.finish();
}

void readDataset(JsonObjectReader r, DatasetSpec& d) {
    if (!r.has(QStringLiteral("source")))
        r.error(QStringLiteral("source"), QStringLiteral("missing (one of: ") +
                                              datasetSourceIds().join(QStringLiteral(", ")) +
                                              QLatin1Char(')'));
    r.string(QStringLiteral("source"), d.source, datasetSourceIds());
    const DatasetSource* source = findDatasetSource(d.source);
    r.string(QStringLiteral("path"), d.path);
    readIdxPair(r.child(QStringLiteral("train")), d.train);
    readIdxPair(r.child(QStringLiteral("test")), d.test);
    if (source && source->needsPath() && d.path.isEmpty())
        r.error(QStringLiteral("path"),
                QStringLiteral("missing (the %1 to read)").arg(source->pathNoun()));
    if (source && source->usesIdxPair && d.train.isEmpty())
        r.error(QStringLiteral("train"),
                QStringLiteral("missing: {\"images\": FILE, \"labels\": FILE}"));
    r.number(QStringLiteral("validation_split"), d.validationSplit, Range{0, 1, false, true});
    r.number(QStringLiteral("test_split"), d.testSplit, Range{0, 1, false, true});
    if (d.validationSplit + d.testSplit >= 1.0)
        r.error(QStringLiteral("validation_split"),
                QStringLiteral("validation_split + test_split must leave training data, got %1")
                    .arg(d.validationSplit + d.testSplit));
    r.boolean(QStringLiteral("normalize"), d.normalize);
    r.boolean(QStringLiteral("cache"), d.cache);
    r.integer64(QStringLiteral("max_train_samples"), d.maxTrainSamples, kNonNegative);
    r.integer64(QStringLiteral("max_test_samples"), d.maxTestSamples, kNonNegative);
    r.integer64(QStringLiteral("seed"), d.seed, Range{-1, kInf});

    readSynthetic(r.child(QStringLiteral("synthetic")), d.synthetic);
    {
        JsonObjectReader c = r.child(QStringLiteral("csv"));
        const QJsonValue label = c.raw(QStringLiteral("label"));
        if (label.isDouble() && label.toDouble() >= 0 &&
            label.toDouble() == std::floor(label.toDouble()))
            d.csv.label = QString::number(qint64(label.toDouble()));
        else if (label.isString() && !label.toString().isEmpty())
            d.csv.label = label.toString();
        else if (!label.isUndefined())
            c.error(QStringLiteral("label"),
                    QStringLiteral("must be a column name or a 0-based column index, got ") +
                        describeJson(label));
        c.string(QStringLiteral("delimiter"), d.csv.delimiter,
                 {QStringLiteral("auto"), QStringLiteral(","), QStringLiteral(";"),
                  QStringLiteral("\t"), QStringLiteral("|")});
        c.string(QStringLiteral("header"), d.csv.header,
                 {QStringLiteral("auto"), QStringLiteral("yes"), QStringLiteral("no")});
        c.string(QStringLiteral("task"), d.csv.task,
                 {QStringLiteral("auto"), QStringLiteral("classification"),
                  QStringLiteral("regression")});
        c.finish();
    }
    {
        JsonObjectReader i = r.child(QStringLiteral("image"));
        i.integer(QStringLiteral("height"), d.image.height, Range{4, 4096});
        i.integer(QStringLiteral("width"), d.image.width, Range{4, 4096});
        i.integer(QStringLiteral("channels"), d.image.channels, Range{1, 3});
        if (d.image.channels == 2)
            i.error(QStringLiteral("channels"),
                    QStringLiteral("must be 1 (grayscale) or 3 (RGB), got 2"));
        i.finish();
    }
    {
        JsonObjectReader a = r.child(QStringLiteral("augment"));
        a.integer(QStringLiteral("random_crop_padding"), d.augment.randomCropPadding, Range{0, 64});
        a.boolean(QStringLiteral("hflip"), d.augment.hflip);
        a.number(QStringLiteral("rotation_deg"), d.augment.rotationDeg, Range{0, 180});
        a.number(QStringLiteral("gaussian_noise"), d.augment.gaussianNoise, kNonNegative);
        a.finish();
    }
    {
        JsonObjectReader b = r.child(QStringLiteral("imbalance"));
        b.boolean(QStringLiteral("class_weights"), d.imbalance.classWeights);
        b.string(QStringLiteral("sampling"), d.imbalance.sampling,
                 {QStringLiteral("none"), QStringLiteral("balanced")});
        b.finish();
    }
    {
        JsonObjectReader l = r.child(QStringLiteral("loader"));
        if (l.raw(QStringLiteral("workers")) == QJsonValue(QStringLiteral("auto")))
            d.loader.workers = LoaderSpec::kAutoWorkers;
        else
            l.integer(QStringLiteral("workers"), d.loader.workers, Range{0, 64});
        l.integer(QStringLiteral("prefetch"), d.loader.prefetch, Range{1, 1024});
        l.boolean(QStringLiteral("drop_last"), d.loader.dropLast);
        l.finish();
    }
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

// Read after the rest of `training`: its limits depend on the epochs and early stopping.
void readPruning(JsonObjectReader r, TrainingSpec& t) {
    PruningSpec& p = t.pruning;
    r.number(QStringLiteral("sparsity"), p.sparsity, Range{0, 1, false, true});
    r.string(QStringLiteral("scope"), p.scope, {QStringLiteral("global"), QStringLiteral("layer")});
    r.string(QStringLiteral("schedule"), p.schedule,
             {QStringLiteral("one_shot"), QStringLiteral("gradual")});
    r.integer(QStringLiteral("fine_tune_epochs"), p.fineTuneEpochs, kNonNegative);
    r.integer(QStringLiteral("start_epoch"), p.startEpoch, kNonNegative);
    if (p.enabled()) {
        if (p.fineTuneEpochs >= t.epochs)
            r.error(QStringLiteral("fine_tune_epochs"),
                    QStringLiteral("must be less than training.epochs (%1): the model trains "
                                   "before it is pruned")
                        .arg(t.epochs));
        else if (p.schedule == QLatin1String("gradual") &&
                 p.startEpoch >= t.epochs - p.fineTuneEpochs)
            r.error(QStringLiteral("start_epoch"),
                    QStringLiteral("must be less than training.epochs - fine_tune_epochs (%1): "
                                   "gradual pruning needs at least one epoch to prune in")
                        .arg(t.epochs - p.fineTuneEpochs));
        if (!t.earlyStopping.metric.isEmpty())
            r.error(QStringLiteral("sparsity"),
                    QStringLiteral("pruning cannot be combined with training.early_stopping "
                                   "(the run could stop before it is pruned)"));
    }
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
                  QStringLiteral("multistep"), QStringLiteral("exponential"),
                  QStringLiteral("one_cycle"), QStringLiteral("reduce_on_plateau")});
        s.integer(QStringLiteral("warmup_steps"), sch.warmupSteps, kNonNegative);
        s.number(QStringLiteral("min_lr"), sch.minLr, kNonNegative);
        s.integer(QStringLiteral("step_epochs"), sch.stepEpochs, kAtLeastOne);
        const QJsonValue milestones = s.raw(QStringLiteral("milestones"));
        if (!milestones.isUndefined()) {
            const QJsonArray list = milestones.toArray();
            int previous = 0;
            for (qsizetype i = 0; i < list.size(); ++i) {
                const double v = list[i].toDouble(-1);
                if (!milestones.isArray() || !list[i].isDouble() || v != std::floor(v) ||
                    v <= previous) {
                    s.error(QStringLiteral("milestones"),
                            QStringLiteral("must be increasing positive epoch numbers, got ") +
                                describeJson(milestones));
                    break;
                }
                previous = int(v);
                sch.milestones.append(int(v));
            }
            if (!milestones.isArray())
                s.error(QStringLiteral("milestones"),
                        QStringLiteral("must be a list of epochs, got ") +
                            describeJson(milestones));
        }
        s.number(QStringLiteral("gamma"), sch.gamma, Range{0, 1, true, false});
        s.number(QStringLiteral("pct_start"), sch.pctStart, Range{0, 1, true, true});
        s.number(QStringLiteral("div_factor"), sch.divFactor, Range{1, kInf});
        s.number(QStringLiteral("final_div_factor"), sch.finalDivFactor, Range{1, kInf});
        s.integer(QStringLiteral("patience"), sch.patience, kAtLeastOne);
        s.string(QStringLiteral("metric"), sch.metric);
        if (sch.type == QLatin1String("multistep") && sch.milestones.isEmpty())
            s.error(QStringLiteral("milestones"),
                    QStringLiteral("missing (multistep needs the epochs to decay at)"));
        s.finish();
    }
    {
        JsonObjectReader l = r.child(QStringLiteral("loss"));
        l.string(QStringLiteral("type"), t.loss.type,
                 {QStringLiteral("cross_entropy"), QStringLiteral("bce"), QStringLiteral("mse"),
                  QStringLiteral("l1"), QStringLiteral("huber")});
        l.number(QStringLiteral("label_smoothing"), t.loss.labelSmoothing,
                 Range{0, 1, false, true});
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
    readPruning(r.child(QStringLiteral("pruning")), t);
    readInitFrom(r.child(QStringLiteral("init_from")), t.initFrom);
    readDistill(r.child(QStringLiteral("distill")), t.distill);
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
            errors << path +
                          QStringLiteral(": must be \"auto\", \"cpu\", \"cuda:N\" or a list "
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
        errors
            << QStringLiteral("trainlab: missing (the spec format version, %1)").arg(kSpecVersion);
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
        errors << QStringLiteral(
            "sweep: this spec describes a sweep; run it with `trainlab-cli sweep`");
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

QString specHash(const ExperimentSpec& spec) {
    return QString::fromLatin1(
        QCryptographicHash::hash(QJsonDocument(specToJson(spec)).toJson(QJsonDocument::Compact),
                                 QCryptographicHash::Sha1)
            .toHex());
}

QJsonObject readJsonFile(const QString& path) {
    // A spec is a few KiB; the cap keeps /dev/zero-like or runaway files from filling memory.
    constexpr qsizetype kMaxSpecFileBytes = qsizetype(16) << 20;
    const QByteArray text = readRegularFile(path, kMaxSpecFileBytes, QStringLiteral("a spec file"));
    if (text.startsWith("\xff\xfe") || text.startsWith("\xfe\xff"))
        throw InputError(
            QStringLiteral("%1: UTF-16 text (byte order mark at byte 0); save it as UTF-8")
                .arg(path));
    // QJsonDocument reports a bare value ("42", "null", binary junk) as "illegal value" at byte
    // 1; say what the file starts with instead.
    qsizetype first = text.startsWith("\xef\xbb\xbf") ? 3 : 0; // a UTF-8 BOM is tolerated
    while (first < text.size() && QByteArrayView(" \t\r\n").contains(text[first]))
        ++first;
    if (first == text.size())
        throw InputError(QStringLiteral("%1: empty file (a spec is a JSON object)").arg(path));
    const auto lead = uchar(text[first]);
    if (lead != '{' && lead != '[') {
        const QByteArray before = text.left(first);
        throw InputError(
            QStringLiteral("%1: not a JSON object: starts with %2 at line %3, column %4 (byte %5)")
                .arg(path, lead >= 0x20 && lead < 0x7f
                               ? QStringLiteral("'%1'").arg(QLatin1Char(char(lead)))
                               : QStringLiteral("byte 0x%1").arg(lead, 2, 16, QLatin1Char('0')))
                .arg(before.count('\n') + 1)
                .arg(first - (before.lastIndexOf('\n') + 1) + 1)
                .arg(first));
    }
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(text, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        const QByteArray before = text.left(parseError.offset);
        throw InputError(QStringLiteral("%1: not valid JSON at line %2, column %3 (byte %4): %5")
                             .arg(path)
                             .arg(before.count('\n') + 1)
                             .arg(parseError.offset - (before.lastIndexOf('\n') + 1) + 1)
                             .arg(parseError.offset)
                             .arg(parseError.errorString()));
    }
    if (!doc.isObject())
        throw InputError(QStringLiteral("%1: must hold a JSON object, got an array").arg(path));
    if (const QStringList duplicates = duplicateJsonKeys(text); !duplicates.isEmpty())
        throw SpecError(path, duplicates);
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
        {QStringLiteral("cache"), d.cache},
        {QStringLiteral("max_train_samples"), d.maxTrainSamples},
        {QStringLiteral("max_test_samples"), d.maxTestSamples},
        {QStringLiteral("seed"), d.seed},
        {QStringLiteral("augment"),
         QJsonObject{{QStringLiteral("random_crop_padding"), d.augment.randomCropPadding},
                     {QStringLiteral("hflip"), d.augment.hflip},
                     {QStringLiteral("rotation_deg"), d.augment.rotationDeg},
                     {QStringLiteral("gaussian_noise"), d.augment.gaussianNoise}}},
        {QStringLiteral("imbalance"),
         QJsonObject{{QStringLiteral("class_weights"), d.imbalance.classWeights},
                     {QStringLiteral("sampling"), d.imbalance.sampling}}},
        {QStringLiteral("loader"),
         QJsonObject{{QStringLiteral("workers"), d.loader.workers == LoaderSpec::kAutoWorkers
                                                     ? QJsonValue(QStringLiteral("auto"))
                                                     : QJsonValue(d.loader.workers)},
                     {QStringLiteral("prefetch"), d.loader.prefetch},
                     {QStringLiteral("drop_last"), d.loader.dropLast}}},
    };
    if (!d.path.isEmpty())
        dataset.insert(QStringLiteral("path"), d.path);
    auto pairJson = [](const IdxPair& pair) {
        return QJsonObject{{QStringLiteral("images"), pair.images},
                           {QStringLiteral("labels"), pair.labels}};
    };
    if (!d.train.isEmpty())
        dataset.insert(QStringLiteral("train"), pairJson(d.train));
    if (!d.test.isEmpty())
        dataset.insert(QStringLiteral("test"), pairJson(d.test));
    if (d.source == QLatin1String("synthetic"))
        dataset.insert(QStringLiteral("synthetic"),
                       QJsonObject{{QStringLiteral("kind"), d.synthetic.kind},
                                   {QStringLiteral("samples"), d.synthetic.samples},
                                   {QStringLiteral("classes"), d.synthetic.classes},
                                   {QStringLiteral("noise"), d.synthetic.noise},
                                   {QStringLiteral("features"), d.synthetic.features}});
    if (d.source == QLatin1String("csv"))
        dataset.insert(QStringLiteral("csv"),
                       QJsonObject{{QStringLiteral("label"), d.csv.label},
                                   {QStringLiteral("delimiter"), d.csv.delimiter},
                                   {QStringLiteral("header"), d.csv.header},
                                   {QStringLiteral("task"), d.csv.task}});
    if (d.source == QLatin1String("image_folder"))
        dataset.insert(QStringLiteral("image"),
                       QJsonObject{{QStringLiteral("height"), d.image.height},
                                   {QStringLiteral("width"), d.image.width},
                                   {QStringLiteral("channels"), d.image.channels}});
    QJsonObject model{{QStringLiteral("init"), spec.model.init}};
    if (!spec.model.preset.isEmpty())
        model.insert(QStringLiteral("preset"), spec.model.preset);
    else
        model.insert(QStringLiteral("layers"), layersToJson(spec.model.layers));

    const OptimizerSpec& o = t.optimizer;
    const ScheduleSpec& s = t.schedule;
    QJsonObject lossJson{{QStringLiteral("label_smoothing"), t.loss.labelSmoothing}};
    QJsonArray milestonesJson;
    for (int m : s.milestones)
        milestonesJson.append(m);
    if (!t.loss.type.isEmpty()) // empty: chosen by the task when the run starts
        lossJson.insert(QStringLiteral("type"), t.loss.type);
    QJsonObject training{
        {QStringLiteral("epochs"), t.epochs},
        {QStringLiteral("batch_size"), t.batchSize},
        {QStringLiteral("optimizer"), QJsonObject{{QStringLiteral("type"), o.type},
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
                     {QStringLiteral("milestones"), milestonesJson},
                     {QStringLiteral("gamma"), s.gamma},
                     {QStringLiteral("pct_start"), s.pctStart},
                     {QStringLiteral("div_factor"), s.divFactor},
                     {QStringLiteral("final_div_factor"), s.finalDivFactor},
                     {QStringLiteral("patience"), s.patience},
                     {QStringLiteral("metric"), s.metric}}},
        {QStringLiteral("loss"), lossJson},
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
    // Written only when on, so the hash of every spec without pruning (and the checkpoints
    // tied to it) stays what it was before pruning existed.
    if (t.pruning.enabled())
        training.insert(QStringLiteral("pruning"),
                        QJsonObject{{QStringLiteral("sparsity"), t.pruning.sparsity},
                                    {QStringLiteral("scope"), t.pruning.scope},
                                    {QStringLiteral("schedule"), t.pruning.schedule},
                                    {QStringLiteral("fine_tune_epochs"), t.pruning.fineTuneEpochs},
                                    {QStringLiteral("start_epoch"), t.pruning.startEpoch}});
    // Written only when on, as pruning is.
    if (t.initFrom.enabled())
        training.insert(QStringLiteral("init_from"), initFromToJson(t.initFrom));
    if (t.distill.enabled())
        training.insert(QStringLiteral("distill"), distillToJson(t.distill));
    QJsonValue devices = spec.devices.size() == 1 && spec.devices.first() == QLatin1String("auto")
                             ? QJsonValue(QStringLiteral("auto"))
                             : QJsonValue(QJsonArray::fromStringList(spec.devices));
    return QJsonObject{
        {QStringLiteral("trainlab"), kSpecVersion}, {QStringLiteral("name"), spec.name},
        {QStringLiteral("dataset"), dataset},       {QStringLiteral("model"), model},
        {QStringLiteral("training"), training},     {QStringLiteral("devices"), devices}};
}

} // namespace trainlab
