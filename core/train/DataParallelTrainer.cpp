#include "train/DataParallelTrainer.h"

#include "base/Errors.h"
#include "parallel/ProcessGroup.h"
#include "train/GradientSync.h"

#include <QHash>
#include <QThread>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace trainlab {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// What the rank threads and the coordinating thread share.
struct Shared {
    explicit Shared(int worldSize)
        : rendezvous(worldSize)
        , ready(size_t(worldSize), false)
        , ended(size_t(worldSize), false) {}

    LocalRendezvous rendezvous;
    /// The flags the ranks' trainers read: set only from agreed values (or while every rank is
    /// held at a pause), never straight from the job's, so all ranks stop at the same step.
    RunControl rankControl;
    Clock::time_point started = Clock::now();

    std::mutex mutex;
    std::condition_variable changed;
    std::vector<bool> ready; ///< reached the model sync: the next rank may start
    std::vector<bool> ended;
    std::exception_ptr firstError;

    void markReady(int rank) {
        std::lock_guard lock(mutex);
        ready[size_t(rank)] = true;
        changed.notify_all();
    }
    void markEnded(int rank) {
        std::lock_guard lock(mutex);
        ended[size_t(rank)] = true;
        changed.notify_all();
    }
    /// The first error wins: the others are usually its echo (a peer that went away).
    void fail(std::exception_ptr error) {
        std::lock_guard lock(mutex);
        if (!firstError)
            firstError = std::move(error);
        rankControl.cancel.store(true);
    }
};

// One rank's GradientSync: agreement flags, then the gradients' mean, over its process group.
class ReplicaSync : public GradientSync {
public:
    ReplicaSync(Shared& shared, int rank, const RunControl& jobControl, double maxWallTimeS)
        : shared_(shared)
        , rank_(rank)
        , jobControl_(jobControl)
        , maxWallTimeS_(maxWallTimeS) {}

    void synchronizeModel(const std::vector<at::Tensor>& state) override {
        // This rank is done with the global random generator (the model is initialised): the
        // next rank may start and seed it. Joining blocks until every rank has joined.
        shared_.markReady(rank_);
        group_ = std::make_unique<ProcessGroup>(shared_.rendezvous, rank_);
        group_->broadcast(state, 0);
    }

    void averageGradients(const std::vector<at::Tensor>& gradients) override {
        const bool outOfTime = maxWallTimeS_ > 0 && secondsSince(shared_.started) >= maxWallTimeS_;
        const std::vector<double> agreed =
            group().sum({jobControl_.cancel.load() ? 1.0 : 0.0,
                         jobControl_.pause.load() ? 1.0 : 0.0, outOfTime ? 1.0 : 0.0});
        group().allReduceMean(gradients);
        if (agreed[0] > 0)
            shared_.rankControl.cancel.store(true);
        if (agreed[1] > 0)
            shared_.rankControl.pause.store(true);
        budgetReached_ = agreed[2] > 0;
    }

    bool budgetReached() const override { return budgetReached_; }

    /// The metric over all ranks: the sum for a throughput, else the mean. Every rank logs the
    /// same names in the same order; a name hash rides along to prove it.
    double reduceMetric(const QString& name, double value) {
        const double tag = double(qHash(name) % 1000003u);
        const std::vector<double> sums = group().sum({value, tag});
        const int worldSize = group().worldSize();
        if (sums[1] != tag * worldSize)
            throw RunError(QStringLiteral("data-parallel rank %1: the ranks logged different "
                                          "metrics at once (this rank: %2)")
                               .arg(rank_)
                               .arg(name));
        return name == QLatin1String("samples_per_s") ? sums[0] : sums[0] / worldSize;
    }

    /// Closes this rank's connections, so that peers blocked on it fail now.
    void close() { group_.reset(); }

private:
    ProcessGroup& group() {
        if (!group_)
            throw std::logic_error("ReplicaSync: collective before the model sync");
        return *group_;
    }

    Shared& shared_;
    int rank_;
    const RunControl& jobControl_;
    double maxWallTimeS_;
    std::unique_ptr<ProcessGroup> group_;
    bool budgetReached_ = false;
};

} // namespace

void DataParallelTrainer::checkSplittable(const ExperimentSpec& spec, int worldSize) {
    if (worldSize > 1 && spec.training.batchSize % worldSize != 0)
        throw InputError(QStringLiteral("training.batch_size: %1 does not split evenly over %2 "
                                        "devices (it is the global batch; each device takes "
                                        "batch_size / %2)")
                             .arg(spec.training.batchSize)
                             .arg(worldSize));
}

DataParallelTrainer::DataParallelTrainer(const ExperimentSpec& spec, const DatasetSplits& data,
                                         RunControl& control, TrainerCallbacks callbacks,
                                         TrainerOptions options, int worldSize)
    : spec_(spec)
    , data_(data)
    , control_(control)
    , callbacks_(std::move(callbacks))
    , options_(std::move(options))
    , worldSize_(worldSize) {
    checkSplittable(spec, worldSize);
    if (options_.device != QLatin1String("cpu"))
        throw InputError(QStringLiteral("devices: data-parallel training runs on CPU ranks "
                                        "(Gloo) only in this build; %1 needs NCCL")
                             .arg(options_.device));
}

TrainOutcome DataParallelTrainer::run() {
    Shared shared(worldSize_);
    ExperimentSpec rankSpec = spec_;
    rankSpec.training.batchSize = spec_.training.batchSize / worldSize_;
    const int totalThreads =
        options_.cpuThreads > 0 ? options_.cpuThreads : QThread::idealThreadCount();
    std::vector<TrainOutcome> outcomes(static_cast<size_t>(worldSize_));

    auto rankMain = [&](int rank) {
        ReplicaSync sync(shared, rank, control_, spec_.training.maxWallTimeS);
        TrainerOptions options = options_;
        options.rank = rank;
        options.worldSize = worldSize_;
        options.gradientSync = &sync;
        options.cpuThreads = std::max(1, totalThreads / worldSize_);
        if (rank != 0)
            options.checkpointDirectory.clear();
        TrainerCallbacks callbacks;
        callbacks.metric = [&, rank](int64_t step, double epoch, const QString& name,
                                     double value) {
            const double reduced = sync.reduceMetric(name, value);
            if (rank == 0 && callbacks_.metric)
                callbacks_.metric(step, epoch, name, reduced);
        };
        callbacks.message = [&, rank](const QString& line) {
            if (rank == 0 && callbacks_.message)
                callbacks_.message(line);
        };
        if (rank == 0) {
            callbacks.artifact = callbacks_.artifact;
            callbacks.checkpoint = callbacks_.checkpoint;
            callbacks.planned = callbacks_.planned;
            callbacks.pauseChanged = callbacks_.pauseChanged;
            callbacks.windowLogged = callbacks_.windowLogged;
        }
        try {
            outcomes[size_t(rank)] =
                Trainer(rankSpec, data_, shared.rankControl, callbacks, options).run();
        } catch (...) {
            // Recorded before the connections close: a peer's echo must not come first.
            shared.fail(std::current_exception());
            sync.close();
        }
        shared.markEnded(rank);
    };

    if (callbacks_.message)
        callbacks_.message(QStringLiteral("data-parallel: %1 CPU ranks (Gloo), %2 samples per "
                                          "rank per batch (global batch %3)")
                               .arg(worldSize_)
                               .arg(rankSpec.training.batchSize)
                               .arg(spec_.training.batchSize));
    std::vector<std::thread> threads;
    // Ranks start one after another: each seeds LibTorch's global generator and initialises its
    // model, which must not interleave with another rank's draws (rank 0's weights, which all
    // ranks receive, would then depend on thread timing).
    for (int rank = 0; rank < worldSize_; ++rank) {
        threads.emplace_back(rankMain, rank);
        std::unique_lock lock(shared.mutex);
        shared.changed.wait(
            lock, [&] { return shared.ready[size_t(rank)] || shared.ended[size_t(rank)]; });
        if (shared.firstError)
            break;
    }
    // Mirror the job's flags while the ranks are held at a pause (no collective runs then, so
    // every rank sees the change at the same batch); otherwise they are agreed at each step.
    while (true) {
        {
            std::unique_lock lock(shared.mutex);
            const bool done = shared.changed.wait_for(lock, std::chrono::milliseconds(50), [&] {
                for (size_t i = 0; i < threads.size(); ++i) {
                    if (!shared.ended[i])
                        return false;
                }
                return true;
            });
            if (done)
                break;
        }
        RunControl& ranks = shared.rankControl;
        if (ranks.pause.load() && control_.cancel.load())
            ranks.cancel.store(true);
        else if (ranks.pause.load() && !control_.pause.load())
            ranks.pause.store(false);
    }
    for (auto& thread : threads)
        thread.join();
    if (shared.firstError)
        std::rethrow_exception(shared.firstError);
    return outcomes.front();
}

} // namespace trainlab
