#pragma once

#include "store/RunTable.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QSet>

namespace trainlab {

class HistoryReaderHost;

/// The runs table at any size: a tree whose top rows are runs and sweeps, a sweep's rows its
/// trials (or a flat list when not grouped). It keeps the ordered ids of the current sort and
/// filter (one query on the history reader's thread) and reads row data a page at a time,
/// showing a placeholder until the page arrives; at most kMaxCachedRows rows are kept, the
/// least recently shown going first. Sorting and filtering happen in SQL.
///
/// A tree model rather than a proxy over a flat table: the store answers with ids already
/// ordered and grouped only here, and a real tree gives QTreeView's expansion, keyboard and
/// selection handling, kept across refreshes through persistent indexes.
class RunsTreeModel : public QAbstractItemModel {
    Q_OBJECT
public:
    /// The fixed columns. The hyperparameter and metric columns the user chose follow them.
    enum Column { Id, Name, Status, Tags, Note, Started, DeviceTime, Energy, Cost, Count };
    static constexpr int RunIdRole = Qt::UserRole + 1;
    static constexpr int SweepIdRole = Qt::UserRole + 2;
    /// True once the row's data has arrived (false: a placeholder).
    static constexpr int LoadedRole = Qt::UserRole + 3;
    static constexpr int kDefaultPageRows = 100;
    static constexpr int kMaxCachedRows = 1000;

    explicit RunsTreeModel(HistoryReaderHost* history, QObject* parent = nullptr);
    ~RunsTreeModel() override;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    /// Asks the store for the new order; the rows move when it answers.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    void setFilter(const RunFilter& filter);
    const RunFilter& filter() const { return query_.filter; }
    const RunSortKey& sortKey() const { return query_.sort; }
    void setSortKey(const RunSortKey& key);
    /// Grouped: a sweep's trials are the children of its row, placed where its first trial
    /// falls in the order. Else every run is a top row.
    void setGrouped(bool grouped);
    bool grouped() const { return grouped_; }
    /// Chosen columns after the fixed ones: "param:ADDRESS", "final:METRIC", "best:METRIC".
    void setExtraColumns(const QStringList& keys);
    const QStringList& extraColumns() const { return extraColumns_; }
    /// The sort column and order of a sort key, for the header's indicator (-1: none shown).
    int columnOf(const RunSortKey& key) const;
    /// The hyperparameters, metrics, tags and sweeps the workspace has (for menus, filters);
    /// read once the first rows arrived, and again when runs come or go.
    const RunColumnCatalog& catalog() const { return catalog_; }
    /// Rows per page request and rows kept (tests use small figures).
    void setPageRows(int rows);
    void setCacheLimit(int rows);
    /// Reads the hyperparameters, metrics, tags and sweeps again (catalogLoaded follows).
    void reloadCatalog();

    /// The workspace changed: reads the order again, then the rows on show (they keep showing
    /// what they showed until then), and the catalog.
    void refresh();

    qint64 runIdAt(const QModelIndex& index) const;
    /// A sweep row's sweep, or a trial's.
    qint64 sweepIdAt(const QModelIndex& index) const;
    QModelIndex indexOf(qint64 runId, int column = 0) const;
    QModelIndex indexOfSweep(qint64 sweepId, int column = 0) const;
    /// The runs a row stands for: itself, or a sweep row's trials (as filtered).
    QList<qint64> runIdsUnder(const QModelIndex& index) const;
    /// The row data of `runId`, when it has arrived; nullptr otherwise.
    const RunTableRow* row(qint64 runId) const;
    /// Runs matching the filter, and in the workspace.
    int matchingRuns() const { return int(order_.size()); }
    qint64 totalRuns() const { return totalRuns_; }
    /// False until the first order arrived.
    bool ready() const { return ready_; }
    /// Rows cached now (tests check the bound).
    int cachedRows() const { return int(cache_.size()); }

Q_SIGNALS:
    /// A new order (after a sort, a filter or a change in the workspace) is in place.
    void orderLoaded();
    /// The data of these runs arrived.
    void rowsLoaded(const QList<qint64>& runIds);
    void catalogLoaded();

private:
    struct Node {
        qint64 runId = 0;   ///< a run row
        qint64 sweepId = 0; ///< a sweep row (runId 0)
        QVector<qint64> children;
    };
    struct Place {
        int top = -1;
        int child = -1; ///< -1: a top row
        qint64 sweep = 0;
    };
    struct CachedRow {
        RunTableRow data;
        bool missing = false; ///< asked for but gone (deleted since the order was read)
        quint64 generation = 0;
        quint64 lastUse = 0;
    };
    struct RowsRequest {
        quint64 page = 0;
        quint64 generation = 0;
        QVector<qint64> ids;
    };
    /// What a persistent index points at, to find it again after the order changed.
    struct Identity {
        qint64 runId = 0;
        qint64 sweepId = 0;
    };

    void requestOrder();
    void onOrderLoaded(quint64 request, const RunTableIndex& index);
    void onRowsLoaded(quint64 request, const QVector<RunTableRow>& rows);
    void onCatalogLoaded(const RunColumnCatalog& catalog);
    QVector<Node> buildTree(const QVector<RunTableKey>& order) const;
    void place(QVector<Node> tree);
    void assign(QVector<Node> tree);
    Identity identityOf(const QModelIndex& index) const;
    QModelIndex indexOf(const Identity& identity, int column) const;
    /// The cached row of `runId` if any; asks for its page when it is missing or stale.
    const CachedRow* fetch(qint64 runId) const;
    void requestPage(const Place& at) const;
    void evict();
    QVariant runData(qint64 runId, int column, int role) const;
    QVariant sweepData(const Node& node, int column, int role) const;
    QStringList paramColumns() const;
    RunSortKey sortKeyOf(int column, Qt::SortOrder order) const;

    HistoryReaderHost* history_;
    RunTableQuery query_;
    bool grouped_ = true;
    QStringList extraColumns_;
    RunColumnCatalog catalog_;
    int pageRows_ = kDefaultPageRows;
    int cacheLimit_ = kMaxCachedRows;

    QVector<RunTableKey> order_;
    QVector<Node> top_;
    QHash<qint64, Place> places_;  ///< run id -> where it is
    QHash<qint64, int> sweepRows_; ///< sweep id -> its top row
    QHash<qint64, RunTableSweep> sweeps_;
    qint64 totalRuns_ = 0;
    bool ready_ = false;
    bool catalogAsked_ = false;
    quint64 orderRequest_ = 0;

    // Rows are fetched lazily from const data(): the cache and requests are bookkeeping.
    mutable QHash<qint64, CachedRow> cache_;
    mutable QSet<quint64> pendingPages_; ///< (parent sweep, page) keys asked for
    mutable QHash<quint64, RowsRequest> requests_;
    mutable quint64 rowsRequest_ = 0;
    mutable quint64 useClock_ = 0;
    quint64 generation_ = 1; ///< rows read before a refresh are stale
};

} // namespace trainlab
