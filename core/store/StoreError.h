#pragma once

#include "base/Errors.h"

namespace trainlab {

/// The workspace database failed: locked by another process, corrupt, unwritable, on a full
/// disk, or written by a newer TrainLab. The message names the file. Retryable errors (a lock
/// held by another process, a full disk) may clear by themselves.
class StoreError : public EnvironmentError {
public:
    explicit StoreError(const QString& message, bool retryable = false)
        : EnvironmentError(message)
        , retryable_(retryable) {}
    bool retryable() const { return retryable_; }

private:
    bool retryable_;
};

/// The file given as a workspace is not one (not SQLite, or another program's database): a
/// mistake in the input, which nothing was written to.
class NotAWorkspaceError : public InputError {
public:
    using InputError::InputError;
};

} // namespace trainlab
