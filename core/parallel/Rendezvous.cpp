#include "parallel/Rendezvous.h"

#include "parallel/RendezvousStore.h"

#include <torch/csrc/distributed/c10d/HashStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>
#include <thread>

namespace trainlab {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kPoll{20};
// How long a finished master keeps serving the store for processes still reading it.
constexpr std::chrono::milliseconds kLeaveWait{2000};

const std::string kFailureKey = "trainlab/failure";
const std::string kFailureCount = "trainlab/failures";
const std::string kJoined = "trainlab/processes_joined";
const std::string kLeft = "trainlab/processes_left";

std::string readyKey(int rank) {
    return "trainlab/ready/" + std::to_string(rank);
}

std::string claimKey(int rank) {
    return "trainlab/claims/" + std::to_string(rank);
}

std::string sharedKey(const QString& key) {
    return "trainlab/shared/" + key.toStdString();
}

std::vector<uint8_t> toBytes(const QByteArray& bytes) {
    return {bytes.begin(), bytes.end()};
}

QByteArray fromBytes(const std::vector<uint8_t>& bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), qsizetype(bytes.size())};
}

QString firstLine(const std::exception& e) {
    return QString::fromLocal8Bit(e.what()).section(QLatin1Char('\n'), 0, 0);
}

} // namespace

c10::intrusive_ptr<c10d::Store> Rendezvous::Store::forRank(const Rendezvous& rendezvous) const {
    if (!rendezvous.layout_)
        return main;
    const ClusterLayout& layout = *rendezvous.layout_;
    c10d::TCPStoreOptions options;
    options.port = layout.masterPort;
    options.isServer = false;
    options.waitWorkers = false;
    options.timeout = rendezvous.timeout_;
    return c10::make_intrusive<c10d::TCPStore>(layout.masterHost.toStdString(), options);
}

Rendezvous::Rendezvous(std::chrono::milliseconds timeout)
    : timeout_(timeout)
    , store_(std::make_unique<Store>()) {
    store_->main = c10::make_intrusive<c10d::HashStore>();
    store_->main->setTimeout(timeout);
}

Rendezvous::Rendezvous(const ClusterLayout& layout)
    : timeout_(layout.timeout)
    , layout_(layout)
    , store_(std::make_unique<Store>()) {
    c10d::TCPStoreOptions options;
    options.port = layout.masterPort;
    options.isServer = layout.isMaster();
    options.waitWorkers = false; // meet() waits, and can say who is missing
    options.timeout = timeout_;
    try {
        store_->main =
            c10::make_intrusive<c10d::TCPStore>(layout.masterHost.toStdString(), options);
        store_->main->add(kJoined, 1);
    } catch (const std::exception& e) {
        throw EnvironmentError(
            layout.isMaster()
                ? QStringLiteral("rendezvous (%1): cannot serve on port %2: %3")
                      .arg(layout.describe())
                      .arg(layout.masterPort)
                      .arg(firstLine(e))
                : QStringLiteral("rendezvous (%1): the master did not answer within %2 s: %3")
                      .arg(layout.describe())
                      .arg(double(timeout_.count()) / 1000.0)
                      .arg(firstLine(e)));
    }
}

Rendezvous::~Rendezvous() {
    if (!layout_ || !store_->main)
        return;
    try {
        store_->main->add(kLeft, 1);
        if (!layout_->isMaster())
            return;
        const auto deadline = Clock::now() + kLeaveWait;
        while (store_->main->add(kLeft, 0) < store_->main->add(kJoined, 0) &&
               Clock::now() < deadline)
            std::this_thread::sleep_for(kPoll);
    } catch (const std::exception&) {
        // The store is gone already: nothing is waiting on it.
    }
}

void Rendezvous::meet(int rank, int worldSize, const QString& fingerprint) {
    c10d::Store& store = *store_->main;
    const QString where = layout_ ? QStringLiteral(" (%1)").arg(layout_->describe()) : QString();
    std::vector<std::string> keys;
    for (int r = 0; r < worldSize; ++r)
        keys.push_back(readyKey(r));
    try {
        if (store.add(claimKey(rank), 1) > 1)
            throw InputError(QStringLiteral("rendezvous%1: rank %2 is claimed by two processes; "
                                            "give each node its own --node-rank (or RANK)")
                                 .arg(where)
                                 .arg(rank));
        store.set(readyKey(rank), toBytes(fingerprint.toUtf8()));
        const auto deadline = Clock::now() + timeout_;
        while (!store.check(keys)) {
            if (const auto failed = failure())
                std::rethrow_exception(failureError(*failed));
            if (Clock::now() >= deadline) {
                QStringList missing;
                for (int r = 0; r < worldSize; ++r) {
                    if (!store.check({readyKey(r)}))
                        missing << QString::number(r);
                }
                throw EnvironmentError(
                    QStringLiteral("rendezvous%1: rank %2 of %3 did not join within %4 s")
                        .arg(where, missing.join(QStringLiteral(", ")))
                        .arg(worldSize)
                        .arg(double(timeout_.count()) / 1000.0));
            }
            std::this_thread::sleep_for(kPoll);
        }
        for (int r = 0; r < worldSize; ++r) {
            const QString theirs = QString::fromUtf8(fromBytes(store.get(readyKey(r))));
            if (theirs != fingerprint)
                throw InputError(QStringLiteral("rendezvous%1: rank %2 trains another spec or "
                                                "world size (%3) than rank %4 (%5); every "
                                                "process of a run must start the same one")
                                     .arg(where)
                                     .arg(r)
                                     .arg(theirs)
                                     .arg(rank)
                                     .arg(fingerprint));
        }
    } catch (const c10::Error& e) {
        throw EnvironmentError(
            QStringLiteral("rendezvous%1: lost the store: %2").arg(where, firstLine(e)));
    }
}

void Rendezvous::publishFailure(int rank, FailureKind kind, const QString& message) {
    try {
        c10d::Store& store = *store_->main;
        if (store.add(kFailureCount, 1) != 1)
            return;
        const QJsonObject json{{QStringLiteral("rank"), rank},
                               {QStringLiteral("kind"), int(kind)},
                               {QStringLiteral("message"), message}};
        store.set(kFailureKey, toBytes(QJsonDocument(json).toJson(QJsonDocument::Compact)));
        // A round trip on the same connection: the server has the message before this rank
        // closes the connections its peers will see close.
        store.check({kFailureKey});
    } catch (const std::exception&) {
        // The store is gone: the peers see the connection drop, without the message.
    }
}

std::optional<RankFailure> Rendezvous::failure(std::chrono::milliseconds wait) {
    const auto deadline = Clock::now() + wait;
    try {
        c10d::Store& store = *store_->main;
        while (true) {
            if (store.check({kFailureKey})) {
                const QJsonObject json =
                    QJsonDocument::fromJson(fromBytes(store.get(kFailureKey))).object();
                RankFailure failed;
                failed.rank = json.value(QStringLiteral("rank")).toInt();
                failed.kind = FailureKind(json.value(QStringLiteral("kind")).toInt());
                failed.message = json.value(QStringLiteral("message")).toString();
                return failed;
            }
            if (Clock::now() >= deadline)
                return std::nullopt;
            std::this_thread::sleep_for(kPoll);
        }
    } catch (const std::exception&) {
        return std::nullopt; // the master is gone: no one can say
    }
}

std::exception_ptr Rendezvous::failureError(const RankFailure& failure) {
    const QString text = QStringLiteral("rank %1: %2").arg(failure.rank).arg(failure.message);
    switch (failure.kind) {
    case FailureKind::BadInput:
        return std::make_exception_ptr(InputError(text));
    case FailureKind::Environment:
        return std::make_exception_ptr(EnvironmentError(text));
    case FailureKind::None:
    case FailureKind::Runtime:
        break;
    }
    return std::make_exception_ptr(RunError(text));
}

void Rendezvous::share(const QString& key, const QByteArray& value) {
    try {
        store_->main->set(sharedKey(key), toBytes(value));
    } catch (const c10::Error& e) {
        throw EnvironmentError(
            QStringLiteral("rendezvous: cannot share %1: %2").arg(key, firstLine(e)));
    }
}

QByteArray Rendezvous::fetch(const QString& key) {
    const std::string name = sharedKey(key);
    const auto deadline = Clock::now() + timeout_;
    try {
        c10d::Store& store = *store_->main;
        while (!store.check({name})) {
            if (const auto failed = failure())
                std::rethrow_exception(failureError(*failed));
            if (Clock::now() >= deadline)
                throw EnvironmentError(
                    QStringLiteral("rendezvous%1: rank 0's process did not share %2 within %3 s")
                        .arg(layout_ ? QStringLiteral(" (%1)").arg(layout_->describe()) : QString(),
                             key)
                        .arg(double(timeout_.count()) / 1000.0));
            std::this_thread::sleep_for(kPoll);
        }
        return fromBytes(store.get(name));
    } catch (const c10::Error& e) {
        throw EnvironmentError(QStringLiteral("rendezvous: lost the store while waiting for %1: %2")
                                   .arg(key, firstLine(e)));
    }
}

} // namespace trainlab
