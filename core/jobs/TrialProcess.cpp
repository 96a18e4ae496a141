#include "jobs/TrialProcess.h"

#include <QElapsedTimer>
#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace trainlab {

OutputTail::OutputTail(qsizetype limit)
    : ring_(size_t(std::max<qsizetype>(0, limit))) {}

void OutputTail::append(const char* data, qsizetype size) {
    const size_t capacity = ring_.size();
    if (size <= 0 || capacity == 0)
        return;
    auto n = size_t(size);
    if (n > capacity) { // only its end can be kept
        data += n - capacity;
        n = capacity;
        truncated_ = true;
    }
    truncated_ = truncated_ || held_ + n > capacity;
    const size_t first = std::min(n, capacity - next_);
    std::memcpy(ring_.data() + next_, data, first);
    std::memcpy(ring_.data(), data + first, n - first);
    next_ = (next_ + n) % capacity;
    held_ = std::min(capacity, held_ + n);
}

QByteArray OutputTail::bytes() const {
    if (held_ < ring_.size())
        return QByteArray(ring_.data(), qsizetype(held_)); // never wrapped: it starts at 0
    QByteArray all(ring_.data() + next_, qsizetype(ring_.size() - next_));
    all.append(ring_.data(), qsizetype(next_));
    return all;
}

namespace {

constexpr int kPollMs = 100;
constexpr qsizetype kReadChunk = 64 * 1024;

void closeFd(int& fd) {
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

/// Starts argv in a new process group whose id is the child's pid; stdout and stderr go to
/// the given pipe ends. Returns the child's pid, or 0 with `error` set.
pid_t spawnInOwnGroup(const QStringList& argv, int outFd, int errFd, QString& error) {
    std::vector<QByteArray> storage;
    std::vector<char*> args;
    for (const QString& arg : argv)
        storage.push_back(arg.toLocal8Bit());
    for (QByteArray& arg : storage)
        args.push_back(arg.data());
    args.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, outFd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, errFd, STDERR_FILENO);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    // The CLI handles Ctrl-C itself and threads may block signals: the program starts with
    // the defaults, as it would from a shell.
    sigset_t none;
    sigemptyset(&none);
    sigset_t defaults;
    sigemptyset(&defaults);
    for (int s : {SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT})
        sigaddset(&defaults, s);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                              POSIX_SPAWN_SETSIGDEF);
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, args.front(), &actions, &attributes, args.data(), environ);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        error = QString::fromLocal8Bit(std::strerror(rc));
        return 0;
    }
    // Also from this side, so the group exists whichever process runs first (fails harmlessly
    // once the child has exec'd).
    ::setpgid(pid, pid);
    return pid;
}

/// True once the child has ended; it is left unreaped, so its pid keeps naming its group
/// (a pid is not reused while its zombie or its group exists) until the group is killed.
bool hasEnded(pid_t pid) {
    siginfo_t info{};
    info.si_pid = 0;
    if (::waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0)
        return info.si_pid == pid;
    // ECHILD: someone reaped it already (SIGCHLD ignored): it is gone, status unknown.
    return errno == ECHILD;
}

/// Reads once from `fd` into `tail`; closes it at the end of the stream.
void readOnce(int& fd, OutputTail& tail, std::vector<char>& buffer) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n > 0)
        tail.append(buffer.data(), qsizetype(n));
    else if (n == 0 || (errno != EINTR && errno != EAGAIN))
        closeFd(fd);
}

/// Takes what is already in the pipe without waiting for writers that may never close it.
void drainAvailable(int& fd, OutputTail& tail, std::vector<char>& buffer) {
    if (fd < 0)
        return;
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    while (fd >= 0) {
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n > 0) {
            tail.append(buffer.data(), qsizetype(n));
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0 || errno != EAGAIN)
            closeFd(fd);
        return;
    }
}

} // namespace

TrialProcessResult runInOwnGroup(const QStringList& argv, double timeoutS,
                                 const std::atomic<bool>* cancel, qsizetype tailBytes) {
    TrialProcessResult result;
    QElapsedTimer timer;
    timer.start();
    if (argv.isEmpty()) {
        result.end = TrialProcessResult::End::NotStarted;
        result.startError = QStringLiteral("no program given");
        return result;
    }
    std::array<int, 2> outPipe{-1, -1};
    std::array<int, 2> errPipe{-1, -1};
    if (::pipe2(outPipe.data(), O_CLOEXEC) != 0 || ::pipe2(errPipe.data(), O_CLOEXEC) != 0) {
        result.end = TrialProcessResult::End::NotStarted;
        result.startError = QString::fromLocal8Bit(std::strerror(errno));
        for (int& fd : outPipe)
            closeFd(fd);
        for (int& fd : errPipe)
            closeFd(fd);
        return result;
    }
    const pid_t pid = spawnInOwnGroup(argv, outPipe[1], errPipe[1], result.startError);
    closeFd(outPipe[1]);
    closeFd(errPipe[1]);
    int outFd = outPipe[0];
    int errFd = errPipe[0];
    if (pid == 0) {
        closeFd(outFd);
        closeFd(errFd);
        result.end = TrialProcessResult::End::NotStarted;
        return result;
    }

    OutputTail out(tailBytes);
    OutputTail err(tailBytes);
    std::vector<char> buffer(kReadChunk);
    while (true) {
        if (hasEnded(pid)) {
            result.end = TrialProcessResult::End::Exited; // refined from the status below
            break;
        }
        if (timeoutS > 0 && double(timer.elapsed()) / 1000.0 > timeoutS) {
            result.end = TrialProcessResult::End::TimedOut;
            break;
        }
        if (cancel && cancel->load()) {
            result.end = TrialProcessResult::End::Cancelled;
            break;
        }
        // Closed ends are negative and ignored; with both closed this only waits.
        std::array<pollfd, 2> fds{pollfd{outFd, POLLIN, 0}, pollfd{errFd, POLLIN, 0}};
        if (::poll(fds.data(), fds.size(), kPollMs) > 0) {
            if (fds[0].revents != 0)
                readOnce(outFd, out, buffer);
            if (fds[1].revents != 0)
                readOnce(errFd, err, buffer);
        }
    }
    // Whatever remains of the group goes now: the program's own children on a normal exit, the
    // whole tree on a timeout or a cancel. The unreaped leader keeps the group's id ours.
    ::kill(-pid, SIGKILL);
    drainAvailable(outFd, out, buffer);
    drainAvailable(errFd, err, buffer);
    closeFd(outFd);
    closeFd(errFd);
    int status = 0;
    pid_t reaped = -1;
    do {
        reaped = ::waitpid(pid, &status, 0);
    } while (reaped < 0 && errno == EINTR);
    if (result.end == TrialProcessResult::End::Exited) {
        if (reaped != pid) {
            result.end = TrialProcessResult::End::Signalled; // no status to tell success by
        } else if (WIFEXITED(status)) {
            result.exitCode = WEXITSTATUS(status);
        } else {
            result.end = TrialProcessResult::End::Signalled;
            result.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        }
    }
    result.stdoutTail = out.bytes();
    result.stderrTail = err.bytes();
    result.seconds = double(timer.elapsed()) / 1000.0;
    return result;
}

} // namespace trainlab
