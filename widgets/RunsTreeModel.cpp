#include "RunsTreeModel.h"

#include "RunColumns.h"

#include "store/HistoryReader.h"

#include <algorithm>

namespace trainlab {

namespace {

/// A (parent sweep, page) pair as one key; parent 0 is the top level.
quint64 pageKey(qint64 parentSweep, int page) {
    return (quint64(parentSweep) << 32) | quint32(page);
}

} // namespace

RunsTreeModel::RunsTreeModel(HistoryReaderHost* history, QObject* parent)
    : QAbstractItemModel(parent)
    , history_(history) {
    HistoryReader* reader = history_->reader();
    connect(reader, &HistoryReader::runTableLoaded, this, &RunsTreeModel::onOrderLoaded);
    connect(reader, &HistoryReader::runRowsLoaded, this, &RunsTreeModel::onRowsLoaded);
    connect(reader, &HistoryReader::runColumnsLoaded, this, &RunsTreeModel::onCatalogLoaded);
    // The catalog waits for the first rows: on a big workspace its query would hold the
    // reader's thread while the first screen waits.
    requestOrder();
}

RunsTreeModel::~RunsTreeModel() = default;

// ---- the item model --------------------------------------------------------------------------

QModelIndex RunsTreeModel::index(int row, int column, const QModelIndex& parent) const {
    if (column < 0 || column >= columnCount() || row < 0)
        return {};
    if (!parent.isValid())
        return row < top_.size() ? createIndex(row, column, quintptr(0)) : QModelIndex();
    if (parent.internalId() != 0 || parent.column() != 0 || parent.row() >= top_.size())
        return {};
    // A child's internal id is its parent's row + 1 (0 marks a top row).
    return row < top_[parent.row()].children.size()
               ? createIndex(row, column, quintptr(parent.row() + 1))
               : QModelIndex();
}

QModelIndex RunsTreeModel::parent(const QModelIndex& child) const {
    if (!child.isValid() || child.internalId() == 0)
        return {};
    return createIndex(int(child.internalId() - 1), 0, quintptr(0));
}

int RunsTreeModel::rowCount(const QModelIndex& parent) const {
    if (!parent.isValid())
        return int(top_.size());
    if (parent.internalId() != 0 || parent.column() != 0 || parent.row() >= top_.size())
        return 0;
    return int(top_[parent.row()].children.size());
}

int RunsTreeModel::columnCount(const QModelIndex&) const {
    return Count + int(extraColumns_.size());
}

QVariant RunsTreeModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == 0) {
        const Node& node = top_[index.row()];
        return node.runId == 0 ? sweepData(node, index.column(), role)
                               : runData(node.runId, index.column(), role);
    }
    return runData(top_[int(index.internalId() - 1)].children[index.row()], index.column(), role);
}

void RunsTreeModel::sort(int column, Qt::SortOrder order) {
    const RunSortKey key = sortKeyOf(column, order);
    if (key.kind != RunSortKey::Kind::Invalid)
        setSortKey(key);
}

// ---- the query -------------------------------------------------------------------------------

RunSortKey RunsTreeModel::sortKeyOf(int column, Qt::SortOrder order) const {
    RunSortKey key;
    key.descending = order == Qt::DescendingOrder;
    if (column >= Count)
        return RunColumn::parse(extraColumns_.value(column - Count)).sortKey(key.descending);
    static const RunField fields[Count] = {
        RunField::Id,      RunField::Name,        RunField::Status,  RunField::Tags, RunField::Note,
        RunField::Started, RunField::DeviceHours, RunField::EnergyJ, RunField::Cost};
    if (column < 0)
        key.kind = RunSortKey::Kind::Invalid;
    else
        key.field = fields[column];
    return key;
}

int RunsTreeModel::columnOf(const RunSortKey& key) const {
    for (int column = 0; column < columnCount(); ++column) {
        const RunSortKey candidate = sortKeyOf(column, Qt::AscendingOrder);
        if (candidate.kind == key.kind && candidate.field == key.field &&
            candidate.name == key.name)
            return column;
    }
    return -1;
}

void RunsTreeModel::setSortKey(const RunSortKey& key) {
    const RunSortKey& now = query_.sort;
    if (now.kind == key.kind && now.field == key.field && now.name == key.name &&
        now.descending == key.descending)
        return;
    query_.sort = key;
    requestOrder();
}

void RunsTreeModel::setFilter(const RunFilter& filter) {
    const RunFilter& now = query_.filter;
    if (now.text == filter.text && now.status == filter.status && now.sweep == filter.sweep &&
        now.tag == filter.tag && now.runs == filter.runs)
        return;
    query_.filter = filter;
    requestOrder();
}

void RunsTreeModel::setGrouped(bool grouped) {
    if (grouped == grouped_)
        return;
    grouped_ = grouped;
    if (ready_)
        place(buildTree(order_));
}

QStringList RunsTreeModel::paramColumns() const {
    QStringList params;
    for (const QString& key : extraColumns_) {
        const RunColumn column = RunColumn::parse(key);
        if (column.kind == RunColumn::Kind::Param)
            params << column.name;
    }
    return params;
}

void RunsTreeModel::setExtraColumns(const QStringList& keys) {
    QStringList valid;
    for (const QString& key : keys)
        if (RunColumn::parse(key).kind != RunColumn::Kind::Invalid && !valid.contains(key))
            valid << key;
    if (valid == extraColumns_)
        return;
    const QStringList paramsBefore = paramColumns();
    if (!extraColumns_.isEmpty()) {
        beginRemoveColumns({}, Count, Count + int(extraColumns_.size()) - 1);
        extraColumns_.clear();
        endRemoveColumns();
    }
    if (!valid.isEmpty()) {
        beginInsertColumns({}, Count, Count + int(valid.size()) - 1);
        extraColumns_ = valid;
        endInsertColumns();
    }
    // Rows read before carry the hyperparameters of then: a new one needs them read again.
    const QStringList paramsAfter = paramColumns();
    if (!std::all_of(paramsAfter.begin(), paramsAfter.end(),
                     [&](const QString& p) { return paramsBefore.contains(p); })) {
        ++generation_;
        pendingPages_.clear();
    }
}

void RunsTreeModel::setPageRows(int rows) {
    pageRows_ = std::max(1, rows);
    pendingPages_.clear();
}

void RunsTreeModel::setCacheLimit(int rows) {
    cacheLimit_ = std::max(1, rows);
    evict();
}

void RunsTreeModel::refresh() {
    ++generation_;
    pendingPages_.clear();
    requestOrder();
}

void RunsTreeModel::reloadCatalog() {
    catalogAsked_ = true;
    history_->loadRunColumns();
}

void RunsTreeModel::requestOrder() {
    history_->loadRunTable(++orderRequest_, query_);
}

void RunsTreeModel::onOrderLoaded(quint64 request, const RunTableIndex& index) {
    if (request != orderRequest_)
        return; // an answer to a query since replaced
    const bool workspaceChanged = ready_ && index.totalRuns != totalRuns_;
    order_ = index.runs;
    totalRuns_ = index.totalRuns;
    sweeps_.clear();
    for (const RunTableSweep& sweep : index.sweeps)
        sweeps_.insert(sweep.id, sweep);
    // Pages are slices of the order: a new order asks for its own.
    pendingPages_.clear();
    place(buildTree(order_));
    ready_ = true;
    if (workspaceChanged || (order_.isEmpty() && !catalogAsked_))
        reloadCatalog();
    Q_EMIT orderLoaded();
}

void RunsTreeModel::onCatalogLoaded(const RunColumnCatalog& catalog) {
    catalog_ = catalog;
    Q_EMIT catalogLoaded();
}

// ---- the tree --------------------------------------------------------------------------------

QVector<RunsTreeModel::Node> RunsTreeModel::buildTree(const QVector<RunTableKey>& order) const {
    QVector<Node> tree;
    tree.reserve(order.size());
    QHash<qint64, int> groupRow;
    for (const RunTableKey& key : order) {
        if (!grouped_ || key.sweep <= 0) {
            tree.append({key.id, 0, {}});
            continue;
        }
        // A sweep's row goes where its first trial falls in the order.
        const auto group = groupRow.constFind(key.sweep);
        if (group == groupRow.cend()) {
            groupRow.insert(key.sweep, int(tree.size()));
            tree.append({0, key.sweep, {key.id}});
        } else {
            tree[*group].children.append(key.id);
        }
    }
    return tree;
}

void RunsTreeModel::assign(QVector<Node> tree) {
    top_ = std::move(tree);
    places_.clear();
    sweepRows_.clear();
    QHash<qint64, qint64> sweepOf;
    for (const RunTableKey& key : order_)
        sweepOf.insert(key.id, key.sweep);
    for (int top = 0; top < top_.size(); ++top) {
        const Node& node = top_[top];
        if (node.runId > 0) {
            places_.insert(node.runId, {top, -1, sweepOf.value(node.runId)});
            continue;
        }
        sweepRows_.insert(node.sweepId, top);
        for (int child = 0; child < node.children.size(); ++child)
            places_.insert(node.children[child], {top, child, node.sweepId});
    }
}

void RunsTreeModel::place(QVector<Node> tree) {
    if (top_.isEmpty()) {
        beginResetModel();
        assign(std::move(tree));
        endResetModel();
        return;
    }
    // The same runs and sweeps keep their persistent indexes (selection, current row,
    // expanded sweeps) wherever the new order puts them.
    Q_EMIT layoutAboutToBeChanged();
    const QModelIndexList before = persistentIndexList();
    QVector<Identity> identities;
    identities.reserve(before.size());
    for (const QModelIndex& index : before)
        identities.append(identityOf(index));
    assign(std::move(tree));
    QModelIndexList after;
    after.reserve(before.size());
    for (qsizetype i = 0; i < before.size(); ++i)
        after.append(indexOf(identities[i], before[i].column()));
    changePersistentIndexList(before, after);
    Q_EMIT layoutChanged();
}

RunsTreeModel::Identity RunsTreeModel::identityOf(const QModelIndex& index) const {
    if (!index.isValid())
        return {};
    if (index.internalId() == 0) {
        const Node& node = top_.value(index.row());
        return {node.runId, node.runId > 0 ? 0 : node.sweepId};
    }
    const Node& group = top_.value(int(index.internalId() - 1));
    return {group.children.value(index.row()), 0};
}

QModelIndex RunsTreeModel::indexOf(const Identity& identity, int column) const {
    if (column >= columnCount())
        return {};
    return identity.runId > 0 ? indexOf(identity.runId, column)
                              : indexOfSweep(identity.sweepId, column);
}

QModelIndex RunsTreeModel::indexOf(qint64 runId, int column) const {
    const auto at = places_.constFind(runId);
    if (at == places_.cend())
        return {};
    if (at->child < 0)
        return index(at->top, column);
    return index(at->child, column, index(at->top, 0));
}

QModelIndex RunsTreeModel::indexOfSweep(qint64 sweepId, int column) const {
    const auto row = sweepRows_.constFind(sweepId);
    return row == sweepRows_.cend() ? QModelIndex() : index(*row, column);
}

qint64 RunsTreeModel::runIdAt(const QModelIndex& index) const {
    return index.isValid() ? data(index, RunIdRole).toLongLong() : 0;
}

qint64 RunsTreeModel::sweepIdAt(const QModelIndex& index) const {
    return index.isValid() ? data(index, SweepIdRole).toLongLong() : 0;
}

QList<qint64> RunsTreeModel::runIdsUnder(const QModelIndex& index) const {
    if (!index.isValid())
        return {};
    if (const qint64 run = runIdAt(index))
        return {run};
    const QModelIndex first = index.siblingAtColumn(0);
    QList<qint64> runs;
    if (first.internalId() == 0)
        for (qint64 id : top_.value(first.row()).children)
            runs.append(id);
    return runs;
}

const RunTableRow* RunsTreeModel::row(qint64 runId) const {
    const auto cached = cache_.constFind(runId);
    return cached == cache_.cend() || cached->missing ? nullptr : &cached->data;
}

// ---- pages of rows ---------------------------------------------------------------------------

const RunsTreeModel::CachedRow* RunsTreeModel::fetch(qint64 runId) const {
    auto cached = cache_.find(runId);
    if (cached == cache_.end() || cached->generation < generation_)
        if (const auto at = places_.constFind(runId); at != places_.cend())
            requestPage(*at);
    if (cached == cache_.end())
        return nullptr;
    cached->lastUse = ++useClock_;
    return &*cached;
}

void RunsTreeModel::requestPage(const Place& at) const {
    const bool topRow = at.child < 0;
    const int row = topRow ? at.top : at.child;
    const int page = row / pageRows_;
    const quint64 key = pageKey(topRow ? 0 : top_[at.top].sweepId, page);
    if (pendingPages_.contains(key))
        return;
    QVector<qint64> ids;
    const int first = page * pageRows_;
    if (topRow) {
        for (int r = first; r < std::min(int(top_.size()), first + pageRows_); ++r)
            if (top_[r].runId > 0)
                ids.append(top_[r].runId);
    } else {
        ids = top_[at.top].children.mid(first, pageRows_);
    }
    if (ids.isEmpty())
        return;
    pendingPages_.insert(key);
    const quint64 request = ++rowsRequest_;
    requests_.insert(request, {key, generation_, ids});
    history_->loadRunRows(request, ids, paramColumns());
}

void RunsTreeModel::onRowsLoaded(quint64 request, const QVector<RunTableRow>& rows) {
    const auto asked = requests_.find(request);
    if (asked == requests_.end())
        return;
    const RowsRequest req = *asked;
    requests_.erase(asked);
    pendingPages_.remove(req.page);
    QSet<qint64> arrived;
    for (const RunTableRow& row : rows) {
        CachedRow& cached = cache_[row.run.id];
        cached.data = row;
        cached.missing = false;
        cached.generation = req.generation;
        cached.lastUse = ++useClock_;
        arrived.insert(row.run.id);
    }
    // Asked for but not there: deleted since the order was read. Marked, so the view does not
    // ask again on every repaint; the next order leaves them out.
    for (qint64 id : req.ids)
        if (!arrived.contains(id)) {
            CachedRow& cached = cache_[id];
            cached.missing = true;
            cached.generation = req.generation;
            cached.lastUse = ++useClock_;
        }
    evict();
    // One dataChanged per parent over the rows that arrived (a page is contiguous).
    QHash<int, QPair<int, int>> spans; // parent top row (-1: root) -> first, last
    for (qint64 id : req.ids) {
        const auto at = places_.constFind(id);
        if (at == places_.cend())
            continue;
        const int parentRow = at->child < 0 ? -1 : at->top;
        const int r = at->child < 0 ? at->top : at->child;
        auto span = spans.find(parentRow);
        if (span == spans.end())
            spans.insert(parentRow, {r, r});
        else
            *span = {std::min(span->first, r), std::max(span->second, r)};
    }
    for (auto span = spans.cbegin(); span != spans.cend(); ++span) {
        const QModelIndex parent = span.key() < 0 ? QModelIndex() : index(span.key(), 0);
        Q_EMIT dataChanged(index(span->first, 0, parent),
                           index(span->second, columnCount() - 1, parent));
    }
    if (!catalogAsked_)
        reloadCatalog();
    Q_EMIT rowsLoaded(QList<qint64>(arrived.cbegin(), arrived.cend()));
}

void RunsTreeModel::evict() {
    if (cache_.size() <= cacheLimit_)
        return;
    // Least recently shown first, down to nine tenths of the limit so this runs seldom.
    QVector<QPair<quint64, qint64>> byUse;
    byUse.reserve(cache_.size());
    for (auto it = cache_.cbegin(); it != cache_.cend(); ++it)
        byUse.append({it->lastUse, it.key()});
    std::sort(byUse.begin(), byUse.end());
    const qsizetype keep = std::max<qsizetype>(1, cacheLimit_ * 9 / 10);
    for (qsizetype i = 0; i < byUse.size() - keep; ++i)
        cache_.remove(byUse[i].second);
}

} // namespace trainlab
