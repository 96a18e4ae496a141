#pragma once

#include "store/sql/Private.h"

#include "store/StoreError.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QVariant>
#include <memory>
#include <optional>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace trainlab {

class Database;

/// A prepared statement. Bind indices start at 1, column indices at 0.
class Statement {
public:
    Statement(Database& db, const char* sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, qint64 value);
    Statement& bind(int index, int value) { return bind(index, qint64(value)); }
    Statement& bind(int index, double value);
    Statement& bind(int index, const QString& value);
    Statement& bindNull(int index);
    /// Binds a null when the variant is null, else by its type.
    Statement& bind(int index, const QVariant& value);

    /// Advances to the next row; false when done.
    bool step();
    /// Runs a statement that returns no rows, then resets it for reuse.
    void run();
    void reset();

    bool isNull(int column) const;
    qint64 int64(int column) const;
    double real(int column) const;
    QString text(int column) const;
    QVariant value(int column) const;

private:
    Database& db_;
    sqlite3_stmt* stmt_ = nullptr;
};

/// One SQLite connection to a TrainLab workspace file.
///
/// open() with ReadWrite creates the file if needed, switches it to WAL, applies forward
/// migrations and marks runs whose owning process is gone as `interrupted`. A file written by
/// a newer TrainLab is refused before anything is changed.
class Database {
public:
    enum class Mode { Invalid, ReadWrite, ReadOnly };

    Database(const QString& path, Mode mode);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    const QString& path() const { return path_; }
    sqlite3* handle() const { return db_; }

    /// True when the write-ahead log this connection uses is no longer the file on disk.
    /// While a connection is open, nobody may delete its WAL; when it happened anyway, this
    /// process lost its locks (something opened and closed the database file through another
    /// descriptor, see DESIGN.md, Storage), another process checkpointed and deleted the WAL,
    /// and writes through this connection would go to a file nobody reads.
    bool walReplaced();
    /// Closes the connection without checkpointing its (stale) WAL into the database and opens
    /// a fresh one. No statement may be alive on this connection.
    void reconnect();

    void exec(const char* sql);
    int schemaVersion();
    qint64 lastInsertId() const;

    /// Throws StoreError naming the file and what went wrong.
    [[noreturn]] void fail(const QString& what) const;

    /// The database path used when --db is not given: AppDataLocation/trainlab.db.
    static QString defaultPath();

    /// The folder that belongs to the workspace at `path` alone: `<name>.db` ->
    /// `<name>.trainlab`, any other file name gets `.trainlab` appended.
    static QString workspaceFolder(const QString& path);

    /// This workspace's random identity, made when it was created.
    QString workspaceId();

    /// How long one statement waits for another process's lock before it fails as locked:
    /// kDefaultBusyTimeoutMs, or $TRAINLAB_DB_BUSY_TIMEOUT_MS (read once; tests shorten it so a
    /// lock held "forever" is given up on in seconds).
    static int busyTimeoutMs();
    static constexpr int kDefaultBusyTimeoutMs = 10000;

    /// The newest schema this build knows.
    static int latestSchemaVersion();

private:
    void open();
    void close(bool checkpoint);
    void migrate();
    void markInterruptedRuns();
    /// An SQLite file with tables but no TrainLab schema belongs to another program.
    void refuseForeignDatabase();
    void rememberWal();

    QString path_;
    Mode mode_ = Mode::Invalid;
    sqlite3* db_ = nullptr;
    /// The WAL file's identity when this connection last knew it (0: not known yet).
    quint64 walDevice_ = 0;
    quint64 walInode_ = 0;
};

/// Every row of a query, each read by `read(statement)`; `args` bind to its ?s in order.
template <typename T, typename Read, typename... Args>
std::vector<T> queryAll(Database& db, const QByteArray& sql, Read read, const Args&... args) {
    Statement select(db, sql.constData());
    int index = 1;
    (select.bind(index++, args), ...);
    std::vector<T> rows;
    while (select.step())
        rows.push_back(read(select));
    return rows;
}

/// The first row of a query, if any.
template <typename T, typename Read, typename... Args>
std::optional<T> queryOne(Database& db, const QByteArray& sql, Read read, const Args&... args) {
    Statement select(db, sql.constData());
    int index = 1;
    (select.bind(index++, args), ...);
    if (!select.step())
        return std::nullopt;
    return read(select);
}

/// `ids` as a JSON array, for `x IN (SELECT value FROM json_each(?))`: one statement and one
/// bind whatever their number.
QString jsonIdArray(const QList<qint64>& ids);

/// RAII transaction: commits in commit(), rolls back if destroyed before.
class Transaction {
public:
    explicit Transaction(Database& db, bool immediate = true);
    ~Transaction();
    void commit();

private:
    Database& db_;
    bool open_ = true;
};

} // namespace trainlab
