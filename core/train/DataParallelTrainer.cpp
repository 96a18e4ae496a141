#include "train/DataParallelTrainer.h"

#include "base/Errors.h"
#include "parallel/ProcessGroup.h"
#include "parallel/Rendezvous.h"
#include "spec/SpecJson.h"
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

// How long a rank whose collective failed waits for the peer's reason to reach the store.
constexpr std::chrono::milliseconds kEchoWait{1000};

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// The test hook: which rank throws, at which optimizer step of its session.
struct InjectedFailure {
    int rank = 0;
    int64_t step = 0;
};

std::optional<InjectedFailure> injectedFailure() {
    const char* name = DataParallelTrainer::kFailureHookVariable;
    const QString text = qEnvironmentVariable(name);
    if (text.isEmpty())
        return std::nullopt;
    const QStringList parts = text.split(QLatin1Char(':'));
    bool rankOk = false;
    bool stepOk = false;
    InjectedFailure failure;
    if (parts.size() == 2) {
        failure.rank = parts[0].toInt(&rankOk);
        failure.step = parts[1].toLongLong(&stepOk);
    }
    if (!rankOk || !stepOk)
        throw InputError(
            QStringLiteral("%1: '%2' is not RANK:STEP").arg(QString::fromLatin1(name), text));
    return failure;
}

// What the rank threads of this process and its coordinating thread share.
struct Shared {
    Shared(Rendezvous& rendezvous, RankRange ranks)
        : rendezvous(rendezvous)
        , ranks(ranks)
        , ready(size_t(ranks.count), false)
        , ended(size_t(ranks.count), false) {}

    Rendezvous& rendezvous;
    const RankRange ranks;
    /// The flags the ranks' trainers read: set only from agreed values (or while every rank is
    /// held at a pause), never straight from the job's, so all ranks stop at the same step.
    RunControl rankControl;
    Clock::time_point started = Clock::now();

    std::mutex mutex;
    std::condition_variable changed;
    // Indexed by local rank (the rank less ranks.first).
    std::vector<bool> ready; ///< reached the model sync: the next rank may start
    std::vector<bool> ended;
    std::exception_ptr firstError;
    bool firstIsEcho = false; ///< a collective that failed: a peer's failure, seen from here

    void markReady(int local) {
        std::lock_guard lock(mutex);
        ready[size_t(local)] = true;
        changed.notify_all();
    }
    void markEnded(int local) {
        std::lock_guard lock(mutex);
        ended[size_t(local)] = true;
        changed.notify_all();
    }
    /// The first error wins: the others are usually its echo (a peer that went away).
    void fail(std::exception_ptr error, bool echo) {
        std::lock_guard lock(mutex);
        if (!firstError) {
            firstError = std::move(error);
            firstIsEcho = echo;
        }
        rankControl.cancel.store(true);
    }
};

// One rank's GradientSync: agreement flags, then the gradients' mean, over its process group.
class ReplicaSync : public GradientSync {
public:
    ReplicaSync(Shared& shared, int rank, const RunControl& jobControl, double maxWallTimeS,
                QString fingerprint, std::optional<InjectedFailure> injected)
        : shared_(shared)
        , rank_(rank)
        , jobControl_(jobControl)
        , maxWallTimeS_(maxWallTimeS)
        , fingerprint_(std::move(fingerprint))
        , injected_(injected) {}

    void synchronizeModel(const std::vector<at::Tensor>& state) override {
        // This rank is done with the global random generator (the model is initialised): the
        // next rank may start and seed it. Every rank agrees on what it trains before any joins
        // the group, which blocks until all have.
        shared_.markReady(rank_ - shared_.ranks.first);
        shared_.rendezvous.meet(rank_, shared_.ranks.worldSize, fingerprint_);
        group_ = std::make_unique<ProcessGroup>(shared_.rendezvous, rank_, shared_.ranks.worldSize);
        group_->broadcast(state, 0);
    }

    void averageGradients(const std::vector<at::Tensor>& gradients) override {
        if (injected_ && injected_->rank == rank_ && injected_->step == steps_)
            throw RunError(
                QStringLiteral("failure injected at step %1 (%2)")
                    .arg(steps_)
                    .arg(QString::fromLatin1(DataParallelTrainer::kFailureHookVariable)));
        ++steps_;
        const bool outOfTime = maxWallTimeS_ > 0 && secondsSince(shared_.started) >= maxWallTimeS_;
        // A pause holds the ranks between collectives, which only one process's coordinating
        // thread can release together: across processes only cancel is offered.
        const bool pause = jobControl_.pause.load() && !shared_.rendezvous.spansProcesses();
        const std::vector<double> agreed = group().sum(
            {jobControl_.cancel.load() ? 1.0 : 0.0, pause ? 1.0 : 0.0, outOfTime ? 1.0 : 0.0});
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
    QString fingerprint_;
    std::optional<InjectedFailure> injected_;
    int64_t steps_ = 0;
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
    , ranks_{0, worldSize, worldSize} {
    checkSplittable(spec, worldSize);
    if (options_.device != QLatin1String("cpu"))
        throw InputError(QStringLiteral("devices: data-parallel training runs on CPU ranks "
                                        "(Gloo) only in this build; %1 needs NCCL")
                             .arg(options_.device));
}

DataParallelTrainer::DataParallelTrainer(const ExperimentSpec& spec, const DatasetSplits& data,
                                         RunControl& control, TrainerCallbacks callbacks,
                                         TrainerOptions options, Rendezvous& rendezvous,
                                         RankRange ranks)
    : DataParallelTrainer(spec, data, control, std::move(callbacks), std::move(options),
                          ranks.worldSize) {
    rendezvous_ = &rendezvous;
    ranks_ = ranks;
}

TrainOutcome DataParallelTrainer::run() {
    std::unique_ptr<Rendezvous> ownRendezvous;
    if (!rendezvous_)
        ownRendezvous = std::make_unique<Rendezvous>();
    Rendezvous& rendezvous = rendezvous_ ? *rendezvous_ : *ownRendezvous;
    Shared shared(rendezvous, ranks_);
    const int worldSize = ranks_.worldSize;
    const int localRanks = ranks_.count;
    ExperimentSpec rankSpec = spec_;
    rankSpec.training.batchSize = spec_.training.batchSize / worldSize;
    const int totalThreads =
        options_.cpuThreads > 0 ? options_.cpuThreads : QThread::idealThreadCount();
    const QString fingerprint =
        QStringLiteral("spec %1, %2 ranks").arg(specHash(spec_).left(12)).arg(worldSize);
    const std::optional<InjectedFailure> injected = injectedFailure();
    std::vector<TrainOutcome> outcomes(static_cast<size_t>(localRanks));

    auto rankMain = [&](int local) {
        const int rank = ranks_.first + local;
        ReplicaSync sync(shared, rank, control_, spec_.training.maxWallTimeS, fingerprint,
                         injected);
        TrainerOptions options = options_;
        options.rank = rank;
        options.worldSize = worldSize;
        options.gradientSync = &sync;
        options.cpuThreads = std::max(1, totalThreads / localRanks);
        if (rank != 0)
            options.checkpointDirectory.clear();
        TrainerCallbacks callbacks;
        callbacks.metric = [&, rank](int64_t step, double epoch, const QString& name,
                                     double value) {
            const double reduced = sync.reduceMetric(name, value);
            if (rank == 0 && callbacks_.metric)
                callbacks_.metric(step, epoch, name, reduced);
        };
        // A process without rank 0 still says how its ranks are doing.
        callbacks.message = [&, local](const QString& line) {
            if (local == 0 && callbacks_.message)
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
            outcomes[size_t(local)] =
                Trainer(rankSpec, data_, shared.rankControl, callbacks, options).run();
        } catch (const std::exception& e) {
            // Told, and recorded, before the connections close: a peer's echo must not come
            // first. An echo is not news to anyone.
            const bool echo = dynamic_cast<const CollectiveError*>(&e) != nullptr;
            if (!echo)
                rendezvous.publishFailure(rank, failureKindOf(e), firstLineOf(e));
            shared.fail(std::current_exception(), echo);
            sync.close();
        } catch (...) {
            rendezvous.publishFailure(rank, FailureKind::Runtime,
                                      QStringLiteral("an unknown error"));
            shared.fail(std::current_exception(), false);
            sync.close();
        }
        shared.markEnded(local);
    };

    if (callbacks_.message)
        callbacks_.message(
            (localRanks == worldSize
                 ? QStringLiteral("data-parallel: %1 CPU ranks (Gloo)").arg(worldSize)
                 : QStringLiteral("data-parallel: ranks %1-%2 of %3 in this process (Gloo)")
                       .arg(ranks_.first)
                       .arg(ranks_.first + localRanks - 1)
                       .arg(worldSize)) +
            QStringLiteral(", %1 samples per rank per batch (global batch %2)")
                .arg(rankSpec.training.batchSize)
                .arg(spec_.training.batchSize));
    std::vector<std::thread> threads;
    // Ranks start one after another: each seeds LibTorch's global generator and initialises its
    // model, which must not interleave with another rank's draws (rank 0's weights, which all
    // ranks receive, would then depend on thread timing).
    for (int local = 0; local < localRanks; ++local) {
        threads.emplace_back(rankMain, local);
        std::unique_lock lock(shared.mutex);
        shared.changed.wait(
            lock, [&] { return shared.ready[size_t(local)] || shared.ended[size_t(local)]; });
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
    if (shared.firstError) {
        // Seen from here, a rank of another process that failed is a connection that closed:
        // its own message says why.
        const auto failed =
            rendezvous.failure(shared.firstIsEcho ? kEchoWait : std::chrono::milliseconds(0));
        if (failed && !ranks_.contains(failed->rank))
            std::rethrow_exception(Rendezvous::failureError(*failed));
        if (shared.firstIsEcho && rendezvous.spansProcesses()) {
            try {
                std::rethrow_exception(shared.firstError);
            } catch (const CollectiveError& e) {
                throw CollectiveError(e.message() +
                                      QStringLiteral(" (a rank of another process stalled or "
                                                     "ended without saying why)"));
            }
        }
        std::rethrow_exception(shared.firstError);
    }
    return outcomes.front();
}

} // namespace trainlab
