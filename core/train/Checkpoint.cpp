#include "train/Checkpoint.h"

#include "model/layers/SeededDropout.h"

#include "base/Errors.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <torch/serialize.h>
#include <unistd.h>

namespace trainlab {

namespace {

torch::Tensor scalarTensor(double value) {
    return torch::tensor(value, torch::kFloat64);
}

double readScalar(torch::serialize::InputArchive& archive, const char* key) {
    torch::Tensor t;
    archive.read(key, t);
    return t.item<double>();
}

QString readText(torch::serialize::InputArchive& archive, const char* key) {
    torch::Tensor bytes;
    archive.read(key, bytes);
    return QString::fromLatin1(
        QByteArray(static_cast<const char*>(bytes.data_ptr()), int(bytes.numel())));
}

torch::Tensor hashTensor(const QString& hash) {
    const QByteArray bytes = hash.toLatin1();
    return torch::from_blob(const_cast<char*>(bytes.constData()), {bytes.size()}, torch::kUInt8)
        .clone();
}

/// Writes an archive to `path` through a temporary file that is synced, then renamed over it:
/// a reader (or a resume after a crash) sees the old checkpoint or the new one, never half of
/// one. The archive is streamed through our own writes rather than LibTorch's file writer,
/// whose failure on a full disk (thrown again from its destructor) ends the process; here a
/// failed write is remembered, the rest of the archive is discarded, and the caller gets an
/// EnvironmentError naming the file.
void writeAtomically(const QString& path, torch::serialize::OutputArchive& archive) {
    const QString folder = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(folder))
        throw EnvironmentError(
            QStringLiteral("%1: cannot write the checkpoint: cannot create the folder").arg(path));
    const QString temporary = path + QStringLiteral(".partial");
    const QByteArray temporaryName = QFile::encodeName(temporary);
    const int fd =
        ::open(temporaryName.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw EnvironmentError(QStringLiteral("%1: cannot write the checkpoint: %2")
                                   .arg(path, QString::fromLocal8Bit(std::strerror(errno))));
    int writeErrno = 0;
    archive.save_to([&](const void* data, size_t size) -> size_t {
        const char* bytes = static_cast<const char*>(data);
        size_t left = writeErrno == 0 ? size : 0;
        while (left > 0) {
            const ssize_t n = ::write(fd, bytes + (size - left), left);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                writeErrno = n < 0 ? errno : ENOSPC;
                break;
            }
            left -= size_t(n);
        }
        return size; // what LibTorch must believe, so it finishes without throwing
    });
    if (writeErrno == 0 && ::fsync(fd) != 0)
        writeErrno = errno;
    if (::close(fd) != 0 && writeErrno == 0)
        writeErrno = errno;
    if (writeErrno == 0 &&
        ::rename(temporaryName.constData(), QFile::encodeName(path).constData()) != 0)
        writeErrno = errno;
    if (writeErrno != 0) {
        ::unlink(temporaryName.constData());
        throw EnvironmentError(QStringLiteral("%1: cannot write the checkpoint: %2")
                                   .arg(path, QString::fromLocal8Bit(std::strerror(writeErrno))));
    }
}

} // namespace

void saveCheckpoint(const QString& path, torch::nn::Sequential& model,
                    torch::optim::Optimizer& optimizer, const TrainerState& state,
                    const CheckpointOwner& owner) {
    torch::serialize::OutputArchive archive;
    torch::serialize::OutputArchive modelArchive;
    model->save(modelArchive);
    archive.write("model", modelArchive);
    torch::serialize::OutputArchive optimizerArchive;
    optimizer.save(optimizerArchive);
    archive.write("optimizer", optimizerArchive);
    archive.write("step", scalarTensor(double(state.step)));
    archive.write("epoch", scalarTensor(state.epoch));
    archive.write("batch_in_epoch", scalarTensor(double(state.batchInEpoch)));
    archive.write("accumulated", scalarTensor(double(state.accumulated)));
    archive.write("plateau_scale", scalarTensor(state.plateauScale));
    archive.write(
        "trackers",
        torch::tensor({state.stopBest, double(state.stopHasBest), double(state.stopBad),
                       state.plateauBest, double(state.plateauHasBest), double(state.plateauBad)},
                      torch::kFloat64));
    {
        auto generator = at::detail::getDefaultCPUGenerator();
        std::lock_guard<std::mutex> lock(generator.mutex());
        archive.write("cpu_rng", generator.get_state());
    }
    const std::vector<at::Tensor> dropoutStates = dropoutGeneratorStates(*model);
    archive.write("dropout_rng_count", scalarTensor(double(dropoutStates.size())));
    for (size_t i = 0; i < dropoutStates.size(); ++i)
        archive.write("dropout_rng_" + std::to_string(i), dropoutStates[i]);
    archive.write("spec_hash", hashTensor(owner.specHash));
    archive.write("workspace", hashTensor(owner.workspaceId));
    archive.write("run", scalarTensor(double(owner.runId)));
    writeAtomically(path, archive);
}

TrainerState loadCheckpoint(const QString& path, torch::nn::Sequential& model,
                            torch::optim::Optimizer& optimizer, const CheckpointOwner& owner) {
    if (!QFileInfo::exists(path))
        throw InputError(QStringLiteral("%1: checkpoint not found").arg(path));
    TrainerState state;
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path.toStdString());
        const QString stored = readText(archive, "spec_hash");
        if (stored != owner.specHash)
            throw InputError(
                QStringLiteral("%1: written for a different spec (hash %2, this run's is "
                               "%3); it cannot be resumed with this spec")
                    .arg(path, stored, owner.specHash));
        torch::Tensor storedRun;
        if (!owner.workspaceId.isEmpty() && archive.try_read("run", storedRun)) {
            const QString workspace = readText(archive, "workspace");
            const auto run = qint64(storedRun.item<double>());
            if (workspace != owner.workspaceId || run != owner.runId)
                throw InputError(
                    QStringLiteral("%1: belongs to run %2 of workspace %3, not to "
                                   "run %4 of this workspace (%5); it is not loaded")
                        .arg(path)
                        .arg(run)
                        .arg(workspace.isEmpty() ? QStringLiteral("(none)") : workspace)
                        .arg(owner.runId)
                        .arg(owner.workspaceId));
        }
        torch::serialize::InputArchive modelArchive;
        archive.read("model", modelArchive);
        model->load(modelArchive);
        torch::serialize::InputArchive optimizerArchive;
        archive.read("optimizer", optimizerArchive);
        optimizer.load(optimizerArchive);
        state.step = int64_t(readScalar(archive, "step"));
        state.epoch = int(readScalar(archive, "epoch"));
        state.batchInEpoch = int64_t(readScalar(archive, "batch_in_epoch"));
        state.accumulated = int64_t(readScalar(archive, "accumulated"));
        state.plateauScale = readScalar(archive, "plateau_scale");
        torch::Tensor trackers;
        archive.read("trackers", trackers);
        const auto t = trackers.to(torch::kFloat64).contiguous();
        const double* v = t.data_ptr<double>();
        state.stopBest = v[0];
        state.stopHasBest = v[1] != 0;
        state.stopBad = int(v[2]);
        state.plateauBest = v[3];
        state.plateauHasBest = v[4] != 0;
        state.plateauBad = int(v[5]);
        torch::Tensor rng;
        archive.read("cpu_rng", rng);
        auto generator = at::detail::getDefaultCPUGenerator();
        std::lock_guard<std::mutex> lock(generator.mutex());
        generator.set_state(rng);
        // Checkpoints from before SeededDropout have no per-layer streams: theirs start afresh.
        torch::Tensor count;
        if (archive.try_read("dropout_rng_count", count)) {
            std::vector<at::Tensor> states(size_t(count.item<double>()));
            for (size_t i = 0; i < states.size(); ++i)
                archive.read("dropout_rng_" + std::to_string(i), states[i]);
            if (!setDropoutGeneratorStates(*model, states))
                throw InputError(
                    QStringLiteral("%1: its dropout layers do not match the model").arg(path));
        }
    } catch (const InputError&) {
        throw;
    } catch (const std::exception& e) {
        throw InputError(
            QStringLiteral("%1: not a readable checkpoint (%2)")
                .arg(path, QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0)));
    }
    return state;
}

void saveWeights(const QString& path, torch::nn::Sequential& model) {
    torch::serialize::OutputArchive archive;
    model->save(archive);
    writeAtomically(path, archive);
}

} // namespace trainlab
