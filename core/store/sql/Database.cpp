#include "store/sql/Database.h"

#include "store/ProcessToken.h"
#include "store/sql/Migrations.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include <sqlite3.h>
#include <sys/stat.h>

namespace trainlab {

namespace {

QString describeSqliteError(int code, sqlite3* db) {
    switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return QStringLiteral("the database is locked by another process (waited %1 s)")
            .arg(double(Database::busyTimeoutMs()) / 1000.0);
    case SQLITE_NOTADB:
        return QStringLiteral("not a TrainLab database (the file is not SQLite)");
    case SQLITE_CORRUPT:
        return QStringLiteral("the database file is corrupt");
    case SQLITE_READONLY:
        return QStringLiteral("the database is read-only");
    case SQLITE_CANTOPEN:
        return QStringLiteral("cannot open the file (missing folder or no permission)");
    case SQLITE_FULL:
        return QStringLiteral("the disk is full");
    default:
        break;
    }
    return db ? QString::fromUtf8(sqlite3_errmsg(db)) : QString::fromUtf8(sqlite3_errstr(code));
}

} // namespace

// ---- Statement -------------------------------------------------------------------------------

Statement::Statement(Database& db, const char* sql)
    : db_(db) {
    if (sqlite3_prepare_v2(db.handle(), sql, -1, &stmt_, nullptr) != SQLITE_OK)
        db_.fail(QStringLiteral("cannot prepare a query"));
}

Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, qint64 value) {
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
}

Statement& Statement::bind(int index, double value) {
    sqlite3_bind_double(stmt_, index, value);
    return *this;
}

Statement& Statement::bind(int index, const QString& value) {
    const QByteArray utf8 = value.toUtf8();
    sqlite3_bind_text(stmt_, index, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement& Statement::bindNull(int index) {
    sqlite3_bind_null(stmt_, index);
    return *this;
}

Statement& Statement::bind(int index, const QVariant& value) {
    if (value.isNull())
        return bindNull(index);
    switch (value.typeId()) {
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::UInt:
    case QMetaType::Bool:
        return bind(index, value.toLongLong());
    case QMetaType::Double:
    case QMetaType::Float:
        return bind(index, value.toDouble());
    default:
        return bind(index, value.toString());
    }
}

bool Statement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    db_.fail(QStringLiteral("query failed"));
}

void Statement::run() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

bool Statement::isNull(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

qint64 Statement::int64(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

double Statement::real(int column) const {
    return sqlite3_column_double(stmt_, column);
}

QString Statement::text(int column) const {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return data ? QString::fromUtf8(data, sqlite3_column_bytes(stmt_, column)) : QString();
}

QVariant Statement::value(int column) const {
    switch (sqlite3_column_type(stmt_, column)) {
    case SQLITE_INTEGER:
        return int64(column);
    case SQLITE_FLOAT:
        return real(column);
    case SQLITE_NULL:
        return {};
    default:
        return text(column);
    }
}

// ---- Database --------------------------------------------------------------------------------

Database::Database(const QString& path, Mode mode)
    : path_(path)
    , mode_(mode) {
    open();
}

void Database::open() {
    const bool readOnly = mode_ == Mode::ReadOnly;
    if (readOnly && !QFileInfo::exists(path_))
        throw StoreError(QStringLiteral("%1: no such database").arg(path_));
    if (!readOnly) {
        const QString dir = QFileInfo(path_).absolutePath();
        if (!QDir().mkpath(dir))
            throw StoreError(QStringLiteral("%1: cannot create the folder %2").arg(path_, dir));
    }
    const int flags =
        readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    const int rc =
        sqlite3_open_v2(path_.toUtf8().constData(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        const QString message = describeSqliteError(rc, db_);
        sqlite3_close(db_);
        db_ = nullptr;
        throw StoreError(QStringLiteral("%1: %2").arg(path_, message));
    }
    sqlite3_busy_timeout(db_, busyTimeoutMs());
    sqlite3_extended_result_codes(db_, 1);
    try {
        // Reading the schema first makes a non-database file fail here, before any write.
        const int version = schemaVersion();
        if (version > latestSchemaVersion())
            throw StoreError(QStringLiteral("%1: written by a newer TrainLab (schema version %2; "
                                            "this build reads up to %3). It was not modified; "
                                            "use a newer TrainLab.")
                                 .arg(path_)
                                 .arg(version)
                                 .arg(latestSchemaVersion()));
        if (version == 0)
            refuseForeignDatabase();
        if (readOnly) {
            exec("PRAGMA foreign_keys = ON");
            // Readers scan the runs table whole (the runs list orders and filters it in SQL);
            // with 10,000 runs it spans some 15 MB of pages spread between the metric rows. A
            // cache that holds it makes a second scan a memory walk instead of a read of each
            // page from the OS (several times faster); it grows only as far as pages are read.
            exec("PRAGMA cache_size = -32768");
        }
        if (!readOnly) {
            exec("PRAGMA journal_mode = WAL");
            exec("PRAGMA synchronous = NORMAL");
            // Before foreign keys are on: a migration that rebuilds a table must not cascade.
            migrate();
            exec("PRAGMA foreign_keys = ON");
            markInterruptedRuns();
        } else if (version < latestSchemaVersion()) {
            throw StoreError(QStringLiteral("%1: schema version %2 is older than this build's "
                                            "%3; open it read-write once to upgrade it")
                                 .arg(path_)
                                 .arg(version)
                                 .arg(latestSchemaVersion()));
        }
    } catch (...) {
        sqlite3_close(db_);
        db_ = nullptr;
        throw;
    }
    walDevice_ = 0;
    walInode_ = 0;
    rememberWal();
}

Database::~Database() {
    close(true);
}

void Database::close(bool checkpoint) {
    if (!db_)
        return;
    // A stale connection must not write its old WAL over pages another process has since
    // changed, nor unlink the WAL path that now belongs to someone else: closing without a
    // checkpoint does neither.
    if (!checkpoint)
        sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    sqlite3_close(db_);
    db_ = nullptr;
}

void Database::rememberWal() {
    struct stat info {};
    if (::stat((path_ + QStringLiteral("-wal")).toUtf8().constData(), &info) == 0) {
        walDevice_ = quint64(info.st_dev);
        walInode_ = quint64(info.st_ino);
    }
}

bool Database::walReplaced() {
    if (walInode_ == 0) {
        rememberWal(); // a reader opens its WAL on its first query
        return false;
    }
    struct stat info {};
    if (::stat((path_ + QStringLiteral("-wal")).toUtf8().constData(), &info) != 0)
        return true;
    return quint64(info.st_dev) != walDevice_ || quint64(info.st_ino) != walInode_;
}

void Database::reconnect() {
    close(false);
    open();
}

void Database::fail(const QString& what) const {
    const int code = db_ ? sqlite3_extended_errcode(db_) : SQLITE_ERROR;
    const QString message =
        QStringLiteral("%1: %2: %3").arg(path_, what, describeSqliteError(code, db_));
    if ((code & 0xff) == SQLITE_NOTADB)
        throw NotAWorkspaceError(message);
    // Another process's lock or a full disk may clear: the writer retries those.
    const int primary = code & 0xff;
    throw StoreError(message,
                     primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_FULL);
}

void Database::exec(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
        sqlite3_free(message);
        fail(QStringLiteral("cannot run '%1'").arg(QString::fromUtf8(sql).left(60).simplified()));
    }
}

int Database::schemaVersion() {
    Statement exists(*this, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                            "name = 'schema_version'");
    exists.step();
    if (exists.int64(0) == 0)
        return 0;
    Statement version(*this, "SELECT max(version) FROM schema_version");
    return version.step() ? int(version.int64(0)) : 0;
}

qint64 Database::lastInsertId() const {
    return sqlite3_last_insert_rowid(db_);
}

int Database::busyTimeoutMs() {
    static const int timeoutMs = [] {
        bool ok = false;
        const int fromEnvironment =
            qEnvironmentVariableIntValue("TRAINLAB_DB_BUSY_TIMEOUT_MS", &ok);
        return ok && fromEnvironment >= 0 ? fromEnvironment : kDefaultBusyTimeoutMs;
    }();
    return timeoutMs;
}

int Database::latestSchemaVersion() {
    return schemaMigrations().back().version;
}

QString Database::defaultPath() {
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return QDir(dir.isEmpty() ? QDir::homePath() + QStringLiteral("/.local/share/trainlab") : dir)
        .filePath(QStringLiteral("trainlab.db"));
}

QString Database::workspaceFolder(const QString& path) {
    const QFileInfo info(path);
    const QString name =
        info.suffix() == QLatin1String("db") ? info.completeBaseName() : info.fileName();
    return info.absoluteDir().filePath(name + QStringLiteral(".trainlab"));
}

QString Database::workspaceId() {
    Statement select(*this, "SELECT id FROM workspace LIMIT 1");
    return select.step() ? select.text(0) : QString();
}

void Database::migrate() {
    Transaction transaction(*this);
    exec("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL, applied TEXT)");
    // Re-read inside the write transaction: another process may have migrated meanwhile.
    const int current = schemaVersion();
    for (const Migration& migration : schemaMigrations()) {
        if (migration.version <= current)
            continue;
        exec(migration.sql);
        Statement record(*this, "INSERT INTO schema_version(version, applied) VALUES(?, ?)");
        record.bind(1, migration.version)
            .bind(2, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs))
            .run();
    }
    transaction.commit();
}

void Database::refuseForeignDatabase() {
    Statement tables(*this, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                            "LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name LIMIT 5");
    QStringList names;
    while (tables.step())
        names << tables.text(0);
    if (!names.isEmpty())
        throw NotAWorkspaceError(
            QStringLiteral("%1: not a TrainLab workspace (an SQLite database with the tables %2); "
                           "it was not modified")
                .arg(path_, names.join(QStringLiteral(", "))));
}

void Database::markInterruptedRuns() {
    Transaction transaction(*this);
    Statement running(*this, "SELECT id, owner FROM runs WHERE status = 'running'");
    Statement mark(*this, "UPDATE runs SET status = 'interrupted', ended = ?, error = "
                          "coalesce(error, 'the process running it ended unexpectedly') "
                          "WHERE id = ?");
    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    while (running.step()) {
        if (!isProcessAlive(running.text(1)))
            mark.bind(1, now).bind(2, running.int64(0)).run();
    }
    if (schemaVersion() >= 3) {
        Statement sweeps(*this, "SELECT id, owner FROM sweeps WHERE status = 'running'");
        Statement markSweep(*this,
                            "UPDATE sweeps SET status = 'interrupted', ended = ? WHERE id = ?");
        while (sweeps.step()) {
            if (!isProcessAlive(sweeps.text(1)))
                markSweep.bind(1, now).bind(2, sweeps.int64(0)).run();
        }
    }
    transaction.commit();
}

// ---- Transaction -----------------------------------------------------------------------------

Transaction::Transaction(Database& db, bool immediate)
    : db_(db) {
    if (sqlite3_exec(db_.handle(), immediate ? "BEGIN IMMEDIATE" : "BEGIN", nullptr, nullptr,
                     nullptr) != SQLITE_OK)
        db_.fail(QStringLiteral("cannot start writing"));
}

Transaction::~Transaction() {
    if (open_)
        sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
    db_.exec("COMMIT");
    open_ = false;
}

QString jsonIdArray(const QList<qint64>& ids) {
    QString text = QStringLiteral("[");
    for (qsizetype i = 0; i < ids.size(); ++i)
        text += (i > 0 ? QStringLiteral(",") : QString()) + QString::number(ids[i]);
    return text + QLatin1Char(']');
}

} // namespace trainlab
