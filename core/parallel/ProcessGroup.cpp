#include "parallel/ProcessGroup.h"

#include "parallel/RendezvousStore.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>

#include <ATen/ATen.h>
#include <map>
#include <tuple>

namespace trainlab {

struct ProcessGroup::Group {
    c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
};

namespace {

// What c10d or Gloo threw, as one line that says which rank saw it.
QString collectiveFailure(int rank, const char* what, const std::exception& e) {
    QString detail = QString::fromLocal8Bit(e.what()).section(QLatin1Char('\n'), 0, 0);
    return QStringLiteral("data-parallel rank %1: %2 failed: %3")
        .arg(rank)
        .arg(QString::fromLatin1(what), detail);
}

bool isLoopback(const QString& host) {
    return host == QLatin1String("localhost") || host.startsWith(QLatin1String("127.")) ||
           host == QLatin1String("::1");
}

// Where this rank's transport listens for its peers: loopback when they all live on this host;
// else the interface GLOO_SOCKET_IFNAME names (as in PyTorch), or the one this host's name
// resolves to.
std::shared_ptr<gloo::transport::Device> glooDevice(const std::optional<ClusterLayout>& layout) {
    if (!layout || isLoopback(layout->masterHost))
        return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
    const QByteArray ifname = qgetenv("GLOO_SOCKET_IFNAME");
    if (!ifname.isEmpty())
        return c10d::ProcessGroupGloo::createDeviceForInterface(ifname.toStdString());
    return c10d::ProcessGroupGloo::createDefaultDevice();
}

} // namespace

ProcessGroup::ProcessGroup(Rendezvous& rendezvous, int rank, int worldSize)
    : rank_(rank)
    , worldSize_(worldSize)
    , timeout_(rendezvous.timeout())
    , group_(std::make_unique<Group>()) {
    if (rank < 0 || rank >= worldSize_)
        throw std::invalid_argument("ProcessGroup: rank out of range");
    try {
        auto options = c10d::ProcessGroupGloo::Options::create(timeout_);
        options->devices.push_back(glooDevice(rendezvous.layout()));
        // One Gloo worker thread per rank: collectives are issued one at a time anyway.
        options->threads = 1;
        group_->gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(
            rendezvous.store_->forRank(rendezvous), rank, worldSize_, options);
    } catch (const std::exception& e) {
        throw CollectiveError(collectiveFailure(rank, "joining the process group", e));
    }
}

ProcessGroup::~ProcessGroup() = default;

void ProcessGroup::runCollective(at::Tensor& flat, Collective kind, int root) {
    std::vector<at::Tensor> one{flat};
    try {
        c10::intrusive_ptr<c10d::Work> work;
        if (kind == Collective::Sum) {
            work = group_->gloo->allreduce(one);
        } else {
            c10d::BroadcastOptions options;
            options.rootRank = root;
            work = group_->gloo->broadcast(one, options);
        }
        work->wait(timeout_);
    } catch (const std::exception& e) {
        throw CollectiveError(
            collectiveFailure(rank_, kind == Collective::Sum ? "an all-reduce" : "a broadcast", e));
    }
}

void ProcessGroup::bucketed(const std::vector<at::Tensor>& tensors, int64_t bucketBytes,
                            Collective kind, int root) {
    if (worldSize_ == 1)
        return;
    // Buckets hold tensors of one dtype and device, in the order given: every rank passes the
    // same tensors in the same order, so every rank forms the same buckets.
    std::vector<std::vector<at::Tensor>> buckets;
    std::map<std::tuple<int, int, int>, size_t> open; // (dtype, device type, index) -> bucket
    std::vector<int64_t> bytes;
    for (const at::Tensor& tensor : tensors) {
        if (!tensor.defined())
            continue;
        const auto key = std::make_tuple(int(tensor.scalar_type()), int(tensor.device().type()),
                                         int(tensor.device().index()));
        const int64_t size = tensor.numel() * int64_t(tensor.element_size());
        auto it = open.find(key);
        if (it == open.end() || bytes[it->second] + size > bucketBytes) {
            buckets.emplace_back();
            bytes.push_back(0);
            it = open.insert_or_assign(key, buckets.size() - 1).first;
        }
        buckets[it->second].push_back(tensor);
        bytes[it->second] += size;
    }
    for (auto& bucket : buckets) {
        at::Tensor flat = at::cat(
            c10::fmap(bucket, [](const at::Tensor& t) { return t.detach().reshape({-1}); }));
        runCollective(flat, kind, root);
        int64_t offset = 0;
        for (auto& tensor : bucket) {
            const int64_t n = tensor.numel();
            at::NoGradGuard noGrad;
            tensor.copy_(flat.narrow(0, offset, n).view_as(tensor));
            offset += n;
        }
    }
}

void ProcessGroup::allReduceSum(const std::vector<at::Tensor>& tensors, int64_t bucketBytes) {
    bucketed(tensors, bucketBytes, Collective::Sum, 0);
}

void ProcessGroup::allReduceMean(const std::vector<at::Tensor>& tensors, int64_t bucketBytes) {
    if (worldSize_ == 1)
        return;
    bucketed(tensors, bucketBytes, Collective::Sum, 0);
    at::NoGradGuard noGrad;
    for (const at::Tensor& tensor : tensors) {
        if (tensor.defined())
            const_cast<at::Tensor&>(tensor).div_(double(worldSize_));
    }
}

void ProcessGroup::broadcast(const std::vector<at::Tensor>& tensors, int root) {
    bucketed(tensors, kDefaultBucketBytes, Collective::Broadcast, root);
}

std::vector<double> ProcessGroup::sum(const std::vector<double>& values) {
    if (worldSize_ == 1 || values.empty())
        return values;
    at::Tensor flat = at::tensor(at::ArrayRef<double>(values), at::kDouble);
    runCollective(flat, Collective::Sum, 0);
    const double* data = flat.data_ptr<double>();
    return {data, data + values.size()};
}

} // namespace trainlab
