#include "train/TrainingProbe.h"

#include "base/Errors.h"
#include "base/OutOfMemory.h"
#include "base/ProcessMemory.h"
#include "data/DataLoader.h"
#include "data/DatasetBuilder.h"
#include "model/ModelBuilder.h"
#include "train/AutocastScope.h"
#include "train/Checkpoint.h"
#include "train/OptimizerFactory.h"
#include "train/PreparedTraining.h"

#include <QTemporaryDir>
#include <chrono>

namespace trainlab {

TrainingProbe::TrainingProbe(const ExperimentSpec& spec, const DatasetSplits& data,
                             const QString& device, std::shared_ptr<const TeacherModel> teacher)
    : spec_(spec)
    , data_(data)
    , device_(device)
    , cuda_(device.startsWith(QLatin1String("cuda"))) {
    const bool classification = data.task == TaskKind::Classification;
    BuiltModel built =
        buildSeededModel(spec.model, data.sampleShape, classification ? data.numClasses : 1,
                         uint64_t(spec.training.seed));
    model_ = built.net;
    model_->to(torch::Device(device.toStdString()));
    model_->train();
    optimizer_ = makeOptimizer(spec.training.optimizer, model_->parameters());
    loss_ = std::make_unique<LossFunction>(resolvedLoss(spec.training.loss, data.task), data.task);
    if (spec.training.distill.enabled() && teacher)
        distill_ = std::make_unique<Distillation>(*teacher, spec.training.distill, data,
                                                  torch::Device(device.toStdString()));
    // As a run does: a training set whose float copy is small enough is converted once.
    preparedTrain_ = preparedTrainingSplit(data);
}

TrainingProbe::~TrainingProbe() = default;

double TrainingProbe::evaluationSpeed(int batchSize, double seconds) {
    using Clock = std::chrono::steady_clock;
    const TensorDataset& split = data_.validation.size() > 0 ? data_.validation : data_.train;
    const int64_t batch = std::max<int64_t>(1, std::min<int64_t>(batchSize, split.size()));
    const InputPreparation prepare(data_);
    const torch::Device device(device_.toStdString());
    torch::NoGradGuard noGrad;
    model_->eval();
    int64_t samples = 0;
    const Clock::time_point start = Clock::now();
    double elapsed = 0;
    for (int64_t from = 0; elapsed < seconds || samples == 0;
         from = (from + batch) % split.size()) {
        std::vector<int64_t> rows;
        for (int64_t i = 0; i < batch; ++i)
            rows.push_back((from + i) % split.size());
        const torch::Tensor outputs =
            model_->forward(prepare.rows(split.features, rows).to(device));
        (void)outputs.sum().item<double>(); // waits for a CUDA device
        samples += batch;
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    }
    model_->train();
    return elapsed > 0 ? double(samples) / elapsed : 0;
}

std::pair<double, double> TrainingProbe::checkpointSeconds() {
    using Clock = std::chrono::steady_clock;
    const QTemporaryDir folder;
    if (!folder.isValid())
        return {0, 0};
    const Clock::time_point start = Clock::now();
    saveCheckpoint(folder.filePath(QStringLiteral("last.pt")), model_, *optimizer_, TrainerState{},
                   CheckpointOwner{});
    const Clock::time_point middle = Clock::now();
    saveWeights(folder.filePath(QStringLiteral("best.pt")), model_);
    const Clock::time_point end = Clock::now();
    return {std::chrono::duration<double>(middle - start).count(),
            std::chrono::duration<double>(end - middle).count()};
}

int64_t TrainingProbe::trainingSamples() const {
    return data_.train.size();
}

ProbeMeasurement TrainingProbe::measure(const ProbeSetup& setup, const std::atomic<bool>* cancel) {
    using Clock = std::chrono::steady_clock;
    if (setup.batchSize < 1 || setup.batchSize > trainingSamples())
        throw InputError(QStringLiteral("batch size %1: the training split has %2 samples")
                             .arg(setup.batchSize)
                             .arg(trainingSamples()));
    torch::set_num_threads(std::max(1, setup.intraOpThreads));
    // Memory is measured on the CPU alone: there the process's resident peak is the step's.
    const bool measureMemory = !cuda_;
    if (measureMemory)
        releaseFreedMemory(); // what an earlier probe freed must not hide this one's need
    if (measureMemory && !baselineBytes_)
        baselineBytes_ = residentBytes();
    const bool peakReset = measureMemory && resetPeakResidentBytes();

    ProbeMeasurement result;
    try {
        LoaderOptions options;
        options.batchSize = setup.batchSize;
        options.dropLast = true; // every timed batch full size
        options.workers = setup.loaderWorkers;
        options.prefetch = spec_.dataset.loader.prefetch;
        options.seed = uint64_t(spec_.training.seed) + 1;
        options.augment = spec_.dataset.augment;
        DataLoader loader(preparedTrain_ ? *preparedTrain_ : data_.train, data_.numClasses,
                          batchPreparation(data_, preparedTrain_.has_value()), options);
        const torch::Device device(device_.toStdString());
        int epoch = 0;
        loader.startEpoch(epoch);
        Clock::time_point timedFrom = Clock::now();
        for (int step = 0;; ++step) {
            if (step == setup.warmupSteps)
                timedFrom = Clock::now();
            const int timed = step - setup.warmupSteps;
            const double seconds = std::chrono::duration<double>(Clock::now() - timedFrom).count();
            if (timed >= setup.maxSteps ||
                (timed >= setup.minSteps && seconds >= setup.minSeconds) ||
                (cancel && cancel->load())) {
                result.steps = std::max(0, timed);
                result.seconds = seconds;
                break;
            }
            std::optional<Batch> batch = loader.next();
            if (!batch) { // a short epoch: the probe goes on into the next one
                loader.startEpoch(++epoch);
                batch = loader.next();
            }
            optimizer_->zero_grad();
            torch::Tensor value;
            {
                AutocastScope autocast(device, spec_.training.precision);
                const torch::Tensor inputs = batch->inputs.to(device);
                const torch::Tensor outputs = model_->forward(inputs);
                value = (*loss_)(outputs, batch->targets.to(device));
                if (distill_)
                    value = distill_->loss(value, inputs, outputs);
            }
            value.backward();
            optimizer_->step();
            (void)value.item<double>(); // waits for a CUDA device, so the clock is honest
        }
    } catch (const std::exception& e) {
        if (!isOutOfMemory(e))
            throw;
        result.outOfMemory = true;
        result.error = firstLineOf(e);
    }
    // Gradients freed between probes, so the next one's peak is its own.
    for (torch::Tensor& parameter : model_->parameters())
        parameter.mutable_grad() = torch::Tensor();
    if (result.steps > 0 && result.seconds > 0)
        result.samplesPerSecond = double(result.steps) * setup.batchSize / result.seconds;
    if (measureMemory && baselineBytes_) {
        // Without a reset the peak counts from the process's start: still the largest probe's
        // when they grow, as the batch-size finder's do.
        const std::optional<double> peak = peakResidentBytes();
        if (peak && (peakReset || *peak > *baselineBytes_))
            result.peakBytes = std::max(0.0, *peak - *baselineBytes_);
    }
    return result;
}

} // namespace trainlab
